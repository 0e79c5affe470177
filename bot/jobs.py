"""The Telegram side of time: per-person jobs in PTB's JobQueue, rebuilt from storage.

Each person has one `evening:<uid>` and one `morning:<uid>` job, each a one-off job at the
next local occurrence (computed by `schedule.next_occurrence`, which handles DST the way we
want); when it fires it first books the next occurrence, then does its work. Storage stays the
only source of truth: `restore_all` rebuilds every job at start-up, and the "already prompted
this night" check in `Diary.open_evening` makes each check-in exactly-once even if a job fires
twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import Any

import httpx
from telegram import InlineKeyboardMarkup, Message
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Job, JobQueue

from bot import keyboards, schedule, texts
from bot.context import Ctx, Services
from bot.errors import DamagedRecord
from bot.insights import summarize
from bot.models import Person, PromptSource
from bot.texts import review as review_texts

log = logging.getLogger(__name__)

# APScheduler silently drops a job that is more than `misfire_grace_time` late (default 1 s).
# We never let it drop one: a dropped one-off job would never book its successor. The callbacks
# themselves refuse to send when more than CATCH_UP_WINDOW late.
MISFIRE_GRACE = None
# After a send that surely did not arrive (connection refused, 5xx, rate limit), try again:
# soon at first (such errors mostly last seconds), then minutes apart, within the catch-up
# window. Scheduled check-ins, morning questions and "saved" replies all follow this.
RETRY_DELAYS = tuple(dt.timedelta(seconds=s) for s in (2, 5, 15, 60, 5 * 60, 15 * 60, 30 * 60))
WATCHDOG_EVERY = dt.timedelta(minutes=15)


class JobKind(StrEnum):
    """The kinds of per-person jobs."""

    EVENING = "evening"
    MORNING = "morning"
    SNOOZE = "snooze"
    CATCH_UP_EVENING = "catchup-evening"
    CATCH_UP_MORNING = "catchup-morning"
    REPLY = "reply"  # "saved" replies that Telegram did not take the first time


@dataclass(frozen=True)
class Due:
    """What a job carries: whose it is, the instant it was meant for, and which attempt."""

    user_id: int
    when: dt.datetime
    source: PromptSource = PromptSource.SCHEDULE
    attempt: int = 0


def job_name(kind: JobKind, user_id: int) -> str:
    """The one name of a person's job of this kind."""
    return f"{kind.value}:{user_id}"


# -- booking --------------------------------------------------------------------------------


Queue = JobQueue[Any]


def _book(
    services: Services,
    job_queue: Queue | None,
    kind: JobKind,
    due: Due,
    run_at: dt.datetime | None = None,
) -> None:
    assert job_queue is not None, "the job-queue extra is required"
    name = job_name(kind, due.user_id)
    old = services.jobs.pop(name, None)
    if old is not None:
        _unschedule(old)
    callback = {
        JobKind.EVENING: send_evening,
        JobKind.CATCH_UP_EVENING: send_evening,
        JobKind.SNOOZE: send_evening,
        JobKind.MORNING: send_morning,
        JobKind.CATCH_UP_MORNING: send_morning,
        JobKind.REPLY: send_replies,
    }[kind]
    services.jobs[name] = job_queue.run_once(
        callback,
        when=run_at or due.when,
        data=due,
        name=name,
        job_kwargs={"misfire_grace_time": MISFIRE_GRACE},
    )


def cancel(services: Services, user_id: int, *kinds: JobKind) -> None:
    """Remove a person's jobs (all kinds when none are named)."""
    for kind in kinds or tuple(JobKind):
        job = services.jobs.pop(job_name(kind, user_id), None)
        if job is not None:
            _unschedule(job)


