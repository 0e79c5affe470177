"""Composition root: settings + store + catalog + handlers + jobs = one PTB Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import random
import signal
import time
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot import booking, handlers, recovery
from bot.checkins import Diary
from bot.config import Settings
from bot.content import load_catalog
from bot.context import BotData, Clock, Ctx, Services, context_types, system_clock
from bot.crypto import load_master_key
from bot.errors import ContentError, DamagedRecord
from bot.handlers.commands import menu
from bot.handlers.guard import judge_arrival
from bot.health import PING_EVERY, HealthServer, api_check
from bot.ordering import ChatOrderedProcessor
from bot.ratelimit import FairLimiter
from bot.red_flags import load_crisis, load_red_flags
from bot.storage import Store
from bot.texts import ChatText, t
from bot.transport import TelegramTransport

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
SCHEDULER_WAIT_STEPS = 6000  # of 10 ms: at most a minute

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
    """The Application with every handler; `request` injects a fake transport for tests
    (without one, python-telegram-bot's HTTP transport, noting each answer for /readyz)."""
    settings = services.settings
    # The builder's type parameters change with each option; the result is checked as BotApp.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token or settings.token or OFFLINE_TOKEN)
        .context_types(context_types(services))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(
            ChatOrderedProcessor(on_arrival=functools.partial(judge_arrival, services))
        )
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url
        builder = builder.base_url(base)
        # Files come from the same server: ".../bot" for methods, ".../file/bot" for files.
        if base.endswith("/bot"):
            builder = builder.base_file_url(base.removesuffix("/bot") + "/file/bot")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:

        def answered() -> None:
            services.last_api_ok = time.monotonic()

        builder = builder.request(
            TelegramTransport(answered, connection_pool_size=256)
        ).get_updates_request(TelegramTransport(answered))
    if rate_limit:
        builder = builder.rate_limiter(FairLimiter())
    app: BotApp = builder.build()
    handlers.register(app)
    return app


async def _post_init(app: BotApp) -> None:
    """Register the command menu and the bot's description, start the health server, and
    rebuild everyone's jobs from storage in the background.

    Reading 10,000 profiles and booking their jobs takes a few seconds; doing it in slices
    alongside polling lets the bot answer from the first second. Every instant is computed
    from the moment of start-up, so nothing due meanwhile is skipped.
    """
    await app.bot.set_my_commands([BotCommand(name, about) for name, about in menu()])
    await _describe(app)
    services = app.bot_data.services
    settings = services.settings
    if settings.health_port is not None:
        server = HealthServer(settings.health_listen, settings.health_port, lambda: ready(app))
        server.start()
        services.health = server
    if settings.webhook_url is not None and app.job_queue is not None:
        # Nothing else calls Telegram while nobody writes: a ping keeps /readyz meaningful.
        app.job_queue.run_repeating(_ping, interval=PING_EVERY, first=PING_EVERY, name="ping")
    services.restored = asyncio.create_task(_restore(app, services.clock()), name="restore")
    services.restored.add_done_callback(_report_restore)


async def _describe(app: BotApp) -> None:
    """What people see before they start the bot: what it does, that it is not medical
    advice, and /privacy. A failure here must not stop the bot (it is set again next start)."""
    try:
        await app.bot.set_my_description(t(ChatText.BOT_DESCRIPTION))
        await app.bot.set_my_short_description(t(ChatText.BOT_SHORT_DESCRIPTION))
    except TelegramError as error:
        log.warning("could not set the bot's description (%s)", error.__class__.__name__)


async def _ping(context: Ctx) -> None:
    """Webhook mode: one cheap call a minute, so /readyz knows Telegram still answers."""
    try:
        await context.bot.get_me()
    except TelegramError as error:
        log.warning("Telegram did not answer the readiness ping (%s)", error.__class__.__name__)


def ready(app: BotApp) -> dict[str, Any]:
    """The checks behind GET /readyz (never anything about a person)."""
    services = app.bot_data.services
    catalog = services.diary.catalog
    scheduler = app.job_queue.scheduler if app.job_queue is not None else None
    return {
        "storage_lock": {"ok": services.diary.store.holds_lock},
        "content": {"ok": bool(catalog.remedies), "version": catalog.version},
        "scheduler": {"ok": scheduler is not None and bool(scheduler.running)},
        "bot_api": api_check(services.last_api_ok, time.monotonic()),
    }


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

    assert app.job_queue is not None
    # Application.start() starts the scheduler just after this task begins. A running
    # scheduler finds a job by its name at once; a stopped one searches the list of jobs
    # waiting to be added (for 10,000 people, seconds of work instead of milliseconds). Should
    # it never start, the jobs are booked all the same, only slower.
    for _ in range(SCHEDULER_WAIT_STEPS):
        if app.job_queue.scheduler.running:
            break
        await asyncio.sleep(0.01)
    await booking.restore_all(services, app.job_queue, started, on_damage=set_aside)
    for user_id, profile in damaged:
        await recovery.apologize(app.bot, user_id, profile)
    app.job_queue.run_once(recovery.scan_nights, when=1, name="scan-nights")


def stop_gracefully(app: BotApp) -> None:
    """SIGINT/SIGTERM: stop fetching, finish what was fetched without waiting out any rate
    limit (a reply that cannot go at once is kept and sent after the restart), then exit."""
    app.bot_data.services.stopping = True
    limiter = app.bot.rate_limiter
    if isinstance(limiter, FairLimiter):
        limiter.close()
    app.stop_running()


def install_stop_signals(app: BotApp) -> None:
    """Replace python-telegram-bot's stop signals (which stop without warning the limiter)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_gracefully, app)


async def _post_shutdown(app: BotApp) -> None:
    """Stop the health server; release the data folder."""
    health = app.bot_data.services.health
    if isinstance(health, HealthServer):
        await health.stop()
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
