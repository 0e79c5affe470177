"""Telegram misbehaving around a scheduled check-in, over real HTTP.

The real Application, with the bot's own transport (python-telegram-bot's `HTTPXRequest`:
httpx, form encoding; here with short timeouts) and the production rate limiter, talks to
`FakeBotApiServer`, which injects the faults. The scheduler is started paused: a test fires a
job the way APScheduler would (the FakeClock at its due instant, the one-off job taken off the
queue, `job.run(app)`) and fires a retry job the same way at its `next_t`. For every fault:
the check-in reaches the fake exactly once, no error escapes a job, and the number of requests
is bounded (retries are jobs booked minutes ahead, never a loop).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from telegram.ext import Job

from bot import delivery
from bot.__main__ import ALLOWED_UPDATES
from bot.app import BotApp
from bot.booking import JobKind
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import html_to_plain
from bot.ratelimit import RATE_LIMIT_RETRIES
from bot.texts import EveningText, t
from bot.transport import TelegramTransport
from tests.conftest import CONTENT, KEY_TEXT, FakeClock
from tests.fake_bot_api_server import FakeBotApiServer
from tests.harness import booked, process

# Over real HTTP or in subprocesses: run by `make test`, skipped by `make test-fast`.
pytestmark = pytest.mark.slow

T = TypeVar("T")

TOKEN = "123456789:AAFakeTokenForFaultTests_0123456-xyz"
UID = 7001
BERLIN = "Europe/Berlin"
NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
EVENING = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin
NIGHT = dt.date(2026, 11, 26)
QUESTION = html_to_plain(t(EveningText.RATING_QUESTION))
# Short client timeouts keep the tests fast; a local fake answers in milliseconds.
READ_TIMEOUT = 1.0
SLOW_ANSWER = 2.0  # longer than READ_TIMEOUT: the client gives up, the fake still sends
JOB_TIMEOUT = 15.0  # no job may take longer, whatever the fault
WAIT = 10.0


def http_settings(tmp_path: Path, server: FakeBotApiServer) -> Settings:
    """Settings for a bot that talks to `server` over HTTP."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        content_file=CONTENT,
        default_timezone=BERLIN,
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_base_url=server.base_url,
        data_key=KEY_TEXT,  # type: ignore[arg-type]
    )


def http_request() -> TelegramTransport:
    """The bot's own transport (bot/transport.py) with short timeouts."""
    return TelegramTransport(
        connect_timeout=READ_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        write_timeout=READ_TIMEOUT,
        pool_timeout=READ_TIMEOUT,
    )


async def off_loop(wait: Callable[[], T]) -> T:
    """Run a blocking wait on the fake server without blocking the bot's event loop."""
    return await asyncio.to_thread(wait)


@dataclass
class Bot:
    """The running bot, its clock, the fake it talks to and the errors its jobs raised."""

    app: BotApp
    services: Services
    clock: FakeClock
    server: FakeBotApiServer
    errors: list[BaseException]

    def job(self, kind: JobKind) -> Job[Any] | None:
        return booked(self.app, kind, UID)

    async def fire(self, kind: JobKind) -> dt.datetime:
        """Run the booked job of this kind as the scheduler would; returns when it was due."""
        job = self.job(kind)
        assert job is not None, f"no {kind.value} job booked"
        assert job.next_t is not None
        self.clock.set(job.next_t)
        job.job.remove()  # APScheduler takes a one-off job off the queue as it fires it
        await asyncio.wait_for(job.run(self.app), JOB_TIMEOUT)
        return job.next_t

    def check_ins(self) -> int:
        """Check-ins that reached the person's chat."""
        return sum(QUESTION in sent.text for sent in self.server.sent_to(UID))

    def sends(self) -> list[int]:
        """The status of every sendMessage request the fake answered (0: dropped)."""
        return [r.status for r in self.server.requests() if r.method == "sendMessage"]

    def prompted(self) -> bool:
        """Whether storage says tonight's check-in went out."""
        night = self.services.diary.store.get_night(UID, NIGHT)
        return night is not None and night.prompted_at is not None


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(tmp_path: Path, server: FakeBotApiServer) -> AsyncIterator[Bot]:
    """A person set up for 22:00 in Berlin, and the bot at noon that day, over HTTP."""
    clock = FakeClock(NOON)

    def set_up(services: Services) -> None:
        people = services.diary.people
        people.consent(UID, UID, "en", clock())
        people.set_timezone(UID, BERLIN, now=clock())
        people.set_checkin_time(UID, "22:00", now=clock())

    settings = http_settings(tmp_path, server)
    running = process(
        settings, clock, http_request(), seed=7, rate_limit=True, before_start=set_up
    )
    async with running as (app, services, errors):
        yield Bot(app, services, clock, server, errors)
    assert errors == [], f"jobs or handlers raised: {errors!r}"


