"""`python -m bot [run | console | content-check [FILE]]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Update

from bot.config import Settings, load_settings
from bot.errors import StartupError

if TYPE_CHECKING:
    from bot.app import BotApp

# The update types the bot handles; anything else is not even downloaded.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="RLS bedtime companion: a Telegram check-in bot for restless legs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run on Telegram when TELEGRAM_BOT_TOKEN is set, else the console")
    sub.add_parser("console", help="chat with the bot in this terminal (no Telegram needed)")
    check = sub.add_parser(
        "content-check",
        help="validate the content files, list the remedies, warn on old crisis lines",
    )
    check.add_argument("file", nargs="?", type=Path, help="default: CONTENT_FILE")
    review = sub.add_parser(
        "review", help="operator: recent nights across people (read only, safe while running)"
    )
    review.add_argument("--since", default="7d", help="how far back: 24h, 7d, 2w (default 7d)")
    review.add_argument("--user", type=int, help="one person by Telegram user id (not hidden)")
    export = sub.add_parser(
        "export", help="operator: write every person's CSV into a folder (read only)"
    )
    export.add_argument("--out", type=Path, required=True, help="folder outside DATA_DIR")
    return parser


def operator_command(settings: Settings, args: argparse.Namespace) -> int:
    """`review` and `export`: read DATA_DIR without the writer lock, never write to it."""
    from bot.clock import system_clock
    from bot.content import load_catalog
    from bot.operator import export_all, parse_since, review_table
    from bot.storage import Store

    catalog = load_catalog(settings.content_file)
    store = Store(settings.data_dir, read_only=True)
    store.open()
    now = system_clock()
    if args.command == "review":
        try:
            since = (now - parse_since(args.since)).date()
        except ValueError as exc:
            raise StartupError(str(exc)) from None
        print(review_table(store, catalog, since=since, user_id=args.user, now=now))
        return 0
    try:
        count = export_all(store, catalog, args.out, report=print)
    except (ValueError, OSError) as exc:
        raise StartupError(f"--out: {exc}") from None
    print(f"wrote {count} CSV files to {args.out}")
    return 0


def run_telegram(settings: Settings) -> int:
    """On Telegram until SIGINT/SIGTERM: long polling, or webhook mode with WEBHOOK_URL."""
    from bot.app import build_application, configure_logging, install_stop_signals, open_services

    configure_logging(settings)
    services = open_services(settings)
    app = build_application(services)
    post_init = app.post_init

    async def init(application: BotApp) -> None:
        if post_init is not None:
            await post_init(application)
        install_stop_signals(application)  # from here on, SIGTERM stops without waiting

    app.post_init = init
    if settings.webhook_url is None:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
        return 0
    # python-telegram-bot's webhook server: it calls setWebhook with the secret, and refuses
    # (403) any POST whose X-Telegram-Bot-Api-Secret-Token header is not that secret.
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=settings.secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    return 0


def content_check(settings: Settings, file: Path | None, today: dt.date) -> int:
    """Validate the remedies file (and the red flags and crisis lines beside it); warn about
    crisis lines last checked more than six months before `today`."""
    from bot.content import check_companion_file, load_catalog, summary_table
    from bot.red_flags import STALE_AFTER_MONTHS, load_crisis, load_red_flags, stale_entries

    path = file or settings.content_file
    catalog = load_catalog(path)
    print(summary_table(catalog))
    red_flags_file, crisis_file = path.parent / "red_flags.toml", path.parent / "crisis.toml"
    red_flags = load_red_flags(red_flags_file)
    check_companion_file(red_flags_file)
    print(f"{len(red_flags.flags)} red flags, version {red_flags.version}: valid (examples pass)")
    crisis = load_crisis(crisis_file)
    check_companion_file(crisis_file)
    print(f"crisis lines for {len(crisis.countries)} countries and a fallback: valid")
    for entry in stale_entries(crisis, today):
        print(
            f"warning: {crisis_file}: {entry.code or 'international'} ({entry.name}) was last "
            f"checked on {entry.checked_on}, more than {STALE_AFTER_MONTHS} months ago; check "
            "its numbers and update checked_on",
            file=sys.stderr,
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; every start-up problem is one line on stderr and exit code 2."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "content-check":
            from bot.clock import system_clock

            return content_check(settings, args.file, system_clock().date())
        if args.command in ("review", "export"):
            return operator_command(settings, args)
        if args.command == "console" or settings.token is None:
            from bot import console

            return console.run(settings)
        return run_telegram(settings)
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
