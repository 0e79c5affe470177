"""Callback data of inline buttons, `1|action|night|arg` (at most 64 bytes), and the typed
presses it is read into.

`parse` is the only reader of callback data: it checks every argument against the values the
bot puts on its buttons, so a handler gets a typed press (a night, a 0-10 rating, a Response,
...) or nothing; forged or stale data becomes None and gets a polite answer instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.keyboards.trial_presses import (
    TrialIdea,
    TrialKept,
    TrialPress,
    TrialScore,
    trial_press,
)
from bot.models import Helped, Onset, Response, Trigger

VERSION = "1"
MAX_CALLBACK_BYTES = 64


class Action(StrEnum):
    """What a button does."""

    CONSENT = "c"
    CHECKIN_TIME = "tm"
    WAKE_TIME = "wk"
    RATE = "r"
    SNOOZE = "sz"
    SKIP = "sk"
    RESPOND = "s"
    SLEEP = "q"
    TRIED = "t"
    HELPED = "h"
    SETTINGS = "set"
    DELETE = "del"
    REMEDY = "rm"
    ONSET = "on"
    TRIGGER = "tg"
    ABOUT_DONE = "ad"
    WEEKLY = "wd"
    IMPORT = "im"
    BRING_BACK = "bb"
    FILL_IN = "fi"
    FILL_RATE = "fr"
    # Looking back (issue 17): the doctor's summary, shown before it is made.
    DOCTOR_PDF = "pdf"
    # Personal trials (issue 19).
    TRIAL = "tr"
    TRIAL_SCORE = "ns"
    TRIAL_KEPT = "kp"
    TRIAL_IDEA = "ti"


@dataclass(frozen=True)
class Consent:
    """The consent button under the welcome."""


@dataclass(frozen=True)
class PickTime:
    """A check-in (`wake` False) or wake-up time button; `at` is `HH:MM` (checked later)."""

    wake: bool
    at: str


@dataclass(frozen=True)
class Rate:
    """A 0-10 button under the check-in."""

    night: dt.date
    rating: int


@dataclass(frozen=True)
class AskLater:
    """Snooze 30 min."""

    night: dt.date


@dataclass(frozen=True)
class SkipTonight:
    """Skip tonight."""

    night: dt.date


@dataclass(frozen=True)
class CardAnswer:
    """I'll try it / Another idea / Not for me, under a card."""

    night: dt.date
    response: Response
    remedy_id: str


@dataclass(frozen=True)
class SleepAnswer:
    """Sleep quality, 1 (very poor) to 5 (very good)."""

    night: dt.date
    quality: int


@dataclass(frozen=True)
class TriedAnswer:
    """Did you try it: yes or no."""

    night: dt.date
    tried: bool


@dataclass(frozen=True)
class HelpedAnswer:
    """Did it help: no, a bit, clearly."""

    night: dt.date
    helped: Helped


@dataclass(frozen=True)
class SettingsPress:
    """A button under /settings."""

    choice: SettingsChoice


@dataclass(frozen=True)
class DeleteAnswer:
    """Erase everything (True) or cancel."""

    erase: bool


@dataclass(frozen=True)
class RemedyPress:
    """One idea in the /remedies list."""

    remedy_id: str


@dataclass(frozen=True)
class OnsetAnswer:
    """When the urge started today."""

    night: dt.date
    onset: Onset


@dataclass(frozen=True)
class TagToggle:
    """One day tag, marked or unmarked."""

    night: dt.date
    trigger: Trigger


@dataclass(frozen=True)
class AboutDone:
    """Done, under the about-today question."""

    night: dt.date


@dataclass(frozen=True)
class WeeklyDay:
    """The weekly summary's weekday (0 = Monday), or None: off."""

    weekday: int | None


@dataclass(frozen=True)
class BringBack:
    """Undo "Not for me" for one idea (under the list in /settings)."""

    remedy_id: str


@dataclass(frozen=True)
class FillIn:
    """A missed night, chosen under /missed to be filled in."""

    night: dt.date


@dataclass(frozen=True)
class FillRate:
    """A 0-10 button for a missed night."""

    night: dt.date
    rating: int


@dataclass(frozen=True)
class ImportAnswer:
    """Replace the diary with the checked file (True) or cancel."""

    replace: bool


# -- looking back: the doctor's summary ------------------------------------------------------

# The periods /summary makes (days), as its buttons carry them.
SUMMARY_DAYS_RANGE = range(7, 367)


@dataclass(frozen=True)
class DoctorPdf:
    """Under the summary's contents: make it now (`make`), or show the contents again with
    the adults-only topics left out or included (`leave_out`). The period is the one the
    contents named: `days` nights up to `end`."""

    end: dt.date
    days: int
    make: bool
    leave_out: bool


def doctor_pdf_arg(days: int, *, make: bool, leave_out: bool) -> str:
    """The argument of a summary button, e.g. `make:28:all`."""
    return f"{'make' if make else 'show'}:{days}:{'out' if leave_out else 'all'}"


def _doctor_pdf(end: dt.date, arg: str) -> DoctorPdf | None:
    parts = arg.split(":")
    if len(parts) != 3:
        return None
    verb, days, adult = parts
    if verb not in ("make", "show") or adult not in ("out", "all"):
        return None
    if not (days.isascii() and days.isdigit() and len(days) <= 3):
        return None
    if int(days) not in SUMMARY_DAYS_RANGE:
        return None
    return DoctorPdf(end, int(days), make=verb == "make", leave_out=adult == "out")


