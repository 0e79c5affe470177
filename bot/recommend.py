"""Choose ONE remedy for tonight: a pure function of the catalog, the person's nights and chance.

Rules first (what may never be offered), then Thompson sampling among what is left: each
remedy gets a Beta belief about "this helps this person", starting from a prior set by its
evidence grade and updated by the person's own morning answers. Sampling from those beliefs
prefers what has helped, while still letting a person try things they have not tried yet.
A finished personal trial is the strongest evidence of all, for that person: an idea their
trial found likely worse is never offered again; one it found likely better is strongly
preferred, and comes first on hard nights.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.models import (
    Catalog,
    Evidence,
    Flag,
    Kind,
    Night,
    Person,
    Reason,
    Remedy,
    Suggestion,
    Track,
    Why,
)
from bot.trial_plan import Verdict

# Prior (successes, failures) from the evidence grade: a weak nudge, soon outweighed by the
# person's own answers.
PRIORS: dict[Evidence, tuple[float, float]] = {
    Evidence.GUIDELINE: (3.0, 2.0),
    Evidence.TRIALS: (3.0, 2.0),
    Evidence.MIXED: (2.0, 2.0),
    Evidence.CASE: (1.5, 2.0),
    Evidence.ANECDOTE: (1.5, 2.0),
    Evidence.AGAINST: (1.0, 3.0),
}
HABIT_EVERY = 3
RECENT_NIGHTS = 2
# From this rating on, tonight's first idea is one to do tonight (a habit for tomorrow is no
# help now; it can still come as a second idea, or on calmer nights).
TONIGHT_FROM = 4
# From this rating on, an idea that has clearly helped this person comes first.
HARD_NIGHT = 7
PROVEN_NIGHTS = 2  # helped on at least this many nights, and on at least half of the tries
# A trial that found an idea likely makes this person's nights better weighs as much as this
# many nights on which it clearly helped: a planned, randomised test of a fortnight or more
# says more than a handful of morning answers (and a few "didn't help" mornings later do not
# undo it at once).
TRIAL_SUCCESSES = 6.0


def trial_verdicts(person: Person) -> dict[str, Verdict]:
    """Per idea, what the newest of its finished trials that said something found (better,
    unclear or worse), so a later trial can overturn an earlier one. A trial stopped with too
    few nights said nothing and changes nothing; nor does an unclear one, beyond replacing an
    older answer."""
    verdicts: dict[str, Verdict] = {}
    # Stored oldest first; sorted by the end date too in case an import put them out of order
    # (sorted is stable: trials ending the same day keep their stored order).
    for outcome in sorted(person.trials, key=lambda o: o.end):
        if outcome.verdict is not Verdict.TOO_EARLY:
            verdicts[outcome.remedy_id] = outcome.verdict
    return verdicts


def _trial_found(person: Person, verdict: Verdict) -> set[str]:
    return {remedy_id for remedy_id, v in trial_verdicts(person).items() if v is verdict}


def track_record(nights: Sequence[Night]) -> dict[str, Track]:
    """Per remedy, the person's answers on the mornings after they tried it."""
    record: dict[str, Track] = {}
    for night in nights:
        record = retrack(record, None, night)
    return record


def retrack(
    record: Mapping[str, Track], before: Night | None, after: Night | None
) -> dict[str, Track]:
    """The track record once one night changed from `before` to `after`: that night's old
    answer taken out, its new one counted. The cost does not grow with the diary."""
    updated = dict(record)
    for night, count in ((before, -1), (after, 1)):
        if night is None or night.tried_remedy is None or night.helped is None:
            continue
        remedy_id = night.tried_remedy
        track = updated.get(remedy_id, Track()).add(night.helped, count)
        if track.tried:
            updated[remedy_id] = track
        else:
            updated.pop(remedy_id, None)
    return updated


def _shown(night: Night) -> set[str]:
    return {s.remedy_id for s in night.suggestions}


