"""The buttons of /missed: the nights that can be filled in, and a missed night's 0-10."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.presses import Action, encode
from bot.texts import day


def missed_nights(nights: list[dt.date]) -> InlineKeyboardMarkup:
    """One button per night without a rating, newest first, two to a row."""
    buttons = [
        InlineKeyboardButton(day(key), callback_data=encode(Action.FILL_IN, key)) for key in nights
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def fill_rating(night: dt.date) -> InlineKeyboardMarkup:
    """0-10 for a missed night (no Snooze or Skip: the night is over)."""
    numbers = [
        InlineKeyboardButton(str(n), callback_data=encode(Action.FILL_RATE, night, str(n)))
        for n in range(11)
    ]
    return InlineKeyboardMarkup([numbers[:6], numbers[6:]])
