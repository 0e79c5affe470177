"""Keeping under Telegram's 30 messages per second, as Telegram counts them."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

# Telegram's public rate: 30 messages per second overall. Retries honour `retry_after`.
MESSAGES_PER_SECOND = 30
RATE_LIMIT_RETRIES = 3

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCall = Callable[..., Coroutine[Any, Any, ApiResult]]


class SendWindow(BaseRateLimiter[int]):
    """At most `limit` requests to chats in any `period` seconds, as Telegram counts them.

    PTB's AIORateLimiter counts a request when it lets it through, not when it reaches
    Telegram. When a thousand check-ins fall due in the same minute, each job does its storage
    work before it sends, which holds the event loop: requests let through meanwhile all go out
    together when it frees, Telegram answers 429, and every 429 stops all sending for a second
    and releases another burst. (Measured against a fake enforcing 30/s: 1,000 check-ins drew
    435 answers of 429 and pushed 6 to the next retry a minute later.)

    Here a request holds its place from the moment it is let through until `period` after its
    answer came back. Its arrival at Telegram lies in that span, so no `period`-long window at
    Telegram can see more than `limit` of them, however late the loop runs. Group limits and
    retries after a 429 (`max_retries`, honouring `retry_after`) stay AIORateLimiter's.
    """

    def __init__(
        self,
        limit: int = MESSAGES_PER_SECOND,
        period: float = 1.0,
        max_retries: int = RATE_LIMIT_RETRIES,
    ) -> None:
        self.limit = limit
        self.period = period
        self._retries = AIORateLimiter(overall_max_rate=0, max_retries=max_retries)
        self._in_flight = 0
        self._answered: collections.deque[float] = collections.deque()
        self._turn = asyncio.Lock()  # first come, first served; one waiter checks at a time
        self._freed = asyncio.Event()

    async def initialize(self) -> None:
        await self._retries.initialize()

    async def shutdown(self) -> None:
        await self._retries.shutdown()

    async def process_request(
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        if data.get("chat_id") is None:  # getUpdates, answerCallbackQuery: not limited
            return await self._retries.process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        async def in_window(*call_args: Any, **call_kwargs: Any) -> ApiResult:
            await self._enter()
            try:
                return await callback(*call_args, **call_kwargs)
            finally:
                self._leave()

        return await self._retries.process_request(
            in_window, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _enter(self) -> None:
        async with self._turn:
            while True:
                now = time.monotonic()
                while self._answered and self._answered[0] <= now - self.period:
                    self._answered.popleft()
                if self._in_flight + len(self._answered) < self.limit:
                    self._in_flight += 1
                    return
                self._freed.clear()
                wait = self._answered[0] + self.period - now if self._answered else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._freed.wait(), wait)

    def _leave(self) -> None:
        self._in_flight -= 1
        self._answered.append(time.monotonic())
        self._freed.set()
