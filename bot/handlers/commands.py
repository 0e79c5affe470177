"""The one list of commands: each name, its description's key and its handler. The menu
(setMyCommands), /help and the handler registration are all made from it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot import texts
from bot.context import Ctx
from bot.handlers import evening, missed, reports, review, settings, setup, trial
from bot.handlers.common import send, sender
from bot.texts import CommandText


@dataclass(frozen=True)
class Command:
    """A command: /name, what the menu and /help say about it, and what it runs."""

    name: str
    about: CommandText
    run: Callable[[Update, Ctx], Coroutine[Any, Any, None]]


async def cmd_help(update: Update, context: Ctx) -> None:
    """Every command, as the menu lists them."""
    who = sender(update)
    if who is not None:
        await send(context, who.chat_id, texts.help_text([(c.name, c.about) for c in COMMANDS]))


# In the order the menu and /help show them.
COMMANDS = (
    Command("checkin", CommandText.CHECKIN, evening.cmd_checkin),
    Command("missed", CommandText.MISSED, missed.cmd_missed),
    Command("history", CommandText.HISTORY, review.cmd_history),
    Command("remedies", CommandText.REMEDIES, review.cmd_remedies),
    Command("trial", CommandText.TRIAL, trial.cmd_trial),
    Command("report", CommandText.REPORT, reports.cmd_report),
    Command("summary", CommandText.SUMMARY, reports.cmd_summary),
    Command("export", CommandText.EXPORT, review.cmd_export),
    Command("import", CommandText.IMPORT, reports.cmd_import),
    Command("settings", CommandText.SETTINGS, settings.cmd_settings),
    Command("time", CommandText.TIME, setup.cmd_time),
    Command("wake", CommandText.WAKE, setup.cmd_wake),
    Command("timezone", CommandText.TIMEZONE, setup.cmd_timezone),
    Command("pause", CommandText.PAUSE, settings.cmd_pause),
    Command("resume", CommandText.RESUME, settings.cmd_resume),
    Command("privacy", CommandText.PRIVACY, settings.cmd_privacy),
    Command("crisis", CommandText.CRISIS, settings.cmd_crisis),
    Command("delete", CommandText.DELETE, settings.cmd_delete),
    Command("help", CommandText.HELP, cmd_help),
    Command("start", CommandText.START, setup.cmd_start),
)


def menu() -> list[tuple[str, str]]:
    """(name, description) of every command, for setMyCommands."""
    return [(c.name, texts.t(c.about)) for c in COMMANDS]
