"""Domain records: a person, a night, a remedy and a suggestion.

They are frozen pydantic models so that the storage layer can validate what it reads back
from disk (a damaged file is caught at the door, not deep inside a handler).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, field_validator

from bot.record import Record
from bot.trial_plan import Arm, Trial, TrialOutcome

SCHEMA_VERSION = 1
DEFAULT_WAKE_TIME = dt.time(8, 0)


# Red-flag ids that were renamed or merged: stored nights may still carry the old id.
RENAMED_FLAGS = {"one_sided_weakness": "stroke"}


class Evidence(StrEnum):
    """How well a remedy has been studied, strongest first (AGAINST: studied and failed)."""

    GUIDELINE = "GUIDELINE"
    TRIALS = "TRIALS"
    MIXED = "MIXED"
    CASE = "CASE"
    ANECDOTE = "ANECDOTE"
    AGAINST = "AGAINST"


class Kind(StrEnum):
    """When a remedy can be offered: tonight, as a habit, or only as a talk-to-your-doctor card."""

    TONIGHT = "tonight"
    HABIT = "habit"
    ASK_DOCTOR = "ask_doctor"


class Flag(StrEnum):
    """Properties that limit who gets a remedy."""

    ADULTS_ONLY = "adults_only"
    NEEDS_PARTNER = "needs_partner"
    NEEDS_EQUIPMENT = "needs_equipment"
    COSTS_MONEY = "costs_money"


class GradeInfo(Record):
    """What an evidence grade means, in plain words, as the content file defines it."""

    label: str
    meaning: str


class Remedy(Record):
    """One curated entry of the content file."""

    id: str
    title: str
    kind: Kind
    evidence: Evidence
    how_to: str
    caveat: str
    safety: str = ""
    sources: tuple[str, ...] = ()
    flags: frozenset[Flag] = frozenset()
    reviewed_on: dt.date


class Catalog(Record):
    """The whole remedy catalog, loaded once at start-up and never changed afterwards."""

    version: int
    reviewed_by: str
    grades: dict[Evidence, GradeInfo]
    remedies: tuple[Remedy, ...]

    def get(self, remedy_id: str) -> Remedy | None:
        """The remedy with this id, or None when the content no longer has it."""
        for remedy in self.remedies:
            if remedy.id == remedy_id:
                return remedy
        return None

    def title(self, remedy_id: str) -> str:
        """The remedy's title, or its id when the content no longer has it."""
        remedy = self.get(remedy_id)
        return remedy.title if remedy else remedy_id


class Response(StrEnum):
    """What the person did with a suggestion card."""

    TRY = "try"
    ANOTHER = "another"
    NOT_FOR_ME = "not_for_me"


class Helped(StrEnum):
    """The morning answer to "did it help?"."""

    NO = "no"
    A_BIT = "a_bit"
    CLEARLY = "clearly"


class Onset(StrEnum):
    """When the urge started that day (the optional onset question)."""

    BEFORE_NOON = "before_noon"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    BEDTIME = "bedtime"


class Trigger(StrEnum):
    """Optional one-tap tags about the day; shown as "nights with / without", never as cause."""

    CAFFEINE_LATE = "caffeine_late"
    ALCOHOL = "alcohol"
    LONG_SITTING = "long_sitting"
    LATE_EXERCISE = "late_exercise"
    NEW_MEDICINE = "new_medicine"


class PromptSource(StrEnum):
    """Why an evening check-in was sent."""

    SCHEDULE = "schedule"
    CATCH_UP = "catch_up"
    SNOOZE = "snooze"
    MANUAL = "manual"


class Track(Record):
    """What a person's own mornings say about one remedy: nights tried and how it went."""

    no: int = 0
    a_bit: int = 0
    clearly: int = 0

    @property
    def tried(self) -> int:
        """Nights tried with a "did it help?" answer."""
        return self.no + self.a_bit + self.clearly

    @property
    def helped_nights(self) -> int:
        """Nights it helped at least a bit."""
        return self.a_bit + self.clearly

    @property
    def score(self) -> float:
        """Successes for a Beta belief: "a bit" counts half."""
        return self.a_bit * 0.5 + self.clearly

    def add(self, helped: Helped, count: int = 1) -> Track:
        """This track with one more answered night (or, with count=-1, one fewer)."""
        field = helped.value
        return self.replace(**{field: max(0, getattr(self, field) + count)})


