"""Damaged data: one person's unreadable file never stops the bot or affects anyone else."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import BotApp
from bot.checkins.people import People
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import FakeBotAPI, FakeTelegram
from bot.models import Night, Note, Person
from bot.storage import Store
from bot.texts import ChatText, t
from tests.conftest import KEY, Chat, FakeClock
from tests.harness import job_names, process, started

NOW = dt.datetime(2026, 11, 26, 19, 0, tzinfo=dt.UTC)
A, B, C = 101, 102, 103


def person(user_id: int) -> Person:
    return Person(
        user_id=user_id,
        chat_id=user_id,
        created_at=NOW,
        consented_at=NOW,
        tz="Europe/Berlin",
        checkin_time=dt.time(22, 0),
    )


def folder(data_dir: Path, user_id: int) -> Path:
    """The person's folder (named by a keyed hash of the id)."""
    store = Store(data_dir, KEY, read_only=True)
    return data_dir / "users" / store.keyring.folder_for(user_id)


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def prepare(data_dir: Path) -> None:
    """Three people; one byte of A's profile is flipped (it no longer decrypts) and B's nights
    file is cut off half-way."""
    store = Store(data_dir, KEY)
    store.open()
    for uid in (A, B, C):
        store.save_person(person(uid))
        store.save_night(
            uid,
            Night(night=dt.date(2026, 11, 25), tz="Europe/Berlin", rating=5,
                  notes=(Note(at=NOW, text=f"note of {uid}"),)),
        )  # fmt: skip
    store.close()
    flip_a_byte(folder(data_dir, A) / "profile.json")
    nights = folder(data_dir, B) / "nights-2026-11.json"
    nights.write_bytes(nights.read_bytes()[:40])


@pytest.fixture
async def damaged_app(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> AsyncIterator[tuple[BotApp, Services]]:
    prepare(settings.data_dir)
    async with process(settings, clock, FakeTelegram(api), seed=1) as (app, services, _errors):
        yield app, services


async def test_damaged_files_are_set_aside_with_an_apology_and_others_are_served(
    damaged_app: tuple[BotApp, Services],
    api: FakeBotAPI,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _services = damaged_app
    a_folder, b_folder = folder(settings.data_dir, A), folder(settings.data_dir, B)
    # A: the profile was moved aside at start-up, with a log line and an apology.
    assert not (a_folder / "profile.json").exists()
    assert len(list(a_folder.glob("profile.json.damaged-*"))) == 1
    assert [s.text for s in api.sent_to(A)] == [t(ChatText.DAMAGED_PROFILE)]
    # B: the nights file is found by the check that runs right after start-up.
    assert app.job_queue is not None
    [scan] = app.job_queue.get_jobs_by_name("scan-nights")
    with caplog.at_level(logging.ERROR, logger="bot.recovery"):
        await scan.run(app)
    assert any(
        f"user {B}: nights-2026-11.json was damaged" in r.getMessage() for r in caplog.records
    )
    assert len(list(b_folder.glob("nights-2026-11.json.damaged-*"))) == 1
    assert [s.text for s in api.sent_to(B)] == [t(ChatText.DAMAGED_NIGHTS)]
    # C was never bothered, and everyone can go on.
    assert api.sent_to(C) == []
    assert {f"evening:{C}", f"evening:{B}"} <= job_names(app)
    assert f"evening:{A}" not in job_names(app)
    a, b, c = (Chat(app, api, uid) for uid in (A, B, C))
    [welcome] = await a.send("/start")
    assert welcome.buttons, "A starts afresh with the welcome and consent button"
    [history] = await b.send("/history")
    assert "No nights recorded yet" in history.text
    [history] = await c.send("/history")
    assert "note of 103" in history.text


async def test_a_file_damaged_while_running_is_set_aside_not_a_crash(
    chat: Chat, services: Services, api: FakeBotAPI
) -> None:
    await chat.onboard()
    await chat.send("a note")
    nights = folder(services.settings.data_dir, chat.user_id) / "nights-2026-11.json"
    nights.write_text('{"nights": {"1": ')
    replies = await chat.send("/history")
    assert [r.text for r in replies] == [t(ChatText.DAMAGED_NIGHTS)]
    [history] = await chat.send("/history")
    assert "No nights recorded yet" in history.text
    [saved] = await chat.send("another note")
    assert "Saved your note" in saved.text


async def test_a_flipped_byte_in_a_file_is_damage_set_aside_with_an_apology_not_a_key_problem(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("a note")
    person_folder = folder(services.settings.data_dir, chat.user_id)
    flip_a_byte(person_folder / "nights-2026-11.json")
    replies = await chat.send("/history")
    assert [r.text for r in replies] == [t(ChatText.DAMAGED_NIGHTS)]
    assert len(list(person_folder.glob("nights-2026-11.json.damaged-*"))) == 1
    [history] = await chat.send("/history")
    assert "No nights recorded yet" in history.text
    [saved] = await chat.send("another note")
    assert "Saved your note" in saved.text


async def test_a_bug_that_writes_a_bad_value_fails_at_the_write_and_nothing_is_set_aside(
    services: Services, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once, `weekly_day=99` was saved unvalidated; the next read raised DamagedRecord and the
    whole profile was set aside with an apology. Now the write itself refuses it."""

    def forgot_the_range_check(self: People, user_id: int, weekday: int | None) -> Person:
        return self.core.change(self.core.consented(user_id), weekly_day=99)

    monkeypatch.setattr(People, "set_weekly_day", forgot_the_range_check)
    async with started(services, FakeTelegram(api)) as (app, errors):
        chat = Chat(app, api, 501)
        await chat.onboard()
        await chat.send("a note to keep")
        [settings] = await chat.send("/settings")
        [days] = await chat.press("Weekly summary…", settings)
        await chat.press("Thu", days)
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        [welcome] = await chat.send("/start")
        [history] = await chat.send("/history")
    assert "Welcome back" in welcome.text
    assert "a note to keep" in history.text
    said = [s.text for s in api.sent_to(chat.user_id)]
    assert t(ChatText.DAMAGED_PROFILE) not in said and t(ChatText.DAMAGED_NIGHTS) not in said
    assert not list(services.settings.data_dir.rglob("*.damaged-*"))
    person = services.diary.person(chat.user_id)
    assert person is not None and person.weekly_day is None
