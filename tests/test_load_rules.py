"""The rules that keep the bot fair under load, one at a time: the flood limit, groups, the
per-chat update order and the fair rate limiter (over a fake clock and fake API calls)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import RetryAfter

from bot.fake_telegram import FakeBotAPI
from bot.ordering import ChatOrderedProcessor
from bot.ratelimit import FairLimiter
from bot.throttle import (
    GROUP_REPLY_EVERY,
    GroupPolicy,
    PersonThrottle,
    Verdict,
)
from tests.conftest import FakeClock

START = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)


# -- a person's flood --------------------------------------------------------------------------


def test_a_burst_is_answered_then_one_slow_down_then_quiet_until_the_person_slows() -> None:
    clock = FakeClock(START)
    throttle = PersonThrottle(burst=20, per_minute=20)
    verdicts = [throttle.admit(7, clock.advance(seconds=0.05)) for _ in range(40)]
    assert verdicts[:20] == [Verdict.ANSWER] * 20
    assert verdicts[20] is Verdict.WARN
    assert set(verdicts[21:]) == {Verdict.QUIET}
    # Three seconds of quiet earn one answered message; the warning is not repeated at once.
    assert throttle.admit(7, clock.advance(seconds=3)) is Verdict.ANSWER
    assert throttle.admit(7, clock.advance(seconds=0.1)) is Verdict.QUIET
    # Another person is not affected at all.
    assert throttle.admit(8, clock()) is Verdict.ANSWER


def test_a_person_typing_at_a_human_pace_is_never_held_back() -> None:
    clock = FakeClock(START)
    throttle = PersonThrottle(burst=20, per_minute=20)
    assert {throttle.admit(7, clock.advance(seconds=3)) for _ in range(500)} == {Verdict.ANSWER}


def test_a_flood_that_goes_on_gets_a_slow_down_at_most_once_a_minute() -> None:
    clock = FakeClock(START)
    throttle = PersonThrottle(burst=20, per_minute=20)
    verdicts = [throttle.admit(7, clock.advance(seconds=0.1)) for _ in range(1500)]  # 150 s
    assert verdicts.count(Verdict.WARN) == 3


# -- groups ------------------------------------------------------------------------------------


def test_a_group_gets_an_answer_once_in_a_few_minutes_and_is_left_after_a_second_burst() -> None:
    clock = FakeClock(START)
    policy = GroupPolicy()
    first = policy.on_message(-5, clock())
    assert first.reply and not first.leave
    actions = [policy.on_message(-5, clock.advance(seconds=1)) for _ in range(8)]
    assert not any(a.reply or a.leave for a in actions)
    clock.advance(seconds=GROUP_REPLY_EVERY.total_seconds())
    assert policy.on_message(-5, clock()).reply
    # Forty messages in eight seconds: two bursts of ten within a minute, then the bot leaves,
    # and messages still arriving from that group get nothing.
    policy = GroupPolicy()
    burst = [policy.on_message(-6, clock.advance(seconds=0.2)) for _ in range(40)]
    assert sum(a.reply for a in burst) == 1
    assert sum(a.leave for a in burst) == 1
    left_at = next(i for i, a in enumerate(burst) if a.leave)
    assert not any(a.reply or a.leave for a in burst[left_at + 1 :])


# -- per-chat order ------------------------------------------------------------------------------


def message(update_id: int, chat_id: int) -> Update:
    api = FakeBotAPI(queue_updates=False)
    payload = api.send_text(chat_id, f"text {update_id}")
    payload["update_id"] = update_id
    update = Update.de_json(payload, None)
    assert update is not None
    return update


async def test_one_chats_updates_run_in_order_while_another_chat_goes_ahead() -> None:
    processor = ChatOrderedProcessor()
    done: list[str] = []
    slow_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        done.append(name)

    tasks = [
        asyncio.create_task(processor.process_update(message(1, 10), handle("a1", slow_first))),
        asyncio.create_task(processor.process_update(message(2, 10), handle("a2"))),
        asyncio.create_task(processor.process_update(message(3, 20), handle("b1"))),
    ]
    await asyncio.sleep(0.01)
    assert done == ["b1"], "the other chat must not wait for chat 10's slow update"
    slow_first.set()
    await asyncio.gather(*tasks)
    assert done == ["b1", "a1", "a2"]
    assert processor.busy_chats() == 0


# -- the fair rate limiter ---------------------------------------------------------------------


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


Result = bool | dict[str, Any] | list[dict[str, Any]]


def api_call(
    log: list[str], name: str, fail: list[BaseException] | None = None
) -> Callable[..., Coroutine[Any, Any, Result]]:
    async def call(*_: Any, **__: Any) -> Result:
        if fail:
            raise fail.pop(0)
        log.append(name)
        return True

    return call


async def send(limiter: FairLimiter, chat: int, call: Callable[..., Any]) -> Result:
    return await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)


async def test_a_429_in_one_chat_holds_only_that_chat() -> None:
    clock = FakeMonotonic()
    limiter = FairLimiter(clock=clock)
    log: list[str] = []
    stuck = asyncio.create_task(send(limiter, 1, api_call(log, "one", [RetryAfter(30)])))
    await asyncio.sleep(0.01)
    await send(limiter, 2, api_call(log, "two"))
    assert log == ["two"], "chat 2 went at once while chat 1 waits out its 30 s"
    clock.now = 31.0
    limiter._poke()
    await asyncio.wait_for(stuck, 1)
    assert log == ["two", "one"]
    await limiter.shutdown()


async def test_a_429_for_a_group_is_never_retried() -> None:
    limiter = FairLimiter(clock=FakeMonotonic())
    log: list[str] = []
    try:
        await send(limiter, -100, api_call(log, "group", [RetryAfter(56)]))
    except RetryAfter:
        pass
    else:
        raise AssertionError("a group's 429 must reach the caller, not be waited out")
    assert log == []
    await limiter.shutdown()


async def test_the_overall_rate_is_shared_round_robin_between_waiting_chats() -> None:
    clock = FakeMonotonic()
    limiter = FairLimiter(limit=4, period=1.0, clock=clock)
    log: list[str] = []
    # Chat 1 queues eight messages, then chat 2 queues two: with 4 a second overall, chat 2
    # must not wait behind all of chat 1's.
    tasks = [asyncio.create_task(send(limiter, 1, api_call(log, f"a{i}"))) for i in range(8)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(send(limiter, 2, api_call(log, f"b{i}"))) for i in range(2)]
    for second in range(1, 5):
        await asyncio.sleep(0.01)
        clock.now = float(second) + 0.01
        limiter._poke()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert log.index("b1") < log.index("a7")
    assert log[:4] == ["a0", "a1", "a2", "a3"]
    assert set(log[4:8]) >= {"b0", "b1"}
    await limiter.shutdown()


async def test_after_close_nothing_waits_out_a_rate_limit() -> None:
    clock = FakeMonotonic()
    limiter = FairLimiter(clock=clock)
    log: list[str] = []
    waiting = asyncio.create_task(send(limiter, 1, api_call(log, "one", [RetryAfter(30)])))
    await asyncio.sleep(0.01)
    limiter.close()
    try:
        await asyncio.wait_for(waiting, 1)
    except RetryAfter:
        pass
    else:
        raise AssertionError("a shutting-down bot must not wait 30 s for a chat")
    assert log == []
    await limiter.shutdown()
