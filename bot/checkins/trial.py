"""Personal trials, run inside the evenings and mornings: start one, give each evening its
planned kind when its check-in goes out, count the mornings, and say what the nights showed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import trials
from bot.checkins.core import Core
from bot.errors import BadInput, Problem
from bot.models import Evidence, Flag, Kind, Night, Person, Remedy
from bot.trial_plan import Arm, Trial, TrialOutcome

WEEK = 7


@dataclass(frozen=True)
class TrialOffer:
    """What starting a trial of this idea would mean (nothing is stored yet)."""

    remedy: Remedy
    start: dt.date
    length: int
    blocks: tuple[int, int]


@dataclass(frozen=True)
class TrialBusy:
    """Another trial runs: one at a time."""

    trial: Trial
    progress: TrialProgress


@dataclass(frozen=True)
class NotTestable:
    """This idea cannot be tested in a trial (not an evening idea, turned down, ...)."""


@dataclass(frozen=True)
class TrialProgress:
    """A running trial as it stands: its evenings (date, kind, counts) and the answer so far."""

    trial: Trial
    evenings: list[tuple[dt.date, Arm, bool | None]]
    so_far: TrialOutcome


@dataclass(frozen=True)
class TrialStarted:
    """The trial began; its calendar."""

    progress: TrialProgress


@dataclass(frozen=True)
class TrialTonight:
    """Tonight is a trial evening: its kind, its number and the idea under test."""

    arm: Arm
    number: int
    remedy_id: str


class Trials:
    """Use cases of a personal trial."""

    def __init__(self, core: Core) -> None:
        self.core = core

    # -- choosing and starting ----------------------------------------------------------------

    def testable(self, person: Person) -> list[Remedy]:
        """Ideas a trial can test: done in an evening, not studied-and-failed, not turned down,
        adults-only ones only with adult topics on."""
        return [r for r in self.core.catalog.remedies if self._testable(person, r)]

    @staticmethod
    def _testable(person: Person, remedy: Remedy) -> bool:
        if remedy.kind is not Kind.TONIGHT or remedy.evidence is Evidence.AGAINST:
            return False
        if Flag.ADULTS_ONLY in remedy.flags and not person.adult_topics:
            return False
        return remedy.id not in person.not_for_me

    def offerable(self, person: Person, remedy_id: str) -> bool:
        """True when a card may offer "Test it in a trial" for this idea: no trial is running
        and the idea can be tested."""
        remedy = self.core.catalog.get(remedy_id)
        return person.trial is None and remedy is not None and self._testable(person, remedy)

    def offer(
        self, user_id: int, remedy_id: str, now: dt.datetime
    ) -> TrialOffer | TrialBusy | NotTestable:
        """What a trial of this idea would be, or why there cannot be one now."""
        person = self.core.require(user_id)
        if person.trial is not None:
            return TrialBusy(person.trial, self._progress(person, person.trial))
        remedy = self.core.catalog.get(remedy_id)
        if remedy is None or not self._testable(person, remedy):
            return NotTestable()
        length = person.trial_length
        return TrialOffer(remedy, self._first_evening(person, now), length, person.trial_blocks)

    def start(
        self, user_id: int, remedy_id: str, now: dt.datetime
    ) -> TrialStarted | TrialBusy | NotTestable:
        """Plan and start a trial of this idea (its plan drawn by chance now)."""
        offer = self.offer(user_id, remedy_id, now)
        if not isinstance(offer, TrialOffer):
            return offer
        person = self.core.require(user_id)
        arms = trials.plan(self.core.rng, trials.MAX_STRETCH * offer.length, offer.blocks)
        trial = Trial(
            remedy_id=remedy_id, started_at=now, start=offer.start, length=offer.length, plan=arms
        )
        person = self.core.change(person, trial=trial)
        return TrialStarted(self._progress(person, trial))

    def _first_evening(self, person: Person, now: dt.datetime) -> dt.date:
        """Tonight, unless tonight's check-in was already answered (or is an evening of a
        trial that just ended): then tomorrow."""
        key = self.core.checkin_night(person, now)
        night = self.core.store.get_night(person.user_id, key)
        taken = night is not None and (
            night.rating is not None or night.skipped or night.trial_arm is not None
        )
        return key + dt.timedelta(days=1) if taken else key

    # -- settings -------------------------------------------------------------------------------

    def set_length(self, user_id: int, nights: int) -> Person:
        """Nights kept as planned that new trials need (8 to 28)."""
        if not trials.MIN_LENGTH <= nights <= trials.MAX_LENGTH:
            raise BadInput(Problem.TRIAL)
        return self.core.change(self.core.require(user_id), trial_length=nights)

    def set_blocks(self, user_id: int, blocks: tuple[int, int]) -> Person:
        """Block sizes of new trials (1 to 4 nights)."""
        low, high = blocks
        if not trials.MIN_BLOCK <= low <= high <= trials.MAX_BLOCK:
            raise BadInput(Problem.TRIAL)
        return self.core.change(self.core.require(user_id), trial_blocks=blocks)

    # -- the evenings ---------------------------------------------------------------------------

    def assign(self, person: Person, night: Night) -> tuple[Person, Night]:
        """Give this evening the trial's next planned kind, once, when its check-in goes out
        (or it is rated without one). Nights before the trial, and paused ones, get none."""
        trial = person.trial
        if trial is None or night.trial_arm is not None or night.night < trial.start:
            return person, night
        if night.rating is not None or night.skipped or trial.used >= len(trial.plan):
            return person, night
        night = night.replace(trial_arm=trial.plan[trial.used])
        person = self.core.change(person, trial=trial.replace(used=trial.used + 1))
        return person, night

    def tonight(self, person: Person, night: Night) -> TrialTonight | None:
        """What kind of trial evening this night is, if it is one of the running trial."""
        trial = person.trial
        if trial is None or night.trial_arm is None or night.night < trial.start:
            return None
        return TrialTonight(
            night.trial_arm, max(1, self.number(person, night.night)), trial.remedy_id
        )

    def number(self, person: Person, key: dt.date) -> int:
        """The evening's number in the running trial (1 for the first)."""
        trial = person.trial
        if trial is None:
            return 0
        return len(self._trial_nights(person, trial, until=key))

    # -- the answer -----------------------------------------------------------------------------

    def status(self, user_id: int) -> TrialProgress | None:
        """The running trial as it stands, or None."""
        person = self.core.require(user_id)
        return None if person.trial is None else self._progress(person, person.trial)

    def finish_if_done(self, user_id: int, now: dt.datetime) -> TrialOutcome | None:
        """End the running trial once it has its nights, or its plan is used up and the last
        planned night's morning has passed; its outcome is kept for good."""
        person = self.core.require(user_id)
        trial = person.trial
        if trial is None:
            return None
        nights = self._trial_nights(person, trial)
        points = [_point(trial, n) for n in nights]
        if sum(p.counts for p in points) >= trial.length:
            return self._end(person, trial, nights, now, stopped=False)
        if trial.used >= len(trial.plan):
            last = max((n.night for n in nights), default=trial.start)
            if self.core.night_key(person, now) > last + dt.timedelta(days=1):
                return self._end(person, trial, nights, now, stopped=False)
            if nights and nights[-1].kept_plan is not None:
                return self._end(person, trial, nights, now, stopped=False)
        return None

    def stop(self, user_id: int, now: dt.datetime) -> TrialOutcome | None:
        """/trial stop: end it now with what can be said so far (None: no trial running)."""
        person = self.core.require(user_id)
        if person.trial is None:
            return None
        nights = self._trial_nights(person, person.trial)
        return self._end(person, person.trial, nights, now, stopped=True)

    def _end(
        self,
        person: Person,
        trial: Trial,
        nights: list[Night],
        now: dt.datetime,
        *,
        stopped: bool,
    ) -> TrialOutcome:
        outcome = _outcome(trial, nights, self.core.night_key(person, now), stopped=stopped)
        self.core.change(person, trial=None, trials=(*person.trials, outcome))
        return outcome

    def _progress(self, person: Person, trial: Trial) -> TrialProgress:
        nights = self._trial_nights(person, trial)
        evenings: list[tuple[dt.date, Arm, bool | None]] = []
        for night in nights:
            assert night.trial_arm is not None
            evenings.append((night.night, night.trial_arm, _counted(night)))
        # The evenings still to come, one a day after the last one given a kind; an evening
        # that did not count makes room for one more at the end.
        last = nights[-1].night if nights else trial.start - dt.timedelta(days=1)
        upcoming = max(0, trial.length - sum(kept is not False for _, _, kept in evenings))
        for offset, arm in enumerate(trial.plan[trial.used : trial.used + upcoming], start=1):
            evenings.append((last + dt.timedelta(days=offset), arm, None))
        return TrialProgress(trial, evenings, _outcome(trial, nights, last, stopped=False))

    def _trial_nights(
        self, person: Person, trial: Trial, until: dt.date | None = None
    ) -> list[Night]:
        """The nights of this trial so far (those given a kind), oldest first."""
        return [
            n
            for n in self.core.store.nights(person.user_id, since=trial.start)
            if n.trial_arm is not None and (until is None or n.night <= until)
        ]


def _counted(night: Night) -> bool | None:
    """Whether a past trial evening counts: None until its morning says."""
    if night.kept_plan is None:
        return None
    return night.kept_plan and night.rating is not None and night.night_score is not None


def _point(trial: Trial, night: Night) -> trials.TrialNight:
    assert night.trial_arm is not None
    return trials.TrialNight(
        index=(night.night - trial.start).days,
        arm=night.trial_arm,
        kept=night.kept_plan,
        evening=night.rating,
        night=night.night_score,
    )


def _outcome(trial: Trial, nights: list[Night], end: dt.date, *, stopped: bool) -> TrialOutcome:
    result = trials.analyse([_point(trial, n) for n in nights])
    return TrialOutcome(
        remedy_id=trial.remedy_id,
        start=trial.start,
        end=max(end, trial.start),
        verdict=result.verdict,
        p_better=result.p_better,
        effect=result.effect,
        nights=result.nights,
        kept=result.kept,
        stopped=stopped,
    )
