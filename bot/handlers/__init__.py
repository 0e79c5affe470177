"""Telegram updates in, one use case each, replies out. `register` wires every handler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import keyboards, recovery
from bot.booking import cancel
from bot.checkins import NotSetUp, StaleNight
from bot.context import Ctx
from bot.errors import BadInput, DamagedRecord
from bot.handlers import (
    evening,
    guard,
    missed,
    morning,
    reports,
    review,
    settings,
    setup,
    trial,
)
from bot.handlers.commands import COMMANDS
from bot.handlers.common import not_set_up_text, send, sender, services
from bot.handlers.flags import check_command
from bot.keyboards import presses, trial_presses
from bot.texts import ChatText, t

log = logging.getLogger(__name__)

# Each typed press (bot/keyboards/presses.py) and the handler that takes it.
ButtonHandler = Callable[[Update, Ctx, Any], Awaitable[None]]

BUTTONS: dict[type[presses.Press], ButtonHandler] = {
    presses.Consent: setup.on_consent,
    presses.PickTime: setup.on_time_button,
    presses.SettingsPress: settings.on_settings_button,
    presses.DeleteAnswer: settings.on_delete_button,
    presses.Rate: evening.on_rating_button,
    presses.AskLater: evening.on_snooze_button,
    presses.SkipTonight: evening.on_skip_button,
    presses.CardAnswer: evening.on_respond_button,
    presses.SleepAnswer: morning.on_sleep_button,
    presses.TriedAnswer: morning.on_tried_button,
    presses.HelpedAnswer: morning.on_helped_button,
    presses.RemedyPress: review.on_remedy_button,
    presses.OnsetAnswer: evening.on_onset_button,
    presses.TagToggle: evening.on_trigger_button,
    presses.AboutDone: evening.on_about_done,
    presses.WeeklyDay: settings.on_weekly_button,
    presses.BringBack: settings.on_bring_back,
    presses.ImportAnswer: reports.on_import_button,
    presses.FillIn: missed.on_fill_in,
    presses.FillRate: missed.on_fill_rate,
    presses.DoctorPdf: reports.on_doctor_pdf_button,
    trial_presses.TrialPress: trial.on_trial_button,
    trial_presses.TrialIdea: evening.on_idea_anyway,
    trial_presses.TrialScore: morning.on_night_score_button,
    trial_presses.TrialKept: morning.on_kept_button,
}


async def on_button(update: Update, context: Ctx) -> None:
    """Every inline button: answer the query first, then run the action it names."""
    query = update.callback_query
    if query is None:
        return
    press = keyboards.parse(query.data)
    who = sender(update)
    if who is None:
        await query.answer(t(ChatText.PRIVATE_ONLY), show_alert=True)
        return
    if press is None:
        await query.answer(t(ChatText.STALE_BUTTON))
        return
    # The answer (it stops the button's spinner) goes out first and travels while the action
    # does its work: the reply comes one round trip sooner.
    answered = asyncio.create_task(query.answer())
    try:
        await BUTTONS[type(press)](update, context, press)
    except (StaleNight, BadInput):
        # Buttons only carry values the bot made; anything else is old or forged.
        await send(context, who.chat_id, t(ChatText.STALE_BUTTON))
    except NotSetUp:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
    finally:
        await answered


async def on_unknown_command(update: Update, context: Ctx) -> None:
    """A command the bot does not have."""
    who = sender(update)
    if who is not None:
        await send(context, who.chat_id, t(ChatText.UNKNOWN_COMMAND))


async def on_error(update: object, context: Ctx) -> None:
    """Log the update id and the error (never message text), and apologise to the person."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, DamagedRecord):
        await recovery.handle(context, error)
        return
    if services(context).stopping and isinstance(error, RetryAfter | NetworkError):
        # Shutting down: the limiter no longer waits; the update itself was handled.
        log.warning("a reply to update %s was not sent: the bot is stopping", update_id)
        return
    if isinstance(error, Forbidden) and isinstance(update, Update):
        who = sender(update)
        if who is not None:
            svc = services(context)
            svc.diary.people.mark_blocked(who.user_id, svc.clock())
            cancel(context.job_queue, who.user_id)
        return
    log.error(
        "error while handling update %s: %s",
        update_id,
        error.__class__.__name__,
        exc_info=error,
    )
    if isinstance(update, Update) and (who := sender(update)) is not None:
        try:
            await send(context, who.chat_id, t(ChatText.SOMETHING_WENT_WRONG))
        except Exception:  # the apology itself failed; already logged above
            log.warning("could not send the apology for update %s", update_id)


def register(app: Application[Any, Ctx, Any, Any, Any, Any]) -> None:
    """Add every handler, in priority order, plus the error handler."""
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, guard.guard_flood), group=-2)

    async def check_words(update: Update, context: Ctx) -> None:
        await check_command(update, context, guard.KNOWN)

    # A command's words are checked for red flags before the command runs.
    app.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.COMMAND, check_words),
        group=-1,
    )
    app.add_handler(MessageHandler(~private, guard.on_group_message))
    app.add_handler(CallbackQueryHandler(on_button))
    new_private = private & filters.UpdateType.MESSAGE
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.name, command.run, filters=new_private))
    app.add_handler(MessageHandler(new_private & filters.COMMAND, on_unknown_command))
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, evening.on_edited_text
        )
    )
    app.add_handler(MessageHandler(new_private & filters.LOCATION, setup.on_location))
    app.add_handler(MessageHandler(new_private & filters.TEXT, evening.on_text))
    app.add_handler(MessageHandler(new_private & filters.Document.ALL, reports.on_document))
    app.add_handler(
        MessageHandler(new_private & ~filters.StatusUpdate.ALL, evening.on_other_message)
    )
    app.add_error_handler(on_error)
