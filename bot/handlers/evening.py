"""The evening: /checkin, the 0-10 rating, one remedy, snooze and skip, and notes."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from telegram import CallbackQuery, Update

from bot import keyboards, texts
from bot.checkins import NotSetUp, RatingResult, StaleNight
from bot.context import Ctx
from bot.handlers.common import (
    diary,
    edit_pressed,
    not_set_up_text,
    now,
    send,
    sender,
    set_up,
    small_number,
)
from bot.handlers.flags import check_caption, check_text, reply_to_flags
from bot.handlers.setup import accept_typed, ask_for
from bot.jobs import book_snooze, send_saved
from bot.keyboards import Press
from bot.models import Awaiting, Night, Onset, PromptSource, Response, Suggestion, Trigger

_TYPED_RATING = re.compile(r"^\s*(\d{1,2})\s*(?:/\s*10)?\s*$")
NEW_MEDICINE_FLAG = "new_medicine"


async def cmd_checkin(update: Update, context: Ctx) -> None:
    """Start tonight's check-in now (or show the rating again to change it)."""
    found = await set_up(update, context)
    if found is None:
        return
    who, person = found
    key = diary(context).checkin_night(person, now(context))
    night = diary(context).open_evening(who.user_id, key, now(context), PromptSource.MANUAL)
    if night is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    question = texts.CHECKIN_QUESTION
    if night.rating is not None:
        question = texts.already_rated(night.rating)
    await send(context, who.chat_id, question, keyboards.rating(key))


async def on_rating_button(update: Update, context: Ctx, press: Press) -> None:
    """A 0-10 button."""
    who, query = sender(update), update.callback_query
    rating = small_number(press.arg)
    if who is None or query is None or press.night is None or rating is None:
        return
    result = diary(context).rate(who.user_id, press.night, rating, now(context))
    # The question shows the answer while the card is on its way: two requests at once.
    await asyncio.gather(
        edit_pressed(query, texts.rating_noted(rating)),
        after_rating(context, who.user_id, who.chat_id, result),
    )


async def after_rating(context: Ctx, user_id: int, chat_id: int, result: RatingResult) -> None:
    """Good night for a 0, else tonight's one remedy (or word that the rating changed)."""
    night = result.night
    assert night.rating is not None
    if result.replaced and result.suggestion is None:
        await send(context, chat_id, texts.rating_updated(night.rating))
    elif night.rating >= 1 and diary(context).remedy_blocked(night):
        await send(context, chat_id, texts.NO_REMEDY_AFTER_FLAG)
    elif night.rating == 0:
        await send(context, chat_id, texts.GOOD_NIGHT_CALM)
    elif result.suggestion is not None:
        await send_suggestion(context, chat_id, night.night, result.suggestion)
    else:
        await send(context, chat_id, texts.NO_MORE_IDEAS)
    if result.ask_about_day:
        onset, tags = _about_day_parts(context, user_id, night)
        await send(
            context,
            chat_id,
            texts.about_day(night, onset, tags),
            keyboards.about_day(night, onset, tags),
        )
    if result.doctor is not None:
        await send(context, chat_id, texts.doctor_prompt(result.doctor))


async def send_suggestion(
    context: Ctx, chat_id: int, night: dt.date, suggestion: Suggestion, lead: str = ""
) -> None:
    """The remedy card with its three buttons."""
    catalog = diary(context).catalog
    text = texts.render_suggestion(suggestion.remedy, catalog, suggestion.reason)
    await send(
        context,
        chat_id,
        f"{lead}\n\n{text}" if lead else text,
        keyboards.suggestion(night, suggestion.remedy.id),
    )


async def on_respond_button(update: Update, context: Ctx, press: Press) -> None:
    """I'll try it / Another idea / Not for me."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None or ":" not in press.arg:
        return
    raw_response, remedy_id = press.arg.split(":", 1)
    try:
        response = Response(raw_response)
    except ValueError:
        return
    night, nxt = diary(context).respond(
        who.user_id, press.night, remedy_id, response, now(context)
    )
    await edit_pressed(query, _card_with_response(context, night, remedy_id, response))
    if response is Response.TRY:
        return
    if nxt is None:
        blocked = diary(context).remedy_blocked(night)
        await send(
            context, who.chat_id, texts.NO_REMEDY_AFTER_FLAG if blocked else texts.NO_MORE_IDEAS
        )
        return
    lead = texts.NOT_FOR_ME_NEXT if response is Response.NOT_FOR_ME else ""
    await send_suggestion(context, who.chat_id, press.night, nxt, lead)


def _card_with_response(context: Ctx, night: Night, remedy_id: str, response: Response) -> str:
    catalog = diary(context).catalog
    remedy = catalog.get(remedy_id)
    record = next(s for s in night.suggestions if s.remedy_id == remedy_id)
    if remedy is None:
        return texts.response_noted(response, remedy_id).strip()
    card = texts.render_suggestion(remedy, catalog, record.reason)
    return card + texts.response_noted(response, remedy.title)


async def on_snooze_button(update: Update, context: Ctx, press: Press) -> None:
    """Ask again in 30 minutes (survives a restart)."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None:
        return
    snooze = diary(context).snooze(who.user_id, press.night, now(context))
    book_snooze(context.bot_data.services, context.job_queue, who.user_id, snooze.due)
    person = diary(context).require(who.user_id)
    assert person.tz is not None
    await edit_pressed(query, texts.snoozed(snooze.due, person.tz))