class SuggestionRecord(Record):
    """A remedy shown on a night, with the content version the person saw."""

    remedy_id: str
    content_version: int
    at: dt.datetime
    reason: str = ""
    response: Response | None = None


class Note(Record):
    """Words the person wrote about a night."""

    at: dt.datetime
    text: str
    message_id: int | None = None
    edited_at: dt.datetime | None = None


class Night(Record):
    """One night = one record, keyed by the evening's local date in the person's zone."""

    night: dt.date
    tz: str
    prompted_at: dt.datetime | None = None
    prompt_source: PromptSource | None = None
    rating: int | None = Field(default=None, ge=0, le=10)
    rated_at: dt.datetime | None = None
    skipped: bool = False
    suggestions: tuple[SuggestionRecord, ...] = ()
    notes: tuple[Note, ...] = ()
    morning_sent_at: dt.datetime | None = None
    sleep_quality: int | None = Field(default=None, ge=1, le=5)
    morning_remedy: str | None = None
    tried: bool | None = None
    helped: Helped | None = None
    # Red-flag ids (content/red_flags.toml) detected in this night's notes.
    red_flags: tuple[str, ...] = ()
    onset: Onset | None = None
    triggers: tuple[Trigger, ...] = ()
    # True once the day-tags question was shown, so "nights without a tag" means something.
    tags_asked: bool = False
    # True once the optional about-today question (onset, day tags) was shown for this night.
    about_asked: bool = False
    # When the person filled this night in afterwards (up to a week later, from /history),
    # rather than at its check-in: shown as "entered later" in history, export and summaries.
    entered_later_at: dt.datetime | None = None
    # A night of a personal trial (bot/trial_plan.py): its planned kind, fixed when its
    # check-in is sent; the morning's "how were your legs during the night" (0-10, lower is
    # better) and whether the evening went as planned.
    trial_arm: Arm | None = None
    night_score: int | None = Field(default=None, ge=0, le=10)
    kept_plan: bool | None = None

    @property
    def entered_later(self) -> bool:
        """True for a night filled in afterwards."""
        return self.entered_later_at is not None

    @field_validator("red_flags", mode="before")
    @classmethod
    def _renamed_flags(cls, value: object) -> object:
        """Old ids read from disk or an import become their new ones (merged, in order)."""
        if not isinstance(value, list | tuple):
            return value
        renamed = [RENAMED_FLAGS.get(v, v) if isinstance(v, str) else v for v in value]
        return tuple(dict.fromkeys(renamed))

    @property
    def current_suggestion(self) -> SuggestionRecord | None:
        """The remedy the person is working with: the last one they chose, else the last shown."""
        chosen = [s for s in self.suggestions if s.response is Response.TRY]
        if chosen:
            return chosen[-1]
        return self.suggestions[-1] if self.suggestions else None

    @property
    def answer_remedy(self) -> str | None:
        """The idea this night's morning answer is about (the one place that decides it).

        Fixed when the morning question is sent or first answered (`morning_remedy`), so a
        later tap on last night's card does not move an answer to another idea; until then,
        the idea the person chose with "I'll try it" (never one they were only shown, or
        passed over with "Another idea").
        """
        if self.morning_remedy is not None:
            return self.morning_remedy
        chosen = [s for s in self.suggestions if s.response is Response.TRY]
        return chosen[-1].remedy_id if chosen else None

    @property
    def answer_suggestion(self) -> SuggestionRecord | None:
        """The suggestion record of `answer_remedy` (its response and content version)."""
        remedy_id = self.answer_remedy
        matches = [s for s in self.suggestions if s.remedy_id == remedy_id]
        return matches[-1] if matches else None

    @property
    def tried_remedy(self) -> str | None:
        """The idea the person said in the morning they tried, else None."""
        return self.answer_remedy if self.tried is True else None