def eligible(
    catalog: Catalog,
    person: Person,
    history: Sequence[Night],
    tonight: Night,
    record: Mapping[str, Track] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> list[Remedy]:
    """Remedies that may be offered tonight, before any preference is applied (never one
    in `exclude`: the idea under test on a usual evening of a trial; never one the person's
    own trial found likely makes their nights worse)."""
    if record is None:
        record = track_record([n for n in history if n.night < tonight.night])
    # "Recent" counts nights that had a suggestion, so a week off does not reset variety.
    earlier = [n for n in history if n.night < tonight.night and n.suggestions]
    recent = earlier[-RECENT_NIGHTS:]
    recent_ids: set[str] = set()
    for night in recent:
        recent_ids |= _shown(night)
    habit_ids = {r.id for r in catalog.remedies if r.kind is Kind.HABIT}
    habit_recently = any(
        s.remedy_id in habit_ids
        for night in [*earlier[-(HABIT_EVERY - 1) :], tonight]
        for s in night.suggestions
    )
    shown_tonight = _shown(tonight)
    worse = _trial_found(person, Verdict.WORSE)
    better = _trial_found(person, Verdict.BETTER)
    result = []
    for remedy in catalog.remedies:
        if remedy.kind is Kind.ASK_DOCTOR or remedy.evidence is Evidence.AGAINST:
            continue
        if Flag.ADULTS_ONLY in remedy.flags and not person.adult_topics:
            continue
        if remedy.id in person.not_for_me or remedy.id in shown_tonight or remedy.id in exclude:
            continue
        if remedy.id in worse:
            continue
        # Variety, unless it clearly helped: a trial that found it likely helps counts too.
        clearly = record.get(remedy.id, Track()).clearly > 0 or remedy.id in better
        if remedy.id in recent_ids and not clearly:
            continue
        if remedy.kind is Kind.HABIT and habit_recently:
            continue
        first_idea = not tonight.suggestions
        if remedy.kind is Kind.HABIT and first_idea and (tonight.rating or 0) >= TONIGHT_FROM:
            continue
        result.append(remedy)
    return result


def proven(track: Track) -> bool:
    """This person's own answers say it helps them."""
    return track.helped_nights >= PROVEN_NIGHTS and 2 * track.helped_nights >= track.tried


def reason_for(remedy: Remedy, track: Track) -> Reason:
    """Why this one, in true and specific words: the person's own answers first, else how
    well it is studied and that they have not tried it yet."""
    if track.helped_nights:
        return Reason(why=Why.HELPED_YOU, helped=track.helped_nights, tried=track.tried)
    if track.tried:
        return Reason(why=Why.NOT_HELPED_YET, tried=track.tried)
    if remedy.evidence is Evidence.GUIDELINE:
        return Reason(why=Why.GUIDELINES)
    if remedy.evidence is Evidence.TRIALS:
        return Reason(why=Why.TRIALS)
    return Reason(why=Why.NEW)


def choose(
    catalog: Catalog,
    person: Person,
    history: Sequence[Night],
    tonight: Night,
    rng: random.Random,
    record: Mapping[str, Track] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Suggestion | None:
    """One remedy for tonight, or None when every eligible idea has been used up.

    `history` needs only the recent nights when `record` (the person's track record over all
    their nights) is given; without it, the record is computed from `history`.
    """
    if record is None:
        record = track_record([n for n in history if n.night < tonight.night])
    options = eligible(catalog, person, history, tonight, record, exclude)
    if not options:
        return None
    better = _trial_found(person, Verdict.BETTER)
    if (tonight.rating or 0) >= HARD_NIGHT:
        helpers = [r for r in options if r.id in better or proven(record.get(r.id, Track()))]
        options = helpers or options  # a hard night: what has helped this person first
    best: tuple[float, Remedy] | None = None
    for remedy in options:
        alpha, beta = PRIORS[remedy.evidence]
        track = record.get(remedy.id, Track())
        if remedy.id in better:
            alpha += TRIAL_SUCCESSES
        draw = rng.betavariate(alpha + track.score, beta + track.tried - track.score)
        if best is None or draw > best[0]:
            best = (draw, remedy)
    assert best is not None
    chosen = best[1]
    if chosen.id in better:
        return Suggestion(remedy=chosen, reason=Reason(why=Why.TRIAL_BETTER))
    return Suggestion(remedy=chosen, reason=reason_for(chosen, record.get(chosen.id, Track())))
