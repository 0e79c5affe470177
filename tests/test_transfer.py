"""The JSON export and its import: a faithful round trip, and every refusal in plain words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.content import load_catalog
from bot.errors import BotError
from bot.export import nights_csv
from bot.models import (
    Awaiting,
    Helped,
    Night,
    Note,
    Pause,
    Person,
    PromptSource,
    Response,
    Snooze,
    SuggestionRecord,
)
from bot.texts import TransferText, import_rejected, t
from bot.texts.transfer import reason
from bot.transfer import ImportRejected, export_json, parse_import
from tests.conftest import CONTENT

AT = dt.datetime(2026, 11, 3, 20, 0, tzinfo=dt.UTC)
EXPORTED = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
Doc = dict[str, Any]


def person(**update: object) -> Person:
    base = Person(
        user_id=501,
        chat_id=601,
        created_at=AT,
        consented_at=AT,
        tz="Europe/Berlin",
        checkin_time=dt.time(22, 15),
        wake_time=dt.time(7, 30),
        pause=Pause(until=dt.date(2026, 12, 5)),
        not_for_me=frozenset({"yoga", "music"}),
        language="en",
        adult_topics=True,
        weekly_day=6,
    )
    return base.replace(**update)


def nights() -> list[Night]:
    return [
        Night(
            night=dt.date(2026, 11, 4),
            tz="Europe/Berlin",
            prompted_at=AT + dt.timedelta(days=1),
            prompt_source=PromptSource.SNOOZE,
            rating=0,
            rated_at=AT + dt.timedelta(days=1, minutes=3),
        ),
        Night(
            night=dt.date(2026, 11, 3),
            tz="Europe/Berlin",
            prompted_at=AT,
            prompt_source=PromptSource.SCHEDULE,
            rating=7,
            rated_at=AT + dt.timedelta(minutes=2),
            suggestions=(
                SuggestionRecord(
                    remedy_id="massage",
                    content_version=2,
                    at=AT,
                    reason="new",
                    response=Response.ANOTHER,
                ),
                SuggestionRecord(
                    remedy_id="warm_bath", content_version=2, at=AT, response=Response.TRY
                ),
            ),
            notes=(
                Note(at=AT, text="Crawling “again” 😩 <b>&", message_id=12),
                Note(at=AT, text="later", edited_at=AT + dt.timedelta(hours=1)),
            ),
            morning_sent_at=AT + dt.timedelta(hours=11),
            sleep_quality=2,
            morning_remedy="warm_bath",
            tried=True,
            helped=Helped.A_BIT,
            red_flags=("chest_pain",),
        ),
        Night(night=dt.date(2026, 11, 5), tz="America/New_York", skipped=True),
    ]


def exported(**update: object) -> bytes:
    return export_json(person(**update), nights(), content_version=2, exported_at=EXPORTED)


def document() -> Doc:
    loaded = json.loads(exported())
    assert isinstance(loaded, dict)
    return loaded


def refused(data: bytes, **kwargs: int) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        parse_import(data, user_id=9, chat_id=10, **kwargs)
    assert isinstance(caught.value, BotError)
    assert str(caught.value) == caught.value.rejection.value  # logs name the kind, no content
    return caught.value


def rejection(data: bytes, **kwargs: int) -> str:
    """The reason a person is shown for refusing this file."""
    return reason(refused(data, **kwargs))


def edited(change: Callable[[Doc], object]) -> bytes:
    doc = document()
    change(doc)
    return json.dumps(doc).encode()


def test_the_export_holds_everything_with_its_format_marks() -> None:
    data = exported()
    doc = json.loads(data.decode("utf-8"))
    assert doc["format"] == "rls-bedtime-companion" and doc["format_version"] == 1
    assert doc["exported_at"] == "2026-11-30T09:00:00+00:00" and doc["content_version"] == 2
    assert doc["person"] == person().model_dump(mode="json")
    assert [n["night"] for n in doc["nights"]] == ["2026-11-03", "2026-11-04", "2026-11-05"]
    assert "Crawling “again” 😩 <b>&".encode() in data  # readable UTF-8, not \\u escapes


def test_an_export_imports_back_as_equal_records_bound_to_the_importing_account() -> None:
    imported, imported_nights = parse_import(exported(), user_id=777, chat_id=778)
    assert imported == person().replace(**{"user_id": 777, "chat_id": 778})
    assert imported_nights == sorted(nights(), key=lambda n: n.night)


def test_the_ids_in_the_file_are_ignored_even_when_they_are_nonsense() -> None:
    data = edited(lambda d: d["person"].update(user_id="someone else", chat_id=-1))
    imported, _ = parse_import(data, user_id=42, chat_id=43)
    assert (imported.user_id, imported.chat_id) == (42, 43)


def test_conversation_state_of_the_old_bot_is_not_carried_over() -> None:
    data = exported(
        blocked_at=AT,
        awaiting=Awaiting.WAKE_TIME,
        snooze=Snooze(night=dt.date(2026, 11, 3), due=AT),
    )
    imported, _ = parse_import(data, user_id=1, chat_id=1)
    assert (imported.blocked_at, imported.awaiting, imported.snooze) == (None, None, None)
    assert imported.checkin_time == dt.time(22, 15)


def test_an_export_with_a_byte_order_mark_still_imports() -> None:
    imported, _ = parse_import(b"\xef\xbb\xbf" + exported(), user_id=1, chat_id=2)
    assert imported.tz == "Europe/Berlin"


def test_an_empty_diary_round_trips() -> None:
    data = export_json(person(), [], content_version=2, exported_at=EXPORTED)
    assert parse_import(data, user_id=501, chat_id=601) == (person(), [])


def night_edit(index: int, **fields: object) -> Callable[[Doc], object]:
    return lambda d: d["nights"][index].update(fields)


def first_night(d: Doc) -> Doc:
    night = d["nights"][0]
    assert isinstance(night, dict)
    return night


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe\x00garbage", t(TransferText.NOT_AN_EXPORT)),
        (b"{not json", t(TransferText.NOT_AN_EXPORT)),
        (b"[1, 2, 3]", t(TransferText.NOT_AN_EXPORT)),
        (b"[" * 100_000, t(TransferText.NOT_AN_EXPORT)),
        (b"night_date,timezone\r\n2026-11-03,UTC\r\n", t(TransferText.NOT_AN_EXPORT)),
        (edited(lambda d: d.update(format="daylio")), t(TransferText.NOT_AN_EXPORT)),
        (
            edited(lambda d: d.update(format_version=2)),
            "This diary export is in a format this bot does not know (version 2); it may come "
            "from a newer version of the bot.",
        ),
        (
            edited(lambda d: d.pop("format_version")),
            "This diary export is in a format this bot does not know (no version number); it "
            "may come from a newer version of the bot.",
        ),
        (
            edited(lambda d: d.update(nights={"2026-11-03": {}})),
            "This file is not a diary export from this bot: its settings or nights are missing.",
        ),
        (
            edited(lambda d: d["nights"].append(dict(d["nights"][0]))),
            "Night 2026-11-03 appears twice in the file.",
        ),
        (
            edited(night_edit(0, rating=11)),
            "Night 2026-11-03 is not valid: rating must be between 0 and 10.",
        ),
        (
            edited(night_edit(1, sleep_quality=0)),
            "Night 2026-11-04 is not valid: sleep quality must be between 1 and 5.",
        ),
        (
            edited(night_edit(0, surprise=True)),
            "Night 2026-11-03 is not valid: surprise is not a field this bot knows.",
        ),
        (
            edited(lambda d: first_night(d).pop("tz")),
            "Night 2026-11-03 is not valid: tz is missing.",
        ),
        (
            edited(night_edit(2, tz="Mars/Base")),
            "Night 2026-11-05 is not valid: unknown time zone 'Mars/Base'.",
        ),
        (
            edited(night_edit(2, tz="../../etc/passwd")),
            "Night 2026-11-05 is not valid: unknown time zone '../../etc/passwd'.",
        ),
        (
            edited(night_edit(0, prompted_at="2026-11-03T21:00:00")),
            "Night 2026-11-03 is not valid: the time in prompted_at has no time zone.",
        ),
        (
            edited(lambda d: first_night(d)["notes"][0].update(at="2026-11-03T21:00:00")),
            "Night 2026-11-03 is not valid: the time in notes.at has no time zone.",
        ),
        (
            edited(lambda d: d["nights"].insert(0, "2026-11-01")),
            "Night number 1 in the file is not valid: the entry: input should be a valid "
            "dictionary or instance of Night.",
        ),
        (
            edited(lambda d: d["person"].update(weekly_day=9)),
            "The settings in the file are not valid: weekly summary day must be between 0 and 6.",
        ),
        (
            edited(lambda d: d["person"].update(tz="Europe/Atlantis")),
            "The settings in the file are not valid: unknown time zone 'Europe/Atlantis'.",
        ),
        (
            edited(lambda d: d["person"].update(checkin_time="25:99")),
            "The settings in the file are not valid: checkin_time: input should be in a valid "
            "time format, hour value is outside expected range of 0-23.",
        ),
    ],
)
def test_each_bad_file_is_refused_with_one_plain_reason(data: bytes, reason: str) -> None:
    assert rejection(data) == reason


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    assert rejection(b" " * 5_000_001) == "The file is too large (the limit is 5 MB)."
    assert rejection(exported(), max_bytes=2000) == "The file is too large (the limit is 2 kB)."


def test_more_than_5000_nights_are_refused() -> None:
    many = [
        {"night": (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat(), "tz": "UTC"}
        for i in range(5001)
    ]
    data = edited(lambda d: d.update(nights=many))
    assert rejection(data) == "The file holds more than 5000 nights."
    _, imported = parse_import(
        edited(lambda d: d.update(nights=many[:5000])), user_id=1, chat_id=1
    )
    assert len(imported) == 5000


def test_the_refusal_message_escapes_the_reason_and_says_nothing_changed() -> None:
    rejected = refused(edited(night_edit(2, tz="<b>Mars</b>")))
    assert import_rejected(rejected) == (
        "I couldn't use that file. Night 2026-11-05 is not valid: unknown time zone "
        "'&lt;b&gt;Mars&lt;/b&gt;'. Nothing was changed."
    )


def test_the_csv_keeps_a_note_that_looks_like_a_formula_as_words() -> None:
    # Opened in a spreadsheet (and maybe sent to a doctor), a note starting with "=" must not
    # run: '=HYPERLINK("http://evil.example","click")' shows as the words typed.
    typed = '=HYPERLINK("http://evil.example","click")'
    night = Night(night=dt.date(2026, 11, 3), tz="Europe/Berlin", notes=(Note(at=AT, text=typed),))
    plain = Night(night=dt.date(2026, 11, 4), tz="Europe/Berlin", notes=(Note(at=AT, text="ok"),))
    catalog = load_catalog(CONTENT)
    rows = list(
        csv.DictReader(io.StringIO(nights_csv([night, plain], catalog).decode("utf-8-sig")))
    )
    assert [r["notes"] for r in rows] == ["'" + typed, "ok"]
