"""/missed: fill in the 0-10 of a night without a rating, up to a week back."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.checkins.missed import FILL_IN_DAYS
from bot.context import Ctx
from bot.handlers.common import diary, edit_pressed, now, send, sender, set_up
from bot.keyboards import FillIn, FillRate
from bot.keyboards.missed import fill_rating, missed_nights


async def cmd_missed(update: Update, context: Ctx) -> None:
    """The nights of the past week without a rating, as buttons (or: nothing to fill in)."""
    found = await set_up(update, context)
    if found is None:
        return
    who, person = found
    missed, moment = diary(context).missed, now(context)
    nights = missed.open_nights(who.user_id, moment)
    markup = missed_nights(nights) if nights else None
    first, last = missed.window(person, moment)
    whole_week = (last - first).days + 1 >= FILL_IN_DAYS
    text = texts.missed_choose(bool(nights), first, last, whole_week=whole_week)
    await send(context, who.chat_id, text, markup)


async def on_fill_in(update: Update, context: Ctx, press: FillIn) -> None:
    """A night chosen under /missed: the list becomes that night's 0-10 question."""
    query = update.callback_query
    if query is None:
        return
    await edit_pressed(query, texts.missed_question(press.night), fill_rating(press.night))


async def on_fill_rate(update: Update, context: Ctx, press: FillRate) -> None:
    """A missed night's number: stored, marked as entered later, and confirmed in place."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    missed = diary(context).missed
    filled = missed.fill_in(who.user_id, press.night, press.rating, now(context))
    rating = filled.night.rating if filled.night.rating is not None else press.rating
    still_open = len(missed.open_nights(who.user_id, now(context)))
    await edit_pressed(query, texts.filled_in(press.night, rating, filled.stored, still_open))