def booked_at(bot: Bot, kind: JobKind) -> dt.datetime | None:
    job = bot.job(kind)
    return None if job is None else job.next_t


async def test_the_evening_job_is_booked_for_the_persons_local_time(bot: Bot) -> None:
    assert booked_at(bot, JobKind.EVENING) == EVENING
    assert await bot.fire(JobKind.EVENING) == EVENING
    assert bot.check_ins() == 1
    assert bot.sends() == [200]
    assert bot.errors == []


async def test_a_rate_limit_answer_is_waited_out_by_the_limiter_and_the_check_in_arrives_once(
    bot: Bot,
) -> None:
    bot.server.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await bot.fire(JobKind.EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [429, 200]
    refused, accepted = (r for r in bot.server.requests() if r.method == "sendMessage")
    # When the fake saw them: the second try came only after the wait Telegram asked for.
    assert accepted.started - refused.finished >= 1.0, "retry_after was not honoured"
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) is None
    assert bot.prompted()
    assert bot.errors == []


async def test_a_rate_limit_that_outlasts_the_limiters_retries_is_tried_again_a_minute_later(
    bot: Bot,
) -> None:
    tries = RATE_LIMIT_RETRIES + 1
    bot.server.fail(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=tries
    )
    await bot.fire(JobKind.EVENING)
    assert bot.check_ins() == 0
    assert bot.sends() == [429] * tries
    assert not bot.prompted(), "a send that surely failed is not recorded as sent"
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) == EVENING + delivery.RETRY_DELAYS[0]

    await bot.fire(JobKind.CATCH_UP_EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [429] * tries + [200]
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) is None
    assert bot.prompted()
    assert bot.errors == []


@pytest.mark.parametrize(
    ("status", "description"),
    [(500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")],
)
async def test_a_server_error_is_tried_again_a_minute_later_and_the_check_in_arrives_once(
    bot: Bot, status: int, description: str
) -> None:
    bot.server.fail("sendMessage", status, description)
    await bot.fire(JobKind.EVENING)
    assert bot.check_ins() == 0
    assert bot.sends() == [status]
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) == EVENING + delivery.RETRY_DELAYS[0]

    await bot.fire(JobKind.CATCH_UP_EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [status, 200]
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) is None
    assert bot.errors == []


@pytest.mark.parametrize("status", [502, 503])
async def test_an_error_page_from_a_proxy_in_front_of_telegram_is_tried_again(
    bot: Bot, status: int
) -> None:
    bot.server.fail_page("sendMessage", status)
    await bot.fire(JobKind.EVENING)
    assert bot.sends() == [status]
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) == EVENING + delivery.RETRY_DELAYS[0]

    await bot.fire(JobKind.CATCH_UP_EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [status, 200]
    assert bot.errors == []


async def test_a_gateway_timeout_page_is_not_tried_again_as_telegram_may_have_sent_it(
    bot: Bot,
) -> None:
    bot.server.fail_page("sendMessage", 504)
    await bot.fire(JobKind.EVENING)
    assert bot.sends() == [504]
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) is None
    assert bot.prompted()
    assert bot.errors == []


