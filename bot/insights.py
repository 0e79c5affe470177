"""What a person's own diary shows: per-remedy outcomes and period summaries (pure, no I/O).

Everything here describes what happened alongside a remedy, never what it caused: the numbers
are the person's own ratings and morning answers, counted and averaged.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.models import Catalog, Flag, Helped, Night, Onset, Trigger
from bot.trial_plan import Arm, TrialOutcome

# Below this many tried nights an outcome is "too few nights to tell yet" (peers.md §b.2).
MIN_TRIED_NIGHTS = 5
SYMPTOM_THRESHOLD = 1
SLEEP_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class RemedyOutcome:
    """How one remedy went for this person: nights tried, their answers, ratings alongside."""

    remedy_id: str
    title: str
    tried: int
    no: int
    a_bit: int
    clearly: int
    unanswered: int
    # Mean rating on the evenings after a tried night (night N+1), and on every other rated
    # evening; None when there is nothing to average.
    avg_rating_after: float | None
    avg_rating_other: float | None
    # Tried nights that were idea evenings of a personal trial: their mornings asked the
    # trial's questions (the night's score, whether it went as planned), not "did it help?",
    # so they are not counted as unanswered.
    in_trial: int = 0

    @property
    def enough(self) -> bool:
        """True once there are enough tried nights for the averages to be worth showing."""
        return self.tried >= MIN_TRIED_NIGHTS

    @property
    def answered(self) -> int:
        """Tried nights with a "did it help?" answer."""
        return self.no + self.a_bit + self.clearly


@dataclass(frozen=True)
class NightLine:
    """One night of a period, as the tables show it."""

    night: dt.date
    rating: int | None
    sleep_quality: int | None
    skipped: bool
    entered_later: bool = False
    # A night of a personal trial: its planned kind, the morning's score of the legs during
    # the night (0-10) and whether the evening went as planned.
    trial_arm: Arm | None = None
    night_score: int | None = None
    kept_plan: bool | None = None


@dataclass(frozen=True)
class TrialLine:
    """One personal trial as a look back shows it: finished, or running with what its nights
    show so far (`outcome`), and for a running one the nights kept as planned it needs."""

    remedy_id: str
    title: str
    outcome: TrialOutcome
    running: bool = False
    length: int | None = None

    @property
    def start(self) -> dt.date:
        """Its first trial evening."""
        return self.outcome.start

    @property
    def end(self) -> dt.date:
        """Its last evening so far (a finished trial's end)."""
        return self.outcome.end


@dataclass(frozen=True)
class TagComparison:
    """Rated evenings with and without one day tag, among evenings when tags were asked."""

    trigger: Trigger
    with_nights: int
    avg_with: float | None
    without_nights: int
    avg_without: float | None


def tag_comparisons(nights: Sequence[Night]) -> list[TagComparison]:
    """Per tag used at least once: the average rating with and without it."""
    asked = [n for n in nights if n.tags_asked and n.rating is not None]
    result = []
    for trigger in Trigger:
        with_tag = [n.rating for n in asked if trigger in n.triggers and n.rating is not None]
        if not with_tag:
            continue
        without = [n.rating for n in asked if trigger not in n.triggers and n.rating is not None]
        result.append(
            TagComparison(trigger, len(with_tag), _mean(with_tag), len(without), _mean(without))
        )
    return result


@dataclass(frozen=True)
class PeriodSummary:
    """Counts and medians over the nights from `start` to `end` (both included)."""

    start: dt.date
    end: dt.date
    nights_recorded: int
    nights_rated: int
    nights_with_symptoms: int
    median_rating: float | None
    ratings: list[int]
    sleep_quality_counts: dict[int, int]
    median_sleep_quality: float | None
    outcomes: list[RemedyOutcome]
    red_flag_nights: list[tuple[dt.date, tuple[str, ...]]]
    skipped: int
    notes_count: int
    # Every recorded night of the period in date order (for the nightly tables).
    nightly: list[NightLine] = field(default_factory=list)
    # The optional onset question and day tags (empty when never switched on).
    onset_counts: dict[Onset, int] = field(default_factory=dict)
    tags: list[TagComparison] = field(default_factory=list)
    # The personal trials of the period, newest first (filled in by whoever knows the
    # person's trials: `trial_lines`).
    trials: list[TrialLine] = field(default_factory=list)

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1

    @property
    def entered_later(self) -> int:
        """Nights of the period filled in afterwards rather than on the evening."""
        return sum(1 for n in self.nightly if n.entered_later)

    @property
    def mornings_missing(self) -> int:
        """Rated evenings whose morning question (sleep quality) was never answered."""
        return sum(1 for n in self.nightly if n.rating is not None and n.sleep_quality is None)


def _by_date(nights: Sequence[Night]) -> dict[dt.date, Night]:
    # A sequence from storage has one record per date; if not, the later one wins.
    return {n.night: n for n in sorted(nights, key=lambda n: n.night)}


def _mean(values: Sequence[int]) -> float | None:
    return statistics.fmean(values) if values else None


def remedy_outcomes(nights: Sequence[Night], catalog: Catalog) -> list[RemedyOutcome]:
    """Per remedy tried in `nights`: counts of the answers and the ratings alongside.

    Most-tried first (ties by title). A remedy missing from the catalog keeps its id as title.
    """
    by_date = _by_date(nights)
    rated = {day: n.rating for day, n in by_date.items() if n.rating is not None}
    tried_on: dict[str, list[Night]] = {}
    for night in by_date.values():
        if night.tried_remedy is not None:
            tried_on.setdefault(night.tried_remedy, []).append(night)
    outcomes = []
    for remedy_id, tried in tried_on.items():
        answers = [n.helped for n in tried]
        in_trial = sum(1 for n in tried if n.trial_arm is Arm.IDEA and n.helped is None)
        after_days = {n.night + dt.timedelta(days=1) for n in tried}
        after = [rated[d] for d in sorted(after_days) if d in rated]
        other = [r for d, r in sorted(rated.items()) if d not in after_days]
        outcomes.append(
            RemedyOutcome(
                remedy_id=remedy_id,
                title=catalog.title(remedy_id),
                tried=len(tried),
                no=answers.count(Helped.NO),
                a_bit=answers.count(Helped.A_BIT),
                clearly=answers.count(Helped.CLEARLY),
                unanswered=answers.count(None) - in_trial,
                avg_rating_after=_mean(after),
                avg_rating_other=_mean(other),
                in_trial=in_trial,
            )
        )
    return sorted(outcomes, key=lambda o: (-o.tried, o.title.casefold(), o.remedy_id))


def summarize(
    nights: Sequence[Night], catalog: Catalog, start: dt.date, end: dt.date
) -> PeriodSummary:
    """The nights with start <= night <= end, summed up.

    Outcomes are computed from the period's nights only, so the rating "after" the period's
    last night is not looked up beyond `end`.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    inside = [n for n in _by_date(nights).values() if start <= n.night <= end]
    ratings = [n.rating for n in inside if n.rating is not None]
    sleep = [n.sleep_quality for n in inside if n.sleep_quality is not None]
    counts = {level: sleep.count(level) for level in SLEEP_LEVELS}
    return PeriodSummary(
        start=start,
        end=end,
        nights_recorded=len(inside),
        nights_rated=len(ratings),
        nights_with_symptoms=sum(1 for r in ratings if r >= SYMPTOM_THRESHOLD),
        median_rating=float(statistics.median(ratings)) if ratings else None,
        ratings=ratings,
        sleep_quality_counts=counts,
        median_sleep_quality=float(statistics.median(sleep)) if sleep else None,
        outcomes=remedy_outcomes(inside, catalog),
        red_flag_nights=[(n.night, n.red_flags) for n in inside if n.red_flags],
        skipped=sum(1 for n in inside if n.skipped),
        notes_count=sum(len(n.notes) for n in inside),
        nightly=[
            NightLine(
                n.night,
                n.rating,
                n.sleep_quality,
                n.skipped,
                n.entered_later,
                n.trial_arm,
                n.night_score,
                n.kept_plan,
            )
            for n in inside
        ],
        onset_counts={
            onset: count
            for onset in Onset
            if (count := sum(1 for n in inside if n.onset is onset))
        },
        tags=tag_comparisons(inside),
    )


def chart_days(nights: Sequence[Night], end: dt.date, days: int, minimum: int = 7) -> int:
    """How many nights up to `end` a chart of at most `days` shows: from the first recorded
    night on (at least `minimum`), so a first week is not a few dots at the edge of a month."""
    start = end - dt.timedelta(days=days - 1)
    inside = [n.night for n in nights if start <= n.night <= end]
    if not inside:
        return days
    return min(days, max(minimum, (end - min(inside)).days + 1))


def adults_only_tried(nights: Sequence[Night], catalog: Catalog) -> list[str]:
    """Ids of the adults-only ideas tried on these nights (what a doctor's summary may leave
    out at the person's choice)."""
    tried = {n.tried_remedy for n in nights if n.tried_remedy is not None}
    return sorted(
        remedy.id
        for remedy in catalog.remedies
        if remedy.id in tried and Flag.ADULTS_ONLY in remedy.flags
    )


def without_ideas(nights: Sequence[Night], remedy_ids: Iterable[str]) -> list[Night]:
    """The nights as if these ideas had never been shown: their cards, and the morning
    answers about them, left out (the ratings, sleep and notes stay)."""
    left_out = set(remedy_ids)
    kept = []
    for night in nights:
        if night.answer_remedy in left_out:
            night = night.replace(morning_remedy=None, tried=None, helped=None)
        if any(s.remedy_id in left_out for s in night.suggestions):
            suggestions = tuple(s for s in night.suggestions if s.remedy_id not in left_out)
            night = night.replace(suggestions=suggestions)
        kept.append(night)
    return kept


def trial_lines(
    finished: Sequence[TrialOutcome],
    running: TrialOutcome | None,
    catalog: Catalog,
    *,
    running_length: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[TrialLine]:
    """The person's trials, newest first: the running one (with its answer so far) and the
    finished ones; with `start`/`end`, only those with an evening in that period."""

    def line(outcome: TrialOutcome, *, now: bool) -> TrialLine:
        title = catalog.title(outcome.remedy_id)
        return TrialLine(outcome.remedy_id, title, outcome, now, running_length if now else None)

    lines = [line(o, now=False) for o in finished]
    if running is not None:
        lines.append(line(running, now=True))
    inside = [
        x for x in lines if (end is None or x.start <= end) and (start is None or x.end >= start)
    ]
    # Newest first; a running trial is the newest of all.
    return sorted(inside, key=lambda x: (x.running, x.end, x.start), reverse=True)


def adults_only_trials(trials: Sequence[TrialLine], catalog: Catalog) -> list[str]:
    """Ids of the adults-only ideas among these trials."""
    return sorted(
        {
            x.remedy_id
            for x in trials
            if (remedy := catalog.get(x.remedy_id)) is not None
            and Flag.ADULTS_ONLY in remedy.flags
        }
    )


def without_trials(
    nights: Sequence[Night], trials: Sequence[TrialLine], remedy_ids: Iterable[str]
) -> list[Night]:
    """The nights as if the trials of these ideas had never run: the kind, the night's score
    and the kept plan of their evenings left out (the ratings, sleep and notes stay). A trial
    evening belongs to the trial that started last on or before it (one runs at a time)."""
    left_out = set(remedy_ids)
    order = sorted(trials, key=lambda x: (x.start, x.running, x.end))
    kept = []
    for night in nights:
        owners = [x.remedy_id for x in order if x.start <= night.night]
        if night.trial_arm is not None and owners and owners[-1] in left_out:
            night = night.replace(trial_arm=None, night_score=None, kept_plan=None)
        kept.append(night)
    return kept
