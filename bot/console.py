"""The offline console chat: the real bot over an in-process fake Telegram, in a terminal.

Bot messages are printed; the newest message's inline buttons are shown numbered and pressed by
typing the number (a button labelled with a number, like the 0-10 ratings, by typing that
number); documents are saved under DATA_DIR/console-documents with a name of their own;
`/send FILE` sends a file (for /import); `/location LAT LON` shares a location; Ctrl-D or /quit
ends the chat. The console's diary is encrypted like the bot's, with a key of
its own (DATA_DIR/console.key, made on first run, outside its data folder DATA_DIR/console).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
from html import unescape
from pathlib import Path
from typing import TextIO

from telegram import Update
from telegram.ext import TypeHandler

from bot.app import BotApp, build_application, configure_logging, open_services
from bot.config import Settings
from bot.crypto import write_key_file
from bot.errors import StartupError
from bot.fake_telegram import Event, FakeBotAPI, FakeTelegram, Sent

CONSOLE_USER = 1
WAIT_FOR_REPLY = 60.0
LAST_GROUP = 1000
BANNER = (
    "RLS bedtime companion: console chat (no Telegram account needed).\n"
    "Type as you would in Telegram; start with /start. Press a button of the newest message by\n"
    "typing its number. Send a file with /send PATH (e.g. for /import); share a location with\n"
    "/location 52.52 13.40. Quit with /quit or Ctrl-D.\n"
    "To see an evening check-in now, set /time to a minute from now and wait; after you rated\n"
    "it, set /wake to a minute from now for the morning follow-up.\n"
)
# What a saved document is, from its first bytes, when Telegram's file name does not say.
_KINDS = ((b"\x89PNG", ".png"), (b"%PDF", ".pdf"), (b"{", ".json"), (b"\xef\xbb\xbf", ".csv"))


def plain(html: str) -> str:
    """Telegram HTML as terminal text."""
    return unescape(re.sub(r"</?[a-zA-Z-]+[^>]*>", "", html))


def button_numbers(sent: Sent) -> list[tuple[int, str, str]]:
    """(number, label, data): numeric labels keep their number, others count on after them."""
    numbered: list[tuple[int, str, str]] = []
    taken = {int(label) for label, _ in sent.buttons if label.isdigit()}
    nxt = max(taken, default=0) + 1
    for label, data in sent.buttons:
        if label.isdigit():
            numbered.append((int(label), label, data))
        else:
            numbered.append((nxt, label, data))
            nxt += 1
    return numbered


class Console:
    """Prints what the bot sends and turns typed lines into updates."""

    def __init__(self, api: FakeBotAPI, documents: Path, out: TextIO = sys.stdout) -> None:
        self.api = api
        self.documents = documents
        self.out = out
        self.processed = 0
        self._progress: asyncio.Condition | None = None
        api.listeners.append(self.show)

    async def mark_processed(self, update: object, context: object) -> None:
        """Last handler group: the bot has finished with an update."""
        if isinstance(update, Update):
            await self._wake(update.update_id)

    async def _wake(self, update_id: int) -> None:
        progress = self._condition()
        async with progress:
            self.processed = max(self.processed, update_id)
            progress.notify_all()

    def _condition(self) -> asyncio.Condition:
        if self._progress is None:
            self._progress = asyncio.Condition()
        return self._progress

    async def submit(self, line: str) -> bool:
        """Handle a typed line and wait until the bot has answered it; False means quit."""
        before = self.api.pending_update_id()
        keep_going = self.handle(line)
        sent = self.api.pending_update_id()
        if sent > before:
            progress = self._condition()
            async with progress:
                await asyncio.wait_for(
                    progress.wait_for(lambda: self.processed >= sent), WAIT_FOR_REPLY
                )
        return keep_going

    def show(self, event: Event) -> None:
        """Print one event from the fake Telegram."""
        if event.kind == "toast":
            self._print(f"   ({event.text})")
            return
        sent = event.sent
        if sent is None or sent.chat_id != CONSOLE_USER:
            return
        if event.kind == "document" and sent.document is not None:
            path = self._save(*sent.document)
            self._print(f"🤖 [document saved to {path}]")
            if sent.caption:
                self._print("   " + plain(sent.caption))
            return
        prefix = "🤖 (edited) " if event.kind == "edit" else "🤖 "
        lines = plain(sent.html).splitlines() or [""]
        self._print(prefix + lines[0])
        for line in lines[1:]:
            self._print("   " + line)
        if sent.buttons:
            self._print(
                "   " + "  ".join(f"[{n}] {label}" for n, label, _ in button_numbers(sent))
            )
        if sent.reply_buttons:
            self._print("   type one of: " + " | ".join(sent.reply_buttons))

    def _save(self, name: str, data: bytes) -> Path:
        """Write a document under its own name (an extension from its content when the name has
        none; -2, -3, ... when a file of that name exists: nothing is overwritten)."""
        self.documents.mkdir(parents=True, exist_ok=True, mode=0o700)
        base = Path(name).name
        stem, suffix = Path(base).stem, Path(base).suffix
        if not suffix or suffix == ".octet-stream":  # e.g. application.octet-stream
            stem = "rls-report" if data.startswith(b"\x89PNG") else "rls-document"
            suffix = next((ext for magic, ext in _KINDS if data.startswith(magic)), ".bin")
        path, count = self.documents / f"{stem}{suffix}", 1
        while True:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                count += 1
                path = self.documents / f"{stem}-{count}{suffix}"
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def active_keyboard(self) -> Sent | None:
        """The newest message, if it has inline buttons: a typed number presses one of those,
        never a button of an older message (that would change an answer out of sight)."""
        messages = self.api.sent_to(CONSOLE_USER)
        return messages[-1] if messages and messages[-1].buttons else None

    def handle(self, line: str) -> bool:
        """Turn one typed line into an update; False means quit."""
        line = line.strip()
        if line in ("/quit", "/exit"):
            return False
        if not line:
            return True
        location = re.fullmatch(r"/location\s+(-?\d+(?:\.\d+)?)[,\s]+(-?\d+(?:\.\d+)?)", line)
        if location:
            coords = {"latitude": float(location[1]), "longitude": float(location[2])}
            self.api.send_message(CONSOLE_USER, {"location": coords}, language_code="en")
            return True
        attachment = re.fullmatch(r"/send\s+(.+)", line)
        if attachment:
            self._send_file(Path(attachment[1].strip()).expanduser())
            return True
        keyboard = self.active_keyboard()
        if keyboard is not None and line.isdigit():
            for number, _, data in button_numbers(keyboard):
                if number == int(line):
                    self.api.press(keyboard, data)
                    return True
        self.api.send_text(CONSOLE_USER, line, language_code="en")
        return True

    def _send_file(self, path: Path) -> None:
        """`/send PATH`: the person sends a file, as a Telegram document."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._print(f"   (cannot read {path}: {exc.strerror})")
            return
        mime = "application/json" if path.suffix == ".json" else "application/octet-stream"
        self.api.send_document(CONSOLE_USER, path.name, data, mime, language_code="en")