Press = (
    Consent
    | PickTime
    | Rate
    | AskLater
    | SkipTonight
    | CardAnswer
    | SleepAnswer
    | TriedAnswer
    | HelpedAnswer
    | SettingsPress
    | DeleteAnswer
    | RemedyPress
    | OnsetAnswer
    | TagToggle
    | AboutDone
    | WeeklyDay
    | ImportAnswer
    | BringBack
    | FillIn
    | FillRate
    | DoctorPdf
    | TrialPress
    | TrialScore
    | TrialKept
    | TrialIdea
)


def encode(action: Action, night: dt.date | None = None, arg: str = "") -> str:
    """Build callback data; raises ValueError if it would not fit Telegram's limit."""
    data = "|".join((VERSION, action.value, night.strftime("%Y%m%d") if night else "", arg))
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {len(data.encode())} bytes")
    return data


def parse(data: str | None) -> Press | None:
    """Read callback data into a typed press; None for anything malformed, forged or from an
    unknown version (only values the bot itself puts on buttons get through)."""
    if not data:
        return None
    parts = data.split("|")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    try:
        action = Action(parts[1])
        night = dt.datetime.strptime(parts[2], "%Y%m%d").date() if parts[2] else None  # noqa: DTZ007
    except ValueError:
        return None
    try:
        return _press(action, night, parts[3])
    except ValueError:  # an enum value or number the bot never puts on a button
        return None


def _number(arg: str, low: int, high: int) -> int:
    """A small ASCII number in [low, high] ("²" passes `isdigit`, "٣" `isdecimal`)."""
    if not (arg.isascii() and arg.isdigit() and len(arg) <= 2) or not low <= int(arg) <= high:
        raise ValueError(arg)
    return int(arg)


def _press(action: Action, night: dt.date | None, arg: str) -> Press | None:
    if action is Action.CONSENT:
        return Consent()
    if action in (Action.CHECKIN_TIME, Action.WAKE_TIME):
        if not (len(arg) == 4 and arg.isascii() and arg.isdigit()):
            return None
        return PickTime(wake=action is Action.WAKE_TIME, at=f"{arg[:2]}:{arg[2:]}")
    if action is Action.SETTINGS:
        return SettingsPress(SettingsChoice(arg))
    if action is Action.DELETE:
        return DeleteAnswer(erase=arg == "yes")
    if action is Action.IMPORT:
        return ImportAnswer(replace=arg == "yes")
    if action is Action.REMEDY:
        return RemedyPress(arg) if arg else None
    if action is Action.BRING_BACK:
        return BringBack(arg) if arg else None
    if action is Action.TRIAL:
        return trial_press(arg)
    if action is Action.WEEKLY:
        return WeeklyDay(None if arg == "off" else _number(arg, 0, 6))
    if night is None:
        return None
    return _night_press(action, night, arg)


def _night_press(action: Action, night: dt.date, arg: str) -> Press | None:
    if action is Action.RATE:
        return Rate(night, _number(arg, 0, 10))
    if action is Action.SNOOZE:
        return AskLater(night)
    if action is Action.SKIP:
        return SkipTonight(night)
    if action is Action.RESPOND:
        response, _, remedy_id = arg.partition(":")
        return CardAnswer(night, Response(response), remedy_id) if remedy_id else None
    if action is Action.SLEEP:
        return SleepAnswer(night, _number(arg, 1, 5))
    if action is Action.TRIED:
        return TriedAnswer(night, _number(arg, 0, 1) == 1)
    if action is Action.HELPED:
        return HelpedAnswer(night, Helped(arg))
    if action is Action.ONSET:
        return OnsetAnswer(night, Onset(arg))
    if action is Action.TRIGGER:
        return TagToggle(night, Trigger(arg))
    if action is Action.ABOUT_DONE:
        return AboutDone(night)
    if action is Action.FILL_IN:
        return FillIn(night)
    if action is Action.FILL_RATE:
        return FillRate(night, _number(arg, 0, 10))
    if action is Action.DOCTOR_PDF:
        return _doctor_pdf(night, arg)
    return _trial_night_press(action, night, arg)


def _trial_night_press(action: Action, night: dt.date, arg: str) -> Press | None:
    if action is Action.TRIAL_SCORE:
        return TrialScore(night, _number(arg, 0, 10))
    if action is Action.TRIAL_KEPT:
        return TrialKept(night, _number(arg, 0, 1) == 1)
    if action is Action.TRIAL_IDEA:
        return TrialIdea(night)
    return None


class SettingsChoice(StrEnum):
    """Buttons under /settings."""

    TIMEZONE = "tz"
    CHECKIN = "tm"
    WAKE = "wk"
    PAUSE = "pause"
    RESUME = "resume"
    # "adult" was the old on/off toggle; buttons already in chats still send it.
    ADULT = "adult"
    ADULT_ON = "adult_on"
    ADULT_OFF = "adult_off"
    ADULT_CONFIRM = "adult_18"
    ADULT_CANCEL = "adult_no"
    ONSET = "onset"
    TRIGGERS = "triggers"
    WEEKLY = "weekly"
    TURNED_DOWN = "declined"
