"""Small helpers shared by the handler modules: who is talking, the clock, replying."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest

from bot import texts
from bot.booking import reschedule
from bot.checkins import Diary
from bot.context import Ctx, Services
from bot.errors import BadInput
from bot.models import Person
from bot.texts import SetupText, t

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


@dataclass(frozen=True)
class Sender:
    """The person behind an update in a private chat."""

    user_id: int
    chat_id: int
    language: str | None


def sender(update: Update) -> Sender | None:
    """The private-chat sender, or None (channel posts, groups, updates without a user)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE or user.is_bot:
        return None
    if chat.id != user.id:  # a private chat's id is its person's id; anything else is forged
        return None
    return Sender(user.id, chat.id, user.language_code)


def services(context: Ctx) -> Services:
    """The shared services."""
    return context.bot_data.services


def diary(context: Ctx) -> Diary:
    """The use cases."""
    return context.bot_data.services.diary


def now(context: Ctx) -> dt.datetime:
    """The injected clock's current time."""
    return context.bot_data.services.clock()


async def send(context: Ctx, chat_id: int, text: str, markup: Markup = None) -> Message:
    """Send one HTML message."""
    return await context.bot.send_message(chat_id, text, reply_markup=markup)


def apply_schedule(context: Ctx, person: Person) -> None:
    """After a settings change: make the person's jobs match storage."""
    reschedule(context.job_queue, person, now(context))


async def consented(update: Update, context: Ctx) -> tuple[Sender, Person] | None:
    """The private-chat sender and their profile; None (after a nudge to /start) otherwise."""
    return await _known(update, context, ready=False)


async def set_up(update: Update, context: Ctx) -> tuple[Sender, Person] | None:
    """Like `consented`, but the person must also have a zone and check-in time."""
    return await _known(update, context, ready=True)


async def _known(update: Update, context: Ctx, *, ready: bool) -> tuple[Sender, Person] | None:
    who = sender(update)
    if who is None:
        return None
    person = diary(context).person(who.user_id)
    if person is None or not (person.ready if ready else person.consented):
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return None
    return who, person


def not_set_up_text(context: Ctx, user_id: int) -> str:
    """Why a command cannot run yet: consent missing, or zone/time missing."""
    person = diary(context).person(user_id)
    return (
        t(SetupText.CONSENT_NEEDED)
        if person is None or not person.consented
        else t(SetupText.SETUP_FIRST)
    )


def bad_input_text(error: BadInput, typed: str) -> str:
    """The correction for a BadInput raised by a use case."""
    return texts.bad_input(error.problem, typed)


async def edit_pressed(
    query: CallbackQuery, text: str | None, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show `text` (None: keep the text) and `markup` on the message under a pressed button.

    A second tap on the same button (a double tap, or a tap before the first edit arrived)
    asks for an edit that changes nothing, which Telegram refuses: that is fine. A message
    the bot can no longer reach gets the text as a new message instead.
    """
    message = query.message
    if message is None:
        return
    if not isinstance(message, Message) or not message.is_accessible:
        if text is not None:
            await query.get_bot().send_message(message.chat.id, text, reply_markup=markup)
        return
    if text is None and markup is None and message.reply_markup is None:
        return
    try:
        if text is None:
            await message.edit_reply_markup(markup)
        else:
            await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


def small_number(text: str) -> int | None:
    """A whole number of at most six ASCII digits, else None: "²" passes `isdigit` and "٣"
    `isdecimal`, and `int` refuses numbers of more than 4300 digits."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
