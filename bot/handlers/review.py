"""Reading it back: /history, /export and the /remedies reference."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards, texts
from bot.context import Ctx
from bot.export import nights_csv
from bot.handlers.common import diary, not_set_up_text, now, send, sender, small_number
from bot.keyboards import RemedyPress
from bot.keyboards import trial as trial_buttons
from bot.models import Flag
from bot.texts import CardText, ChatText, ReviewText, t
from bot.transfer import export_json

DEFAULT_HISTORY = 14
MAX_HISTORY = 366


async def cmd_history(update: Update, context: Ctx) -> None:
    """The latest nights with their notes (/history 60 for more)."""
    who = sender(update)
    if who is None:
        return
    typed = " ".join(context.args or [])
    count = DEFAULT_HISTORY
    if typed:
        asked = small_number(typed)
        if asked is None or not 1 <= asked <= MAX_HISTORY:
            correction = texts.history_bad_count(typed, default=DEFAULT_HISTORY, most=MAX_HISTORY)
            await send(context, who.chat_id, correction)
            return
        count = asked
    nights = diary(context).nights(who.user_id)
    person = diary(context).person(who.user_id)
    if not nights and (person is None or not person.ready):
        # Not "start one with /checkin": before set-up /checkin only points to /start.
        text = t(ReviewText.NOTHING_YET) + "\n" + not_set_up_text(context, who.user_id)
        await send(context, who.chat_id, text)
        return
    catalog = diary(context).catalog
    titles = diary(context).red_flags.titles()
    await send(
        context, who.chat_id, texts.history_message(nights[-count:], catalog, len(nights), titles)
    )


async def cmd_export(update: Update, context: Ctx) -> None:
    """The nights as CSV and everything stored as JSON, sent to the person's own chat only."""
    who = sender(update)
    if who is None:
        return
    person = diary(context).person(who.user_id)
    nights = diary(context).nights(who.user_id)
    if person is None or not nights:
        await send(context, who.chat_id, t(ReviewText.EXPORT_EMPTY))
        return
    moment = now(context)
    catalog = diary(context).catalog
    await context.bot.send_document(
        who.chat_id,
        document=nights_csv(nights, catalog),
        filename=f"rls-nights-{moment:%Y-%m-%d}.csv",
        caption=t(ReviewText.EXPORT_CAPTION),
    )
    everything = export_json(person, nights, content_version=catalog.version, exported_at=moment)
    await context.bot.send_document(
        who.chat_id,
        document=everything,
        filename=f"rls-diary-{moment:%Y-%m-%d}.json",
        caption=t(ReviewText.EXPORT_JSON_CAPTION),
    )


async def cmd_remedies(update: Update, context: Ctx) -> None:
    """Every remedy grouped by kind with its grade; a button per remedy opens its card."""
    who = sender(update)
    if who is None:
        return
    person = diary(context).person(who.user_id)
    catalog = diary(context).catalog
    adult = person is not None and person.adult_topics
    await send(
        context,
        who.chat_id,
        texts.remedies_reference(catalog, adult),
        keyboards.remedies(catalog, adult),
    )


async def on_remedy_button(update: Update, context: Ctx, press: RemedyPress) -> None:
    """The full card of one remedy, with its sources."""
    who = sender(update)
    if who is None:
        return
    catalog = diary(context).catalog
    remedy = catalog.get(press.remedy_id)
    if remedy is None:
        await send(context, who.chat_id, t(ChatText.STALE_BUTTON))
        return
    person = diary(context).person(who.user_id)
    if Flag.ADULTS_ONLY in remedy.flags and (person is None or not person.adult_topics):
        await send(context, who.chat_id, t(CardText.ADULT_HIDDEN))
        return
    markup = None
    if person is not None and person.ready and diary(context).trial.offerable(person, remedy.id):
        markup = trial_buttons.with_trial_button(InlineKeyboardMarkup([]), remedy.id)
    await send(context, who.chat_id, texts.render_card(remedy, catalog), markup)