class Pause(Record):
    """Reminders are paused; `until` is the first night they come back (None: until /resume)."""

    until: dt.date | None = None


class Snooze(Record):
    """A snoozed evening check-in, due again at `due` (UTC)."""

    night: dt.date
    due: dt.datetime


class PendingReply(Record):
    """A reply that says something was saved, not yet delivered (Telegram failed first)."""

    text: str
    at: dt.datetime


class Awaiting(StrEnum):
    """What a plain text message from the person is expected to be."""

    TIMEZONE = "timezone"
    CHECKIN_TIME = "checkin_time"
    WAKE_TIME = "wake_time"
    IMPORT_FILE = "import_file"


class Person(Record):
    """Profile and settings of one person (one private chat)."""

    user_id: int
    chat_id: int
    created_at: dt.datetime
    consented_at: dt.datetime | None = None
    tz: str | None = None
    checkin_time: dt.time | None = None
    wake_time: dt.time = DEFAULT_WAKE_TIME
    blocked_at: dt.datetime | None = None
    pause: Pause | None = None
    not_for_me: frozenset[str] = frozenset()
    snooze: Snooze | None = None
    awaiting: Awaiting | None = None
    language: str | None = None
    adult_topics: bool = False
    # Weekly summary, opt-in: weekday 0 = Monday ... 6 = Sunday, sent at the check-in time.
    weekly_day: int | None = Field(default=None, ge=0, le=6)
    weekly_sent_for: dt.date | None = None
    ask_onset: bool = False
    ask_triggers: bool = False
    # The last "consider seeing your doctor" message, so it comes at most once a fortnight.
    doctor_prompt_at: dt.datetime | None = None
    # Per remedy, the person's morning answers (recomputed from their nights whenever a
    # morning answer changes), so choosing tonight's remedy needs only recent nights.
    track: dict[str, Track] = Field(default_factory=dict)
    # When the zone or check-in time last changed: a check-in due before it was never missed
    # (so a restart does not send a "late" one for a time that had passed when it was set).
    schedule_from: dt.datetime | None = None
    # Replies that confirm something was saved and could not be sent yet; retried like
    # scheduled messages, oldest first.
    pending_replies: tuple[PendingReply, ...] = ()
    # Personal trials: the one running (at most one) and the answers of finished ones; the
    # length (nights kept as planned) and block sizes a new trial is planned with.
    trial: Trial | None = None
    trials: tuple[TrialOutcome, ...] = ()
    trial_length: int = Field(default=14, ge=8, le=28)
    trial_blocks: tuple[int, int] = (2, 3)

    @field_validator("trial_blocks")
    @classmethod
    def _block_sizes(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 1 <= low <= high <= 4:
            raise ValueError("trial blocks must be 1 to 4 nights, the smaller first")
        return value

    @property
    def consented(self) -> bool:
        """True once the person pressed the consent button."""
        return self.consented_at is not None

    @property
    def ready(self) -> bool:
        """True when the bot knows enough to send evening check-ins."""
        return self.consented and self.tz is not None and self.checkin_time is not None

    @property
    def reminders_due(self) -> bool:
        """True when scheduled messages should go out (set up and not blocked)."""
        return self.ready and self.blocked_at is None


class Why(StrEnum):
    """Why the chooser offered a remedy (bot/texts/cards.py says it in words)."""

    HELPED_YOU = "helped_you"  # the person's own answers: helped `helped` of `tried` nights
    NOT_HELPED_YET = "not_helped_yet"  # tried `tried` nights, no help reported yet
    GUIDELINES = "guidelines"  # recommended in guidelines, not tried yet
    TRIALS = "trials"  # helped in trials, not tried yet
    NEW = "new"  # not tried yet
    TRIAL_EVENING = "trial_evening"  # an idea evening of the person's running trial
    TRIAL_BETTER = "trial_better"  # the person's own trial found it likely helps them


class Reason(Record):
    """Why this one: the kind of reason and, for the person's own record, its counts."""

    why: Why
    helped: int = 0
    tried: int = 0


class Suggestion(Record):
    """One remedy chosen for tonight and why this one."""

    remedy: Remedy
    reason: Reason
