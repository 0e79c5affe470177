"""Which jobs exist and when they run: per-person jobs in python-telegram-bot's JobQueue.

Each person has one `evening:<uid>` and one `morning:<uid>` job, each a one-off job at the
next local occurrence (computed by `schedule.next_occurrence`, which handles DST the way we
want); when it fires it first books the next occurrence, then has bot/delivery.py send. The
JobQueue itself is the only registry of jobs: a job's name is also its scheduler id, so a
person's job is found (or replaced) by name at once, and nothing else keeps a list of them.
Storage stays the only source of truth for what should be booked: `restore_all` rebuilds
every job at start-up, and the "already prompted this night" check makes each check-in
exactly-once even if a job fires twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from telegram.ext import Job, JobQueue

from bot import delivery, schedule
from bot.context import Ctx, Services
from bot.delivery import RETRY_DELAYS, Sent
from bot.errors import DamagedRecord
from bot.models import Person, PromptSource

log = logging.getLogger(__name__)

# APScheduler silently drops a job that is more than `misfire_grace_time` late (default 1 s).
# We never let it drop one: a dropped one-off job would never book its successor. The use
# cases themselves refuse to send when more than CATCH_UP_WINDOW late.
MISFIRE_GRACE = None
# At start-up, hand the event loop back this often, so updates are answered meanwhile.
YIELD_EVERY = 0.005  # seconds

Queue = JobQueue[Any]


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
    """The one name (and scheduler id) of a person's job of this kind."""
    return f"{kind.value}:{user_id}"


def booked(job_queue: Queue | None, kind: JobKind, user_id: int) -> Job[Any] | None:
    """The person's job of this kind, if one is booked."""
    assert job_queue is not None, "the job-queue extra is required"
    aps_job = job_queue.scheduler.get_job(job_name(kind, user_id))
    return None if aps_job is None else Job.from_aps_job(aps_job)


def _book(
    job_queue: Queue | None, kind: JobKind, due: Due, run_at: dt.datetime | None = None
) -> None:
    """Book (or re-book) the person's job of this kind."""
    assert job_queue is not None, "the job-queue extra is required"
    name = job_name(kind, due.user_id)
    _unbook(job_queue, name)
    job_queue.run_once(
        _CALLBACKS[kind],
        when=run_at or due.when,
        data=due,
        name=name,
        job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": MISFIRE_GRACE},
    )


def _unbook(job_queue: Queue, name: str) -> None:
    # A one-off job leaves the scheduler as it fires: then there is nothing to remove.
    with contextlib.suppress(LookupError):  # APScheduler's JobLookupError is a KeyError
        job_queue.scheduler.remove_job(name)


def cancel(job_queue: Queue | None, user_id: int, *kinds: JobKind) -> None:
    """Remove a person's jobs (all kinds when none are named)."""
    assert job_queue is not None, "the job-queue extra is required"
    for kind in kinds or tuple(JobKind):
        _unbook(job_queue, job_name(kind, user_id))


def book_evening(job_queue: Queue | None, person: Person, after: dt.datetime) -> None:
    """Book the next evening check-in strictly after `after`."""
    assert person.checkin_time is not None and person.tz is not None
    when = schedule.next_occurrence(person.checkin_time, person.tz, after)
    _book(job_queue, JobKind.EVENING, Due(person.user_id, when))


def book_morning(job_queue: Queue | None, person: Person, after: dt.datetime) -> None:
    """Book the next morning follow-up strictly after `after`."""
    assert person.tz is not None
    when = schedule.next_occurrence(person.wake_time, person.tz, after)
    _book(job_queue, JobKind.MORNING, Due(person.user_id, when))


def book_snooze(job_queue: Queue | None, user_id: int, due: dt.datetime) -> None:
    """Book a snoozed check-in (also after a restart)."""
    _book(job_queue, JobKind.SNOOZE, Due(user_id, due, PromptSource.SNOOZE))


def reschedule(job_queue: Queue | None, person: Person, now: dt.datetime) -> None:
    """Make the person's jobs match their stored settings (after any change)."""
    cancel(job_queue, person.user_id, JobKind.EVENING, JobKind.MORNING, JobKind.SNOOZE)
    if person.pending_replies and booked(job_queue, JobKind.REPLY, person.user_id) is None:
        _book(job_queue, JobKind.REPLY, Due(person.user_id, now))
    if not person.reminders_due:
        return
    book_evening(job_queue, person, now)
    book_morning(job_queue, person, now)
    if person.snooze is not None:
        book_snooze(job_queue, person.user_id, max(person.snooze.due, now))


def restore(services: Services, job_queue: Queue | None, person: Person, now: dt.datetime) -> None:
    """At start-up: book the person's jobs and catch up on what was missed while down."""
    reschedule(job_queue, person, now)
    if not person.reminders_due:
        return
    assert person.tz is not None
    evening = services.diary.people.missed_checkin(person, now)
    if evening is not None:
        due = Due(person.user_id, evening, PromptSource.CATCH_UP)
        _book(job_queue, JobKind.CATCH_UP_EVENING, due)
    morning = schedule.previous_occurrence(person.wake_time, person.tz, now)
    if now - morning <= schedule.CATCH_UP_WINDOW:
        due = Due(person.user_id, morning, PromptSource.CATCH_UP)
        _book(job_queue, JobKind.CATCH_UP_MORNING, due)


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


