"""Scheduled messages when Telegram misbehaves: never lost when surely unsent, never doubled.

Also the watchdog that rebooks a person's daily jobs if they ever go missing, and how /pause
counts nights.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
from telegram.ext import Job

from bot import jobs
from bot.app import BotApp, build_application, open_services
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import ApiError, FakeBotAPI, FakeTelegram
from bot.jobs import JobKind, job_name
from tests.conftest import Chat, FakeClock
from tests.harness import collect_errors, start_held

NIGHT = dt.date(2026, 11, 26)
EVENING = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin


async def run_job(app: BotApp, clock: FakeClock, job: Job[Any]) -> None:
    """Run a booked job as the scheduler would, at its run time."""
    assert job.next_t is not None
    clock.set(max(clock(), job.next_t))
    with contextlib.suppress(LookupError):
        job.job.remove()
    await job.run(app)


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> AsyncIterator[tuple[BotApp, Services]]:
    """A whole bot process on `settings.data_dir`: start, use, shut down."""
    services = open_services(settings, clock=clock, seed=7)
    app = build_application(services, request=FakeTelegram(api), rate_limit=False)
    errors = collect_errors(app)
    await start_held(app)
    try:
        yield app, services
    finally:
        await app.stop()
        await app.shutdown()
        services.diary.store.close()
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
    await run_job(app, clock, services.jobs[job_name(JobKind.EVENING, chat.user_id)])
    assert check_ins(api, chat) == before
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.prompted_at is None, "the failed send is not recorded"
    retry = services.jobs[job_name(JobKind.CATCH_UP_EVENING, chat.user_id)]
    assert retry.next_t == EVENING + dt.timedelta(seconds=2)  # such errors mostly last seconds
    await run_job(app, clock, retry)
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
        job = services.jobs.get(job_name(JobKind.CATCH_UP_EVENING, chat.user_id))
        await run_job(app, clock, job or services.jobs[job_name(JobKind.EVENING, chat.user_id)])
    api.before_call = None
    await run_job(app, clock, services.jobs[job_name(JobKind.CATCH_UP_EVENING, chat.user_id)])
    assert check_ins(api, chat) == before + 1
    assert job_name(JobKind.CATCH_UP_EVENING, chat.user_id) not in services.jobs


async def test_a_timeout_after_sending_is_not_retried_to_avoid_a_duplicate(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    fail_sends(api, httpx.ReadTimeout("no answer"), times=1)
    await run_job(app, clock, services.jobs[job_name(JobKind.EVENING, chat.user_id)])
    assert job_name(JobKind.CATCH_UP_EVENING, chat.user_id) not in services.jobs
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.prompted_at is not None


async def test_retries_stop_when_the_catch_up_window_closes(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock, api: FakeBotAPI
) -> None:
    await chat.onboard()
    before = check_ins(api, chat)
    failures = fail_sends(api, ApiError(503, "Service Unavailable"), times=100)
    await run_job(app, clock, services.jobs[job_name(JobKind.EVENING, chat.user_id)])
    while (job := services.jobs.get(job_name(JobKind.CATCH_UP_EVENING, chat.user_id))) is not None:
        await run_job(app, clock, job)
    assert failures[0] == 1 + len(jobs.RETRY_DELAYS)
    assert clock() - EVENING <= dt.timedelta(hours=2)
    assert check_ins(api, chat) == before
    # Tomorrow's check-in is still booked: one bad evening never ends the reminders.
    evening = services.jobs[job_name(JobKind.EVENING, chat.user_id)]
    assert evening.next_t == EVENING + dt.timedelta(days=1)


async def test_the_watchdog_rebooks_daily_jobs_that_went_missing(
    chat: Chat, app: BotApp, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    evening = services.jobs[job_name(JobKind.EVENING, chat.user_id)]
    evening.job.remove()  # gone from the scheduler without our callback running
    [watchdog] = [j for j in app.job_queue.jobs() if j.name == "watchdog"]  # type: ignore[union-attr]
    await watchdog.run(app)
    rebooked = services.jobs[job_name(JobKind.EVENING, chat.user_id)]
    assert rebooked is not evening and rebooked.next_t == EVENING


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
    retry = services.jobs[job_name(JobKind.REPLY, chat.user_id)]
    assert retry.next_t == clock() + dt.timedelta(seconds=2)
    await run_job(app, clock, retry)  # Telegram still down: tried again a little later
    assert failures == [2] and saved_replies(api, chat) == 0
    retry = services.jobs[job_name(JobKind.REPLY, chat.user_id)]
    await run_job(app, clock, retry)
    assert saved_replies(api, chat) == 1
    assert job_name(JobKind.REPLY, chat.user_id) not in services.jobs
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
    await run_job(app, clock, services.jobs[job_name(JobKind.REPLY, chat.user_id)])
    assert saved_replies(api, chat) == 1  # only the second: the first is never sent twice
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pending_replies == ()


async def test_a_kept_reply_survives_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> None:
    async with running_app(settings, clock, api) as (app, services):
        talk = Chat(app, api, 501)
        await talk.onboard()
        fail_sends(api, httpx.ConnectError("refused"), times=1)
        await talk.send("a note written just before a restart")
    async with running_app(settings, clock, api) as (app, services):
        retry = services.jobs[job_name(JobKind.REPLY, 501)]
        await run_job(app, clock, retry)
    assert sum("Saved your note" in s.text for s in api.sent_to(501)) == 1
