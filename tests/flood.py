"""A flood and a calm person against a running bot process, over HTTP (tests and `make bench`).

One person sends 15 messages a second for ten seconds, with button presses mixed in, while
another does a full evening check-in. Reply latency is measured from the moment an update is
handed to the fake Bot API until the fake records the bot's answer to it.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.checkins import Diary
from bot.content import load_catalog
from bot.fake_telegram import html_to_plain
from bot.storage import Store
from bot.texts import EveningText, t
from tests.conftest import CONTENT, KEY
from tests.fake_bot_api_server import CHAT_METHODS, FakeBotApiServer

REPLY = 10.0
CONSENT = "I understand, let's start"
QUESTION = html_to_plain(t(EveningText.RATING_QUESTION))


def prepare(data_dir: Path, *people: int, at: str = "22:00") -> None:
    """People who set up the bot some days ago (consent, Berlin, check-in time), written
    straight into DATA_DIR before the bot starts."""
    store = Store(data_dir, KEY)
    store.open()
    try:
        diary = Diary(store, load_catalog(CONTENT), random.Random(1))
        since = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
        for chat in people:
            diary.people.consent(chat, chat, "en", since)
            diary.people.set_timezone(chat, "Europe/Berlin", now=since)
            diary.people.set_checkin_time(chat, at, now=since)
    finally:
        store.close()


def onboard(server: FakeBotApiServer, chat: int, at: str = "22:00") -> None:
    """/start, consent, zone and check-in time (each answer awaited)."""
    steps: list[tuple[str, str]] = [
        ("text", "/start"),
        ("press", CONSENT),
        ("text", "Europe/Berlin"),
        ("text", f"/time {at}"),
    ]
    expect = ["restless legs", "time zone", "Time zone set", "Done."]
    for (kind, value), fragment in zip(steps, expect, strict=True):
        mark = server.mark()
        if kind == "text":
            server.send_text(chat, value)
        else:
            server.press(chat, value)
        server.wait_for_text(chat, fragment, REPLY, since=mark)


def _count(server: FakeBotApiServer, chat: int, fragment: str) -> int:
    return server.call(lambda api: sum(fragment in s.text for s in api.sent_to(chat)))


def step(server: FakeBotApiServer, chat: int, kind: str, value: str, fragment: str) -> float:
    """Type or tap, wait until `fragment` shows in the chat (a new message or an edit), and
    return the seconds from the moment the update was handed over until the fake recorded the
    last request of the answer."""
    seen = _count(server, chat, fragment)
    before = time.monotonic()
    if kind == "text":
        server.send_text(chat, value)
    else:
        server.press(chat, value)
    server.wait_until(
        lambda api: sum(fragment in s.text for s in api.sent_to(chat)) > seen or None,
        REPLY,
        what=f"{fragment!r} in chat {chat}",
    )
    answers = [
        r
        for r in server.requests()
        if r.chat_id == chat
        and r.method in CHAT_METHODS
        and r.status == 200
        and r.started >= before
    ]
    assert answers, f"no answer recorded in chat {chat}"
    return max(r.finished for r in answers) - before


def calm_check_in(server: FakeBotApiServer, chat: int) -> list[float]:
    """A full check-in: /checkin, a rating (until the idea's card), I'll try it, a note and
    /history. Returns each step's reply latency in seconds."""
    steps = [
        ("text", "/checkin", QUESTION),
        ("press", "6", "Evidence:"),
        ("press", t(EveningText.TRY_BUTTON), "You'll try it"),
        ("text", "tingling calves tonight, took a warm shower", "Saved your note"),
        ("text", "/history", "Your nights"),
    ]
    return [step(server, chat, kind, value, fragment) for kind, value, fragment in steps]


@dataclass
class Flood:
    """What one flooding person sent, in a thread beside the test."""

    server: FakeBotApiServer
    chat: int
    messages: int = 150
    presses: int = 60
    per_second: float = 15.0
    notes: list[str] = field(default_factory=list)
    press_ids: list[str] = field(default_factory=list)
    pressed: int = 0
    errors: list[BaseException] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        mark = self.server.mark()
        self.server.send_text(self.chat, "/checkin")
        question = self.server.wait_for_text(self.chat, QUESTION, REPLY, since=mark)
        self._question = question.message_id
        self._buttons = [data for _, data in question.buttons]  # taps after the first hit a
        # question that already shows its answer: a press the bot must still answer
        self._thread = threading.Thread(target=self._run, name="flood", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            every = max(1, round(self.messages / max(1, self.presses)))
            pressed = 0
            for i in range(self.messages):
                started = time.monotonic()
                note = f"flood note {i:03d} legs jumpy"
                self.notes.append(note)
                self.server.send_text(self.chat, note)
                if i % every == 0 and pressed < self.presses:
                    data = self._buttons[i % len(self._buttons)]
                    update = self.server.press_data(self.chat, data, message_id=self._question)
                    self.press_ids.append(update["callback_query"]["id"])
                    pressed += 1
                time.sleep(max(0.0, 1 / self.per_second - (time.monotonic() - started)))
            self.pressed = pressed
        except BaseException as exc:  # reported by join()
            self.errors.append(exc)

    def join(self, timeout: float = 60.0) -> None:
        assert self._thread is not None
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the flood did not finish"
        if self.errors:
            raise self.errors[0]


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values)
