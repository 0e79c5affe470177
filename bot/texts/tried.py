"""Sentences of "what you tried and how it went", for /report and the weekly message: each
idea tried, the person's own answers, and the evenings after it, described as what happened
alongside an idea, never as what it did."""

from __future__ import annotations

from collections.abc import Sequence
from enum import auto

from bot.insights import MIN_TRIED_NIGHTS, RemedyOutcome
from bot.models import Helped
from bot.texts.base import TextKey, catalog, count, esc, t


class TriedText(TextKey):
    """Keys of the what-you-tried sentences."""

    TOO_FEW = auto()
    WHAT_HELPED_HEADING = auto()
    NOTHING_TRIED = auto()
    ALONGSIDE = auto()
    ONCE = auto()
    TWICE = auto()
    TIMES = auto()
    ANSWER_COUNT = auto()
    NO_ANSWER_YET = auto()
    ANSWERS = auto()
    UNANSWERED = auto()
    IN_TRIAL = auto()
    NO_RATINGS_AFTER = auto()
    NOTHING_TO_COMPARE = auto()
    COMPARED = auto()
    TRIED_ON = auto()
    LESS_OFTEN = auto()
    DID_NOT_HELP = auto()
    HELPED_A_BIT = auto()
    HELPED_CLEARLY = auto()


SENTENCES = catalog(
    TriedText,
    {
        TriedText.TOO_FEW: "too few nights to tell yet",
        TriedText.WHAT_HELPED_HEADING: "<b>What you tried and how it went</b>",
        TriedText.NOTHING_TRIED: (
            "You haven't tried any of my ideas yet, or haven't told me in the morning. When "
            "you tap “I'll try it” at bedtime, I ask the next morning whether it helped. After "
            "{minimum} nights with the same idea, I can show you how those nights went."
        ),
        TriedText.ALONGSIDE: (
            "This shows what happened alongside it, not whether it made the difference."
        ),
        TriedText.ONCE: "once",
        TriedText.TWICE: "twice",
        TriedText.TIMES: "{n} times",
        TriedText.ANSWER_COUNT: "{words} {times}",
        TriedText.NO_ANSWER_YET: "You haven't said yet whether it helped.",
        TriedText.ANSWERS: "Your mornings said it {answers}{unanswered}.",
        TriedText.UNANSWERED: "; no answer on {mornings}",
        TriedText.IN_TRIAL: (
            "Idea evenings of a trial among them: {n} (“Your trials” in /report says what "
            "the trial found)."
        ),
        TriedText.NO_RATINGS_AFTER: (
            "There are no ratings yet from the evenings after you tried it, so I can't compare."
        ),
        TriedText.NOTHING_TO_COMPARE: (
            "On evenings after you tried it, your legs averaged {after}/10 (0 is calm, 10 the "
            "worst); there are no other rated evenings to compare with yet."
        ),
        TriedText.COMPARED: (
            "On evenings after you tried it, your legs averaged {after}/10, against "
            "{other}/10 on other evenings (lower is calmer). {alongside}"
        ),
        TriedText.TRIED_ON: "• <b>{title}</b>: tried on {nights}",
        TriedText.LESS_OFTEN: "…and {ideas} you tried less often (see /export).",
        TriedText.DID_NOT_HELP: "didn't help",
        TriedText.HELPED_A_BIT: "helped a bit",
        TriedText.HELPED_CLEARLY: "helped clearly",
    },
)

HELPED_WORDS = {
    Helped.NO: TriedText.DID_NOT_HELP,
    Helped.A_BIT: TriedText.HELPED_A_BIT,
    Helped.CLEARLY: TriedText.HELPED_CLEARLY,
}


def helped_words(helped: Helped) -> str:
    """A morning answer in plain words: "didn't help", "helped a bit", "helped clearly"."""
    return t(HELPED_WORDS[helped])


def _times(n: int) -> str:
    if n in (1, 2):
        return t(TriedText.ONCE if n == 1 else TriedText.TWICE)
    return t(TriedText.TIMES, n=n)


def _answers(outcome: RemedyOutcome) -> str:
    parts = [
        t(TriedText.ANSWER_COUNT, words=helped_words(helped), times=_times(n))
        for helped, n in (
            (Helped.CLEARLY, outcome.clearly),
            (Helped.A_BIT, outcome.a_bit),
            (Helped.NO, outcome.no),
        )
        if n
    ]
    trial = ""
    if outcome.in_trial:  # those mornings asked a trial's questions instead
        trial = " " + t(TriedText.IN_TRIAL, n=outcome.in_trial)
    if not parts:
        if outcome.tried == outcome.in_trial:
            return trial.strip()
        return t(TriedText.NO_ANSWER_YET) + trial
    unanswered = ""
    if outcome.unanswered:
        unanswered = t(TriedText.UNANSWERED, mornings=count(outcome.unanswered, "morning"))
    return t(TriedText.ANSWERS, answers=", ".join(parts), unanswered=unanswered) + trial


def _averages(outcome: RemedyOutcome) -> str:
    after, other = outcome.avg_rating_after, outcome.avg_rating_other
    if after is None:
        return t(TriedText.NO_RATINGS_AFTER)
    if other is None:
        return t(TriedText.NOTHING_TO_COMPARE, after=f"{after:.1f}")
    alongside = t(TriedText.ALONGSIDE)
    return t(TriedText.COMPARED, after=f"{after:.1f}", other=f"{other:.1f}", alongside=alongside)


def outcome_entry(outcome: RemedyOutcome) -> str:
    """One remedy's lines in the what-you-tried section."""
    head = t(TriedText.TRIED_ON, title=esc(outcome.title), nights=count(outcome.tried, "night"))
    if not outcome.enough:
        return f"{head}, {t(TriedText.TOO_FEW)}. {_answers(outcome)}"
    return f"{head}. {_answers(outcome)}\n{_averages(outcome)}"


def what_helped(outcomes: Sequence[RemedyOutcome], *, max_entries: int | None = None) -> str:
    """The section for /report and the weekly message: each idea tried and how those nights
    went. `max_entries` keeps only the most-tried ideas (the rest are counted in one line)."""
    heading = t(TriedText.WHAT_HELPED_HEADING)
    if not outcomes:
        return f"{heading}\n{t(TriedText.NOTHING_TRIED, minimum=MIN_TRIED_NIGHTS)}"
    shown = list(outcomes if max_entries is None else outcomes[: max(max_entries, 0)])
    lines = [heading, *(outcome_entry(o) for o in shown)]
    hidden = len(outcomes) - len(shown)
    if hidden:
        lines.append(t(TriedText.LESS_OFTEN, ideas=count(hidden, "more idea")))
    return "\n".join(lines)
