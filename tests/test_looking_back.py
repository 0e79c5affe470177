"""Looking back through the real Application: /history, /report, /summary, /export and
/remedies as a person meets them in their first week (issue 17)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from pypdf import PdfReader

from bot.context import Services
from bot.fake_telegram import Sent
from bot.models import Helped, Night, Note, SuggestionRecord
from bot.texts import catalogs
from tests.conftest import Chat, FakeClock

UTC = dt.UTC
# Thursday 26 November 2026, 13:27 in Berlin: an afternoon, before the day boundary (15:00).
AFTERNOON = dt.datetime(2026, 11, 26, 12, 27, tzinfo=UTC)
TONIGHT = dt.date(2026, 11, 26)  # the fixture's clock: Thursday 26 November, 20:00 in Berlin
AT = dt.datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def store(services: Services, chat: Chat, *nights: Night) -> None:
    for night in nights:
        services.diary.store.save_night(chat.user_id, night)


def stored(day: dt.date, rating: int | None = None, **fields: object) -> Night:
    return Night(night=day, tz="Europe/Berlin", rating=rating, **fields)  # type: ignore[arg-type]


def pdf_text(document: Sent) -> str:
    assert document.document is not None
    name, data = document.document
    assert name.endswith(".pdf")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


# -- 1. an afternoon check-in is in every look back -----------------------------------------------


async def test_an_afternoon_check_in_shows_in_history_report_and_summary(
    chat: Chat, clock: FakeClock
) -> None:
    clock.set(AFTERNOON)
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("7")
    [history] = await chat.send("/history")
    assert "Thu 26 Nov · legs 7/10" in history.text
    photo, summary = await chat.send("/report")
    assert photo.document is not None and photo.document[1].startswith(b"\x89PNG")
    assert "to Thu 26 Nov" in summary.text and "rated your legs on 1" in summary.text
    [contents] = await chat.send("/summary")
    assert "no nights recorded" not in contents.text and "to Thu 26 Nov" in contents.text
    text = pdf_text((await chat.press("Make the PDF", contents))[0])
    assert "Thu 26 Nov 7" in text


async def test_in_the_afternoon_without_a_check_in_yet_the_look_back_ends_last_night(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    await chat.send("/checkin")  # Thursday evening
    await chat.press("5")
    clock.set(AFTERNOON + dt.timedelta(days=1))  # Friday 13:27, no check-in yet
    _, summary = await chat.send("/report")
    assert "to Thu 26 Nov" in summary.text and "Fri 27 Nov" not in summary.text


# -- 5. every note of a night ---------------------------------------------------------------------


async def test_history_shows_every_note_of_a_night_each_shortened(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    notes = tuple(Note(at=AT, text=f"note {i} " + "x" * (10 if i % 2 else 120)) for i in range(11))
    store(services, chat, stored(TONIGHT - dt.timedelta(days=1), 6, notes=notes))
    [history] = await chat.send("/history")
    for i in range(11):
        assert f"note {i} " in history.text, i
    assert "more note" not in history.text
    long_lines = [line for line in history.text.splitlines() if "note 0 " in line]
    [line] = long_lines
    quoted = line.strip().strip("“”")
    assert len(quoted) == 80 and quoted.endswith("…")


async def test_a_night_with_very_many_notes_shows_a_generous_number_and_counts_the_rest(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    notes = tuple(Note(at=AT, text=f"note {i}") for i in range(30))
    store(services, chat, stored(TONIGHT - dt.timedelta(days=1), 6, notes=notes))
    [history] = await chat.send("/history")
    assert "note 11" in history.text and "note 12" not in history.text
    assert "+18 more notes (/export has every word)" in history.text


async def test_a_fortnight_of_long_notes_still_fits_one_message_with_every_night(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    notes = tuple(Note(at=AT, text=f"n{i} " + "word " * 60) for i in range(12))
    days = [TONIGHT - dt.timedelta(days=i) for i in range(14)]
    store(services, chat, *(stored(day, 4, notes=notes) for day in days))
    [history] = await chat.send("/history")
    assert len(history.html) <= 4096
    assert all(f"{day.day} {day:%b}" in history.text for day in days)
    assert "more notes" in history.text  # fewer notes a night, rather than fewer nights


# -- 6. arguments out of range or not a number --------------------------------------------------


async def test_summary_with_too_few_days_or_no_number_is_corrected_and_nothing_is_made(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    store(services, chat, stored(TONIGHT, 5))
    for typed in ("5", "abc", "367", "0", "28 days"):
        [reply] = await chat.send(f"/summary {typed}")
        assert "from 7 to 366" in reply.text and "/summary 90" in reply.text, typed
        assert reply.document is None and reply.buttons == []
    [short] = await chat.send("/summary 5")
    assert "A summary covers from 7 to 366 days, so I didn't make one for 5." in short.text
    [words] = await chat.send("/summary abc")
    assert "I couldn't read “abc” as a number of days" in words.text
    assert "Nothing was made" in words.text
    [contents] = await chat.send("/summary 7")
    assert "(7 nights)" in contents.text


async def test_history_with_a_bad_number_is_corrected_and_a_good_one_is_used(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    store(services, chat, *(stored(TONIGHT - dt.timedelta(days=i), i) for i in range(5)))
    for typed in ("abc", "0", "367", "two"):
        [reply] = await chat.send(f"/history {typed}")
        assert "from 1 to 366" in reply.text and "/history 30" in reply.text, typed
        assert "Your nights" not in reply.text
    [zero] = await chat.send("/history 0")
    assert "I can show from 1 to 366 nights, so not 0." in zero.text
    [two] = await chat.send("/history 2")
    assert "(latest 2 of 5)" in two.text


# -- 12. wording --------------------------------------------------------------------------------

# A number in front of a plural noun must come from `count` (bot/texts/base.py), which says
# "1 night" and "2 nights". These sentences take a number that is never 1.
NEVER_ONE = {
    "transfer.too_many_nights": "the import limit (5,000)",
    "tried.nothing_tried": "MIN_TRIED_NIGHTS (5)",
    "tried.times": "only from 3 on (once, twice are words)",
    "pdf.period": "at least 7 days",
    "pdf.other_ideas": "only when more than a table's rows",
    "pdf.more_warning_nights": "only when more than the lines shown",
    "pdf.evenings": "the plural of pdf.evening, which _count picks for 1",
    "doctor.bad_days": "the default period (28 days)",
    "doctor.days_out_of_range": "the range's limits and the default (7, 366, 28)",
    "review.count_out_of_range": "the most nights /history shows (366)",
    # The evening card's "why this one" is rewritten with item 11 of the same issue.
    "card.why_helped_you": "owned by the evening half of issue 17",
    "trial.blocks_range": "a range: its upper end is at least 2 (a single size is blocks_one)",
    "trial.busy": "a trial's length (8 to 28)",
    "trial.status": "a trial's length (8 to 28)",
}

PLURAL_AFTER_NUMBER = re.compile(
    r"\{\w+\}(?: [\w-]+)? (?:nights|evenings|mornings|notes|ideas|times|days|weeks)\b"
)


def test_no_sentence_puts_a_number_in_front_of_a_plural_itself() -> None:
    found = {
        key.id
        for sentences in catalogs().values()
        for key, sentence in sentences.items()
        if PLURAL_AFTER_NUMBER.search(sentence)
    }
    assert found <= set(NEVER_ONE), sorted(found - set(NEVER_ONE))


async def test_one_of_anything_is_said_in_the_singular(chat: Chat, services: Services) -> None:
    await chat.onboard()
    store(services, chat, stored(TONIGHT, 4, sleep_quality=2))
    [back] = await chat.send("/start")
    assert "(1 night)" in back.text
    [erase] = await chat.send("/delete")
    assert "your settings and 1 recorded night with their notes" in erase.text
    _, report = await chat.send("/report")
    assert "Sleep, on the one morning you answered: poor." in report.text
    assert "Typically" not in report.text and "1 mornings" not in report.text
    assert "You recorded 1 of these 7 nights" in report.text


async def test_history_says_in_plain_words_whether_an_idea_helped(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    answers = {1: Helped.NO, 2: Helped.A_BIT, 3: Helped.CLEARLY}
    store(
        services,
        chat,
        *(
            stored(
                TONIGHT - dt.timedelta(days=i),
                5,
                suggestions=(SuggestionRecord(remedy_id="massage", content_version=3, at=AT),),
                morning_remedy="massage",
                tried=True,
                helped=helped,
            )
            for i, helped in answers.items()
        ),
    )
    [history] = await chat.send("/history")
    assert "Massage your calves and feet: didn't help" in history.text
    assert "Massage your calves and feet: helped a bit" in history.text
    assert "Massage your calves and feet: helped clearly" in history.text
    assert "helped no" not in history.text


async def test_every_comparison_of_ratings_in_the_report_says_lower_is_calmer(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    tried = {
        "suggestions": (SuggestionRecord(remedy_id="massage", content_version=3, at=AT),),
        "morning_remedy": "massage",
        "tried": True,
        "helped": Helped.A_BIT,
    }
    nights = [
        stored(TONIGHT - dt.timedelta(days=i), i % 7, **(tried if i % 2 else {}))
        for i in range(14)
    ]
    store(services, chat, *nights)
    _, report = await chat.send("/report")
    compared = [line for line in report.text.splitlines() if "against" in line]
    assert compared and all("lower is calmer" in line for line in compared)


async def test_the_list_of_ideas_explains_what_a_fair_test_is(chat: Chat) -> None:
    await chat.onboard()
    [listing] = await chat.send("/remedies")
    assert "fair tests" in listing.text
    assert "A fair test: people are split by chance into two groups" in listing.text


# -- 13. the doctor's summary ---------------------------------------------------------------------


async def test_the_summary_says_what_it_will_hold_before_it_is_made(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    store(
        services,
        chat,
        stored(TONIGHT, 6, red_flags=("pregnancy",), notes=(Note(at=AT, text="secret words"),)),
        stored(TONIGHT - dt.timedelta(days=3), 4),
    )
    replies = await chat.send("/summary")
    [contents] = replies
    assert contents.document is None
    text = contents.text
    assert "Fri 30 Oct to Thu 26 Nov (28 nights)" in text
    assert "ratings and sleep, as a chart and night by night (2 recorded" in text
    assert "the warning signs you wrote about, each with its date: Pregnancy" in text
    assert "never holds the words of your notes" in text
    assert "secret" not in text
    assert [label for label, _ in contents.buttons] == ["Make the PDF"]
    [document] = await chat.press("Make the PDF", contents)
    assert "Pregnancy or breastfeeding" in pdf_text(document)
    assert "secret" not in pdf_text(document)
    assert chat.api.sent_to(chat.user_id)[-2].buttons == []  # the contents lost its button


def adult_nights() -> list[Night]:
    orgasm = SuggestionRecord(remedy_id="orgasm", content_version=3, at=AT)
    return [
        stored(
            TONIGHT - dt.timedelta(days=i),
            6,
            suggestions=(orgasm,),
            morning_remedy="orgasm",
            tried=True,
            helped=Helped.CLEARLY,
        )
        for i in (1, 2)
    ] + [stored(TONIGHT, 3)]


async def test_adults_only_topics_are_left_out_by_default_unless_switched_on(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    store(services, chat, *adult_nights())
    [contents] = await chat.send("/summary")
    assert "Adults-only topics: left out" in contents.text
    assert "Sex or self-pleasure before sleep" in contents.text
    assert [label for label, _ in contents.buttons] == ["Make the PDF", "Include everything"]
    [document] = await chat.press("Make the PDF", contents)
    text = flat(pdf_text(document))
    assert "Sex or self-pleasure" not in text
    assert "No ideas were marked as tried in this period." in text
    assert "Thu 26 Nov 3" in text and "Wed 25 Nov 6" in text  # the nights themselves stay


async def test_the_person_can_include_or_leave_out_adults_only_topics_before_it_is_made(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    person = services.diary.person(chat.user_id)
    assert person is not None
    services.diary.store.save_person(person.replace(adult_topics=True))
    store(services, chat, *adult_nights())
    [contents] = await chat.send("/summary")
    assert "Adults-only topics: included" in contents.text
    await chat.press("Leave out adults-only topics", contents)
    edited = chat.api.sent_to(chat.user_id)[-1]
    assert "Adults-only topics: left out" in edited.text
    [left_out] = await chat.press("Make the PDF", edited)
    assert "Sex or self-pleasure" not in flat(pdf_text(left_out))
    [again] = await chat.send("/summary")
    [included] = await chat.press("Make the PDF", again)
    assert "Sex or self-pleasure before sleep 2 0 0 2 0" in flat(pdf_text(included))


async def test_a_forged_summary_button_for_a_period_out_of_range_changes_nothing(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    store(services, chat, stored(TONIGHT, 5))
    [contents] = await chat.send("/summary")
    before = len(chat.api.calls)
    replies = await chat.press_data("1|pdf|20261126|make:5:all", contents)
    assert replies == []  # no PDF, no message: only the button's answer, a short notice
    [answer] = [p for m, p in chat.api.calls[before:] if m == "answerCallbackQuery"]
    assert answer.get("text")


# -- nights filled in afterwards --------------------------------------------------------------


async def test_a_night_entered_later_is_marked_in_history_export_and_the_pdf(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    later = stored(TONIGHT - dt.timedelta(days=2), 6, entered_later_at=AT)
    store(services, chat, stored(TONIGHT, 3), later)
    [history] = await chat.send("/history")
    [line] = [line for line in history.text.splitlines() if "Tue 24 Nov" in line]
    assert line.endswith("entered later")
    assert "entered later" not in history.text.replace(line, "")
    csv_doc, json_doc = await chat.send("/export")
    assert csv_doc.document is not None and json_doc.document is not None
    rows = list(csv.DictReader(io.StringIO(csv_doc.document[1].decode("utf-8-sig"))))
    assert list(rows[0])[16:18] == ["red_flags", "entered_later"]  # appended in turn
    assert [(row["night_date"], row["entered_later"]) for row in rows] == [
        ("2026-11-24", "yes"),
        ("2026-11-26", ""),
    ]
    exported = json.loads(json_doc.document[1])
    moments = [n["entered_later_at"] for n in exported["nights"]]
    assert moments[1] is None and dt.datetime.fromisoformat(moments[0]) == AT
    _, report = await chat.send("/report")
    assert "You filled in 1 night afterwards." in report.text
    [contents] = await chat.send("/summary")
    text = pdf_text((await chat.press("Make the PDF", contents))[0])
    assert "Tue 24 Nov 6*" in text
    assert "* entered later: filled in afterwards, not on the evening itself." in text