async def test_an_answer_slower_than_the_read_timeout_is_not_sent_a_second_time(
    bot: Bot,
) -> None:
    bot.server.delay("sendMessage", SLOW_ANSWER)
    await bot.fire(JobKind.EVENING)
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) is None, "a maybe-sent check-in is retried"
    assert bot.prompted(), "tonight stays marked as prompted, so no restart sends it again"

    # Telegram carried the request out although the bot never heard back.
    await off_loop(lambda: bot.server.wait_for_text(UID, QUESTION, WAIT))
    await off_loop(lambda: bot.server.wait_for_request("sendMessage", WAIT, status=200))
    assert bot.check_ins() == 1
    assert bot.sends() == [200]
    assert bot.errors == []


async def test_a_connection_dropped_before_any_answer_is_tried_again_and_arrives_once(
    bot: Bot,
) -> None:
    bot.server.disconnect("sendMessage")
    await bot.fire(JobKind.EVENING)
    assert bot.check_ins() == 0
    assert bot.sends() == [0]
    assert not bot.prompted()
    assert booked_at(bot, JobKind.CATCH_UP_EVENING) == EVENING + delivery.RETRY_DELAYS[0]

    await bot.fire(JobKind.CATCH_UP_EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [0, 200]
    assert bot.errors == []


async def test_telegram_down_all_evening_gets_a_few_tries_minutes_apart_and_no_more(
    bot: Bot,
) -> None:
    bot.server.fail("sendMessage", 503, "Service Unavailable", times=None)
    fired = [await bot.fire(JobKind.EVENING)]
    for _ in range(10):  # bounded: a retry chain that never ends fails here
        if bot.job(JobKind.CATCH_UP_EVENING) is None:
            break
        fired.append(await bot.fire(JobKind.CATCH_UP_EVENING))
    gaps = [later - earlier for earlier, later in itertools.pairwise(fired)]
    assert gaps == list(delivery.RETRY_DELAYS)
    assert bot.sends() == [503] * (1 + len(delivery.RETRY_DELAYS))
    assert bot.check_ins() == 0
    assert not bot.prompted()
    # Tomorrow's check-in is still booked: one bad evening never ends the reminders.
    assert booked_at(bot, JobKind.EVENING) == EVENING + dt.timedelta(days=1)
    assert bot.errors == []


# -- polling -----------------------------------------------------------------------------------

# python-telegram-bot waits 1 s after a failed getUpdates, then 1.5 times longer each time
# (its own behaviour: not asserted here, only allowed for in the wait).
BACKOFF = (1.0, 1.5, 2.25)


async def test_polling_rides_out_get_updates_faults_with_growing_pauses_and_still_answers(
    bot: Bot,
) -> None:
    server = bot.server
    server.disconnect("getUpdates")
    server.fail("getUpdates", 502, "Bad Gateway", times=2)
    server.send_text(UID, "/help")
    before = len(server.requests())
    updater = bot.app.updater
    assert updater is not None
    await updater.start_polling(timeout=dt.timedelta(seconds=5), allowed_updates=ALLOWED_UPDATES)
    try:
        reply = await off_loop(lambda: server.wait_for_text(UID, "/checkin", WAIT + sum(BACKOFF)))
    finally:
        await updater.stop()
    assert reply.text.startswith("What I can do")

    polls = [r for r in server.requests()[before:] if r.method == "getUpdates"]
    assert [r.status for r in polls[:4]] == [0, 502, 502, 200]
    # Three failures, the poll that brings /help, the next long poll, the clean-up on stop.
    assert len(polls) <= 6, [r.status for r in polls]
    assert len(server.sent_to(UID)) == 1
    assert bot.errors == []


async def test_a_429_and_two_502s_on_a_check_in_still_deliver_it_once_within_30_seconds(
    bot: Bot,
) -> None:
    bot.server.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    bot.server.fail("sendMessage", 502, "Bad Gateway", times=2)
    await bot.fire(JobKind.EVENING)  # the 429 is waited out by the limiter, then a 502
    while bot.job(JobKind.CATCH_UP_EVENING) is not None and bot.check_ins() == 0:
        await bot.fire(JobKind.CATCH_UP_EVENING)
    assert bot.check_ins() == 1
    assert bot.sends() == [429, 502, 502, 200]
    # By the bot's clock, the tries were due 2 and then 5 seconds apart: it arrived 7 s late.
    assert bot.clock() - EVENING <= dt.timedelta(seconds=30)
    assert bot.prompted()
    assert bot.errors == []
