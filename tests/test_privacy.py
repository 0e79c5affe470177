"""Privacy, proved end to end: logs hold neither the token nor what people wrote, data files and
folders are private to the bot's account and hold nothing readable without the key, /delete
leaves nothing behind (not even in copies made before it), and documents only ever go to their
owner's chat."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import os
import shutil
import stat
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError
from telegram.request import RequestData

from bot.app import BotApp, configure_logging, open_services
from bot.config import Settings
from bot.console import CONSOLE_USER, Console
from bot.context import Services
from bot.crypto import Keyring, Sealer, Unsealable
from bot.fake_telegram import ApiError, Event, FakeBotAPI, FakeTelegram, Sent
from bot.models import Night, Note, Pause, Person, Snooze, SuggestionRecord, Track
from bot.storage import TEMP_PREFIX, Store
from tests.conftest import CONTENT, KEY, Chat, FakeClock
from tests.harness import job_names, started

# Well-formed (digits, colon, 30+ characters) and never valid anywhere.
TOKEN = "987654321:AAFakeSecretPartOnlyForTests_xY12-zZ34"
SECRET = TOKEN.split(":", 1)[1]
NOTES = (
    "privacy-marker-a1 my calves felt like fizzing soda",
    "privacy-marker-b2 I can't go on like this",  # a red flag (self-harm): crisis lines
    "privacy-marker-c3 walked the dog at midnight",
)
EDITED = "privacy-marker-d4 edited: walked twice"
FAILING_NOTE = "privacy-marker-e5 the reply to this one fails"  # typed as a time zone
MARKERS = (*NOTES, EDITED, FAILING_NOTE)
DOCUMENT_METHODS = ("sendDocument", "sendPhoto")
LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler")


class LeakyTransport(FakeTelegram):
    """A transport that can fail the way HTTP libraries do: an error naming the request URL,
    which holds the token (`.../bot<token>/sendMessage`)."""

    fail_next: str | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.fail_next is not None and url.endswith("/" + self.fail_next):
            self.fail_next = None
            raise ConnectionError(f"connection reset while posting to {url}")
        return await super().do_request(url, method, request_data)


@contextlib.asynccontextmanager
async def running(
    services: Services, transport: FakeTelegram, token: str | None = None
) -> AsyncIterator[tuple[BotApp, list[BaseException]]]:
    """The real Application over `transport`, with the errors its handlers raised."""
    async with started(services, transport, token=token) as (app, errors):
        yield app, errors


@pytest.fixture
def real_logging(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> Iterator[Callable[[], None]]:
    """Call it to switch on the real program's logging at LOG_LEVEL=DEBUG with a token (on the
    stderr of that moment: `capsys` during a test), plus pytest's capture of every record that
    reaches the root logger. The previous set-up is restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in LOGGERS}
    tokened = Settings.model_validate(
        {
            "telegram_bot_token": TOKEN,
            "log_level": "DEBUG",
            "data_dir": settings.data_dir,
            "content_file": CONTENT,
        }
    )

    def switch_on() -> None:
        configure_logging(tokened)  # replaces the root handlers: put pytest's capture back
        root.addHandler(caplog.handler)
        caplog.handler.setLevel(logging.DEBUG)

    try:
        yield switch_on
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def logged(caplog: pytest.LogCaptureFixture, stderr: str) -> str:
    """Everything logged: each record's message and traceback, pytest's text, and stderr."""
    parts = [caplog.text, stderr]
    formatter = logging.Formatter()
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts)


async def full_conversation(chat: Chat, other: Chat) -> None:
    """Set-up, a rating and card, notes (one a red flag, one edited), history, export, an
    import into another account, a report and a doctor's summary."""
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("7")
    await chat.press("I'll try it", card)
    for note in NOTES:
        await chat.send(note)
    edited = chat.last_update["message"]["message_id"]
    await chat.edit(edited, EDITED)
    await chat.send("/history")
    _, exported = await chat.send("/export")
    assert exported.document is not None
    await other.onboard(at="21:00")
    await other.send("/import")
    [confirm] = await other.send_message_document("diary.json", exported.document[1])
    await other.press("Yes, replace my diary", confirm)
    await chat.send("/report")
    await ask(chat, "/summary")


# -- logs ---------------------------------------------------------------------------------------


