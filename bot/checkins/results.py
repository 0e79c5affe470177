"""What the evening and morning use cases decided, as types: the edge only renders them.

Each outcome is its own small type, so a handler or job matches on it instead of asking the
core again why something happened, and a new outcome is a new type the type checker follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.checkins.trial import TrialTonight
from bot.insights import PeriodSummary
from bot.models import Night, PromptSource, Response, Suggestion
from bot.red_flags import RedFlag
from bot.trends import DoctorReason
from bot.trial_plan import TrialOutcome

# -- the reply to a rating or to a card's button ----------------------------------------------


@dataclass(frozen=True)
class Card:
    """Tonight's one idea, to show as a card."""

    suggestion: Suggestion
    # The idea evening of a running trial: the card is the idea under test.
    trial: bool = False


@dataclass(frozen=True)
class UsualEvening:
    """A usual evening of a running trial: no idea unless the person asks for one."""

    remedy_id: str  # the idea under test (not tonight)


@dataclass(frozen=True)
class CalmNight:
    """A 0: no idea needed, a good night."""


@dataclass(frozen=True)
class FlagBlocksIdea:
    """No idea tonight: a red flag raised on this night says so."""


@dataclass(frozen=True)
class NoMoreIdeas:
    """Every idea this person may get tonight was shown or turned down."""


@dataclass(frozen=True)
class RatingChanged:
    """The night was already rated and has its ideas: the new rating replaced the old one."""

    rating: int


NextIdea = Card | FlagBlocksIdea | NoMoreIdeas
RatingReply = NextIdea | CalmNight | RatingChanged | UsualEvening


@dataclass(frozen=True)
class AboutDay:
    """Which parts of the optional about-today question this person gets for this night."""

    onset: bool
    tags: bool


@dataclass(frozen=True)
class Rated:
    """A stored rating and what follows it. At most two messages follow a rating: the
    optional about-today question comes with the reply only when no idea's card waits for an
    answer (else once the card is answered); a doctor prompt comes later (after the card is
    answered, or with the morning's last answer)."""

    night: Night
    reply: RatingReply
    # Ask the optional about-today question now (None: not now).
    about_day: AboutDay | None = None


@dataclass(frozen=True)
class Responded:
    """A card's "I'll try it", "Another idea" or "Not for me", and what comes next (None after
    "I'll try it")."""

    night: Night
    remedy_id: str
    response: Response
    next: NextIdea | None
    # Once the card business of the night is over: the about-today question (if it waited
    # for the card) and a doctor prompt (at most once a fortnight).
    about_day: AboutDay | None = None
    doctor: DoctorReason | None = None
    # "I'll try it" on a card of a night a red flag has since closed to ideas: not recorded.
    blocked: bool = False


@dataclass(frozen=True)
class DayAnswer:
    """The about-today question after an answer, and a red flag the answer raised (the New
    medicine tag), once per night."""

    night: Night
    about: AboutDay
    flag: RedFlag | None = None


@dataclass(frozen=True)
class Snoozed:
    """The check-in comes again at `due`; `tz` to show it in local time."""

    due: dt.datetime
    tz: str


@dataclass(frozen=True)
class CheckInDue:
    """A scheduled check-in to send now (already marked as sent: undo it if it fails), and
    the weekly summary to send before it. `check_in` is False when only the summary goes."""

    night: dt.date
    check_in: bool
    prompted_at: dt.datetime | None
    source: PromptSource
    # Reminders were paused and this is the first check-in after the pause.
    pause_ended: bool = False
    # The opt-in weekly summary goes out first, when this is its evening.
    weekly: PeriodSummary | None = None
    # A trial evening: the check-in says which kind it is.
    trial: TrialTonight | None = None
    # A trial that has just come to its end: its answer goes out first.
    trial_done: TrialOutcome | None = None


# -- the morning ------------------------------------------------------------------------------


class MorningNext(StrEnum):
    """The next morning question, or none."""

    ASK_SLEEP = "ask_sleep"  # after a trial night's score
    ASK_KEPT = "ask_kept"  # a trial night: did the evening go as planned
    ASK_TRIED = "ask_tried"
    ASK_HELPED = "ask_helped"
    DONE = "done"


@dataclass(frozen=True)
class MorningAnswered:
    """A stored morning answer, the idea it is about (its title) and the next question."""

    night: Night
    title: str | None
    next: MorningNext
    # With the morning's last answer: a doctor prompt, at most once a fortnight.
    doctor: DoctorReason | None = None
    # A trial night: the idea under test (its title), and the trial's answer if it just ended.
    trial_title: str | None = None
    trial_done: TrialOutcome | None = None


# -- notes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteKept:
    """Where a note went and which red flags it raised."""

    night: dt.date
    flags: list[RedFlag]


# -- a missed night, filled in afterwards -------------------------------------------------------


@dataclass(frozen=True)
class FilledIn:
    """A missed night's rating: `stored`, or kept as it was (it had one already)."""

    night: Night
    stored: bool
