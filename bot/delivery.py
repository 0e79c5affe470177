"""Sending scheduled messages and "saved" replies, and what a failed send means.

Whether a failed send may have reached the person is decided by exception type alone: the
transport (bot/transport.py) raises `StatusError` with the HTTP status, python-telegram-bot
raises `RetryAfter`, `Forbidden`, `BadRequest`, and a `NetworkError` whose cause is httpx's
own exception. Which jobs exist and when they run is bot/booking.py's business: the functions
here say what happened (`Sent`), and booking books a retry or cancels.
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import StrEnum
from http import HTTPStatus
from zoneinfo import ZoneInfo

import httpx
from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot import keyboards, schedule, texts
from bot.checkins.results import CheckInDue
from bot.context import Ctx
from bot.keyboards import trial as trial_buttons
from bot.models import Night, Person
from bot.transport import StatusError

log = logging.getLogger(__name__)

# After a send that surely did not arrive (connection refused, 5xx, rate limit), try again:
# soon at first (such errors mostly last seconds), then minutes apart, within the catch-up
# window. Scheduled check-ins, morning questions and "saved" replies all follow this.
RETRY_DELAYS = tuple(dt.timedelta(seconds=s) for s in (2, 5, 15, 60, 5 * 60, 15 * 60, 30 * 60))

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


class Delivery(StrEnum):
    """What a failed send means for the message."""

    NOT_SENT = "not_sent"  # surely not delivered: safe to try again
    MAYBE_SENT = "maybe_sent"  # may have arrived: trying again could send it twice
    HOPELESS = "hopeless"  # Telegram refused the request itself: trying again will not help


def classify(error: TelegramError) -> Delivery:
    """Whether a failed send may have reached the person.

    A connection that never opened, a 5xx answer (also an error page of the proxy in front of
    Telegram) or a rate limit means Telegram did not take the message. A read timeout (also a
    proxy's 504 Gateway Timeout) means it may have: we then prefer a lost reminder to a
    doubled one.
    """
    if isinstance(error, RetryAfter):
        return Delivery.NOT_SENT
    if isinstance(error, StatusError):
        status = error.status
        if status == HTTPStatus.TOO_MANY_REQUESTS or (
            status >= HTTPStatus.INTERNAL_SERVER_ERROR and status != HTTPStatus.GATEWAY_TIMEOUT
        ):
            return Delivery.NOT_SENT
        return Delivery.MAYBE_SENT
    if isinstance(error, NetworkError):
        if isinstance(error.__cause__, _NEVER_REACHED):
            return Delivery.NOT_SENT
        return Delivery.MAYBE_SENT
    return Delivery.HOPELESS


class Sent(StrEnum):
    """What became of a message booking asked for."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot: reminders stop (marked here)
    RETRY = "retry"  # surely not sent (and unmarked): book another try
    GAVE_UP = "gave_up"  # may have arrived, or never can: not tried again


async def _send(
    context: Ctx,
    person: Person,
    text: str,
    markup: InlineKeyboardMarkup | None,
    what: str,
    attempt: int,
) -> Sent:
    """One scheduled message; on Forbidden the person's reminders are marked stopped."""
    services = context.bot_data.services
    try:
        await context.bot.send_message(person.chat_id, text, reply_markup=markup)
    except Forbidden:
        log.info("user %s blocked the bot; reminders stopped", person.user_id)
        services.diary.people.mark_blocked(person.user_id, services.clock())
        return Sent.BLOCKED
    except TelegramError as error:
        outcome = classify(error)
        log.warning(
            "%s message for user %s failed on try %d (%s, %s)",
            what,
            person.user_id,
            attempt + 1,
            error.__class__.__name__,
            outcome.value,
        )
        return Sent.RETRY if outcome is Delivery.NOT_SENT else Sent.GAVE_UP
    return Sent.SENT


async def check_in(context: Ctx, person: Person, due: CheckInDue, attempt: int) -> Sent:
    """The weekly summary (if due), then the evening check-in; a check-in that surely did not
    arrive is unmarked, so the retry sends it."""
    diary = context.bot_data.services.diary
    if due.weekly is not None:
        text = texts.weekly_summary(due.weekly, red_flag_titles=diary.red_flags.titles())
        if await _send(context, person, text, None, "weekly", 0) is Sent.BLOCKED:
            diary.evening.unmark(person.user_id, due.night, due.prompted_at)
            return Sent.BLOCKED
    if due.trial_done is not None:
        done = texts.trial_finished(due.trial_done, diary.catalog.title(due.trial_done.remedy_id))
        await _send(context, person, done, None, "trial", 0)
    if not due.check_in:
        return Sent.SENT
    assert person.tz is not None
    local = context.bot_data.services.clock().astimezone(ZoneInfo(person.tz))
    text = texts.check_in(local, due.source, due.pause_ended)
    if due.trial is not None:
        title = diary.catalog.title(due.trial.remedy_id)
        text = f"{texts.trial_night(due.trial.arm, due.trial.number, title)}\n\n{text}"
    sent = await _send(context, person, text, keyboards.rating(due.night), "evening", attempt)
    if sent is Sent.RETRY:
        diary.evening.unmark(person.user_id, due.night, due.prompted_at)
    return sent


async def morning(context: Ctx, person: Person, night: Night, attempt: int) -> Sent:
    """The morning question about a night; unmarked again when it surely did not arrive."""
    diary = context.bot_data.services.diary
    text = texts.morning_heading(night.night)
    markup = keyboards.sleep_quality(night.night)
    number = diary.trial.number(person, night.night) if night.trial_arm is not None else 0
    if number and night.night_score is None:
        # A night of the running trial: how the legs were during the night comes first.
        text, markup = (
            texts.trial_morning(night.night, number),
            trial_buttons.night_score(night.night),
        )
    sent = await _send(context, person, text, markup, "morning", attempt)
    if sent is Sent.RETRY:
        diary.morning.unmark(person.user_id, night.night, night.morning_sent_at)
    return sent


async def saved(context: Ctx, person: Person, text: str) -> bool:
    """Send a reply that says something was saved. If Telegram surely did not take it, keep
    it with the person and return True (booking then tries again, like a scheduled message;
    a may-have-arrived failure is not repeated). While earlier such replies wait, this one
    queues behind them, so they arrive in order."""
    services = context.bot_data.services
    now = services.clock()
    if not person.pending_replies:
        try:
            await context.bot.send_message(person.chat_id, text)
            return False
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
                return False
    services.diary.people.keep_reply(person.user_id, text, now)
    return True


async def waiting_replies(context: Ctx, person: Person) -> tuple[Sent, int]:
    """Send the person's waiting "saved" replies, oldest first; RETRY leaves the rest kept.
    Also says how many left the queue (sent, hours stale, or maybe sent)."""
    services = context.bot_data.services
    people = services.diary.people
    now = services.clock()
    done = 0
    for reply in person.pending_replies:
        if now - reply.at > schedule.CATCH_UP_WINDOW:
            done += 1  # hours late: the person has moved on; saying it now would confuse
            continue
        try:
            await context.bot.send_message(person.chat_id, reply.text)
        except Forbidden:
            people.drop_replies(person.user_id, len(person.pending_replies))
            log.info("user %s blocked the bot; reminders stopped", person.user_id)
            people.mark_blocked(person.user_id, now)
            return Sent.BLOCKED, done
        except TelegramError as error:
            if classify(error) is Delivery.NOT_SENT:
                people.drop_replies(person.user_id, done)
                return Sent.RETRY, done
            # Maybe it arrived, or it never can: either way it is not sent again.
        done += 1
    people.drop_replies(person.user_id, done)
    return Sent.SENT, done