def _retry(services: Services, job_queue: Queue | None, kind: JobKind, due: Due) -> bool:
    """Book the next try after a send that surely failed; False when it is too late for one."""
    if due.attempt >= len(RETRY_DELAYS):
        return False
    retry_at = services.clock() + RETRY_DELAYS[due.attempt]
    if retry_at - due.when > schedule.CATCH_UP_WINDOW:
        return False
    retry = Due(due.user_id, due.when, PromptSource.CATCH_UP, due.attempt + 1)
    _book(job_queue, kind, retry, run_at=retry_at)
    return True


def _after(context: Ctx, sent: Sent, kind: JobKind, due: Due) -> None:
    """Book a retry, or stop a person's reminders, as the send turned out."""
    if sent is Sent.BLOCKED:
        cancel(context.job_queue, due.user_id)
    elif sent is Sent.RETRY:
        _retry(context.bot_data.services, context.job_queue, kind, due)


def _due(context: Ctx) -> Due:
    job = context.job
    assert job is not None and isinstance(job.data, Due)
    return job.data


async def send_saved(context: Ctx, person: Person, text: str) -> None:
    """Send a reply that says something was saved; kept and retried like a scheduled message
    when Telegram surely did not take it."""
    if not await delivery.saved(context, person, text):
        return
    if booked(context.job_queue, JobKind.REPLY, person.user_id) is None:
        services = context.bot_data.services
        first = Due(person.user_id, services.clock(), PromptSource.CATCH_UP)
        _retry(services, context.job_queue, JobKind.REPLY, first)


async def _on_evening(context: Ctx) -> None:
    """Evening job: book tomorrow's, then send tonight's check-in unless already sent."""
    services = context.bot_data.services
    async with services.job_slots:
        due = _due(context)
        now = services.clock()
        person = services.diary.person(due.user_id)
        if person is None or not person.reminders_due:
            return
        if due.source is PromptSource.SCHEDULE:
            book_evening(context.job_queue, person, max(now, due.when))
        check_in = services.diary.evening.due(due.user_id, due.when, due.source, now)
        if check_in is not None:
            sent = await delivery.check_in(context, person, check_in, due.attempt)
            _after(context, sent, JobKind.CATCH_UP_EVENING, due)


async def _on_morning(context: Ctx) -> None:
    """Morning job: book tomorrow's, then ask about last night if it had a check-in."""
    services = context.bot_data.services
    async with services.job_slots:
        due = _due(context)
        now = services.clock()
        person = services.diary.person(due.user_id)
        if person is None or not person.reminders_due:
            return
        if due.source is PromptSource.SCHEDULE:
            book_morning(context.job_queue, person, max(now, due.when))
        night = services.diary.morning.due(due.user_id, due.when, now)
        if night is not None:
            sent = await delivery.morning(context, person, night, due.attempt)
            _after(context, sent, JobKind.CATCH_UP_MORNING, due)


async def _on_replies(context: Ctx) -> None:
    """Retry job: send the person's waiting "saved" replies, oldest first.

    Replies kept while a round runs are sent by the same round: the job they book for
    themselves is skipped while this one runs (one run of a job at a time), and one booked as
    the round ends would be skipped too. A round that sent some before Telegram refused one
    (its per-chat pace while a backlog goes out, not an outage) starts the back-off again, so
    a long backlog keeps going out seconds apart; the rate limiter already waits out the
    chat's "retry after"."""
    services = context.bot_data.services
    due = _due(context)
    person = services.diary.person(due.user_id)
    while person is not None and person.pending_replies:
        sent, done = await delivery.waiting_replies(context, person)
        if sent is Sent.BLOCKED:
            cancel(context.job_queue, due.user_id)
            return
        if sent is Sent.SENT:
            person = services.diary.person(due.user_id)  # any kept meanwhile go out now
            continue
        if done:  # some went out before Telegram refused one: not an outage
            due = replace(due, attempt=0)
        if not _retry(services, context.job_queue, JobKind.REPLY, due):
            log.warning("gave up on saved-replies to user %s", person.user_id)
            left = services.diary.person(due.user_id)
            if left is not None:
                services.diary.people.drop_replies(person.user_id, len(left.pending_replies))
        return


_CALLBACKS: dict[JobKind, Callable[[Ctx], Coroutine[Any, Any, None]]] = {
    JobKind.EVENING: _on_evening,
    JobKind.CATCH_UP_EVENING: _on_evening,
    JobKind.SNOOZE: _on_evening,
    JobKind.MORNING: _on_morning,
    JobKind.CATCH_UP_MORNING: _on_morning,
    JobKind.REPLY: _on_replies,
}
