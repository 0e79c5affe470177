"""Crisis and urgent replies that must arrive: sent at once, and if Telegram fails, retried
in the background (after 1, 2, 4 and 8 seconds, then every 30 seconds for ten minutes)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

log = logging.getLogger(__name__)

# Seconds to wait before each retry. Tests set these to zeros (monkeypatch).
RETRY_DELAYS: tuple[float, ...] = (1, 2, 4, 8) + (30,) * 20


async def deliver_urgent(
    application: Application,  # type: ignore[type-arg]
    bot: Bot,
    chat_id: int,
    texts: Sequence[str],
) -> bool:
    """Send `texts` in order. True when all went out now; otherwise the rest is retried by a
    background task (the update handler returns meanwhile) and False is returned, so the
    caller sends nothing else that could overtake or replace these messages.

    A repeated message is far better than a lost one here, so every failure that could be
    temporary is retried, a read timeout included; only a blocked bot or a message Telegram
    refuses to take stops it.
    """
    pending = list(texts)
    try:
        while pending:
            await bot.send_message(chat_id, pending[0])
            pending.pop(0)
        return True
    except (NetworkError, RetryAfter) as error:
        log.warning("urgent reply not delivered (%s); retrying", error.__class__.__name__)
        application.create_task(
            _retry(application, bot, chat_id, pending), name=f"urgent:{chat_id}"
        )
        return False


async def _retry(
    application: Application,  # type: ignore[type-arg]
    bot: Bot,
    chat_id: int,
    pending: list[str],
) -> None:
    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        await asyncio.sleep(delay)
        if not application.running:
            _keep_for_restart(application, chat_id, pending)
            return
        try:
            while pending:
                await bot.send_message(chat_id, pending[0])
                pending.pop(0)
            log.info("urgent reply delivered after %d retries", attempt)
            return
        except RetryAfter as error:
            wait = error.retry_after
            await asyncio.sleep(wait if isinstance(wait, int) else wait.total_seconds())
        except (Forbidden, BadRequest) as error:
            log.error("urgent reply refused (%s); giving up", error.__class__.__name__)
            return
        except NetworkError as error:
            log.warning("urgent reply retry %d failed (%s)", attempt, error.__class__.__name__)
    log.error("urgent reply still not delivered after %d retries", len(RETRY_DELAYS))


def _keep_for_restart(
    application: Application,  # type: ignore[type-arg]
    chat_id: int,
    pending: list[str],
) -> None:
    """The bot is stopping (it must stop within seconds): keep what is still unsent with the
    person's other waiting replies, which the next start sends first. Before consent nothing
    may be stored, so then it is lost; the log says so."""
    services = application.bot_data.services
    person = services.diary.person(chat_id)  # a private chat's id is its person's id
    if person is None:
        log.error("urgent reply to a person without consent lost at shutdown")
        return
    for text in pending:
        services.diary.people.keep_reply(chat_id, text, services.clock())
    log.warning("urgent reply kept for after the restart (%d messages)", len(pending))
