"""Personal trials of one idea: the randomised plan, and an honest answer from the nights.

A trial alternates evenings with the idea (A) and usual evenings (B) in randomised pairs of
blocks (AABB, BBBAAA, ...), so a slow drift of symptoms or the day of the week cannot pose as an
effect. Each morning the person rates how their legs were during the night (0-10, lower is
better) and says whether they kept to the plan; only nights kept as planned count.

The answer comes from a Bayesian linear model of the night's score:

    night = intercept + slope * (evening rating - its mean) + effect * (idea night) + noise

The evening rating (given before the idea is tried) soaks up how bad the legs were anyway.
Nights are correlated with their neighbours, so the model is fitted after removing an
AR(1) correlation of 0.3 between consecutive nights (rho ** gap across missed nights). Priors:
flat on the intercept and slope; on the effect a sceptical normal centred on no effect, with a
standard deviation of 0.6 noise units (about 0.9 points for a typical person), so a few lucky
nights cannot make an idea look good; on the noise variance an inverse-gamma(2, 4.5) (a night-to
-night spread of about 2 points, weakly held). The posterior of the effect is a Student t; the
probability that the idea makes nights better is P(effect < 0). These choices were tuned by the
calibration simulation in tests/test_trials.py, not to fit anyone's data.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.trial_plan import Arm, Verdict, half_points, in_ten

DEFAULT_LENGTH = 14  # nights kept as planned
MIN_LENGTH, MAX_LENGTH = 8, 28
DEFAULT_BLOCKS = (2, 3)  # nights per block: each pair of blocks has one size in this range
MIN_BLOCK, MAX_BLOCK = 1, 4
# A trial ends when it has `length` nights kept as planned, or after this many times `length`
# evenings whatever happened (a plan that cannot be kept says so instead of running forever).
MAX_STRETCH = 2

RHO = 0.3
EFFECT_PRIOR_SD = 0.6  # in units of the night-to-night noise
NOISE_PRIOR = (2.0, 4.5)  # inverse-gamma shape and scale for the noise variance
LIKELY = 0.9  # P(better) at or above: "likely helps"; at or below 1 - LIKELY: "looks worse"
MIN_NIGHTS = 6  # fewer nights kept as planned: nothing can be said yet
MIN_EACH = 2  # nor with fewer than this many of either kind


def plan(
    rng: random.Random,
    evenings: int,
    blocks: tuple[int, int] = DEFAULT_BLOCKS,
) -> tuple[Arm, ...]:
    """The arms of `evenings` consecutive trial evenings: pairs of equal blocks in a random
    order (A then B, or B then A), each pair's block size drawn from `blocks`."""
    low, high = blocks
    if not MIN_BLOCK <= low <= high <= MAX_BLOCK:
        raise ValueError(f"block sizes must lie within {MIN_BLOCK}-{MAX_BLOCK}")
    arms: list[Arm] = []
    while len(arms) < evenings:
        size = rng.randint(low, high)
        first, second = (Arm.IDEA, Arm.USUAL) if rng.random() < 0.5 else (Arm.USUAL, Arm.IDEA)
        arms += [first] * size + [second] * size
    return tuple(arms[:evenings])


@dataclass(frozen=True)
class TrialNight:
    """One trial evening and its morning: the planned arm, whether the plan was kept, the
    evening rating and the night's score (None where not answered)."""

    index: int  # evenings since the trial started (0 for the first), gaps allowed
    arm: Arm
    kept: bool | None
    evening: int | None
    night: int | None

    @property
    def counts(self) -> bool:
        """Kept as planned, with both ratings: a night the answer is made from."""
        return self.kept is True and self.evening is not None and self.night is not None


@dataclass(frozen=True)
class Result:
    """The answer of a trial so far."""

    verdict: Verdict
    p_better: float | None  # probability that idea nights are better (lower scores)
    # How much lower (negative) or higher idea nights were than usual nights in the trial,
    # allowing for the evening ratings: what happened, not shrunk by the sceptical prior.
    effect: float | None
    nights: int  # evenings of the trial so far
    kept: int  # nights kept as planned with both ratings

    @property
    def in_ten(self) -> int | None:
        """P(better) as "about N in 10" (rounded, kept within 1..9: never certainty)."""
        return in_ten(self.p_better)

    @property
    def points(self) -> float | None:
        """The size of the difference, in half points (absolute)."""
        return half_points(self.effect)


def analyse(nights: Sequence[TrialNight]) -> Result:
    """What the nights so far say about the idea, for this person."""
    used = sorted((n for n in nights if n.counts), key=lambda n: n.index)
    evenings = len(nights)
    idea = sum(n.arm is Arm.IDEA for n in used)
    if len(used) < MIN_NIGHTS or min(idea, len(used) - idea) < MIN_EACH:
        return Result(Verdict.TOO_EARLY, None, None, evenings, len(used))
    p_better, effect = _posterior(used)
    if p_better >= LIKELY:
        verdict = Verdict.BETTER
    elif p_better <= 1 - LIKELY:
        verdict = Verdict.WORSE
    else:
        verdict = Verdict.UNCLEAR
    return Result(verdict, p_better, effect, evenings, len(used))


def _posterior(used: Sequence[TrialNight]) -> tuple[float, float]:
    """P(effect < 0) from the conjugate model above, and the observed (flat-prior) effect."""
    # numpy and scipy load here, on the first answer a trial gives, not at start-up: together
    # they cost about a second and 60 MB that most runs of the bot never need.
    import numpy as np
    from scipy import stats

    index = np.array([n.index for n in used], dtype=float)
    arm = np.array([n.arm is Arm.IDEA for n in used], dtype=float)
    evening = np.array([n.evening for n in used], dtype=float)
    y = np.array([n.night for n in used], dtype=float)
    x = np.column_stack([np.ones(len(y)), evening - evening.mean(), arm])
    # Prewhiten: each night minus rho**gap times the night before it (scaled to unit variance).
    xw, yw = x.copy(), y.copy()
    for i in range(len(y) - 1, 0, -1):
        r = RHO ** (index[i] - index[i - 1])
        c = math.sqrt(1 - r * r)
        xw[i] = (x[i] - r * x[i - 1]) / c
        yw[i] = (y[i] - r * y[i - 1]) / c
    prior = np.diag([1e-4, 1e-4, 1 / EFFECT_PRIOR_SD**2])  # flat, flat, sceptical
    a0, b0 = NOISE_PRIOR
    precision = xw.T @ xw + prior
    cov = np.linalg.inv(precision)
    mean = cov @ (xw.T @ yw)
    a_n = a0 + len(yw) / 2
    b_n = b0 + 0.5 * float(yw @ yw - mean @ precision @ mean)
    scale = math.sqrt(b_n / a_n * cov[-1, -1])
    p_better = float(stats.t.cdf(-float(mean[-1]) / scale, df=2 * a_n))
    observed = np.linalg.lstsq(xw, yw, rcond=None)[0]
    return p_better, float(observed[-1])


def finished(nights: Sequence[TrialNight], length: int) -> bool:
    """True once `length` nights were kept as planned, or the trial ran out of evenings."""
    return sum(n.counts for n in nights) >= length or len(nights) >= MAX_STRETCH * length
