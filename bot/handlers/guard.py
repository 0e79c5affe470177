"""Floods and groups: how much input gets an answer (the rules live in bot/throttle.py).

The flood guard runs before every other handler. Within a person's limit nothing changes;
beyond it, what they write is still kept as notes (never dropped) and buttons are answered
silently, with one short "slow down" per minute instead of a reply to each. A text that raises
a red flag is never held back, nor is /crisis: safety comes before the limit. Other commands
over the limit are neither carried out nor kept as notes. In a group nothing is stored, but a
crisis or urgent text still gets its message there (once, never retried).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.booking import send_saved
from bot.context import Ctx, Services
from bot.handlers.commands import COMMANDS
from bot.handlers.common import diary, now, sender, services
from bot.handlers.flags import command_name, typed_words
from bot.red_flags import Severity
from bot.texts import ChatText, red_flag_message, t
from bot.throttle import Verdict

log = logging.getLogger(__name__)
KNOWN = frozenset(command.name for command in COMMANDS)


def judge_arrival(svc: Services, update: object) -> None:
    """As an update arrives (before it queues behind the person's earlier ones): count it
    against the person's limit, and remember the verdict for `guard_flood`. A button press
    over the limit is answered right away (it stops the spinner and costs no message)."""
    if not isinstance(update, Update) or (who := sender(update)) is None:
        return
    verdict = svc.throttle.admit(who.user_id, svc.clock())
    svc.verdicts[update.update_id] = verdict
    if verdict is not Verdict.ANSWER and update.callback_query is not None:
        task = asyncio.get_running_loop().create_task(_answer_quietly(update.callback_query))
        svc.background.add(task)
        task.add_done_callback(svc.background.discard)


async def _answer_quietly(query: CallbackQuery) -> None:
    with contextlib.suppress(TelegramError):  # an unanswered spinner is harmless
        await query.answer()


async def guard_flood(update: Update, context: Ctx) -> None:
    """Before every handler: let the update through, or keep it quietly and stop it here."""
    who = sender(update)
    if who is None:
        return
    svc = services(context)
    verdict = svc.verdicts.pop(update.update_id, None)
    judged = verdict is not None
    if verdict is None:  # not judged on arrival (fed straight to process_update)
        verdict = svc.throttle.admit(who.user_id, now(context))
    if verdict is Verdict.ANSWER:
        return
    message = update.edited_message or update.message
    text = None if message is None else (message.text or message.caption)
    if text and diary(context).red_flags.detect(text):
        return  # answered as usual, however fast it came
    if message is not None and command_name(message.text) == "crisis":
        return  # the crisis lines are never held back
    query = update.callback_query
    if query is not None and not judged:
        await _answer_quietly(query)
    person = diary(context).person(who.user_id)
    ready = person is not None and person.ready
    # A command over the limit is not carried out, and is no note either.
    if person is not None and ready and message is not None and text and not command_name(text):
        if update.edited_message is not None:
            diary(context).notes.edit(who.user_id, message.message_id, text, now(context))
        else:
            diary(context).notes.add(who.user_id, text, now(context), message.message_id)
    if verdict is Verdict.WARN:
        if person is not None and ready:
            await send_saved(context, person, t(ChatText.SLOW_DOWN))
        else:
            await context.bot.send_message(who.chat_id, t(ChatText.SLOW_DOWN_NOT_SET_UP))
    raise ApplicationHandlerStop


async def on_group_message(update: Update, context: Ctx) -> None:
    """Groups and channels: say "private chats only" once in a while, store nothing, and
    leave a group that keeps bursting. Sends to a group are never retried."""
    chat = update.effective_chat
    if chat is None:
        return
    action = services(context).groups.on_message(chat.id, now(context))
    message = update.effective_message
    text = None if message is None else (message.text or message.caption)
    text = typed_words(text, KNOWN) if text else None
    urgent = [f for f in diary(context).red_flags.scan(text) if f.urgent] if text else []
    try:
        if urgent:  # nothing is stored here, but a crisis still gets its lines, once
            user = update.effective_user
            language = user.language_code if user is not None else None
            entry = services(context).crisis.for_person(None, language)
            crisis = Severity.CRISIS
            replies = (
                red_flag_message(f.message, entry, crisis_lines=f.severity is crisis)
                for f in urgent
            )
            await context.bot.send_message(chat.id, "\n\n".join(replies))
        elif action.leave:
            log.info("left a group that kept sending bursts")
            await context.bot.leave_chat(chat.id)
        elif action.reply:
            await context.bot.send_message(chat.id, t(ChatText.PRIVATE_ONLY))
    except TelegramError as error:
        log.info("a message to a group failed (%s); not retried", error.__class__.__name__)
