"""Composition root: settings + store + catalog + handlers + jobs = one PTB Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot import handlers, jobs, recovery, texts
from bot.checkins import Diary
from bot.config import Settings
from bot.content import load_catalog
from bot.context import BotData, Clock, Ctx, Services, context_types, system_clock
from bot.crypto import load_master_key
from bot.errors import ContentError, DamagedRecord
from bot.ratelimit import SendWindow
from bot.red_flags import load_crisis, load_red_flags
from bot.storage import Store

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

BotApp = Application[Any, Ctx, dict[Any, Any], dict[Any, Any], BotData, Any]
# Placeholder token for the offline console: any well-formed value works with a fake transport.
OFFLINE_TOKEN = "1000:offline-console-token-not-for-telegram"  # noqa: S105 - not a secret


class RedactingFormatter(logging.Formatter):
    """Formats a record, then removes the bot token from everything, tracebacks included."""

    def __init__(self, token: str | None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.token, "<token>") if self.token else text


def configure_logging(settings: Settings) -> None:
    """Plain logs on stderr, with the token redacted and library chatter kept out.

    LOG_LEVEL=DEBUG applies to this bot's own modules only: python-telegram-bot's debug logs
    print whole updates (what people typed), and httpx prints request URLs (with the token).
    """
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(settings.token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level_number)
    quiet_from = max(logging.INFO, settings.log_level_number)
    logging.getLogger("telegram").setLevel(quiet_from)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, settings.log_level_number))


def open_services(
    settings: Settings, *, clock: Clock = system_clock, seed: int | None = None
) -> Services:
    """Load the content (once), open the store with the key (taking the writer lock)."""
    try:
        catalog = load_catalog(settings.content_file)
        red_flags = load_red_flags(settings.red_flags_file)
        crisis = load_crisis(settings.crisis_file)
    except ContentError as exc:
        raise ContentError(f"CONTENT_FILE: {exc}") from None
    store = open_store(settings)
    diary = Diary(store, catalog, random.Random(seed), red_flags)
    return Services(diary=diary, settings=settings, crisis=crisis, clock=clock)


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """The store with the master key (DataKeyError, exit 2, when it is missing or wrong)."""
    key = load_master_key(settings.data_key_file, settings.data_key_text, settings.data_dir)
    store = Store(settings.data_dir, key, keyring=settings.keyring_file, read_only=read_only)
    store.open()
    return store


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    token: str | None = None,
    rate_limit: bool = True,
) -> BotApp:
    """The Application with every handler; `request` injects a fake transport for tests."""
    settings = services.settings
    # The builder's type parameters change with each option; the result is checked as BotApp.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token or settings.token or OFFLINE_TOKEN)
        .context_types(context_types(services))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url
        builder = builder.base_url(base)
        # Files come from the same server: ".../bot" for methods, ".../file/bot" for files.
        if base.endswith("/bot"):
            builder = builder.base_file_url(base.removesuffix("/bot") + "/file/bot")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        builder = builder.rate_limiter(SendWindow())
    app: BotApp = builder.build()
    handlers.register(app)
    return app


async def _post_init(app: BotApp) -> None:
    """Register the command menu; rebuild everyone's jobs from storage in the background.

    Reading 10,000 profiles and booking their jobs takes a few seconds; doing it in slices
    alongside polling lets the bot answer from the first second. Every instant is computed
    from the moment of start-up, so nothing due meanwhile is skipped.
    """
    await app.bot.set_my_commands([BotCommand(name, desc) for name, desc in texts.COMMANDS])
    services = app.bot_data.services
    jobs.start_watchdog(app.job_queue)
    services.restored = asyncio.create_task(_restore(app, services.clock()), name="restore")
    services.restored.add_done_callback(_report_restore)


def _report_restore(task: asyncio.Task[None]) -> None:
    """A failure of the background restore must not pass silently."""
    if not task.cancelled() and task.exception() is not None:
        log.error("rebuilding the jobs at start-up failed", exc_info=task.exception())


async def _restore(app: BotApp, started: dt.datetime) -> None:
    services = app.bot_data.services
    damaged: list[tuple[int, bool]] = []

    def set_aside(error: DamagedRecord) -> None:
        found = recovery.set_aside(services, error)
        if found is not None:
            damaged.append(found)

    await jobs.restore_all(services, app.job_queue, started, on_damage=set_aside)
    for user_id, profile in damaged:
        await recovery.apologize(app.bot, user_id, profile)
    assert app.job_queue is not None
    app.job_queue.run_once(recovery.scan_nights, when=1, name="scan-nights")


async def _post_shutdown(app: BotApp) -> None:
    """Release the data folder."""
    app.bot_data.services.diary.store.close()


async def start_offline(app: BotApp) -> None:
    """Manual lifecycle for tests (run_polling is not used there); returns once every
    person's jobs are booked."""
    await app.initialize()
    await _post_init(app)
    await app.start()
    restored = app.bot_data.services.restored
    if restored is not None:
        await restored
