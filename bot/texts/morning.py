"""Sentences of the morning follow-up: the question, the answers' words, and the message as
it grows with each answer."""

from __future__ import annotations

import datetime as dt
from enum import auto

from bot.models import Helped, Night
from bot.texts.base import TextKey, catalog, day, esc, t
from bot.texts.trial import TrialText
from bot.trial_plan import Arm


class MorningText(TextKey):
    """Keys of the morning sentences."""

    QUESTION = auto()
    HEADING = auto()
    ASK_TRIED = auto()
    ASK_HELPED = auto()
    YES = auto()
    NO = auto()
    THANKS = auto()
    NIGHT_OF = auto()
    SLEEP_LINE = auto()
    TRIED_LINE = auto()
    HELPED_PART = auto()
    NOT_TRIED_LINE = auto()
    SLEEP_VERY_POOR = auto()
    SLEEP_POOR = auto()
    SLEEP_FAIR = auto()
    SLEEP_GOOD = auto()
    SLEEP_VERY_GOOD = auto()
    HELPED_NO = auto()
    HELPED_A_BIT = auto()
    HELPED_CLEARLY = auto()


SENTENCES = catalog(
    MorningText,
    {
        MorningText.QUESTION: "Good morning. How did you sleep last night?",
        MorningText.HEADING: "{question}\n<i>(night of {day})</i>",
        MorningText.ASK_TRIED: "Last night's idea was <b>{title}</b>. Did you try it?",
        MorningText.ASK_HELPED: "Did it help?",
        MorningText.YES: "Yes",
        MorningText.NO: "No",
        MorningText.THANKS: "Thank you, that's saved. Have a good day.",
        MorningText.NIGHT_OF: "Night of {day}",
        MorningText.SLEEP_LINE: "Sleep: <b>{quality}</b>",
        MorningText.TRIED_LINE: "Tried {title}{helped}",
        MorningText.HELPED_PART: ", helped: {answer}",
        MorningText.NOT_TRIED_LINE: "Did not try {title}",
        # In the Consensus Sleep Diary's words.
        MorningText.SLEEP_VERY_POOR: "Very poor",
        MorningText.SLEEP_POOR: "Poor",
        MorningText.SLEEP_FAIR: "Fair",
        MorningText.SLEEP_GOOD: "Good",
        MorningText.SLEEP_VERY_GOOD: "Very good",
        MorningText.HELPED_NO: "No",
        MorningText.HELPED_A_BIT: "A bit",
        MorningText.HELPED_CLEARLY: "Clearly",
    },
)

SLEEP_QUALITY = (
    MorningText.SLEEP_VERY_POOR,
    MorningText.SLEEP_POOR,
    MorningText.SLEEP_FAIR,
    MorningText.SLEEP_GOOD,
    MorningText.SLEEP_VERY_GOOD,
)
HELPED = {
    Helped.NO: MorningText.HELPED_NO,
    Helped.A_BIT: MorningText.HELPED_A_BIT,
    Helped.CLEARLY: MorningText.HELPED_CLEARLY,
}


def sleep_label(quality: int) -> str:
    """`Very poor` for 1 ... `Very good` for 5."""
    return t(SLEEP_QUALITY[quality - 1])


def sleep_labels() -> tuple[str, ...]:
    """The five sleep-quality words, worst first."""
    return tuple(t(key) for key in SLEEP_QUALITY)


def helped_label(helped: Helped) -> str:
    """`No`, `A bit`, `Clearly`."""
    return t(HELPED[helped])


def morning_heading(night: dt.date) -> str:
    """First line of the morning follow-up."""
    return t(MorningText.HEADING, question=t(MorningText.QUESTION), day=day(night))


def trial_morning(night: dt.date, number: int) -> str:
    """A trial night's morning opens with how the legs were during the night."""
    return t(TrialText.ASK_SCORE, day=day(night), number=number)


def ask_tried(title: str) -> str:
    """Second morning question."""
    return t(MorningText.ASK_TRIED, title=esc(title))


def morning_summary(night: Night, title: str | None) -> str:
    """The morning message once answered."""
    parts = [t(MorningText.NIGHT_OF, day=day(night.night))]
    if night.night_score is not None:
        parts.append(t(TrialText.SCORE_LINE, score=night.night_score))
    if night.sleep_quality is not None:
        parts.append(t(MorningText.SLEEP_LINE, quality=sleep_label(night.sleep_quality).lower()))
    if title is not None and night.tried is not None:
        if night.tried:
            helped = ""
            if night.helped is not None:
                helped = t(MorningText.HELPED_PART, answer=helped_label(night.helped)).lower()
            parts.append(t(MorningText.TRIED_LINE, title=esc(title), helped=helped))
        else:
            parts.append(t(MorningText.NOT_TRIED_LINE, title=esc(title)))
    if night.kept_plan is not None:
        parts.append(t(TrialText.KEPT_LINE if night.kept_plan else TrialText.NOT_KEPT_LINE))
    return "\n".join(parts)


def morning_step(
    night: Night, title: str | None, next_step: str, trial_title: str | None = None
) -> str:
    """The morning message after an answer: what was answered so far, then the next question
    (`next_step` "ask_sleep", "ask_kept", "ask_tried" or "ask_helped", bot/checkins/results.py's
    MorningNext) or the thanks ("done")."""
    summary = morning_summary(night, title)
    if next_step == "ask_sleep":
        return f"{summary}\n\n{t(MorningText.QUESTION)}"
    if next_step == "ask_kept" and trial_title is not None:
        ask = TrialText.ASK_KEPT_IDEA if night.trial_arm is Arm.IDEA else TrialText.ASK_KEPT_USUAL
        return f"{summary}\n\n{t(ask, title=esc(trial_title))}"
    if next_step == "ask_tried" and title is not None:
        return f"{summary}\n\n{ask_tried(title)}"
    if next_step == "ask_helped":
        return f"{summary}\n\n{t(MorningText.ASK_HELPED)}"
    return f"{summary}\n\n{t(MorningText.THANKS)}"