def _unschedule(job: Job[Any]) -> None:
    """Take a job off the queue, if the scheduler still holds it.

    A one-off job leaves the scheduler as soon as it fires, or when APScheduler drops it as
    missed (more than MISFIRE_GRACE late: a suspended host, a blocked loop); its entry in
    `services.jobs` stays until our callback runs, which for a dropped job is never. Removing it
    again raises APScheduler's JobLookupError (a KeyError), which would crash the /pause, /time
    or Forbidden handling that called us.
    """
    with contextlib.suppress(LookupError):
        job.schedule_removal()


def book_evening(
    services: Services, job_queue: Queue | None, person: Person, after: dt.datetime
) -> None:
    """Book the next evening check-in strictly after `after`."""
    assert person.checkin_time is not None and person.tz is not None
    when = schedule.next_occurrence(person.checkin_time, person.tz, after)
    _book(services, job_queue, JobKind.EVENING, Due(person.user_id, when))


def book_morning(
    services: Services, job_queue: Queue | None, person: Person, after: dt.datetime
) -> None:
    """Book the next morning follow-up strictly after `after`."""
    assert person.tz is not None
    when = schedule.next_occurrence(person.wake_time, person.tz, after)
    _book(services, job_queue, JobKind.MORNING, Due(person.user_id, when))


def book_snooze(
    services: Services, job_queue: Queue | None, user_id: int, due: dt.datetime
) -> None:
    """Book a snoozed check-in (also after a restart)."""
    _book(services, job_queue, JobKind.SNOOZE, Due(user_id, due, PromptSource.SNOOZE))


def reschedule(
    services: Services, job_queue: Queue | None, person: Person, now: dt.datetime
) -> None:
    """Make the person's jobs match their stored settings (after any change)."""
    cancel(services, person.user_id, JobKind.EVENING, JobKind.MORNING, JobKind.SNOOZE)
    if person.pending_replies and job_name(JobKind.REPLY, person.user_id) not in services.jobs:
        _book(services, job_queue, JobKind.REPLY, Due(person.user_id, now))
    if not person.reminders_due:
        services.expected.discard(person.user_id)
        return
    services.expected.add(person.user_id)
    book_evening(services, job_queue, person, now)
    book_morning(services, job_queue, person, now)
    if person.snooze is not None:
        book_snooze(services, job_queue, person.user_id, max(person.snooze.due, now))


def restore(services: Services, job_queue: Queue | None, person: Person, now: dt.datetime) -> None:
    """At start-up: book the person's jobs and catch up on what was missed while down."""
    reschedule(services, job_queue, person, now)
    if not person.reminders_due:
        return
    assert person.tz is not None
    evening = services.diary.missed_checkin(person, now)
    if evening is not None:
        _book(
            services,
            job_queue,
            JobKind.CATCH_UP_EVENING,
            Due(person.user_id, evening, PromptSource.CATCH_UP),
        )
    morning = schedule.previous_occurrence(person.wake_time, person.tz, now)
    if now - morning <= schedule.CATCH_UP_WINDOW:
        _book(
            services,
            job_queue,
            JobKind.CATCH_UP_MORNING,
            Due(person.user_id, morning, PromptSource.CATCH_UP),
        )


# At start-up, hand the event loop back this often, so updates are answered meanwhile.
YIELD_EVERY = 0.005  # seconds


async def restore_all(
    services: Services,
    job_queue: Queue | None,
    now: dt.datetime,
    on_damage: Callable[[DamagedRecord], None] | None = None,
) -> int:
    """Rebuild every person's jobs from storage, a slice at a time so updates are answered
    meanwhile; returns how many people are scheduled."""
    count = 0
    resumed = time.monotonic()
    for person in services.diary.store.people(on_damage):
        restore(services, job_queue, person, now)
        count += person.reminders_due
        if time.monotonic() - resumed > YIELD_EVERY:
            await asyncio.sleep(0)
            resumed = time.monotonic()
    log.info("scheduled reminders for %d people", count)
    return count


# -- sending --------------------------------------------------------------------------------