async def test_logs_hold_neither_the_token_nor_what_people_wrote(
    services: Services,
    api: FakeBotAPI,
    real_logging: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_logging()
    async with running(services, FakeTelegram(api), token=TOKEN) as (app, errors):
        chat, other = Chat(app, api, 501), Chat(app, api, 502)
        await full_conversation(chat, other)

        async def fail_the_reply(method: str, params: dict[str, Any]) -> None:
            if method == "sendMessage":
                api.before_call = None
                raise ApiError(500, "Internal Server Error")

        api.before_call = fail_the_reply
        # A "saved" reply would be kept and retried instead: make the correction fail.
        [apology] = await chat.send(f"/timezone {FAILING_NOTE}")
    assert "something went wrong" in apology.text
    assert len(errors) == 1 and isinstance(errors[0], NetworkError)  # a 5xx answer
    out, stderr = capsys.readouterr()
    assert "error while handling update" in stderr and "Traceback" in stderr, stderr
    assert any(r.exc_info for r in caplog.records), "the forced error left no traceback"
    everything = logged(caplog, stderr + out)
    for secret in (*MARKERS, TOKEN, SECRET):
        assert secret not in everything


async def test_a_traceback_that_carries_the_token_is_redacted(
    services: Services,
    real_logging: Callable[[], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_logging()
    transport = LeakyTransport()
    async with running(services, transport, token=TOKEN) as (app, errors):
        chat = Chat(app, transport.api, 501)
        await chat.onboard()
        transport.fail_next = "sendMessage"
        await chat.send(f"/timezone {NOTES[0]}")  # its correction fails (not a kept reply)
    assert len(errors) == 1 and TOKEN in str(errors[0]), "the error must carry the token"
    stderr = capsys.readouterr().err
    assert "Traceback" in stderr and "<token>" in stderr, stderr
    for secret in (TOKEN, SECRET, NOTES[0]):
        assert secret not in stderr


# -- files on disk ------------------------------------------------------------------------------


@pytest.fixture
def no_umask() -> Iterator[None]:
    """Nothing masks permission bits: every file and folder gets exactly the mode it asks for."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


async def test_data_files_are_0600_and_folders_0700_even_without_a_umask(
    no_umask: None, settings: Settings, clock: FakeClock
) -> None:
    services = open_services(settings, clock=clock, seed=1234)  # under no umask, unlike `app`
    api = FakeBotAPI(queue_updates=False, clock=clock)
    async with running(services, FakeTelegram(api)) as (app, errors):
        await full_conversation(Chat(app, api, 501), Chat(app, api, 502))
    assert not errors
    data_dir = settings.data_dir
    folders = [data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    ring = services.diary.store.keyring
    people = {data_dir / "users" / ring.folder_for(uid) for uid in (501, 502)}
    assert {data_dir / "users", *people} <= set(folders)
    assert {p.name for p in files} >= {"profile.json", "nights-2026-11.json", ".lock"}
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    keyring = services.diary.store.keyring_path
    assert keyring is not None and stat.S_IMODE(keyring.stat().st_mode) == 0o600


def stored_files(data_dir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data_dir)): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()
    }


async def test_delete_leaves_no_trace_of_the_person_and_keeps_everyone_else(
    app: BotApp, api: FakeBotAPI, services: Services
) -> None:
    gone, kept = Chat(app, api, 731_942_605), Chat(app, api, 502)
    await full_conversation(gone, kept)
    await kept.send("/checkin")
    await kept.send("kept-marker my own note")
    store = services.diary.store
    data_dir = services.settings.data_dir
    gone_folder = f"users/{store.keyring.folder_for(gone.user_id)}/"
    kept_folder = f"users/{store.keyring.folder_for(kept.user_id)}/"

    def kept_files() -> dict[str, bytes]:
        """The other person's records (a replaced file waiting for its unlink is not one)."""
        return {
            k: v
            for k, v in stored_files(data_dir).items()
            if k.startswith(kept_folder) and not Path(k).name.startswith(TEMP_PREFIX)
        }

    before = kept_files()
    # The other person imported a copy of the diary: from then on it is theirs, and stays.
    assert any(NOTES[0] in [n.text for n in night.notes] for night in store.nights(502))
    assert any(name.startswith(gone_folder) for name in stored_files(data_dir))
    [confirm] = await gone.send("/delete")
    await gone.press("Yes, erase everything", confirm)
    uid = str(gone.user_id)
    assert not any(name.startswith(gone_folder) for name in stored_files(data_dir))
    for path in data_dir.rglob("*"):
        assert uid not in path.name, path
    for name, data in stored_files(data_dir).items():
        assert uid.encode() not in data, name
        for note in MARKERS:
            assert note.encode() not in data, name
    assert kept_files() == before
    assert store.get_person(gone.user_id) is None and store.nights(gone.user_id) == []
    assert not any(name.endswith(f":{uid}") for name in job_names(gone.app))
    assert gone.user_id not in services.pending_imports


# Long ids: a short one could turn up by chance in random ciphertext.
ANN, BEN = 731_942_605, 846_201_337


def json_keys() -> list[bytes]:
    """Every field name a stored record has, as it would appear in plain TinyDB JSON, plus
    TinyDB's table names."""
    names = {"profile", "nights", "meta", "schema_version"}
    for model in (Person, Night, Note, SuggestionRecord, Pause, Snooze, Track):
        names |= set(model.model_fields)
    return [f'"{name}":'.encode() for name in sorted(names)]


async def test_after_a_full_conversation_no_file_holds_a_note_an_id_or_a_field_name_in_clear(
    app: BotApp, api: FakeBotAPI, services: Services
) -> None:
    await full_conversation(Chat(app, api, ANN), Chat(app, api, BEN))
    store = services.diary.store
    store.settle()
    data_dir = services.settings.data_dir
    assert store.keyring_path is not None
    files = {**stored_files(data_dir), "<keyring>": store.keyring_path.read_bytes()}
    assert len(files) == 7  # two profiles, a month each, the keyring, the store id, the lock
    # What the same records are in plain JSON: the search below finds all of it there.
    plain = json.dumps(store.document(BEN, "nights-2026-11.json")).replace(", ", ",")
    plain = plain.replace('": ', '":')
    assert NOTES[0] in plain and f'"user_id":{ANN}' not in plain
    assert all(key in plain.encode() for key in (b'"notes":', b'"rating":', b'"text":'))
    secrets = [*(note.encode() for note in (*NOTES, EDITED)), b"731942605", b"846201337"]
    for name, data in files.items():
        for secret in (*secrets, *json_keys()):
            assert secret not in data, (name, secret)
    for path in data_dir.rglob("*"):
        assert "731942605" not in str(path) and "846201337" not in str(path), path
    assert [n.text for night in store.nights(ANN) for n in night.notes][:1] == [NOTES[0]]


async def test_after_delete_a_copy_of_data_dir_taken_before_cannot_be_read_with_the_master_key(
    app: BotApp, api: FakeBotAPI, services: Services, tmp_path: Path
) -> None:
    gone, kept = Chat(app, api, ANN), Chat(app, api, BEN)
    await full_conversation(gone, kept)
    store = services.diary.store
    store.settle()
    assert store.keyring_path is not None
    backup = tmp_path / "backup-before-delete"
    shutil.copytree(services.settings.data_dir, backup)
    folder = store.keyring.folder_for(ANN)
    copied = {p.name: p.read_bytes() for p in (backup / "users" / folder).iterdir()}
    assert {"profile.json", "nights-2026-11.json"} <= set(copied)

    def opened_with_the_master_key() -> set[str]:
        """The copied files any data key the master key unwraps from the keyring opens."""
        assert store.keyring_path is not None
        ring = Keyring.load(store.keyring_path, KEY)
        opened = set()
        for name, blob in copied.items():
            for entry in ring.people():
                with contextlib.suppress(Unsealable):
                    Sealer(entry.key, folder).open(name, blob)
                    opened.add(name)
        return opened

    assert opened_with_the_master_key() == set(copied)  # before /delete the copy reads
    [confirm] = await gone.send("/delete")
    await gone.press("Yes, erase everything", confirm)
    assert opened_with_the_master_key() == set()
    copy = Store(backup, KEY, keyring=store.keyring_path, read_only=True)
    copy.open()
    assert copy.user_ids() == [BEN] and copy.get_person(ANN) is None and copy.nights(ANN) == []
    assert copy.get_person(BEN) is not None  # the rest of the copy still reads
    assert folder.encode() not in store.keyring_path.read_bytes()


async def test_privacy_says_in_plain_words_that_the_diary_is_encrypted_and_delete_reaches_copies(
    chat: Chat,
) -> None:
    [privacy] = await chat.send("/privacy")
    text = " ".join(privacy.text.split())
    assert "encrypted with a key of your own" in text
    assert "kept apart from the files" in text
    assert "it destroys your key first, so every copy of your files, backups included" in text


async def test_delete_also_forgets_an_import_waiting_for_yes(
    app: BotApp, api: FakeBotAPI, services: Services
) -> None:
    person = Chat(app, api, 501)
    await person.onboard()
    await person.send("/checkin")
    await person.press("5")
    await person.send(NOTES[0])
    _, exported = await person.send("/export")
    assert exported.document is not None
    await person.send("/import")
    [waiting] = await person.send_message_document("diary.json", exported.document[1])
    [confirm] = await person.send("/delete")
    await person.press("Yes, erase everything", confirm)
    assert person.user_id not in services.pending_imports
    await person.onboard()
    await person.press("Yes, replace my diary", waiting)
    assert services.diary.nights(person.user_id) == []


# -- documents ----------------------------------------------------------------------------------


def documents(api: FakeBotAPI, since: int = 0) -> list[tuple[str, int, bytes]]:
    """(method, chat id, file contents) of every document and photo sent."""
    found = []
    for method, params in api.calls[since:]:
        if method in DOCUMENT_METHODS:
            [(_, data)] = params["_files"].values()
            found.append((method, int(params["chat_id"]), bytes(data)))
    return found


async def record_a_night(chat: Chat, note: str) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("6")
    await chat.send(note)


async def ask(chat: Chat, command: str) -> None:
    """Send a command; for /summary also press the button that makes the PDF it describes."""
    replies = await chat.send(command)
    for reply in replies:
        if any(label == "Make the PDF" for label, _ in reply.buttons):
            await chat.press("Make the PDF", reply)


async def test_documents_go_only_to_the_chat_of_whoever_asked_even_right_after_another(
    app: BotApp, api: FakeBotAPI
) -> None:
    ann, ben, cas = Chat(app, api, 501), Chat(app, api, 502), Chat(app, api, 503)
    await record_a_night(ann, "ann-marker walked")
    await record_a_night(ben, "ben-marker stretched")
    await cas.send("/start")  # not set up: gets words, never someone else's files
    for command in ("/export", "/report", "/summary"):
        for chat in (ann, ben, cas, ben, ann):
            before = len(api.calls)
            await ask(chat, command)
            for _, chat_id, _ in documents(api, before):
                assert chat_id == chat.user_id, (command, chat.user_id, chat_id)
    before = len(api.calls)
    await asyncio.gather(
        *(
            ask(chat, command)
            for command in ("/export", "/report", "/summary")
            for chat in (ann, ben, cas)
        )
    )
    sent = documents(api, before)
    assert sorted(chat_id for _, chat_id, _ in sent) == [501] * 4 + [502] * 4
    for _, chat_id, data in sent:
        own, others = ("ann", "ben") if chat_id == 501 else ("ben", "ann")
        assert f"{others}-marker".encode() not in data
        if data.startswith(b"{"):
            exported = json.loads(data)
            assert exported["person"]["user_id"] == chat_id
            assert f"{own}-marker" in json.dumps(exported)
        elif not data.startswith((b"%PDF", b"\x89PNG")):
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            assert [row["notes"] for row in rows] == [
                f"{own}-marker " + ("walked" if own == "ann" else "stretched")
            ]


# -- the console ----------------------------------------------------------------------------------


def a_document(name: str, data: bytes) -> Event:
    sent = Sent(CONSOLE_USER, 2, "", "", None, (name, data), "Your diary")
    return Event("document", sent)


def test_the_console_keeps_documents_in_a_folder_only_the_owner_can_open(
    no_umask: None, tmp_path: Path
) -> None:
    folder = tmp_path / "data" / "console" / "documents"
    console = Console(FakeBotAPI(), folder, out=io.StringIO())
    console.show(a_document("rls-diary-2026-11-26.json", b'{"notes": "private"}'))
    assert (folder / "rls-diary-2026-11-26.json").read_bytes() == b'{"notes": "private"}'
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_documents_saved_by_the_console_are_readable_by_the_owner_only(
    no_umask: None, tmp_path: Path
) -> None:
    folder = tmp_path / "data" / "console" / "documents"
    console = Console(FakeBotAPI(), folder, out=io.StringIO())
    console.show(a_document("rls-diary-2026-11-26.json", b"{}"))
    assert stat.S_IMODE((folder / "rls-diary-2026-11-26.json").stat().st_mode) == 0o600