def _read_lines(app: BotApp, console: Console, loop: asyncio.AbstractEventLoop) -> None:
    """Reader thread: hand each typed line to the event loop; stop the bot on EOF or /quit."""
    for line in sys.stdin:
        future = asyncio.run_coroutine_threadsafe(console.submit(line), loop)
        if not future.result():
            break
    loop.call_soon_threadsafe(app.stop_running)


def own_settings(settings: Settings) -> tuple[Settings, str | None]:
    """The console's settings: its own data folder, key file and keyring (never the bot's
    DATA_KEY_FILE, so a console chat never needs, or touches, the bot's key). The key is made
    on first run; the second value then says where it is."""
    data_dir = settings.data_dir / "console"
    key_file = settings.data_dir / "console.key"
    made = None
    if not key_file.exists():
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_key_file(key_file)
        except OSError as exc:
            raise StartupError(
                f"DATA_DIR: cannot write the console's key {key_file} ({exc.strerror})"
            ) from None
        made = f"(Made a data key for the console's encrypted diary: {key_file})"
    update = {"data_dir": data_dir, "data_key_file": key_file, "data_key": None}
    return settings.model_copy(update={**update, "keyring_file": None}), made


def _documents(settings: Settings) -> Path:
    """Where documents are saved: beside the data folder, which holds sealed files only."""
    folder = settings.data_dir / "console-documents"
    old = settings.data_dir / "console" / "documents"  # before the diary was encrypted
    if old.is_dir() and not folder.exists():
        old.rename(folder)
    return folder


def run(settings: Settings) -> int:
    """Run the console chat until Ctrl-D or /quit."""
    own, made_key = own_settings(settings)
    configure_logging(own.model_copy(update={"log_level": "WARNING"}))
    services = open_services(own)
    transport = FakeTelegram(FakeBotAPI(clock=services.clock))
    app = build_application(services, request=transport, rate_limit=False)
    console = Console(transport.api, _documents(settings))
    # The last handler group tells the console that an update is done, so typed lines are
    # handled one after another, like a person waiting for each answer.
    app.add_handler(TypeHandler(Update, console.mark_processed), group=LAST_GROUP)
    print(BANNER, flush=True)
    if made_key:
        print(made_key, flush=True)
    print(f"(Data for the console person is kept in {own.data_dir})\n", flush=True)

    async def _start_reader(application: BotApp) -> None:
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=_read_lines, args=(application, console, loop), daemon=True
        ).start()

    original_post_init = app.post_init

    async def _post_init(application: BotApp) -> None:
        if original_post_init is not None:
            await original_post_init(application)
        await _start_reader(application)

    app.post_init = _post_init
    app.run_polling(
        allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10, close_loop=False
    )
    print("Bye. Your console data stays in", own.data_dir)
    return 0