async def on_skip_button(update: Update, context: Ctx, press: Press) -> None:
    """No check-in tonight."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None:
        return
    diary(context).skip(who.user_id, press.night, now(context))
    await edit_pressed(query, texts.SKIPPED)


async def on_text(update: Update, context: Ctx) -> None:
    """Plain text: a set-up answer, a typed rating, or a note on tonight. Red flags are
    checked in every state first; a crisis or urgent reply is then the only answer."""
    who, message = sender(update), update.effective_message
    if who is None or message is None or message.text is None:
        return
    text = message.text
    person = diary(context).person(who.user_id)
    if person is None or not person.consented:
        # Nothing is stored before consent, but a crisis is answered all the same.
        if not (await check_text(context, who, text)).urgent:
            await send(context, who.chat_id, texts.CONSENT_NEEDED)
        return
    if person.awaiting is Awaiting.IMPORT_FILE:
        person = diary(context).expect(who.user_id, None)  # typing instead: carry on as usual
    elif person.awaiting is not None:
        flagged = await check_text(context, who, text)
        if not flagged.flags:
            await accept_typed(context, person, person.awaiting, text)
        elif not flagged.pending:
            await ask_for(context, person, person.awaiting)  # the question still stands
        return
    if not person.ready:
        if not (await check_text(context, who, text)).urgent:
            await send(context, who.chat_id, texts.SETUP_FIRST)
        return
    match = _TYPED_RATING.match(text)
    if match and int(match.group(1)) <= 10:
        key = diary(context).awaiting_rating(who.user_id, now(context))
        if key is not None:
            rating = int(match.group(1))
            result = diary(context).rate(who.user_id, key, rating, now(context))
            await send_saved(context, person, texts.rating_noted(rating))
            await after_rating(context, who.user_id, who.chat_id, result)
            return
    try:
        note = diary(context).add_note(who.user_id, text, now(context), message.message_id)
    except NotSetUp:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    if (await reply_to_flags(context, who, person.tz, note.flags, note_kept=True)).urgent:
        return  # the crisis or urgent reply said the note was kept
    reply = texts.NOTE_INSTEAD_OF_RATING if match else texts.note_saved(note.night)
    await send_saved(context, person, reply)


async def on_edited_text(update: Update, context: Ctx) -> None:
    """An edited message: update the note it created, if any; flags of the new text either
    way."""
    who, message = sender(update), update.edited_message
    if who is None or message is None or message.text is None:
        return
    person = diary(context).person(who.user_id)
    note = None
    if person is not None and person.ready:
        note = diary(context).edit_note(
            who.user_id, message.message_id, message.text, now(context)
        )
    if note is None:
        await check_text(context, who, message.text)
        return
    assert person is not None  # a note was edited, so the person is set up
    if not (await reply_to_flags(context, who, person.tz, note.flags, note_kept=True)).urgent:
        await send_saved(context, person, texts.note_updated(note.night))


async def on_other_message(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice and the like: say what the bot can read (after checking a
    caption for red flags)."""
    who = sender(update)
    if who is not None and not await check_caption(update, context):
        await send(context, who.chat_id, texts.NOT_TEXT)


def _about_day_parts(context: Ctx, user_id: int, night: Night) -> tuple[bool, bool]:
    """Which parts of the about-today question this person gets for this night."""
    person = diary(context).require(user_id)
    return person.ask_onset and (night.rating or 0) >= 1, person.ask_triggers


async def on_onset_button(update: Update, context: Ctx, press: Press) -> None:
    """When the urge started today."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None or press.arg not in set(Onset):
        raise StaleNight(press.arg)
    night = diary(context).set_onset(who.user_id, press.night, Onset(press.arg), now(context))
    await _refresh_about_day(context, who.user_id, night, query)


async def on_trigger_button(update: Update, context: Ctx, press: Press) -> None:
    """Mark or unmark one tag about the day."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None or press.arg not in set(Trigger):
        raise StaleNight(press.arg)
    trigger = Trigger(press.arg)
    night = diary(context).toggle_trigger(who.user_id, press.night, trigger, now(context))
    await _refresh_about_day(context, who.user_id, night, query)
    if trigger is Trigger.NEW_MEDICINE and trigger in night.triggers:
        flag = diary(context).flag_night(who.user_id, press.night, NEW_MEDICINE_FLAG)
        if flag is not None:  # once per night: only when the flag was not there yet
            person = diary(context).require(who.user_id)
            await reply_to_flags(context, who, person.tz, [flag], note_kept=False)


async def _refresh_about_day(
    context: Ctx, user_id: int, night: Night, query: CallbackQuery
) -> None:
    onset, tags = _about_day_parts(context, user_id, night)
    await edit_pressed(
        query, texts.about_day(night, onset, tags), keyboards.about_day(night, onset, tags)
    )


async def on_about_done(update: Update, context: Ctx, press: Press) -> None:
    """Close the about-today question."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None:
        return
    person = diary(context).require(who.user_id)
    night = diary(context).night(person, press.night)
    await edit_pressed(query, texts.about_day_done(night))
