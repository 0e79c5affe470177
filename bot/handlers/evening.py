"""The evening: /checkin, the 0-10 rating, one remedy, snooze and skip, and notes."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Update

from bot import keyboards, texts
from bot.booking import book_snooze, send_saved
from bot.checkins import NotSetUp
from bot.checkins.results import (
    AboutDay,
    CalmNight,
    Card,
    DayAnswer,
    FlagBlocksIdea,
    NextIdea,
    NoMoreIdeas,
    Rated,
    RatingChanged,
    RatingReply,
    UsualEvening,
)
from bot.checkins.trial import TrialTonight
from bot.context import Ctx
from bot.handlers.common import diary, edit_pressed, not_set_up_text, now, send, sender, set_up
from bot.handlers.flags import check_caption, check_text, reply_to_flags
from bot.handlers.setup import accept_typed, ask_for
from bot.handlers.typed import read_rating
from bot.keyboards import (
    AboutDone,
    AskLater,
    CardAnswer,
    OnsetAnswer,
    Rate,
    SkipTonight,
    TagToggle,
)
from bot.keyboards import trial as trial_buttons
from bot.keyboards.trial_presses import TrialIdea
from bot.models import Awaiting, Night, Response, Suggestion
from bot.texts import ChatText, EveningText, SafetyText, SetupText, TrialText, check_in, t


async def cmd_checkin(update: Update, context: Ctx) -> None:
    """Start tonight's check-in now (or show the rating again to change it)."""
    found = await set_up(update, context)
    if found is None:
        return
    who, person = found
    assert person.tz is not None
    local = now(context).astimezone(ZoneInfo(person.tz))
    try:
        night = diary(context).evening.ask_now(who.user_id, now(context))
    except NotSetUp:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    rated = night.rating is not None
    question = texts.already_rated(night.rating) if night.rating is not None else check_in(local)
    tonight = diary(context).evening.trial_evening(diary(context).require(who.user_id), night)
    if tonight is not None and not rated:
        question = f"{trial_line(context, tonight)}\n\n{question}"
    await send(context, who.chat_id, question, keyboards.rating(night.night, rated=rated))


def trial_line(context: Ctx, tonight: TrialTonight) -> str:
    """The line that says which kind of trial evening tonight is."""
    title = diary(context).catalog.title(tonight.remedy_id)
    return texts.trial_night(tonight.arm, tonight.number, title)


async def on_rating_button(update: Update, context: Ctx, press: Rate) -> None:
    """A 0-10 button."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    before = diary(context).store.get_night(who.user_id, press.night)
    if before is not None and before.rating == press.rating:
        # A double tap, or the same number again: it is already noted, nothing new to say.
        await edit_pressed(query, texts.rating_noted(press.rating))
        return
    rated = diary(context).evening.rate(who.user_id, press.night, press.rating, now(context))
    # The question shows the answer while the card is on its way: two requests at once.
    await asyncio.gather(
        edit_pressed(query, texts.rating_noted(press.rating)),
        after_rating(context, who.chat_id, rated),
    )


async def after_rating(context: Ctx, chat_id: int, rated: Rated) -> None:
    """The reply the rating decided (a card says it heard the rating), then the optional
    about-today question when no card waits for an answer: never more than two messages."""
    night = rated.night
    lead = ""
    if isinstance(rated.reply, Card) and rated.reply.trial:
        lead = texts.trial_lead(night.rating)
    elif night.rating and isinstance(rated.reply, Card):
        lead = texts.rating_lead(night.rating)
    await send_reply(context, chat_id, night.night, rated.reply, lead)
    await _ask_about(context, chat_id, night, rated.about_day)


async def _ask_about(context: Ctx, chat_id: int, night: Night, about: AboutDay | None) -> None:
    if about is not None:
        await send(
            context,
            chat_id,
            texts.about_day(night, about.onset, about.tags),
            keyboards.about_day(night, about.onset, about.tags),
        )


async def send_reply(
    context: Ctx, chat_id: int, night: dt.date, reply: RatingReply, lead: str = ""
) -> None:
    """One reply to a rating or a card's button."""
    match reply:
        case Card(suggestion, trial):
            await send_suggestion(context, chat_id, night, suggestion, lead, trial=trial)
        case UsualEvening(remedy_id):
            title = texts.esc(diary(context).catalog.title(remedy_id))
            text = t(TrialText.USUAL_REPLY, title=title)
            await send(context, chat_id, text, trial_buttons.usual_evening(night))
        case RatingChanged(rating):
            await send(context, chat_id, texts.rating_updated(rating))
        case FlagBlocksIdea():
            await send(context, chat_id, t(SafetyText.NO_REMEDY_AFTER_FLAG))
        case CalmNight():
            await send(context, chat_id, t(EveningText.GOOD_NIGHT_CALM))
        case NoMoreIdeas():
            await send(context, chat_id, t(EveningText.NO_MORE_IDEAS))


