"""Reading it back through the bot: /report, /summary, /export + /import, the weekly message,
and the operator's command-line review while the bot runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from bot.app import BotApp
from bot.booking import JobKind
from bot.context import Services
from bot.fake_telegram import FakeBotAPI
from tests.conftest import CONTENT, KEY_TEXT, ROOT, Chat, FakeClock
from tests.harness import job

NIGHT = dt.date(2026, 11, 26)


async def record_nights(chat: Chat, clock: FakeClock, ratings: list[int]) -> None:
    """One check-in per evening at 20:00, trying the idea, a note, and the morning answers."""
    for rating in ratings:
        evening = clock()
        await chat.send("/checkin")
        replies = await chat.press(str(rating))
        if rating:
            await chat.press("I'll try it", replies[0])
        await chat.send(f"note for a {rating}")
        morning = job(chat.app, JobKind.MORNING, chat.user_id)
        assert morning.next_t is not None
        clock.set(morning.next_t)
        await morning.run(chat.app)
        question = chat.last
        await chat.press("Good", question)
        if rating:
            await chat.press("Yes", question)
            await chat.press("A bit", question)
        clock.set(evening + dt.timedelta(days=1))


def pdf_text(data: bytes) -> str:
    chunks = []
    for part in data.split(b"stream")[1:]:
        body = part.split(b"endstream")[0].strip(b"\r\n")
        try:
            chunks.append(zlib.decompress(body).decode("latin-1"))
        except zlib.error:
            chunks.append(body.decode("latin-1"))
    return "".join(chunks)


async def test_report_sends_a_chart_and_a_summary(
    chat: Chat, clock: FakeClock, services: Services
) -> None:
    [empty] = await chat.send("/report")
    assert "/start" in empty.text
    await chat.onboard()
    await record_nights(chat, clock, [6, 7, 0, 5])
    replies = await chat.send("/report")
    photo, summary = replies
    assert photo.document is not None and photo.document[1].startswith(b"\x89PNG\r\n\x1a\n")
    assert "Your last 7 nights" in photo.text  # a first week is shown as a week
    assert "What you tried and how it went" in summary.text
    assert "too few nights to tell yet" in summary.text
    nights = services.diary.nights(chat.user_id)
    assert [n.sleep_quality for n in nights] == [4, 4, 4, 4]


async def test_summary_says_what_it_holds_then_sends_a_pdf_of_at_most_two_pages(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    await record_nights(chat, clock, [6, 8, 3])
    [contents] = await chat.send("/summary")
    assert contents.document is None and "never holds the words of your notes" in contents.text
    [document] = await chat.press("Make the PDF", contents)
    assert document.document is not None
    name, data = document.document
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    assert b"/Count 2" in data or b"/Count 1" in data
    assert "Not medical advice" in pdf_text(data)
    assert "note for a" not in pdf_text(data), "the PDF never holds note text"


async def test_export_sends_csv_and_json_and_import_restores_it_for_another_account(
    chat: Chat, clock: FakeClock, services: Services, app: BotApp, api: FakeBotAPI
) -> None:
    await chat.onboard()
    await record_nights(chat, clock, [6, 4])
    csv_doc, json_doc = await chat.send("/export")
    assert csv_doc.document is not None and csv_doc.document[0].endswith(".csv")
    assert json_doc.document is not None and json_doc.document[0].endswith(".json")
    exported = json.loads(json_doc.document[1])
    assert exported["format"] == "rls-bedtime-companion" and len(exported["nights"]) == 2

    other = Chat(app, api, user_id=777)
    await other.onboard(tz="Europe/Berlin", at="21:00")
    [ask] = await other.send("/import")
    assert "diary file" in ask.text
    [confirm] = await other.send_message_document("diary.json", json_doc.document[1])
    assert "holds 2 nights" in confirm.text
    await other.press("Yes, replace my diary", confirm)
    mine = services.diary.nights(chat.user_id)
    theirs = services.diary.nights(777)
    assert [n.model_dump() for n in theirs] == [n.model_dump() for n in mine]
    person = services.diary.person(777)
    assert person is not None and person.user_id == 777 and person.chat_id == 777
    assert person.checkin_time == dt.time(22, 0)  # the file's settings came along
    assert job(chat.app, JobKind.EVENING, 777).next_t is not None


async def test_a_bad_import_file_is_refused_with_a_reason_and_changes_nothing(
    chat: Chat, clock: FakeClock, services: Services
) -> None:
    await chat.onboard()
    await record_nights(chat, clock, [5])
    before = services.diary.nights(chat.user_id)
    await chat.send("/import")
    [reply] = await chat.send_message_document("notes.json", b'{"hello": "world"}')
    assert "couldn't use that file" in reply.text and "Nothing was changed" in reply.text
    [reply] = await chat.send_message_document("x.json", b"\xff\xfe garbage")
    assert "Nothing was changed" in reply.text
    assert services.diary.nights(chat.user_id) == before


async def test_a_file_sent_without_import_is_not_read(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [reply] = await chat.send_message_document("diary.json", b"{}")
    assert "/import" in reply.text


async def test_the_weekly_summary_comes_once_on_the_chosen_day(
    chat: Chat, clock: FakeClock, services: Services, app: BotApp, api: FakeBotAPI
) -> None:
    clock.set(dt.datetime(2026, 11, 19, 19, 0, tzinfo=dt.UTC))
    await chat.onboard()
    await record_nights(chat, clock, [6, 5, 7, 4, 6, 5, 3])
    await chat.send("/time 22:00")  # books tonight's check-in from "now", the 26th
    [settings] = await chat.send("/settings")
    [days] = await chat.press("Weekly summary…", settings)
    await chat.press("Thu", days)  # 26 November 2026 is a Thursday
    evening = job(chat.app, JobKind.EVENING, chat.user_id)
    clock.set(dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC))
    before = len(api.history)
    await evening.run(app)
    sent = api.history[before:]
    assert len(sent) == 2
    assert "week" in sent[0].text.lower() and "How do your legs feel" in sent[1].text
    await evening.run(app)  # a second firing on the same night sends nothing more
    assert len(api.history) == before + 2


@pytest.mark.slow
def test_operator_review_and_export_work_while_the_bot_holds_the_data(
    tmp_path: Path, services: Services
) -> None:
    from bot.models import Night, Note

    store = services.diary.store  # open, holding the writer lock like a running bot
    store.save_person(
        services.diary.person(1)
        or __import__("bot.models", fromlist=["Person"]).Person(
            user_id=424242, chat_id=424242, created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        )
    )
    store.save_night(
        424242,
        Night(night=NIGHT, tz="UTC", rating=7, notes=(Note(at=NOW, text="very private"),)),
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(store.data_dir),
        "CONTENT_FILE": str(CONTENT),
    }
    for name in ("TELEGRAM_BOT_TOKEN", "DATA_KEY", "DATA_KEY_FILE", "KEYRING_FILE"):
        env.pop(name, None)
    for command in (["review"], ["export", "--out", str(tmp_path / "no-key")]):
        keyless = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
        )  # fmt: skip
        assert keyless.returncode == 2 and keyless.stdout == ""
        assert keyless.stderr.startswith(f"error: {command[0]} needs the bot's data key: ")
    env["DATA_KEY"] = KEY_TEXT  # the same key as the bot's
    review = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--since", "3660d"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert review.returncode == 0, review.stderr
    assert "2026-11-26" in review.stdout and "7" in review.stdout
    assert "424242" not in review.stdout and "very private" not in review.stdout
    out = tmp_path / "csv"
    export = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert (out / "424242.csv").read_text(encoding="utf-8-sig").count("\n") == 2
    store.save_night(424242, Night(night=NIGHT, tz="UTC", rating=2))  # the bot still writes


NOW = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)
