"""Personal trials looked back on: /report's part on them, and the answer of `trial_outcome`
without its limits line (several trials share one) or as plain text for the doctor's PDF.
One wording: every answer is made from bot/texts/trial.py's sentences."""

from __future__ import annotations

import re
from enum import auto
from html import unescape

from bot.insights import TrialLine
from bot.texts.base import MAX_MESSAGE_LENGTH, TextKey, catalog, count, day, esc, t
from bot.texts.trial import TrialText, trial_outcome
from bot.trial_plan import TrialOutcome

_TAG = re.compile(r"<[^>]*>")


class TrialReportText(TextKey):
    """Keys of the sentences about trials looked back on."""

    HEADING = auto()
    RUNNING = auto()
    SO_FAR = auto()
    FINISHED = auto()
    STOPPED = auto()
    EARLIER = auto()
    CHOICE = auto()


SENTENCES = catalog(
    TrialReportText,
    {
        TrialReportText.HEADING: "🔬 <b>Your trials</b>",
        TrialReportText.RUNNING: (
            "<b>{title}</b>, from {start}, still running: {kept} of {nights} kept as planned."
        ),
        TrialReportText.SO_FAR: "So far: {result}",
        TrialReportText.FINISHED: "<b>{title}</b>, {start} to {end}:",
        TrialReportText.STOPPED: "<b>{title}</b>, {start} to {end} (stopped early):",
        TrialReportText.EARLIER: "{trials} not shown here; /export has every one.",
        TrialReportText.CHOICE: (
            "A finished trial also guides the ideas I offer: one your trial found likely "
            "makes your nights better comes first on hard evenings, and one that looks worse "
            "for you is not offered again."
        ),
    },
)


# -- the answer, reused -------------------------------------------------------------------------


def limits_line() -> str:
    """What a trial's answer is and is not (Telegram HTML)."""
    return t(TrialText.RESULT_LIMITS)


def outcome_sentence(outcome: TrialOutcome, title: str) -> str:
    """The answer in plain words with its number (Telegram HTML), without the limits line."""
    return trial_outcome(outcome, title).removesuffix(limits_line()).rstrip()


def plain(html: str) -> str:
    """Telegram HTML as the text a person reads: tags dropped, entities decoded."""
    return unescape(_TAG.sub("", html))


def outcome_plain(outcome: TrialOutcome, title: str) -> str:
    """The answer as plain text, for the PDF."""
    return plain(outcome_sentence(outcome, title))


def limits_plain() -> str:
    """The limits line as plain text, for the PDF."""
    return plain(limits_line())


# -- /report ------------------------------------------------------------------------------------


def _entry(line: TrialLine) -> list[str]:
    title = esc(line.title)
    start, end = day(line.start), day(line.end)
    result = outcome_sentence(line.outcome, line.title)
    if line.running:
        nights = count(line.length or 0, "night")
        head = t(
            TrialReportText.RUNNING,
            title=title,
            start=start,
            kept=line.outcome.kept,
            nights=nights,
        )
        return [head, t(TrialReportText.SO_FAR, result=result)]
    key = TrialReportText.STOPPED if line.outcome.stopped else TrialReportText.FINISHED
    return [t(key, title=title, start=start, end=end), result]


def trials_report(lines: list[TrialLine]) -> str:
    """/report's part on the person's trials, newest first: the running one with what its
    nights show so far, then each finished one with its answer; as many as fit one message."""

    def build(shown: int) -> str:
        parts = [t(TrialReportText.HEADING)]
        for line in lines[:shown]:
            parts += ["", *_entry(line)]
        hidden = len(lines) - shown
        if hidden:
            parts += ["", t(TrialReportText.EARLIER, trials=count(hidden, "earlier trial"))]
        parts += ["", f"<i>{t(TrialReportText.CHOICE)}</i>", limits_line()]
        return "\n".join(parts)

    for shown in range(len(lines), 1, -1):
        text = build(shown)
        if len(text) <= MAX_MESSAGE_LENGTH:
            return text
    return build(min(1, len(lines)))  # one trial's words are far below the limit
