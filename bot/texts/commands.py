"""Sentences of the command menu and /help: one description per command (the list of
commands itself is bot/handlers/commands.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import auto

from bot.texts.base import TextKey, catalog, esc, t


class CommandText(TextKey):
    """Keys of the command descriptions and the /help frame."""

    CHECKIN = auto()
    MISSED = auto()
    TRIAL = auto()
    HISTORY = auto()
    REMEDIES = auto()
    REPORT = auto()
    SUMMARY = auto()
    EXPORT = auto()
    IMPORT = auto()
    SETTINGS = auto()
    TIME = auto()
    WAKE = auto()
    TIMEZONE = auto()
    PAUSE = auto()
    RESUME = auto()
    PRIVACY = auto()
    CRISIS = auto()
    DELETE = auto()
    HELP = auto()
    START = auto()
    HELP_HEADING = auto()
    HELP_FOOTER = auto()


SENTENCES = catalog(
    CommandText,
    {
        CommandText.CHECKIN: "Start tonight's check-in now",
        CommandText.MISSED: "Fill in a night you missed (up to a week back)",
        CommandText.TRIAL: "Test one idea on your own nights: a personal trial",
        CommandText.HISTORY: "Your recorded nights",
        CommandText.REMEDIES: "Every idea, with how well it is studied",
        CommandText.REPORT: "A chart of your last four weeks and what has helped",
        CommandText.SUMMARY: "A PDF of your nights to take to your doctor",
        CommandText.EXPORT: "Download your nights (CSV) and all your data (JSON)",
        CommandText.IMPORT: "Load a diary file made by /export",
        CommandText.SETTINGS: "Time zone, check-in and wake-up times",
        CommandText.TIME: "Evening check-in time, e.g. /time 22:00",
        CommandText.WAKE: "Morning follow-up time, e.g. /wake 07:30",
        CommandText.TIMEZONE: "Your time zone, e.g. /timezone Europe/Berlin",
        CommandText.PAUSE: "Pause reminders, e.g. /pause 3 for three nights",
        CommandText.RESUME: "Turn reminders back on",
        CommandText.PRIVACY: "What is stored and who can see it",
        CommandText.CRISIS: "Help right now if you are in crisis",
        CommandText.DELETE: "Erase everything stored about you",
        CommandText.HELP: "All commands",
        CommandText.START: "Welcome and set-up",
        CommandText.HELP_HEADING: "<b>What I can do</b>",
        CommandText.HELP_FOOTER: (
            "\nAny other text you send is saved as a note on tonight (or, in the morning, on "
            "last night). I'm not a doctor: for medicines, iron or supplements, please talk to "
            "yours."
        ),
    },
)


def help_text(commands: Sequence[tuple[str, CommandText]]) -> str:
    """The /help list, from the same commands as the menu."""
    lines = [t(CommandText.HELP_HEADING)]
    lines.extend(f"/{name}: {esc(t(about))}" for name, about in commands)
    lines.append(t(CommandText.HELP_FOOTER))
    return "\n".join(lines)
