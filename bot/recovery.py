"""Damaged files: move them aside, give that person a fresh start and an apology.

A truncated or garbage file (a disk problem, someone editing DATA_DIR by hand) must never stop
the bot or affect anyone else. Profiles are checked while jobs are rebuilt at start-up; nights
files are checked in small slices right after start-up (reading them all at once would slow
start-up); anything found later, when a handler or job reads a file, is handled the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from bot.booking import YIELD_EVERY
from bot.context import Ctx, Services
from bot.errors import DamagedRecord
from bot.texts import ChatText, t

log = logging.getLogger(__name__)

# Start-up checks the months a person is about to use; older months are checked when read.
SCAN_BACK = 31  # days


def set_aside(services: Services, error: DamagedRecord) -> tuple[int, bool] | None:
    """Quarantine the file named by `error`; returns (user id, was it the profile) or None."""
    if error.path is None or error.user_id is None:
        return None
    path = Path(error.path)
    moved = services.diary.store.quarantine(error.path, services.clock())
    if moved is None:
        return None
    user_id = error.user_id  # folder names are pseudonyms: the store names the person
    if path.name != "profile.json":
        services.diary.morning.retrack(user_id)  # the set-aside nights no longer count
    log.error(
        "user %s: %s was damaged (%s) and was moved aside to %s; they start afresh",
        user_id,
        path.name,
        str(error).rsplit(": ", 1)[-1],
        moved.name,
    )
    return user_id, path.name == "profile.json"


async def apologize(bot: Bot, user_id: int, profile: bool) -> None:
    """Tell the person what happened (in a private chat the chat id is the user id)."""
    text = t(ChatText.DAMAGED_PROFILE) if profile else t(ChatText.DAMAGED_NIGHTS)
    try:
        await bot.send_message(user_id, text)
    except TelegramError as exc:
        log.warning("could not send the apology to user %s (%s)", user_id, exc.__class__.__name__)


async def handle(context: Ctx, error: DamagedRecord) -> None:
    """Set the damaged file aside and apologise."""
    found = set_aside(context.bot_data.services, error)
    if found is not None:
        await apologize(context.bot, *found)


async def scan_nights(context: Ctx) -> None:
    """Job run once after start-up: check everyone's recent nights files, a slice at a time."""
    services = context.bot_data.services
    store = services.diary.store
    since = services.clock().date() - dt.timedelta(days=SCAN_BACK)
    resumed = time.monotonic()
    for user_id in store.user_ids():
        try:
            store.check_nights(user_id, since)
        except DamagedRecord as error:
            await handle(context, error)
        if time.monotonic() - resumed > YIELD_EVERY:
            await asyncio.sleep(0)  # let updates be answered meanwhile
            resumed = time.monotonic()
