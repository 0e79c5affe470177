"""Choosing tonight's one remedy: each rule on its own, with a seeded random generator."""

from __future__ import annotations

import datetime as dt
import random

from bot.checkins.results import Card
from bot.content import load_catalog
from bot.context import Services
from bot.models import (
    Catalog,
    Flag,
    Helped,
    Kind,
    Night,
    Person,
    Response,
    SuggestionRecord,
    Track,
)
from bot.recommend import choose, eligible, reason_for, track_record
from bot.texts import reason_words
from tests.conftest import CONTENT

CATALOG = load_catalog(CONTENT)
START = dt.date(2026, 11, 1)
AT = dt.datetime(2026, 11, 1, 21, 0, tzinfo=dt.UTC)


def person(**update: object) -> Person:
    return Person(user_id=1, chat_id=1, created_at=AT, tz="UTC").replace(**update)


def night(
    day: int,
    *shown: str,
    helped: Helped | None = None,
    tried: bool | None = None,
    rating: int = 6,
) -> Night:
    return Night(
        night=START + dt.timedelta(days=day),
        tz="UTC",
        rating=rating,
        suggestions=tuple(
            SuggestionRecord(remedy_id=r, content_version=CATALOG.version, at=AT) for r in shown
        ),
        morning_remedy=shown[-1] if shown else None,
        tried=tried if tried is not None else (True if helped else None),
        helped=helped,
    )


def ids(catalog: Catalog, who: Person, history: list[Night], tonight: Night) -> set[str]:
    return {r.id for r in eligible(catalog, who, history, tonight)}


def test_doctor_cards_are_never_offered_at_bedtime() -> None:
    options = ids(CATALOG, person(), [], night(10))
    doctor = {r.id for r in CATALOG.remedies if r.kind is Kind.ASK_DOCTOR}
    assert doctor and not options & doctor


def test_adult_entries_only_after_opting_in() -> None:
    adult = {r.id for r in CATALOG.remedies if Flag.ADULTS_ONLY in r.flags}
    assert adult
    assert not ids(CATALOG, person(), [], night(10)) & adult
    assert adult <= ids(CATALOG, person(adult_topics=True), [], night(10))


def test_not_for_me_is_never_offered() -> None:
    assert "massage" not in ids(CATALOG, person(not_for_me=frozenset({"massage"})), [], night(5))


def test_the_last_two_nights_remedies_are_not_repeated_unless_they_clearly_helped() -> None:
    history = [night(1, "massage"), night(2, "yoga"), night(3, "walking")]
    options = ids(CATALOG, person(), history, night(4))
    assert "yoga" not in options and "walking" not in options and "massage" in options
    history[-1] = night(3, "walking", helped=Helped.CLEARLY)
    assert "walking" in ids(CATALOG, person(), history, night(4))


def test_a_habit_at_most_one_night_in_three() -> None:
    habits = {r.id for r in CATALOG.remedies if r.kind is Kind.HABIT}
    history = [night(1, "massage"), night(2, "exercise")]
    assert not ids(CATALOG, person(), history, night(3, rating=2)) & habits
    history = [night(1, "exercise"), night(2, "massage"), night(3, "yoga")]
    assert ids(CATALOG, person(), history, night(4, rating=2)) & habits


def test_when_legs_bother_the_first_idea_is_one_for_tonight_a_habit_only_second() -> None:
    habits = {r.id for r in CATALOG.remedies if r.kind is Kind.HABIT}
    assert not ids(CATALOG, person(), [], night(4, rating=4)) & habits
    assert ids(CATALOG, person(), [], night(4, "massage", rating=4)) & habits  # a second idea
    assert ids(CATALOG, person(), [], night(4, rating=3)) & habits  # a calmer night


def test_on_a_hard_night_what_has_helped_this_person_comes_first() -> None:
    helped = [night(d, "walking", helped=Helped.CLEARLY) for d in (1, 4, 7)]
    record = track_record(helped)
    hard = night(20, rating=8)
    picks = {
        s.remedy.id
        for seed in range(40)
        if (s := choose(CATALOG, person(), [], hard, random.Random(seed), record)) is not None
    }
    assert picks == {"walking"}
    calm_picks = {
        s.remedy.id
        for seed in range(40)
        if (s := choose(CATALOG, person(), [], night(20, rating=5), random.Random(seed), record))
    }
    assert len(calm_picks) > 1, "on other nights the chooser still explores"


def test_a_remedy_is_shown_once_per_night() -> None:
    tonight = night(4, "massage", "yoga")
    assert not {"massage", "yoga"} & ids(CATALOG, person(), [], tonight)


def test_the_chooser_returns_none_when_everything_is_used_up() -> None:
    tonight = night(4, *(r.id for r in CATALOG.remedies))
    assert choose(CATALOG, person(), [], tonight, random.Random(1)) is None


