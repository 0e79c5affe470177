"""Personal trials: the randomised plan, and whether the answer is honest (calibration).

The calibration simulates people night by night (seeded, so every run sees the same people):
how bad the legs are follows a slowly wandering AR(1) course (correlation 0.1-0.6 from one
night to the next, day-to-day spread 0.8-1.6 points) with a slow drift; the evening rating and
the night's score each add their own rating noise (0.5-1.0) and are whole numbers 0-10. On an
idea night the idea changes the night by `effect` points, and 10-40 % of that carries over into
the next usual night. One evening in ten the person does not keep to the plan, and one morning
in ten goes unanswered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pytest

from bot.trial_plan import Arm, Verdict
from bot.trials import (
    DEFAULT_LENGTH,
    LIKELY,
    Result,
    TrialNight,
    analyse,
    finished,
    plan,
)

PEOPLE = 1000


def test_a_plan_is_pairs_of_equal_blocks_in_random_order() -> None:
    rng = random.Random(4)
    arms = plan(rng, 200, (2, 3))
    runs: list[tuple[Arm, int]] = []
    for arm in arms:
        if runs and runs[-1][0] is arm:
            runs[-1] = (arm, runs[-1][1] + 1)
        else:
            runs.append((arm, 1))
    # Blocks of 2-3 nights (a run can join two blocks of the same arm: ABBA).
    assert all(2 <= size <= 6 for _, size in runs[:-1])
    assert abs(arms.count(Arm.IDEA) - arms.count(Arm.USUAL)) <= 3
    # Both orders happen, so nobody can tell tonight's arm from last week's.
    firsts = {plan(random.Random(seed), 4)[0] for seed in range(20)}
    assert firsts == {Arm.IDEA, Arm.USUAL}
    with pytest.raises(ValueError, match="block sizes"):
        plan(rng, 10, (0, 9))


def test_nothing_is_said_before_enough_nights_were_kept_as_planned() -> None:
    nights = [TrialNight(i, Arm.IDEA if i % 2 else Arm.USUAL, True, 5, 4) for i in range(5)]
    nights.append(TrialNight(5, Arm.IDEA, False, 5, 1))  # not kept: does not count
    result = analyse(nights)
    assert result == Result(Verdict.TOO_EARLY, None, None, nights=6, kept=5)
    assert not finished(nights, DEFAULT_LENGTH)


def test_missed_and_unkept_nights_extend_the_trial_up_to_twice_its_length() -> None:
    kept = [TrialNight(i, Arm.IDEA, True, 5, 5) for i in range(13)]
    missed = [TrialNight(13 + i, Arm.USUAL, None, None, None) for i in range(10)]
    assert not finished(kept + missed, 14)
    assert finished([*kept, TrialNight(23, Arm.USUAL, True, 4, 4)], 14)
    assert finished([*kept, *missed, *missed[:5]], 14)  # 28 evenings: it ends anyway


def test_a_clear_difference_is_reported_with_its_size_and_direction() -> None:
    rng = random.Random(2)
    nights = []
    for i, arm in enumerate(plan(rng, 16)):
        evening = rng.randint(4, 7)
        night = evening - (3 if arm is Arm.IDEA else 0) + rng.randint(-1, 1)
        nights.append(TrialNight(i, arm, True, evening, max(0, night)))
    result = analyse(nights)
    assert result.verdict is Verdict.BETTER
    assert result.in_ten is not None and result.in_ten >= 9
    assert result.points is not None and 2.0 <= result.points <= 3.5
    worse = [
        TrialNight(n.index, n.arm, True, n.evening, (n.evening or 0) + 3 * (n.arm is Arm.IDEA))
        for n in nights
    ]
    assert analyse(worse).verdict is Verdict.WORSE


# -- calibration ---------------------------------------------------------------------------------


@dataclass
class Person:
    rng: np.random.Generator
    effect: float

    def __post_init__(self) -> None:
        r = self.rng
        self.base = r.uniform(3, 7)
        self.spread = r.uniform(0.8, 1.6)
        self.rho = r.uniform(0.1, 0.6)
        self.noise = r.uniform(0.5, 1.0)
        self.drift = r.normal(0, 0.03)
        self.carry = r.uniform(0.1, 0.4)
        self.state = r.normal(0, self.spread)
        self.idea_last_night = False

    def rating(self, value: float) -> int:
        return int(np.clip(np.round(value + self.rng.normal(0, self.noise)), 0, 10))

    def night(self, index: int, arm: Arm) -> TrialNight:
        r = self.rng
        self.state = self.rho * self.state + r.normal(0, self.spread * np.sqrt(1 - self.rho**2))
        level = self.base + self.state + self.drift * index
        kept = r.random() < 0.9
        did_idea = (arm is Arm.IDEA) == kept
        change = self.effect if did_idea else self.effect * self.carry * self.idea_last_night
        self.idea_last_night = did_idea
        evening = self.rating(level)
        night = self.rating(level + change) if r.random() < 0.9 else None
        return TrialNight(index, arm, kept, evening, night)


def run_trial(
    seed: int, effect: float, evenings: int | None, length: int = DEFAULT_LENGTH
) -> Result:
    """One simulated person's trial: until it finishes (evenings=None) or for `evenings`."""
    person = Person(np.random.default_rng(seed), effect)
    arms = plan(random.Random(seed), 2 * length)
    nights: list[TrialNight] = []
    for index, arm in enumerate(arms):
        nights.append(person.night(index, arm))
        if (evenings is None and finished(nights, length)) or len(nights) == evenings:
            break
    return analyse(nights)


def told_it_helps(effect: float, evenings: int | None) -> float:
    results = [run_trial(seed, effect, evenings) for seed in range(PEOPLE)]
    return sum(r.verdict is Verdict.BETTER for r in results) / PEOPLE


def test_when_the_idea_does_nothing_at_most_5_percent_are_told_it_likely_helps() -> None:
    assert LIKELY == 0.9  # "likely helps" means a probability of at least 0.9
    assert told_it_helps(0.0, evenings=None) <= 0.05  # the default trial, as it ends
    assert told_it_helps(0.0, evenings=20) <= 0.05


def test_when_the_idea_lowers_the_score_by_2_points_80_percent_know_within_20_nights() -> None:
    assert told_it_helps(-2.0, evenings=20) >= 0.80
