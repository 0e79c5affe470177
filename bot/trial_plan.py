"""The stored side of a personal trial: which kind each evening is, the running trial and the
answer of a finished one (bot/trials.py plans and analyses; bot/checkins/trial.py runs it)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from bot.record import Record


class Arm(StrEnum):
    """What kind of evening a trial night is."""

    IDEA = "A"  # tonight, do the idea
    USUAL = "B"  # a usual evening, without it


class Verdict(StrEnum):
    """What a trial can honestly say."""

    TOO_EARLY = "too_early"
    BETTER = "better"  # likely makes this person's nights better
    UNCLEAR = "unclear"
    WORSE = "worse"  # likely makes them worse


class Trial(Record):
    """A trial of one idea, running. Evening after evening takes the next kind from `plan` when
    its check-in is sent (an evening without a check-in, paused or missed, takes none), until
    `length` nights were kept as planned or the plan runs out."""

    remedy_id: str
    started_at: dt.datetime
    start: dt.date  # the first evening that can be a trial night
    length: int = Field(ge=8, le=28)  # nights kept as planned that it needs
    plan: tuple[Arm, ...]  # the kinds of up to twice `length` evenings, in order
    used: int = Field(default=0, ge=0)  # evenings of the plan given out so far

    @property
    def shown(self) -> tuple[Arm, ...]:
        """The planned kinds shown to the person as a calendar (the first `length`)."""
        return self.plan[: self.length]


class TrialOutcome(Record):
    """The answer of a finished (or stopped) trial, kept for /report, the doctor's summary,
    the export and the choice of ideas."""

    remedy_id: str
    start: dt.date
    end: dt.date
    verdict: Verdict
    p_better: float | None = Field(default=None, ge=0, le=1)
    effect: float | None = None  # idea nights minus usual nights, points out of 10
    nights: int = Field(ge=0)  # evenings of the trial
    kept: int = Field(ge=0)  # nights kept as planned, with both ratings
    stopped: bool = False  # ended early with /trial stop


def in_ten(p_better: float | None) -> int | None:
    """A probability as "about N in 10", kept within 1..9 (never certainty either way)."""
    return None if p_better is None else min(9, max(1, round(p_better * 10)))


def half_points(effect: float | None) -> float | None:
    """The size of a difference in half points out of 10 (absolute)."""
    return None if effect is None else round(abs(effect) * 2) / 2