def test_the_reason_says_why_this_one() -> None:
    history = [
        night(1, "massage", helped=Helped.CLEARLY),
        night(2, "massage", helped=Helped.NO),
        night(3, "massage", helped=Helped.A_BIT),
    ]
    track = track_record(history)["massage"]
    massage = CATALOG.get("massage")
    yoga = CATALOG.get("yoga")
    walking = CATALOG.get("walking")
    assert massage is not None and yoga is not None and walking is not None
    assert reason_words(reason_for(massage, track)) == (
        "it helped you on 2 of the 3 nights you tried it"
    )
    assert reason_words(reason_for(yoga, Track())) == (
        "it is well studied, and you haven't tried it yet"
    )
    assert reason_words(reason_for(walking, Track())) == "you haven't tried this one yet"
    failed = track_record([night(1, "walking", helped=Helped.NO)])["walking"]
    assert reason_words(reason_for(walking, failed)).startswith(
        "you tried it on 1 night without clear help so far"
    )


def simulate(nights: int, seed: int, works: str) -> tuple[list[Night], Person]:
    """A simulated person who always tries the idea; only `works` usually helps them."""
    rng = random.Random(seed)
    chooser_rng = random.Random(seed + 1)
    who = person(not_for_me=frozenset({"music"}))
    history: list[Night] = []
    for day in range(nights):
        tonight = Night(night=START + dt.timedelta(days=day), tz="UTC", rating=rng.randint(2, 8))
        suggestion = choose(CATALOG, who, history, tonight, chooser_rng)
        assert suggestion is not None
        remedy_id = suggestion.remedy.id
        odds = (0.05, 0.15, 0.8) if remedy_id == works else (0.7, 0.25, 0.05)
        helped = rng.choices(list(Helped), weights=odds)[0]
        history.append(
            tonight.replace(
                **{
                    "suggestions": (
                        SuggestionRecord(
                            remedy_id=remedy_id,
                            content_version=1,
                            at=AT,
                            reason=reason_words(suggestion.reason),
                        ),
                    ),
                    "morning_remedy": remedy_id,
                    "tried": True,
                    "helped": helped,
                }
            )
        )
    return history, who


def test_over_many_nights_the_chooser_settles_on_what_helps_and_never_breaks_a_rule() -> None:
    history, who = simulate(800, seed=7, works="massage")
    chosen = [n.suggestions[0].remedy_id for n in history]
    kinds = {r.id: r for r in CATALOG.remedies}
    habits = {r.id for r in CATALOG.remedies if r.kind is Kind.HABIT}
    clearly_helped: set[str] = set()
    for i, remedy_id in enumerate(chosen):
        remedy = kinds[remedy_id]
        assert remedy.kind is not Kind.ASK_DOCTOR
        assert Flag.ADULTS_ONLY not in remedy.flags
        assert remedy_id not in who.not_for_me
        if remedy_id in chosen[max(0, i - 2) : i]:
            assert remedy_id in clearly_helped, f"night {i} repeats {remedy_id}"
        if remedy_id in habits:
            assert not habits & set(chosen[max(0, i - 2) : i]), f"night {i}: habits too close"
        if history[i].helped is Helped.CLEARLY:
            clearly_helped.add(remedy_id)
    late = chosen[-300:]
    assert late.count("massage") / len(late) > 0.6
    # It explored before it settled: several different ideas in the first month.
    assert len(set(chosen[:30])) >= 8


def test_before_any_personal_data_better_evidenced_ideas_come_first_more_often() -> None:
    counts: dict[str, int] = {}
    tonight = night(1)
    rng = random.Random(3)
    for _ in range(4000):
        suggestion = choose(CATALOG, person(), [], tonight, rng)
        assert suggestion is not None
        grade = suggestion.remedy.evidence.value
        counts[grade] = counts.get(grade, 0) + 1
    per_remedy = {
        grade: counts.get(grade, 0)
        / max(1, sum(1 for r in eligible(CATALOG, person(), [], tonight) if r.evidence == grade))
        for grade in ("TRIALS", "MIXED", "ANECDOTE")
    }
    assert per_remedy["TRIALS"] > per_remedy["MIXED"] > 0
    assert per_remedy["TRIALS"] > per_remedy["ANECDOTE"] > 0


def test_the_stored_track_record_always_matches_the_nights(services: Services) -> None:
    """Person.track is kept so a rating needs only recent nights; it must never drift."""
    diary = services.diary
    when = dt.datetime(2026, 11, 1, 21, 0, tzinfo=dt.UTC)
    diary.store.save_person(
        person(user_id=7, chat_id=7, consented_at=AT, tz="UTC", checkin_time=dt.time(22))
    )
    rng = random.Random(5)
    for day in range(40):
        key = START + dt.timedelta(days=day)
        now = when + dt.timedelta(days=day)
        result = diary.evening.rate(7, key, rng.randint(1, 9), now)
        if not isinstance(result.reply, Card):
            continue
        remedy = result.reply.suggestion.remedy.id
        diary.evening.respond(7, key, remedy, Response.TRY, now)  # the morning asks about it
        morning = now + dt.timedelta(hours=10)
        diary.morning.due(7, morning, morning)
        diary.morning.record_sleep(7, key, 3, morning)
        if rng.random() < 0.8:
            diary.morning.record_helped(7, key, rng.choice(list(Helped)), morning)
            if rng.random() < 0.3:  # the person changes their answer
                diary.morning.record_tried(7, key, False, morning)
        stored = diary.person(7)
        assert stored is not None
        assert stored.track == track_record(diary.nights(7)), f"drift on day {day}"
    final = diary.person(7)
    assert final is not None
    assert sum(track.tried for track in final.track.values()) > 10
