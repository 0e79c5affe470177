"""Personal trials looked back on (issue 19): a finished trial's answer guides the choice of
ideas, and every trial shows in /report, the doctor's PDF and the export."""

from __future__ import annotations

import datetime as dt
import random

from bot.content import load_catalog
from bot.context import Services
from bot.models import Night, Person, Suggestion, SuggestionRecord, Why
from bot.recommend import choose, eligible
from bot.trial_plan import TrialOutcome, Verdict
from tests.conftest import CONTENT, Chat

CATALOG = load_catalog(CONTENT)
UTC = dt.UTC
AT = dt.datetime(2026, 11, 1, 21, 0, tzinfo=UTC)
TONIGHT = dt.date(2026, 11, 26)  # the fixture clock's night: Thursday 26 November in Berlin
STRETCHING = "Gentle leg stretches"
BATH = "A warm bath or foot soak"
# What each verdict comes with, as bot/trials.py would give it.
ANSWERS = {
    Verdict.BETTER: (0.93, -1.4),
    Verdict.WORSE: (0.06, 1.6),
    Verdict.UNCLEAR: (0.62, -0.3),
    Verdict.TOO_EARLY: (None, None),
}


def outcome(
    remedy_id: str = "stretching",
    verdict: Verdict = Verdict.BETTER,
    *,
    start: dt.date = dt.date(2026, 10, 1),
    end: dt.date = dt.date(2026, 10, 17),
    nights: int = 16,
    kept: int = 14,
    stopped: bool = False,
) -> TrialOutcome:
    p_better, effect = ANSWERS[verdict]
    return TrialOutcome(
        remedy_id=remedy_id,
        start=start,
        end=end,
        verdict=verdict,
        p_better=p_better,
        effect=effect,
        nights=nights,
        kept=kept,
        stopped=stopped,
    )


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the choice of ideas ------------------------------------------------------------------------


def someone(*trials: TrialOutcome, **update: object) -> Person:
    return Person(user_id=1, chat_id=1, created_at=AT, tz="UTC", trials=trials).replace(**update)


def tonight(rating: int) -> Night:
    return Night(night=dt.date(2026, 11, 1), tz="UTC", rating=rating)


def picks(
    who: Person,
    rating: int = 5,
    draws: int = 200,
    exclude: frozenset[str] = frozenset(),
) -> list[Suggestion]:
    """The idea chosen on `draws` evenings like tonight, from one seeded generator."""
    rng = random.Random(7)
    chosen = [
        choose(CATALOG, who, [], tonight(rating), rng, exclude=exclude) for _ in range(draws)
    ]
    assert all(c is not None for c in chosen)
    return [c for c in chosen if c is not None]


def stretching(suggestions: list[Suggestion]) -> int:
    return sum(s.remedy.id == "stretching" for s in suggestions)


def test_an_idea_the_persons_trial_found_better_is_chosen_far_more_often() -> None:
    without = stretching(picks(someone()))
    found_better = picks(someone(outcome()))
    assert stretching(found_better) >= max(60, 3 * without), (without, found_better)
    reasons = {s.reason.why for s in found_better if s.remedy.id == "stretching"}
    assert reasons == {Why.TRIAL_BETTER}


def test_an_idea_the_persons_trial_found_worse_is_never_offered_but_not_listed_as_not_for_me() -> (
    None
):
    who = someone(outcome(verdict=Verdict.WORSE))
    assert stretching(picks(who)) == 0 and stretching(picks(who, rating=8)) == 0
    assert "stretching" not in {r.id for r in eligible(CATALOG, who, [], tonight(5))}
    assert "stretching" in {r.id for r in eligible(CATALOG, someone(), [], tonight(5))}
    assert who.not_for_me == frozenset()  # /settings' "ideas you turned down" stays as it was


def test_on_a_hard_evening_the_idea_the_trial_found_better_comes_first_with_the_trial_as_why() -> (
    None
):
    chosen = picks(someone(outcome()), rating=8, draws=50)
    assert {(s.remedy.id, s.reason.why) for s in chosen} == {("stretching", Why.TRIAL_BETTER)}
    assert stretching(picks(someone(), rating=8, draws=50)) < 25


def test_the_newest_trial_of_an_idea_wins() -> None:
    october = outcome(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 17))

    def november(verdict: Verdict) -> TrialOutcome:
        return outcome(verdict=verdict, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 18))

    overturned = someone(october, november(Verdict.WORSE))
    assert stretching(picks(overturned, rating=8)) == 0
    # Stored out of order (say, by an import): the dates decide which one is newer.
    confirmed = someone(november(Verdict.BETTER), outcome(verdict=Verdict.WORSE))
    assert stretching(picks(confirmed, rating=8, draws=20)) == 20
    # A later trial with no clear difference takes back the earlier "likely better".
    doubted = someone(october, november(Verdict.UNCLEAR))
    assert [s.reason.why for s in picks(doubted)] == [s.reason.why for s in picks(someone())]


def test_unclear_trials_and_trials_stopped_too_early_change_nothing() -> None:
    plain_choice = [(s.remedy.id, s.reason) for s in picks(someone())]
    nothing_said = someone(
        outcome("stretching", Verdict.UNCLEAR), outcome("massage", Verdict.TOO_EARLY, kept=3)
    )
    assert [(s.remedy.id, s.reason) for s in picks(nothing_said)] == plain_choice
    # Nor does a trial stopped too early undo an earlier answer.
    early = outcome(
        verdict=Verdict.TOO_EARLY, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 4)
    )
    kept_answer = someone(outcome(), early)
    assert [s.reason for s in picks(kept_answer, rating=8, draws=20)] == [
        s.reason for s in picks(someone(outcome()), rating=8, draws=20)
    ]


def test_an_idea_the_trial_found_better_may_come_again_the_next_evening() -> None:
    def shown(day: int) -> Night:
        record = SuggestionRecord(remedy_id="stretching", content_version=1, at=AT)
        return Night(night=dt.date(2026, 10, 30 + day), tz="UTC", rating=6, suggestions=(record,))

    history = [shown(0), shown(1)]
    found_better = {r.id for r in eligible(CATALOG, someone(outcome()), history, tonight(6))}
    unknown = {r.id for r in eligible(CATALOG, someone(), history, tonight(6))}
    assert "stretching" in found_better and "stretching" not in unknown


def test_the_idea_under_test_is_left_out_even_when_an_earlier_trial_found_it_better() -> None:
    who = someone(outcome())
    assert stretching(picks(who, rating=8, exclude=frozenset({"stretching"}))) == 0


async def test_a_person_whose_trial_found_an_idea_better_gets_it_at_a_hard_rating(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    person = services.diary.person(chat.user_id)
    assert person is not None
    services.diary.core.change(person, trials=(outcome(),))
    await chat.send("/checkin")
    [card] = await chat.press("8")
    assert STRETCHING in card.text
    assert "Why this one: your own trial found it likely makes your nights better." in card.text
