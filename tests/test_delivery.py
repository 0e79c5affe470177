"""Scheduled messages when Telegram misbehaves: never lost when surely unsent, never doubled.

Also that a failed evening never ends the reminders, and how /pause counts nights.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx

from bot import delivery
from bot.app import BotApp
from bot.booking import JobKind
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import ApiError, FakeBotAPI, FakeTelegram
from tests.conftest import Chat, FakeClock
from tests.harness import booked, fire, job, process

NIGHT = dt.date(2026, 11, 26)
EVENING = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> AsyncIterator[tuple[BotApp, Services]]:
    """A whole bot process on `settings.data_dir`: start, use, shut down."""
    async with process(settings, clock, FakeTelegram(api), seed=7) as (app, services, errors):
        yield app, services
    assert not errors, errors


def fail_sends(api: FakeBotAPI, error: BaseException | ApiError, times: int) -> list[int]:
    """Make the next `times` sendMessage calls fail with `error`; returns a call counter."""
    failures = [0]

    async def hook(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and failures[0] < times:
            failures[0] += 1
            raise error

    api.before_call = hook
    return failures


def check_ins(api: FakeBotAPI, chat: Chat) -> int:
    return sum("How do your legs feel" in s.text for s in api.sent_to(chat.user_id))


async def test_a_check_in_refused_with_a_5xx_is_sent_again_and_arrives_once(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    before = check_ins(api, chat)
    fail_sends(api, ApiError(502, "Bad Gateway"), times=1)
    await fire(app, clock, job(app, JobKind.EVENING, chat.user_id))
    assert check_ins(api, chat) == before
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.prompted_at is None, "the failed send is not recorded"
    retry = job(app, JobKind.CATCH_UP_EVENING, chat.user_id)
    assert retry.next_t == EVENING + dt.timedelta(seconds=2)  # such errors mostly last seconds
    await fire(app, clock, retry)
    assert check_ins(api, chat) == before + 1
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.prompted_at is not None


async def test_connection_errors_and_rate_limits_are_retried_until_it_arrives(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    before = check_ins(api, chat)
    errors = [httpx.ConnectError("refused"), ApiError(429, "Too Many Requests", retry_after=3)]
    for error in errors:
        fail_sends(api, error, times=1)
        retry = booked(app, JobKind.CATCH_UP_EVENING, chat.user_id)
        await fire(app, clock, retry or job(app, JobKind.EVENING, chat.user_id))
    api.before_call = None
    await fire(app, clock, job(app, JobKind.CATCH_UP_EVENING, chat.user_id))
    assert check_ins(api, chat) == before + 1
    assert booked(app, JobKind.CATCH_UP_EVENING, chat.user_id) is None


async def test_a_timeout_after_sending_is_not_retried_to_avoid_a_duplicate(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    fail_sends(api, httpx.ReadTimeout("no answer"), times=1)
    await fire(app, clock, job(app, JobKind.EVENING, chat.user_id))
    assert booked(app, JobKind.CATCH_UP_EVENING, chat.user_id) is None
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.prompted_at is not None


async def test_retries_stop_when_the_catch_up_window_closes(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    before = check_ins(api, chat)
    failures = fail_sends(api, ApiError(503, "Service Unavailable"), times=100)
    await fire(app, clock, job(app, JobKind.EVENING, chat.user_id))
    while (retry := booked(app, JobKind.CATCH_UP_EVENING, chat.user_id)) is not None:
        await fire(app, clock, retry)
    assert failures[0] == 1 + len(delivery.RETRY_DELAYS)
    assert clock() - EVENING <= dt.timedelta(hours=2)
    assert check_ins(api, chat) == before
    # Tomorrow's check-in is still booked: one bad evening never ends the reminders.
    evening = job(app, JobKind.EVENING, chat.user_id)
    assert evening.next_t == EVENING + dt.timedelta(days=1)


async def test_an_evening_whose_send_telegram_refuses_still_leaves_tomorrows_booked(
    chat: Chat, app: BotApp, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    before = check_ins(api, chat)
    fail_sends(api, ApiError(400, "Bad Request: message is too long"), times=1)
    await fire(app, clock, job(app, JobKind.EVENING, chat.user_id))
    assert check_ins(api, chat) == before
    assert booked(app, JobKind.CATCH_UP_EVENING, chat.user_id) is None  # it would fail again
    # The JobQueue alone knows which jobs exist: tomorrow's is there, once.
    assert job(app, JobKind.EVENING, chat.user_id).next_t == EVENING + dt.timedelta(days=1)
    assert len(app.job_queue.get_jobs_by_name(f"evening:{chat.user_id}")) == 1  # type: ignore[union-attr]


async def test_pause_counts_nights_from_the_next_check_in(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.set(dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC))  # Friday 09:00 in Berlin
    [reply] = await chat.send("/pause 2")
    assert "Sunday 29 November" in reply.text
    clock.set(dt.datetime(2026, 11, 27, 21, 30, tzinfo=dt.UTC))  # Friday 22:30, after it
    [reply] = await chat.send("/pause 1")
    assert "Sunday 29 November" in reply.text


async def test_a_check_in_time_that_has_passed_says_the_next_one_is_tomorrow(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard(at="22:00")
    [reply] = await chat.send("/time 19:30")  # it is 20:00 in Berlin
    assert "next check-in is tomorrow" in reply.text
    [reply] = await chat.send("/time 21:30")
    assert "tomorrow" not in reply.text


# -- "saved" replies during an outage ----------------------------------------------------------


def saved_replies(api: FakeBotAPI, chat: Chat) -> int:
    return sum("Saved your note" in s.text for s in api.sent_to(chat.user_id))


async def test_a_saved_reply_lost_to_an_outage_is_sent_once_when_telegram_is_back(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    failures = fail_sends(api, ApiError(502, "Bad Gateway"), times=2)
    assert await chat.send("fizzy calves during the outage") == []
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and [n.text for n in night.notes] == [
        "fizzy calves during the outage"
    ]
    retry = job(app, JobKind.REPLY, chat.user_id)
    assert retry.next_t == clock() + dt.timedelta(seconds=2)
    await fire(app, clock, retry)  # Telegram still down: tried again a little later
    assert failures == [2] and saved_replies(api, chat) == 0
    retry = job(app, JobKind.REPLY, chat.user_id)
    await fire(app, clock, retry)
    assert saved_replies(api, chat) == 1
    assert booked(app, JobKind.REPLY, chat.user_id) is None
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pending_replies == ()


async def test_saved_replies_wait_in_order_and_a_maybe_sent_one_is_not_repeated(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    fail_sends(api, ApiError(503, "Service Unavailable"), times=1)
    await chat.send("first note")
    assert await chat.send("second note") == [], "it queues behind the first"
    fail_sends(api, httpx.ReadTimeout("no answer"), times=1)  # the first may have arrived
    await fire(app, clock, job(app, JobKind.REPLY, chat.user_id))
    assert saved_replies(api, chat) == 1  # only the second: the first is never sent twice
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pending_replies == ()


async def test_a_kept_reply_survives_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> None:
    async with running_app(settings, clock, api) as (app, _services):
        talk = Chat(app, api, 501)
        await talk.onboard()
        fail_sends(api, httpx.ConnectError("refused"), times=1)
        await talk.send("legs twitchy just before a restart, walked the landing")
    async with running_app(settings, clock, api) as (app, _services):
        retry = job(app, JobKind.REPLY, 501)
        await fire(app, clock, retry)
    assert sum("Saved your note" in s.text for s in api.sent_to(501)) == 1


async def test_a_long_backlog_of_saved_replies_keeps_going_out_while_each_round_sends_some(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    # Telegram's per-chat pace refuses a send now and then while a backlog goes out. A round
    # that sent some is no outage: the next round comes seconds later, however many there are.
    await chat.onboard()
    fail_sends(api, ApiError(502, "Bad Gateway"), times=1)
    notes = [f"backlog {i} legs fizzing" for i in range(12)]
    for note in notes:
        assert await chat.send(note) == []  # each queues behind the first, kept
    calls = [0]

    async def every_other_refused(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            calls[0] += 1
            if calls[0] % 2 == 0:
                raise ApiError(429, "Too Many Requests", retry_after=1)

    api.before_call = every_other_refused
    rounds = 0
    while (retry := booked(app, JobKind.REPLY, chat.user_id)) is not None:
        assert retry.next_t is not None
        assert retry.next_t <= clock() + dt.timedelta(seconds=2), "no long wait between rounds"
        await fire(app, clock, retry)
        rounds += 1
    assert saved_replies(api, chat) == len(notes)
    assert rounds == len(notes)
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pending_replies == ()


async def test_a_reply_kept_while_a_round_of_replies_goes_out_is_sent_after_it(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    # A note that arrives while the backlog is going out keeps its reply behind the others;
    # the job it books is skipped while the round runs, so the round sends it too.
    await chat.onboard()
    fail_sends(api, ApiError(502, "Bad Gateway"), times=1)
    assert await chat.send("first note, calves crawling") == []
    arrived = [False]

    async def a_note_arrives(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and not arrived[0]:
            arrived[0] = True
            services.diary.people.keep_reply(chat.user_id, "Saved your note (later)", clock())

    api.before_call = a_note_arrives
    await fire(app, clock, job(app, JobKind.REPLY, chat.user_id))
    sent = [s.text for s in api.sent_to(chat.user_id)]
    assert sent[-1] == "Saved your note (later)" and saved_replies(api, chat) == 2
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pending_replies == ()
