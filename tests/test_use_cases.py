"""The core without Telegram: each use case called directly, asserting the typed result it
returns (what happens next) and what it stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.checkins import Diary
from bot.checkins.results import (
    AboutDay,
    CalmNight,
    Card,
    FlagBlocksIdea,
    MorningNext,
    NoMoreIdeas,
    RatingChanged,
)
from bot.context import Services
from bot.models import Helped, Night, Person, PromptSource, Response, Trigger
from bot.storage import Store
from tests.conftest import KEY, FakeClock

UID = 501
NIGHT = dt.date(2026, 11, 26)
EVENING = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin
MORNING = dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin


@pytest.fixture
def diary(services: Services, clock: FakeClock) -> Diary:
    """One person set up for 22:00 in Berlin, at 20:00 on Thursday 26 November 2026."""
    people = services.diary.people
    people.consent(UID, UID, "en", clock())
    people.set_timezone(UID, "Europe/Berlin", now=clock())
    people.set_checkin_time(UID, "22:00", now=clock())
    return services.diary


def me(diary: Diary) -> Person:
    return diary.require(UID)


def test_a_zero_is_a_calm_night_with_nothing_more_to_ask(diary: Diary) -> None:
    rated = diary.evening.rate(UID, NIGHT, 0, EVENING)
    assert rated.reply == CalmNight()
    assert rated.about_day is None
    assert rated.night.rating == 0 and rated.night.suggestions == ()


def test_legs_that_bother_get_one_card_which_is_stored_with_the_content_version(
    diary: Diary,
) -> None:
    rated = diary.evening.rate(UID, NIGHT, 6, EVENING)
    assert isinstance(rated.reply, Card)
    stored = diary.store.get_night(UID, NIGHT)
    assert stored is not None
    [shown] = stored.suggestions
    assert shown.remedy_id == rated.reply.suggestion.remedy.id
    assert shown.content_version == diary.catalog.version


def test_the_about_today_question_is_asked_as_the_person_switched_it_on(diary: Diary) -> None:
    diary.people.toggle(UID, "ask_onset")
    rated = diary.evening.rate(UID, NIGHT, 4, EVENING)
    assert isinstance(rated.reply, Card)
    assert rated.about_day is None, "it waits until the card is answered"
    remedy = rated.reply.suggestion.remedy.id
    responded = diary.evening.respond(UID, NIGHT, remedy, Response.TRY, EVENING)
    assert responded.about_day == AboutDay(onset=True, tags=False)
    assert diary.evening.rate(UID, NIGHT, 5, EVENING).about_day is None  # asked already
    diary.people.toggle(UID, "ask_triggers")
    day = dt.timedelta(days=1)
    calm = diary.evening.rate(UID, NIGHT + day, 0, EVENING + day)
    assert calm.about_day == AboutDay(onset=False, tags=True), "no card: asked at once"


def test_a_second_rating_changes_the_number_and_shows_no_second_card(diary: Diary) -> None:
    diary.evening.rate(UID, NIGHT, 6, EVENING)
    again = diary.evening.rate(UID, NIGHT, 8, EVENING)
    assert again.reply == RatingChanged(8)
    stored = diary.store.get_night(UID, NIGHT)
    assert stored is not None and stored.rating == 8 and len(stored.suggestions) == 1


def test_a_red_flag_on_the_night_means_no_idea_and_says_why(diary: Diary) -> None:
    note = diary.notes.add(UID, "my right calf is swollen, red and really sore", EVENING)
    assert [flag.id for flag in note.flags] == ["clot"]
    rated = diary.evening.rate(UID, NIGHT, 7, EVENING)
    assert rated.reply == FlagBlocksIdea()
    stored = diary.store.get_night(UID, NIGHT)
    assert stored is not None and stored.suggestions == ()


def test_asking_for_another_idea_until_none_is_left_ends_with_no_more_ideas(
    diary: Diary,
) -> None:
    rated = diary.evening.rate(UID, NIGHT, 6, EVENING)
    reply = rated.reply
    shown = 0
    while isinstance(reply, Card):
        shown += 1
        assert shown < 40, "the ideas never ran out"
        answer = diary.evening.respond(
            UID, NIGHT, reply.suggestion.remedy.id, Response.ANOTHER, EVENING
        )
        assert answer.next is not None
        reply = answer.next
    assert reply == NoMoreIdeas()
    assert shown > 3
    try_it = diary.evening.respond(
        UID, NIGHT, rated.night.suggestions[0].remedy_id, Response.TRY, EVENING
    )
    assert try_it.next is None


def test_the_morning_asks_about_the_idea_only_after_a_night_with_one(diary: Diary) -> None:
    rated = diary.evening.rate(UID, NIGHT, 6, EVENING)
    assert isinstance(rated.reply, Card)
    title = rated.reply.suggestion.remedy.title
    diary.evening.respond(UID, NIGHT, rated.reply.suggestion.remedy.id, Response.TRY, EVENING)
    asked = diary.morning.due(UID, MORNING, MORNING)
    assert asked is not None and asked.answer_remedy == rated.reply.suggestion.remedy.id
    assert diary.morning.due(UID, MORNING, MORNING) is None  # once
    slept = diary.morning.record_sleep(UID, NIGHT, 4, MORNING)
    assert (slept.title, slept.next) == (title, MorningNext.ASK_TRIED)
    tried = diary.morning.record_tried(UID, NIGHT, True, MORNING)
    assert tried.next is MorningNext.ASK_HELPED
    helped = diary.morning.record_helped(UID, NIGHT, Helped.CLEARLY, MORNING)
    assert helped.next is MorningNext.DONE
    assert me(diary).track[rated.reply.suggestion.remedy.id].clearly == 1


def test_a_calm_night_gets_no_morning_question_about_an_idea(diary: Diary) -> None:
    diary.evening.rate(UID, NIGHT, 0, EVENING)
    assert diary.morning.due(UID, MORNING, MORNING) is not None
    slept = diary.morning.record_sleep(UID, NIGHT, 3, MORNING)
    assert (slept.title, slept.next) == (None, MorningNext.DONE)


def test_a_helped_answer_updates_the_track_record_without_reading_older_months(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    rated = diary.evening.rate(UID, NIGHT, 6, EVENING)
    assert isinstance(rated.reply, Card)
    remedy = rated.reply.suggestion.remedy.id
    diary.evening.respond(UID, NIGHT, remedy, Response.TRY, EVENING)
    diary.morning.due(UID, MORNING, MORNING)
    reads: list[Any] = []
    every_night = diary.store.nights

    def counted(user_id: int, since: dt.date | None = None) -> list[Night]:
        reads.append(since)
        return every_night(user_id, since)

    monkeypatch.setattr(diary.store, "nights", counted)
    diary.morning.record_helped(UID, NIGHT, Helped.A_BIT, MORNING)
    diary.morning.record_helped(UID, NIGHT, Helped.NO, MORNING)  # changed their mind
    diary.morning.record_tried(UID, NIGHT, False, MORNING)
    # Only the last fortnight (the doctor-prompt check after the last answer), never all.
    assert all(since is not None and NIGHT - since <= dt.timedelta(days=15) for since in reads)
    assert remedy not in me(diary).track
    diary.morning.record_helped(UID, NIGHT, Helped.CLEARLY, MORNING)
    assert me(diary).track[remedy].clearly == 1 and me(diary).track[remedy].tried == 1


def test_the_weekly_summary_comes_with_its_evenings_check_in_once(
    diary: Diary, clock: FakeClock
) -> None:
    diary.people.set_weekly_day(UID, NIGHT.weekday())
    due = diary.evening.due(UID, EVENING, PromptSource.SCHEDULE, EVENING)
    assert due is not None and due.check_in and due.weekly is not None
    assert due.weekly.start == NIGHT - dt.timedelta(days=7)
    assert due.weekly.end == NIGHT - dt.timedelta(days=1)
    assert diary.evening.due(UID, EVENING, PromptSource.SCHEDULE, EVENING) is None


def test_a_check_in_more_than_two_hours_late_is_not_sent(diary: Diary) -> None:
    late = EVENING + dt.timedelta(hours=2, minutes=1)
    assert diary.evening.due(UID, EVENING, PromptSource.CATCH_UP, late) is None
    assert diary.store.get_night(UID, NIGHT) is None


def test_a_snoozed_check_in_comes_again_once(diary: Diary) -> None:
    diary.evening.due(UID, EVENING, PromptSource.SCHEDULE, EVENING)
    snoozed = diary.evening.snooze(UID, NIGHT, EVENING)
    assert snoozed.due == EVENING + dt.timedelta(minutes=30) and snoozed.tz == "Europe/Berlin"
    assert diary.evening.due(UID, snoozed.due, PromptSource.SNOOZE, EVENING) is None  # not yet
    again = diary.evening.due(UID, snoozed.due, PromptSource.SNOOZE, snoozed.due)
    assert again is not None and again.check_in and again.source is PromptSource.SNOOZE
    assert diary.evening.due(UID, snoozed.due, PromptSource.SNOOZE, snoozed.due) is None


def test_the_new_medicine_tag_raises_its_red_flag_once_a_night(diary: Diary) -> None:
    diary.evening.rate(UID, NIGHT, 3, EVENING)
    first = diary.evening.toggle_trigger(UID, NIGHT, Trigger.NEW_MEDICINE, EVENING)
    assert first.flag is not None and first.flag.id == "new_medicine"
    diary.evening.toggle_trigger(UID, NIGHT, Trigger.NEW_MEDICINE, EVENING)  # off
    again = diary.evening.toggle_trigger(UID, NIGHT, Trigger.NEW_MEDICINE, EVENING)  # on
    assert again.flag is None and again.night.red_flags == ("new_medicine",)


def test_a_bad_value_fails_loudly_at_the_write_and_never_damages_the_file(
    diary: Diary, settings: Any
) -> None:
    before = me(diary)
    with pytest.raises(ValidationError, match="weekly_day"):
        diary.core.change(before, weekly_day=99)
    with pytest.raises(ValidationError, match="weekly_dya"):
        diary.core.change(before, weekly_dya=3)  # a misspelt field is not silently dropped
    with pytest.raises(TypeError, match="replace"):
        before.model_copy(update={"weekly_day": 99})  # the unvalidated copy is refused
    # What is on disk is what was there, and it reads back: nothing to set aside, no apology.
    reopened = Store(Path(settings.data_dir), KEY, read_only=True)
    reopened.open()
    assert reopened.get_person(UID) == before
    assert not list(Path(settings.data_dir).rglob("*.damaged-*"))