# Transport errors after which the request cannot have been processed: no connection, the
# request not fully written, or the connection closed before any answer. A dropped connection
# could in principle come after Telegram acted on the request; we take the small risk of a
# duplicate there rather than lose a check-in. A read timeout (Telegram busy with the request)
# is treated as "maybe sent" and not repeated.
_NEVER_REACHED = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)


# python-telegram-bot's message for an error answer that is not the Bot API's JSON (e.g. the
# HTML page of a proxy in front of Telegram): "Bad Gateway (502). Parsing the server response
# b'<html>...' failed".
_ERROR_PAGE = re.compile(r"\((\d{3})\)\. Parsing the server response")


class Delivery(StrEnum):
    """What a failed send means for the message."""

    NOT_SENT = "not_sent"  # surely not delivered: safe to try again
    MAYBE_SENT = "maybe_sent"  # may have arrived: trying again could send it twice
    HOPELESS = "hopeless"  # Telegram refused the request itself: trying again will not help


def classify(error: TelegramError) -> Delivery:
    """Whether a failed send may have reached the person.

    A connection that never opened, a 5xx answer or a rate limit means Telegram did not take
    the message, also when the 5xx is an HTML error page from the proxy in front of it. A read
    timeout (also a proxy's 504 Gateway Timeout) means it may have: we then prefer a lost
    reminder to a doubled one.
    """
    if isinstance(error, RetryAfter):
        return Delivery.NOT_SENT
    if isinstance(error, NetworkError):
        cause = error.__cause__
        if isinstance(cause, _NEVER_REACHED):
            return Delivery.NOT_SENT
        if cause is None and not isinstance(error, TimedOut):
            return Delivery.NOT_SENT  # an HTTP 5xx answer
        if isinstance(cause, TelegramError):  # an error answer that is not the Bot API's
            page = _ERROR_PAGE.search(str(error))
            status = int(page.group(1)) if page else None
            if status == HTTPStatus.TOO_MANY_REQUESTS or (
                status is not None and 500 <= status < 600 and status != HTTPStatus.GATEWAY_TIMEOUT
            ):
                return Delivery.NOT_SENT
        return Delivery.MAYBE_SENT
    return Delivery.HOPELESS


