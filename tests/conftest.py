"""Shared fixtures: a fixed clock, settings on a temp folder, and the real Application over
an in-process fake Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr
from telegram import Update

from bot import throttle
from bot.app import BotApp, open_services
from bot.config import Settings
from bot.context import Services
from bot.errors import DamagedRecord
from bot.fake_telegram import FakeBotAPI, FakeTelegram, Sent
from tests.harness import started
from tests.keys import KEY, KEY_TEXT

__all__ = ["KEY", "KEY_TEXT"]  # re-exported: tests import the key from here

# Property tests explore the same examples on every run: CI results never depend on luck.
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None)
hypothesis_settings.load_profile("repeatable")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--machine-date",
        metavar="ISO",
        default=None,
        help="run with the machine's clock moved to this instant (time-machine; it then ticks)",
    )


_MOVED = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    """`--machine-date`: every wall-clock read in this process (datetime.now, time.time, ...)
    now says that date. The bot's code must not care: it reads only its injected clock."""
    when = config.getoption("--machine-date")
    if when:
        destination = dt.datetime.fromisoformat(when)
        if destination.tzinfo is None:
            raise pytest.UsageError("--machine-date needs a UTC offset, e.g. +00:00")
        traveller = time_machine.travel(destination, tick=True)
        traveller.start()
        config.stash[_MOVED] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_MOVED, None)
    if traveller is not None:
        traveller.stop()


ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "remedies.toml"
UTC = dt.UTC


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, when: dt.datetime) -> None:
        self.now = when

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def patient_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test conversations happen at one frozen instant, faster than any person types: the
    flood limit would cut them short. Flood tests build a `PersonThrottle()` with the real
    limits themselves."""
    monkeypatch.setattr(throttle, "PERSON_BURST", 1_000_000)


@pytest.fixture
def clock() -> FakeClock:
    # Thursday 26 November 2026, 20:00 in Berlin.
    return FakeClock(dt.datetime(2026, 11, 26, 19, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        content_file=CONTENT,
        default_timezone="Europe/Berlin",
        telegram_bot_token=None,
        data_key=SecretStr(KEY_TEXT),
    )


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    svc = open_services(settings, clock=clock, seed=1234)
    yield svc
    svc.diary.store.close()


class Chat:
    """One person talking to the bot: sends updates straight into the Application."""

    def __init__(self, app: BotApp, api: FakeBotAPI, user_id: int) -> None:
        self.app = app
        self.api = api
        self.user_id = user_id
        self.last_update: dict[str, Any] = {}

    async def _process(self, payload: dict[str, Any]) -> list[Sent]:
        self.last_update = payload
        before = len(self.api.history)
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        return self.api.history[before:]

    async def send(self, text: str, **user: Any) -> list[Sent]:
        """Type a message; returns the messages the bot sent in reply."""
        return await self._process(self.api.send_text(self.user_id, text, **user))

    async def send_message(self, fields: dict[str, Any], **user: Any) -> list[Sent]:
        """Send a non-text message (sticker, photo, location...)."""
        return await self._process(self.api.send_message(self.user_id, fields, **user))

    async def send_message_document(self, name: str, data: bytes) -> list[Sent]:
        """Send a file."""
        return await self._process(self.api.send_document(self.user_id, name, data))

    async def edit(self, message_id: int, text: str) -> list[Sent]:
        """Edit one of the person's earlier messages."""
        return await self._process(self.api.edit_text(self.user_id, message_id, text))

    async def press(self, label: str, message: Sent | None = None) -> list[Sent]:
        """Tap the button with this label on `message` (default: newest message with buttons)."""
        target = message or self.keyboard()
        data = [d for text, d in target.buttons if text == label]
        assert data, f"no button {label!r} in {target.buttons}"
        return await self._process(self.api.press(target, data[0]))

    async def press_data(self, data: str, message: Sent | None = None) -> list[Sent]:
        """Send raw callback data (forged or stale buttons)."""
        target = message or self.api.last(self.user_id)
        return await self._process(self.api.press(target, data))

    def keyboard(self) -> Sent:
        for sent in reversed(self.api.sent_to(self.user_id)):
            if sent.buttons:
                return sent
        raise AssertionError("no message with buttons")

    @property
    def last(self) -> Sent:
        return self.api.last(self.user_id)

    async def onboard(self, tz: str = "Europe/Berlin", at: str = "22:00") -> None:
        """/start, consent, zone and check-in time."""
        await self.send("/start")
        await self.press("I understand, let's start")
        await self.send(tz)
        await self.send(f"/time {at}")


@pytest.fixture
def api(clock: FakeClock) -> FakeBotAPI:
    return FakeBotAPI(queue_updates=False, clock=clock)


@pytest.fixture
async def app(services: Services, api: FakeBotAPI) -> AsyncIterator[BotApp]:
    # A damaged file surfaces as an error by design: bot.recovery sets it aside and apologises
    # (tests/test_damaged.py). Anything else a handler raises is a bug.
    async with started(services, FakeTelegram(api), ignore=(DamagedRecord,)) as (app, errors):
        yield app
    assert not errors, f"handlers raised: {errors!r}"


@pytest.fixture
def chat(app: BotApp, api: FakeBotAPI) -> Chat:
    return Chat(app, api, user_id=501)
