"""The morning follow-up: sleep quality, then whether last night's idea was tried and helped."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.context import Ctx
from bot.handlers.common import diary, edit_pressed, now, sender
from bot.keyboards import Press
from bot.models import Helped, Night

SLEEP_ANSWERS = ("1", "2", "3", "4", "5")


def _title(context: Ctx, night: Night) -> str | None:
    if night.morning_remedy is None:
        return None
    remedy = diary(context).catalog.get(night.morning_remedy)
    return remedy.title if remedy else night.morning_remedy


async def on_sleep_button(update: Update, context: Ctx, press: Press) -> None:
    """Sleep quality 1-5; then ask about the remedy if there was one."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None or press.arg not in SLEEP_ANSWERS:
        return
    night = diary(context).record_sleep(who.user_id, press.night, int(press.arg), now(context))
    title = _title(context, night)
    summary = texts.morning_summary(night, title)
    if title is None:
        await edit_pressed(query, f"{summary}\n\n{texts.MORNING_THANKS}")
        return
    await edit_pressed(
        query, f"{summary}\n\n{texts.ask_tried(title)}", keyboards.tried(night.night)
    )


async def on_tried_button(update: Update, context: Ctx, press: Press) -> None:
    """Tried it? Yes asks whether it helped; No ends the follow-up."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None or press.arg not in ("0", "1"):
        return
    tried = press.arg == "1"
    night = diary(context).record_tried(who.user_id, press.night, tried, now(context))
    summary = texts.morning_summary(night, _title(context, night))
    if tried:
        await edit_pressed(
            query, f"{summary}\n\n{texts.ASK_HELPED}", keyboards.helped(night.night)
        )
    else:
        await edit_pressed(query, f"{summary}\n\n{texts.MORNING_THANKS}")


async def on_helped_button(update: Update, context: Ctx, press: Press) -> None:
    """Did it help: no / a bit / clearly."""
    who, query = sender(update), update.callback_query
    if who is None or query is None or press.night is None:
        return
    try:
        helped = Helped(press.arg)
    except ValueError:
        return
    night = diary(context).record_helped(who.user_id, press.night, helped, now(context))
    summary = texts.morning_summary(night, _title(context, night))
    await edit_pressed(query, f"{summary}\n\n{texts.MORNING_THANKS}")
