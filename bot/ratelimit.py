"""Sending within Telegram's limits, fairly: one busy or throttled chat never holds up another.

Telegram allows about 30 messages a second overall, about one a second in a private chat (short
bursts are tolerated) and 20 a minute in a group; beyond that it answers 429 "retry after N".
`FairLimiter` keeps every chat inside those limits and shares the overall 30 a second round
robin between the chats that are waiting, so a flood of replies to one person, or a group
that drew a 56-second 429, delays only that chat. (python-telegram-bot's AIORateLimiter pauses
every request while any one of them waits out a 429.)
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Telegram's public limits (Bot API FAQ). Private chats: "avoid sending more than one message
# per second; short bursts may go over": we allow a burst of 10 (set-up answers with two or
# three messages a step), then one a second.
MESSAGES_PER_SECOND = 30
PRIVATE_BURST = 10
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20
# A 429 for a private chat is waited out (for that chat only) at most this many times.
RATE_LIMIT_RETRIES = 3
# After `close()`, a request may still wait this long for its turn, then fails at once.
CLOSING_GRACE = 2.0

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCall = Callable[..., Coroutine[Any, Any, ApiResult]]


def is_group(chat_id: object) -> bool:
    """Groups and channels have negative ids (or an @username)."""
    if isinstance(chat_id, str):
        return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
    return isinstance(chat_id, int) and chat_id < 0


@dataclass
class _Chat:
    """One chat's share: its own pace, its own 429 wait, its requests in order."""

    group: bool
    tokens: float
    refilled: float
    sent: collections.deque[float] = field(default_factory=collections.deque)  # groups only
    blocked_until: float = 0.0
    waiting: collections.deque[asyncio.Future[None]] = field(default_factory=collections.deque)

    def ready_in(self, now: float) -> float:
        """Seconds until this chat may send again (0: now)."""
        if self.blocked_until > now:
            return self.blocked_until - now
        if self.group:
            while self.sent and self.sent[0] <= now - 60.0:
                self.sent.popleft()
            return 0.0 if len(self.sent) < GROUP_PER_MINUTE else self.sent[0] + 60.0 - now
        self.tokens = min(PRIVATE_BURST, self.tokens + (now - self.refilled) * PRIVATE_PER_SECOND)
        self.refilled = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / PRIVATE_PER_SECOND

    def take(self, now: float) -> None:
        if self.group:
            self.sent.append(now)
        else:
            self.tokens -= 1


class FairLimiter(BaseRateLimiter[int]):
    """Per-chat pace and 429 waits; the overall rate shared round robin between chats.

    The overall rate is counted as Telegram sees it: a request holds its place from the moment
    it is let through until `period` after its answer came back, so however late the event
    loop runs, no second at Telegram sees more than `limit` of them (with 1,000 check-ins due
    at once this gave 0 answers of 429, where counting at admission drew about 30 %).

    A 429 for a private chat blocks that chat for `retry_after` and the request is tried again
    (at most `max_retries` times); a 429 for a group is never retried. After `close()` (the bot
    is shutting down) nothing waits any more: a request that cannot go at once fails with
    RetryAfter, which the callers treat as "surely not sent" (a request already due within
    CLOSING_GRACE seconds still goes).
    """

    def __init__(
        self,
        limit: int = MESSAGES_PER_SECOND,
        period: float = 1.0,
        max_retries: int = RATE_LIMIT_RETRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.period = period
        self.max_retries = max_retries
        self._clock = clock
        self._chats: dict[str, _Chat] = {}
        self._turns: collections.deque[str] = collections.deque()  # chats with waiters
        self._in_flight = 0
        self._answered: collections.deque[float] = collections.deque()
        self._changed: asyncio.Event | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self.closing = False
        self._closed_at = 0.0

    async def initialize(self) -> None:
        """Nothing to open: the dispatcher starts with the first request."""

    async def shutdown(self) -> None:
        self.close()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None

    def close(self) -> None:
        """From now on fail fast instead of waiting (shutdown must not wait out a 429)."""
        if not self.closing:
            self.closing = True
            self._closed_at = self._clock()
        self._poke()

    async def process_request(
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        chat_id = data.get("chat_id")
        if chat_id is None:  # getUpdates, answerCallbackQuery: not counted by Telegram
            return await callback(*args, **kwargs)
        key = str(chat_id)
        retries = 0
        while True:
            await self._admit(key, is_group(chat_id))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                chat = self._chat(key, is_group(chat_id))
                wait = error.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                chat.blocked_until = max(chat.blocked_until, self._clock() + seconds)
                if chat.group or self.closing or retries >= self.max_retries:
                    raise
                retries += 1
            finally:
                self._in_flight -= 1
                self._answered.append(self._clock())
                self._poke()

    # -- admission --------------------------------------------------------------------------

    def _chat(self, key: str, group: bool) -> _Chat:
        chat = self._chats.get(key)
        if chat is None:
            burst = float(PRIVATE_BURST)
            chat = self._chats[key] = _Chat(group=group, tokens=burst, refilled=self._clock())
        return chat

    async def _admit(self, key: str, group: bool) -> None:
        """Wait for this chat's turn."""
        chat = self._chat(key, group)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        chat.waiting.append(turn)
        if key not in self._turns:
            self._turns.append(key)
        self._ensure_dispatcher()
        self._poke()
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # granted but nobody will use it
                self._in_flight -= 1
                self._poke()
            raise

    def _ensure_dispatcher(self) -> None:
        if self._dispatcher is None or self._dispatcher.done():
            self._changed = asyncio.Event()
            self._dispatcher = asyncio.create_task(self._dispatch(), name="fair-limiter")

    def _poke(self) -> None:
        if self._changed is not None:
            self._changed.set()

    async def _dispatch(self) -> None:
        assert self._changed is not None
        while True:
            self._changed.clear()
            wait = self._grant()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), wait)

    def _grant(self) -> float | None:
        """Let through whatever may go now, one request per chat per round; returns how long
        until something could change by itself (None: only a new request or answer can)."""
        soonest: float | None = None

        def later(seconds: float) -> None:
            nonlocal soonest
            soonest = seconds if soonest is None else min(soonest, seconds)

        granted = True
        while granted and self._turns:
            granted = False
            now = self._clock()
            while self._answered and self._answered[0] <= now - self.period:
                self._answered.popleft()
            for _ in range(len(self._turns)):
                if self._in_flight >= self.limit:
                    break  # every place is taken by a request in flight: its answer pokes us
                key = self._turns[0]
                self._turns.rotate(-1)
                chat = self._chats[key]
                while chat.waiting and chat.waiting[0].done():  # cancelled while waiting
                    chat.waiting.popleft()
                if not chat.waiting:
                    self._turns.remove(key)
                    if not chat.group and chat.ready_in(now) == 0 and chat.tokens >= PRIVATE_BURST:
                        del self._chats[key]  # back to a full burst: nothing to remember
                    continue
                pause = chat.ready_in(now)
                if self._in_flight + len(self._answered) >= self.limit:
                    pause = max(pause, self._answered[0] + self.period - now)
                hopeless = self.closing and now + pause > self._closed_at + CLOSING_GRACE
                if pause > 0 and not hopeless:
                    later(pause)
                    continue
                turn = chat.waiting.popleft()
                granted = True  # a turn was settled: go round again
                if pause > 0:  # shutting down: fail now rather than wait past the grace
                    turn.set_exception(RetryAfter(1))
                    continue
                chat.take(now)
                self._in_flight += 1
                turn.set_result(None)
        return soonest