async def send_suggestion(
    context: Ctx,
    chat_id: int,
    night: dt.date,
    suggestion: Suggestion,
    lead: str = "",
    *,
    trial: bool = False,
) -> None:
    """The remedy card with its three buttons; on a trial's idea evening, only "I'll do it
    tonight"."""
    catalog = diary(context).catalog
    reason = texts.reason_words(suggestion.reason)
    text = texts.render_suggestion(suggestion.remedy, catalog, reason)
    remedy_id = suggestion.remedy.id
    if trial:
        markup = trial_buttons.trial_card(night, remedy_id)
    else:
        markup = keyboards.suggestion(night, remedy_id)
    await send(context, chat_id, f"{lead}\n\n{text}" if lead else text, markup)


async def on_idea_anyway(update: Update, context: Ctx, press: TrialIdea) -> None:
    """A usual evening of a trial: an idea after all (never the one under test)."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    idea = diary(context).evening.idea_anyway(who.user_id, press.night, now(context))
    await edit_pressed(query, None)  # the button has done its work
    await send_reply(context, who.chat_id, press.night, idea)


async def on_respond_button(update: Update, context: Ctx, press: CardAnswer) -> None:
    """I'll try it / Another idea / Not for me."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    responded = diary(context).evening.respond(
        who.user_id, press.night, press.remedy_id, press.response, now(context)
    )
    if responded.blocked:  # a red flag since: the card stays, its buttons go
        await edit_pressed(query, _card_with_response(context, responded.night, press, False))
        await send(context, who.chat_id, t(SafetyText.NO_REMEDY_AFTER_FLAG))
        return
    # A chosen idea can be tested properly: "Test it in a trial" under the answered card.
    markup = None
    if press.response is Response.TRY:
        person = diary(context).require(who.user_id)
        if diary(context).trial.offerable(person, press.remedy_id):
            markup = trial_buttons.with_trial_button(InlineKeyboardMarkup([]), press.remedy_id)
    await edit_pressed(query, _card_with_response(context, responded.night, press), markup)
    following: NextIdea | None = responded.next
    if following is not None:
        lead = t(EveningText.NOT_FOR_ME_NEXT) if press.response is Response.NOT_FOR_ME else ""
        await send_reply(context, who.chat_id, press.night, following, lead)
    # Tonight's cards are answered: a calmer moment for the optional question and a prompt.
    await _ask_about(context, who.chat_id, responded.night, responded.about_day)
    if responded.doctor is not None:
        await send(context, who.chat_id, texts.doctor_prompt(responded.doctor))


def _card_with_response(context: Ctx, night: Night, press: CardAnswer, noted: bool = True) -> str:
    catalog = diary(context).catalog
    remedy = catalog.get(press.remedy_id)
    record = next(s for s in night.suggestions if s.remedy_id == press.remedy_id)
    if remedy is None:
        return texts.response_noted(press.response, press.remedy_id).strip()
    card = texts.render_suggestion(remedy, catalog, record.reason)
    return card + texts.response_noted(press.response, remedy.title) if noted else card