async def deliver(
    context: Ctx, person: Person, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send to the person's chat; on Forbidden (bot blocked) stop their reminders."""
    try:
        return await context.bot.send_message(person.chat_id, text, reply_markup=markup)
    except Forbidden:
        await deliver_failed_forbidden(context, person)
        return None


async def _deliver_or_retry(
    context: Ctx,
    person: Person,
    text: str,
    markup: InlineKeyboardMarkup,
    *,
    due: Due,
    kind: JobKind,
    undo: Callable[[], None],
) -> None:
    """Send a scheduled message; if it surely did not arrive, undo the mark and try later."""
    services = context.bot_data.services
    try:
        await deliver(context, person, text, markup)
    except TelegramError as error:
        outcome = classify(error)
        log.warning(
            "%s message for user %s failed on try %d (%s, %s)",
            kind.value.removeprefix("catchup-"),  # `kind` is what a retry would be booked as
            person.user_id,
            due.attempt + 1,
            error.__class__.__name__,
            outcome.value,
        )
        if outcome is not Delivery.NOT_SENT:
            return
        undo()
        _retry(services, context.job_queue, kind, due, PromptSource.CATCH_UP)


def _retry(
    services: Services, job_queue: Queue | None, kind: JobKind, due: Due, source: PromptSource
) -> bool:
    """Book the next try after a send that surely failed; False when it is too late for one."""
    if due.attempt >= len(RETRY_DELAYS):
        return False
    retry_at = services.clock() + RETRY_DELAYS[due.attempt]
    if retry_at - due.when > schedule.CATCH_UP_WINDOW:
        return False
    retry = Due(due.user_id, due.when, source, due.attempt + 1)
    _book(services, job_queue, kind, retry, run_at=retry_at)
    return True


async def send_saved(context: Ctx, person: Person, text: str) -> None:
    """Send a reply that says something was saved. If Telegram surely did not take it, keep
    it and try again like a scheduled message (a may-have-arrived failure is not repeated).
    While earlier such replies wait, this one queues behind them, so they arrive in order."""
    services = context.bot_data.services
    now = services.clock()
    if not person.pending_replies:
        try:
            await context.bot.send_message(person.chat_id, text)
            return
        except Forbidden:
            raise  # the error handler stops this person's reminders
        except TelegramError as error:
            outcome = classify(error)
            log.warning(
                "a saved-reply to user %s failed (%s, %s)",
                person.user_id,
                error.__class__.__name__,
                outcome.value,
            )
            if outcome is not Delivery.NOT_SENT:
                return
    services.diary.keep_reply(person.user_id, text, now)
    if job_name(JobKind.REPLY, person.user_id) not in services.jobs:
        first = Due(person.user_id, now, PromptSource.CATCH_UP)
        _retry(services, context.job_queue, JobKind.REPLY, first, PromptSource.CATCH_UP)


async def send_replies(context: Ctx) -> None:
    """Retry job: send the person's waiting "saved" replies, oldest first."""
    services = context.bot_data.services
    diary = services.diary
    due = _due(context)
    _forget(context)
    person = diary.person(due.user_id)
    if person is None or not person.pending_replies:
        return
    now = services.clock()
    done = 0
    for reply in person.pending_replies:
        if now - reply.at > schedule.CATCH_UP_WINDOW:
            done += 1  # hours late: the person has moved on; saying it now would confuse
            continue
        try:
            await context.bot.send_message(person.chat_id, reply.text)
        except Forbidden:
            diary.drop_replies(person.user_id, len(person.pending_replies))
            await deliver_failed_forbidden(context, person)
            return
        except TelegramError as error:
            if classify(error) is Delivery.NOT_SENT:
                diary.drop_replies(person.user_id, done)
                if not _retry(services, context.job_queue, JobKind.REPLY, due, due.source):
                    log.warning("gave up on saved-replies to user %s", person.user_id)
                    diary.drop_replies(person.user_id, len(person.pending_replies) - done)
                return
            # Maybe it arrived, or it never can: either way it is not sent again.
        done += 1
    diary.drop_replies(person.user_id, done)


async def deliver_failed_forbidden(context: Ctx, person: Person) -> None:
    """The person blocked the bot: stop their reminders (until their next /start)."""
    services = context.bot_data.services
    log.info("user %s blocked the bot; reminders stopped", person.user_id)
    services.diary.mark_blocked(person.user_id, services.clock())
    cancel(services, person.user_id)


def _due(context: Ctx) -> Due:
    job = context.job
    assert job is not None and isinstance(job.data, Due)
    return job.data


async def send_evening(context: Ctx) -> None:
    """Evening job: book tomorrow's, then send tonight's check-in unless already sent."""
    async with context.bot_data.services.job_slots:
        await _evening(context)


async def _evening(context: Ctx) -> None:
    services = context.bot_data.services
    diary = services.diary
    due = _due(context)
    now = services.clock()
    _forget(context)
    person = diary.person(due.user_id)
    if person is None or not person.reminders_due:
        return
    if due.source is PromptSource.SCHEDULE:
        book_evening(services, context.job_queue, person, max(now, due.when))
    if due.source is PromptSource.SNOOZE:
        key = diary.take_snooze(due.user_id, now)
        if key is None:
            return
    else:
        if now - due.when > schedule.CATCH_UP_WINDOW:
            log.info("evening check-in for user %s is too late to send; skipped", due.user_id)
            return
        key = diary.night_key(person, due.when)
    person, pause_ended = diary.end_expired_pause(person, key)
    if due.source is not PromptSource.SNOOZE and diary.claim_weekly(due.user_id, key):
        await _send_weekly(context, person, key)
    night = diary.open_evening(due.user_id, key, now, due.source)
    if night is None:
        return
    if due.source is PromptSource.SNOOZE:
        text = texts.CHECKIN_AGAIN
    else:
        text = texts.CHECKIN_QUESTION
        if due.source is PromptSource.CATCH_UP:
            text = texts.CATCH_UP_PREFIX + text
        if pause_ended:
            text = texts.WELCOME_BACK_PAUSE + text
    prompted_at = night.prompted_at
    await _deliver_or_retry(
        context,
        person,
        text,
        keyboards.rating(key),
        due=due,
        kind=JobKind.CATCH_UP_EVENING,
        undo=lambda: diary.unmark_evening(due.user_id, key, prompted_at),
    )


async def send_morning(context: Ctx) -> None:
    """Morning job: book tomorrow's, then ask about last night if it had a check-in."""
    async with context.bot_data.services.job_slots:
        await _morning(context)


async def _morning(context: Ctx) -> None:
    services = context.bot_data.services
    diary = services.diary
    due = _due(context)
    now = services.clock()
    _forget(context)
    person = diary.person(due.user_id)
    if person is None or not person.reminders_due:
        return
    if due.source is PromptSource.SCHEDULE:
        book_morning(services, context.job_queue, person, max(now, due.when))
    if now - due.when > schedule.CATCH_UP_WINDOW:
        return
    key = diary.night_key(person, due.when)
    night = diary.open_morning(due.user_id, key, now)
    if night is None:
        return
    sent_at = night.morning_sent_at
    await _deliver_or_retry(
        context,
        person,
        texts.morning_heading(key),
        keyboards.sleep_quality(key),
        due=due,
        kind=JobKind.CATCH_UP_MORNING,
        undo=lambda: diary.unmark_morning(due.user_id, key, sent_at),
    )


async def _send_weekly(context: Ctx, person: Person, key: dt.date) -> None:
    """The opt-in weekly summary: the seven nights before tonight."""
    diary = context.bot_data.services.diary
    nights = diary.nights(person.user_id)
    start, end = key - dt.timedelta(days=7), key - dt.timedelta(days=1)
    summary = summarize(nights, diary.catalog, start, end)
    text = review_texts.weekly_summary(summary, red_flag_titles=diary.red_flags.titles())
    try:
        await deliver(context, person, text)
    except TelegramError as error:
        log.warning("weekly summary for user %s failed (%s)", person.user_id, error)


def _forget(context: Ctx) -> None:
    """Drop the running job from the registry (unless a newer job took its name)."""
    job = context.job
    jobs = context.bot_data.services.jobs
    if job is not None and job.name is not None and jobs.get(job.name) is job:
        del jobs[job.name]


# -- watchdog -------------------------------------------------------------------------------


def _alive(services: Services, job_queue: Queue, name: str) -> bool:
    job = services.jobs.get(name)
    return job is not None and job_queue.scheduler.get_job(job.job.id) is not None


async def watchdog(context: Ctx) -> None:
    """Every few minutes: anyone whose evening or morning job went missing gets it back."""
    services = context.bot_data.services
    job_queue = context.job_queue
    assert job_queue is not None
    for user_id in list(services.expected):
        if all(_alive(services, job_queue, job_name(k, user_id)) for k in _DAILY):
            continue
        person = services.diary.person(user_id)
        if person is None:
            services.expected.discard(user_id)
            continue
        log.warning("rebooking the reminders of user %s", user_id)
        reschedule(services, job_queue, person, services.clock())


_DAILY = (JobKind.EVENING, JobKind.MORNING)


def start_watchdog(job_queue: Queue | None) -> None:
    """Run the watchdog every WATCHDOG_EVERY."""
    assert job_queue is not None
    seconds = WATCHDOG_EVERY.total_seconds()
    job_queue.run_repeating(watchdog, interval=seconds, first=seconds, name="watchdog")
