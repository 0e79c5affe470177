"""The morning follow-up: sleep quality, then whether last night's idea was tried and helped."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.checkins.results import MorningAnswered, MorningNext
from bot.context import Ctx
from bot.handlers.common import diary, edit_pressed, now, send, sender
from bot.handlers.trial import finished
from bot.keyboards import HelpedAnswer, SleepAnswer, TriedAnswer
from bot.keyboards import trial as trial_buttons
from bot.keyboards.trial_presses import TrialKept, TrialScore


async def _show(update: Update, answered: MorningAnswered, context: Ctx | None = None) -> None:
    """The morning message with the answers so far and the next question, if any; after the
    last answer, a doctor prompt when the nights suggest one (a calm moment for it)."""
    query = update.callback_query
    assert query is not None
    night = answered.night
    text = texts.morning_step(night, answered.title, answered.next.value, answered.trial_title)
    if answered.next is MorningNext.ASK_SLEEP:
        await edit_pressed(query, text, keyboards.sleep_quality(night.night))
    elif answered.next is MorningNext.ASK_KEPT and answered.trial_title is not None:
        await edit_pressed(query, text, trial_buttons.kept(night.night))
    elif answered.next is MorningNext.ASK_TRIED and answered.title is not None:
        await edit_pressed(query, text, keyboards.tried(night.night))
    elif answered.next is MorningNext.ASK_HELPED:
        await edit_pressed(query, text, keyboards.helped(night.night))
    else:
        await edit_pressed(query, text)
    if context is None or query.message is None:
        return
    if answered.trial_done is not None:
        await send(context, query.message.chat.id, finished(context, answered.trial_done))
    if answered.doctor is not None:
        await send(context, query.message.chat.id, texts.doctor_prompt(answered.doctor))


async def on_sleep_button(update: Update, context: Ctx, press: SleepAnswer) -> None:
    """Sleep quality 1-5; then ask about the remedy if there was one."""
    who = sender(update)
    if who is None or update.callback_query is None:
        return
    morning = diary(context).morning
    answered = morning.record_sleep(who.user_id, press.night, press.quality, now(context))
    await _show(update, answered, context)


async def on_tried_button(update: Update, context: Ctx, press: TriedAnswer) -> None:
    """Tried it? Yes asks whether it helped; No ends the follow-up."""
    who = sender(update)
    if who is None or update.callback_query is None:
        return
    morning = diary(context).morning
    answered = morning.record_tried(who.user_id, press.night, press.tried, now(context))
    await _show(update, answered, context)


async def on_helped_button(update: Update, context: Ctx, press: HelpedAnswer) -> None:
    """Did it help: no / a bit / clearly."""
    who = sender(update)
    if who is None or update.callback_query is None:
        return
    morning = diary(context).morning
    answered = morning.record_helped(who.user_id, press.night, press.helped, now(context))
    await _show(update, answered, context)


async def on_night_score_button(update: Update, context: Ctx, press: TrialScore) -> None:
    """A trial night: how the legs were during the night; then sleep quality."""
    who = sender(update)
    if who is None or update.callback_query is None:
        return
    morning = diary(context).morning
    answered = morning.record_night_score(who.user_id, press.night, press.score, now(context))
    await _show(update, answered, context)


async def on_kept_button(update: Update, context: Ctx, press: TrialKept) -> None:
    """A trial night: the evening went as planned, or not (the morning's last answer)."""
    who = sender(update)
    if who is None or update.callback_query is None:
        return
    morning = diary(context).morning
    answered = morning.record_kept(who.user_id, press.night, press.kept, now(context))
    await _show(update, answered, context)
