"""The doctor's summary is described before it is made: this button makes it, and (when an
adults-only idea falls in the period) one more switches leaving adults-only topics out."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.presses import Action, doctor_pdf_arg, encode
from bot.texts import DoctorText, t


def _button(label: str, end: dt.date, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(Action.DOCTOR_PDF, end, arg))


def doctor_pdf(
    end: dt.date, days: int, *, leave_out: bool, adult_choice: bool
) -> InlineKeyboardMarkup:
    """Make the PDF; with `adult_choice` (an adults-only idea is in the period), also the
    button that switches between leaving adults-only topics out and including everything."""
    rows = [
        [
            _button(
                t(DoctorText.MAKE_BUTTON),
                end,
                doctor_pdf_arg(days, make=True, leave_out=leave_out),
            )
        ]
    ]
    if adult_choice:
        label = DoctorText.INCLUDE_ALL_BUTTON if leave_out else DoctorText.LEAVE_OUT_BUTTON
        arg = doctor_pdf_arg(days, make=False, leave_out=not leave_out)
        rows.append([_button(t(label), end, arg)])
    return InlineKeyboardMarkup(rows)
