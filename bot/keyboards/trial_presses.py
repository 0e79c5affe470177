"""The typed presses of a personal trial's buttons (read by bot/keyboards/presses.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# The lengths and block sizes the buttons step through (the settings' limits: 8-28, 1-4).
LENGTHS = (8, 10, 14, 21, 28)
BLOCKS = ((1, 2), (2, 3), (3, 4), (2, 2), (3, 3))


class TrialStep(StrEnum):
    """What a trial button (not tied to a night) does."""

    PICK = "pick"  # show the offer for this idea (in place of the list of ideas)
    CARD = "card"  # likewise, from an idea's card or full card (as a new message)
    START = "go"  # start a trial of this idea
    CANCEL = "no"  # not now
    LENGTH = "len"  # the next length, then the offer for this idea again
    BLOCKS = "blk"  # the next block sizes, likewise
    STOP = "stop"  # ask before stopping
    STOP_YES = "end"  # stop it now
    STOP_NO = "keep"  # keep going


ABOUT_ONE_IDEA = frozenset(
    {TrialStep.PICK, TrialStep.CARD, TrialStep.START, TrialStep.LENGTH, TrialStep.BLOCKS}
)


@dataclass(frozen=True)
class TrialPress:
    """A trial button; `remedy_id` for the steps about one idea."""

    step: TrialStep
    remedy_id: str = ""


@dataclass(frozen=True)
class TrialScore:
    """A trial night's morning: how the legs were during the night, 0-10."""

    night: dt.date
    score: int


@dataclass(frozen=True)
class TrialKept:
    """A trial night's morning: the evening went as planned (or not)."""

    night: dt.date
    kept: bool


@dataclass(frozen=True)
class TrialIdea:
    """A usual evening of a trial: "Show me an idea anyway"."""

    night: dt.date


def trial_press(arg: str) -> TrialPress | None:
    """`pick:warm_bath`, `stop`, ... into a press (None for anything else)."""
    step, _, remedy_id = arg.partition(":")
    press = TrialPress(TrialStep(step), remedy_id)
    return press if bool(remedy_id) == (press.step in ABOUT_ONE_IDEA) else None


def next_length(length: int) -> int:
    """The next length a button offers after `length`."""
    later = [n for n in LENGTHS if n > length]
    return later[0] if later else LENGTHS[0]


def next_blocks(blocks: tuple[int, int]) -> tuple[int, int]:
    """The next block sizes a button offers after `blocks`."""
    i = BLOCKS.index(blocks) if blocks in BLOCKS else -1
    return BLOCKS[(i + 1) % len(BLOCKS)]