async def on_snooze_button(update: Update, context: Ctx, press: AskLater) -> None:
    """Ask again in 30 minutes (survives a restart)."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    snoozed = diary(context).evening.snooze(who.user_id, press.night, now(context))
    book_snooze(context.job_queue, who.user_id, snoozed.due)
    await edit_pressed(query, texts.snoozed(snoozed.due, snoozed.tz))


async def on_skip_button(update: Update, context: Ctx, press: SkipTonight) -> None:
    """No check-in tonight."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    night = diary(context).evening.skip(who.user_id, press.night, now(context))
    local = now(context).astimezone(ZoneInfo(night.tz))
    await edit_pressed(query, texts.skipped(press.night, local))


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
            await send(context, who.chat_id, t(SetupText.CONSENT_NEEDED))
        return
    if person.awaiting is Awaiting.IMPORT_FILE:
        # Typing instead: carry on as usual.
        person = diary(context).people.expect(who.user_id, None)
    elif person.awaiting is not None:
        flagged = await check_text(context, who, text)
        if not flagged.flags:
            await accept_typed(context, person, person.awaiting, text)
        elif not flagged.pending:
            await ask_for(context, person, person.awaiting)  # the question still stands
        return
    if not person.ready:
        if not (await check_text(context, who, text)).urgent:
            await send(context, who.chat_id, t(SetupText.SETUP_FIRST))
        return
    evening = diary(context).evening
    typed = read_rating(text)
    key = None
    if typed.rating is not None or typed.invalid:
        key = evening.awaiting_rating(who.user_id, now(context))
    if key is not None and typed.invalid:
        await send(context, who.chat_id, t(EveningText.RATING_WHOLE_NUMBER))  # still open
        return
    note = None
    if key is None or typed.rest:  # words to keep: a note, or a rating with words after it
        try:
            note = diary(context).notes.add(who.user_id, text, now(context), message.message_id)
        except NotSetUp:
            await send(context, who.chat_id, not_set_up_text(context, who.user_id))
            return
    # Rated after the note ("8 thinking of ending it"), so a red flag in it keeps tonight's
    # idea back, and before a crisis reply, which then stays the only answer.
    rated = None
    if key is not None and typed.rating is not None:
        rated = evening.rate(who.user_id, key, typed.rating, now(context))
    if note is not None:
        replied = await reply_to_flags(context, who, person.tz, note.flags, note_kept=True)
        if replied.urgent:
            return  # the crisis or urgent reply said the note was kept
    if rated is not None and typed.rating is not None:
        reply = texts.rating_noted(typed.rating)
        if note is not None:
            reply = texts.rating_with_note(typed.rating, note.night)
        await send_saved(context, person, reply)
        await after_rating(context, who.chat_id, rated)
        return
    assert note is not None  # no rating: the text was kept as a note
    number = typed.invalid or (typed.rating is not None and not typed.rest)
    reply = t(EveningText.NOTE_INSTEAD_OF_RATING) if number else texts.note_saved(note.night)
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
        note = diary(context).notes.edit(
            who.user_id, message.message_id, message.text, now(context)
        )
    if note is None:
        await check_text(context, who, message.text, message.message_id)
        return
    assert person is not None  # a note was edited, so the person is set up
    if not (await reply_to_flags(context, who, person.tz, note.flags, note_kept=True)).urgent:
        await send_saved(context, person, texts.note_updated(note.night))


async def on_other_message(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice and the like: say what the bot can read (after checking a
    caption for red flags)."""
    who = sender(update)
    if who is not None and not await check_caption(update, context):
        await send(context, who.chat_id, t(ChatText.NOT_TEXT))


async def on_onset_button(update: Update, context: Ctx, press: OnsetAnswer) -> None:
    """When the urge started today."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    answer = diary(context).evening.set_onset(who.user_id, press.night, press.onset, now(context))
    await _refresh_about_day(query, answer)


async def on_trigger_button(update: Update, context: Ctx, press: TagToggle) -> None:
    """Mark or unmark one tag about the day; the New medicine tag shows its message once."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    answer = diary(context).evening.toggle_trigger(
        who.user_id, press.night, press.trigger, now(context)
    )
    await _refresh_about_day(query, answer)
    if answer.flag is not None:
        person = diary(context).require(who.user_id)
        await reply_to_flags(context, who, person.tz, [answer.flag], note_kept=False)


async def _refresh_about_day(query: CallbackQuery, answer: DayAnswer) -> None:
    night, about = answer.night, answer.about
    await edit_pressed(
        query,
        texts.about_day(night, about.onset, about.tags),
        keyboards.about_day(night, about.onset, about.tags),
    )


async def on_about_done(update: Update, context: Ctx, press: AboutDone) -> None:
    """Close the about-today question."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    answer = diary(context).evening.about_day(who.user_id, press.night)
    await edit_pressed(query, texts.about_day_done(answer.night))
