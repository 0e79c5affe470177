"""Sentences of the review feature: /report, the weekly message, the doctor's PDF, JSON transfer.

Same rules as the rest of bot/texts: plain, kind words, Telegram HTML with every person- or
content-supplied string passed through `esc`. What the numbers show is described as what
happened alongside an idea, never as what it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from bot.insights import MIN_TRIED_NIGHTS, PeriodSummary, RemedyOutcome
from bot.texts import (
    MAX_MESSAGE_LENGTH,
    ONSET_LABELS,
    SLEEP_QUALITY,
    TRIGGER_LABELS,
    day,
    esc,
)

TOO_FEW = "too few nights to tell yet"
WHAT_HELPED_HEADING = "<b>What you tried and how it went</b>"
NOTHING_TRIED = (
    "You haven't tried any of my ideas yet, or haven't told me in the morning. When you tap "
    "“I'll try it” at bedtime, I ask the next morning whether it helped. After "
    f"{MIN_TRIED_NIGHTS} nights with the same idea, I can show you how those nights went."
)
ALONGSIDE = "This shows what happened alongside it, not whether it made the difference."
TAGS_CAVEAT = (
    "Tags show what went together on your evenings, not what made the difference; "
    "a few evenings can differ by chance."
)
RED_FLAG_ADVICE = "Please mention them to your doctor."
MAX_RED_FLAG_DATES = 5
MAX_RED_FLAG_NAMES = 8

REPORT_EMPTY = (
    "There is nothing to show yet: no nights recorded in the last four weeks. After a few "
    "evening check-ins, /report shows how your nights went. Start one now with /checkin."
)
WEEKLY_EMPTY = (
    "Your week: no check-ins were answered in the last seven nights, so there's nothing to "
    "sum up. Whenever you're ready, /checkin is there."
)
WEEKLY_OPT_OUT = "You can change the day or stop this weekly message in /settings."
DOCTOR_PDF_CAPTION = (
    "A one-page summary of your diary to show your doctor, if you want to. It holds your "
    "ratings, sleep and the ideas you tried, but not the words of your notes."
)
DOCTOR_EMPTY = "There is nothing to put in a summary yet: no nights recorded."
EXPORT_JSON_CAPTION = (
    "Everything I store about you, as one file. Keep it safe: it holds your notes. You can "
    "load it into this bot (or another copy of it) later with /import."
)
IMPORT_ASK = (
    "Send me a diary file that this bot made with /export (a .json file), and I'll check it "
    "before anything changes."
)
IMPORT_CONFIRM_BUTTON = "Yes, replace my diary"
IMPORT_CANCEL_BUTTON = "Cancel"
IMPORT_CANCELLED = "Cancelled. Nothing was changed."


def chart_caption(days: int) -> str:
    """Caption of the /report chart (photo captions are limited to 1024 characters)."""
    return (
        f"Your last {days} nights: how your legs felt each evening (0 to 10), how you slept, "
        "and the nights you tried an idea."
    )


def import_confirm(nights_in_file: int, nights_now: int) -> str:
    """Asked once the file checked out, before anything is replaced."""
    return (
        f"The file looks good: it holds {_count(nights_in_file, 'night')} and your settings. "
        f"Loading it <b>replaces</b> what I store about you now ({_count(nights_now, 'night')}). "
        "This cannot be undone.\n\nReplace your diary with the file?"
    )


def import_done(nights: int) -> str:
    """After a successful import."""
    return f"Done. Your diary now holds the {_count(nights, 'night')} from the file."


def import_rejected(reason: str) -> str:
    """The file was refused; `reason` is ImportRejected's plain sentence."""
    return f"I couldn't use that file. {esc(reason)} Nothing was changed."


# -- helpers --------------------------------------------------------------------------------


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _sleep_word(median: float) -> str:
    """A median of 1..5 in words; a half-way median (3.5) is "between fair and good"."""
    low = int(median)
    if median == low:
        return SLEEP_QUALITY[low - 1].lower()
    return f"between {SLEEP_QUALITY[low - 1].lower()} and {SLEEP_QUALITY[low].lower()}"


def _period(summary: PeriodSummary) -> str:
    return f"{day(summary.start)} to {day(summary.end)}"


# -- what you tried -------------------------------------------------------------------------


def _answers(outcome: RemedyOutcome) -> str:
    parts = [
        f"“{label}” {_times(n)}"
        for label, n in (
            ("clearly", outcome.clearly),
            ("a bit", outcome.a_bit),
            ("no", outcome.no),
        )
        if n
    ]
    if not parts:
        return "You haven't said yet whether it helped."
    text = "Your answers to “did it help?”: " + ", ".join(parts)
    if outcome.unanswered:
        text += f"; no answer on {_count(outcome.unanswered, 'morning')}"
    return text + "."


def _averages(outcome: RemedyOutcome) -> str:
    after, other = outcome.avg_rating_after, outcome.avg_rating_other
    if after is None:
        return "There are no ratings yet from the evenings after you tried it, so I can't compare."
    if other is None:
        return (
            f"On evenings after you tried it, your legs averaged {after:.1f}/10; there are no "
            "other rated evenings to compare with yet."
        )
    return (
        f"On evenings after you tried it, your legs averaged {after:.1f}/10, against "
        f"{other:.1f}/10 on other evenings. {ALONGSIDE}"
    )


def outcome_entry(outcome: RemedyOutcome) -> str:
    """One remedy's lines in the what-you-tried section."""
    head = f"• <b>{esc(outcome.title)}</b>: tried on {_count(outcome.tried, 'night')}"
    if not outcome.enough:
        return f"{head}, {TOO_FEW}. {_answers(outcome)}"
    return f"{head}. {_answers(outcome)}\n{_averages(outcome)}"


def what_helped(outcomes: Sequence[RemedyOutcome], *, max_entries: int | None = None) -> str:
    """The section for /report and the weekly message: each idea tried and how those nights went.

    `max_entries` keeps only the most-tried ideas (the rest are counted in one line).
    """
    if not outcomes:
        return f"{WHAT_HELPED_HEADING}\n{NOTHING_TRIED}"
    shown = list(outcomes if max_entries is None else outcomes[: max(max_entries, 0)])
    lines = [WHAT_HELPED_HEADING, *(outcome_entry(o) for o in shown)]
    hidden = len(outcomes) - len(shown)
    if hidden:
        lines.append(f"…and {_count(hidden, 'more idea')} you tried less often (see /export).")
    return "\n".join(lines)


# -- the period summaries -------------------------------------------------------------------


def _red_flags(summary: PeriodSummary, titles: Mapping[str, str] | None) -> str | None:
    if not summary.red_flag_nights:
        return None
    names: dict[str, None] = {}
    for _, ids in summary.red_flag_nights:
        for flag in ids:
            names[(titles or {}).get(flag, flag)] = None
    shown = list(names)[:MAX_RED_FLAG_NAMES]
    if len(names) > len(shown):
        shown.append(f"{len(names) - len(shown)} more")
    latest = summary.red_flag_nights[-MAX_RED_FLAG_DATES:]
    dates = ", ".join(day(night) for night, _ in latest)
    if len(summary.red_flag_nights) > len(latest):
        dates = f"latest {dates}"
    count = _count(len(summary.red_flag_nights), "night")
    return (
        f"⚠️ {count} with a warning sign noted: {esc(', '.join(shown))} ({dates}). "
        f"{RED_FLAG_ADVICE}"
    )


def _sleep_line(summary: PeriodSummary) -> str:
    answered = sum(summary.sleep_quality_counts.values())
    if not answered or summary.median_sleep_quality is None:
        return "Sleep: no morning answers yet."
    counts = ", ".join(
        f"{SLEEP_QUALITY[level - 1].lower()} {n}"
        for level, n in sorted(summary.sleep_quality_counts.items())
        if n
    )
    return (
        f"Sleep, from your {_count(answered, 'morning')}: {counts}. "
        f"Typically {_sleep_word(summary.median_sleep_quality)}."
    )


def _ratings_line(summary: PeriodSummary) -> str:
    if summary.median_rating is None:
        return "No ratings yet in these nights."
    low, high = min(summary.ratings), max(summary.ratings)
    spread = f", ranging from {low} to {high}" if low != high else ""
    return f"Typical rating (the median): {_number(summary.median_rating)}/10{spread}."


def _honesty(summary: PeriodSummary, *, week: bool) -> str:
    gaps = []
    missing_nights = summary.days - summary.nights_recorded
    if missing_nights > 0:
        gaps.append(
            f"{_count(missing_nights, 'night')} of {summary.days} {_has(missing_nights)} no entry"
        )
    missing = summary.mornings_missing
    if missing:
        gaps.append(f"{_count(missing, 'evening')} {_has(missing)} no morning answer")
    unanswered = sum(o.unanswered for o in summary.outcomes)
    if unanswered:
        gaps.append(
            f"{_count(unanswered, 'tried idea')} {_has(unanswered)} no answer to “did it help?”"
        )
    short = (
        "A week is short: one hard night moves these numbers a lot."
        if week
        else "Patterns over many nights say more than any single night."
    )
    together = "Your diary shows what happened together, not what made the difference."
    if not gaps:
        cannot = "What this can't show: why any one night went the way it did."
    else:
        cannot = f"What this can't show yet: {'; '.join(gaps)}."
    return f"<i>{cannot} {short} {together}</i>"


def _fit(build: Callable[[int], str], outcomes: int) -> str:
    """The text with as many ideas as fit in one message (most-tried first)."""
    for shown in range(outcomes, -1, -1):
        text = build(shown)
        if len(text) <= MAX_MESSAGE_LENGTH:
            return text
    return build(0)[: MAX_MESSAGE_LENGTH - 1] + "…"


def report_summary(
    summary: PeriodSummary, *, red_flag_titles: Mapping[str, str] | None = None
) -> str:
    """The text sent with the /report chart (at most 4096 characters)."""
    if summary.nights_recorded == 0:
        return REPORT_EMPTY

    def build(shown: int) -> str:
        lines = [
            f"<b>Your nights from {_period(summary)}</b>",
            f"You recorded {summary.nights_recorded} of these {summary.days} nights and rated "
            f"your legs on {summary.nights_rated}.",
        ]
        if summary.nights_rated:
            lines.append(
                f"Your legs bothered you (1/10 or more) on {summary.nights_with_symptoms} of "
                f"the {_count(summary.nights_rated, 'rated evening')}."
            )
        lines.append(_ratings_line(summary))
        lines.append(_sleep_line(summary))
        extras = []
        if summary.skipped:
            extras.append(f"skipped {_count(summary.skipped, 'evening')}")
        if summary.notes_count:
            extras.append(f"wrote {_count(summary.notes_count, 'note')}")
        if extras:
            lines.append(f"You {' and '.join(extras)}.")
        flags = _red_flags(summary, red_flag_titles)
        if flags:
            lines += ["", flags]
        lines += ["", what_helped(summary.outcomes, max_entries=shown)]
        lines += _day_notes(summary)
        lines += ["", _honesty(summary, week=False)]
        return "\n".join(lines)

    return _fit(build, len(summary.outcomes))


def _day_notes(summary: PeriodSummary) -> list[str]:
    """Onset answers and day tags, when the person switched them on; never as a cause."""
    lines: list[str] = []
    if summary.onset_counts:
        counts = ", ".join(
            f"{ONSET_LABELS[onset].lower()} {count}"
            for onset, count in summary.onset_counts.items()
        )
        lines += ["", f"<b>When the urge started</b>: {counts}."]
    if summary.tags:
        lines += ["", "<b>Day tags</b> (your legs on evenings with and without each):"]
        for tag in summary.tags:
            label = TRIGGER_LABELS[tag.trigger].lower()
            with_avg = "–" if tag.avg_with is None else f"{tag.avg_with:.1f}/10"
            without_avg = "–" if tag.avg_without is None else f"{tag.avg_without:.1f}/10"
            lines.append(
                f"• {label}: {_count(tag.with_nights, 'evening')} with, averaging {with_avg}; "
                f"{tag.without_nights} without, averaging {without_avg}."
            )
        lines.append(f"<i>{TAGS_CAVEAT}</i>")
    return lines


def _week_strip(summary: PeriodSummary) -> str:
    ratings = {n.night: n.rating for n in summary.nightly}
    cells = []
    for offset in range(summary.days):
        night = summary.start + dt.timedelta(days=offset)
        rating = ratings.get(night)
        cells.append(f"{night:%a} {'–' if rating is None else rating}")
    return " · ".join(cells)


def weekly_summary(
    summary: PeriodSummary, *, red_flag_titles: Mapping[str, str] | None = None
) -> str:
    """The opt-in weekly message about the last seven nights."""
    if summary.nights_rated == 0 and summary.nights_recorded == 0:
        return f"{WEEKLY_EMPTY}\n{WEEKLY_OPT_OUT}"

    def build(shown: int) -> str:
        lines = [f"<b>Your week</b>, {_period(summary)}"]
        if summary.days <= 7:
            lines.append(f"Legs each evening (0 to 10): {_week_strip(summary)}")
        lines.append(
            f"You rated {summary.nights_rated} of {summary.days} evenings; your legs bothered "
            f"you (1/10 or more) on {summary.nights_with_symptoms}."
        )
        lines.append(_ratings_line(summary))
        lines.append(_sleep_line(summary))
        flags = _red_flags(summary, red_flag_titles)
        if flags:
            lines += ["", flags]
        lines += ["", what_helped(summary.outcomes, max_entries=shown)]
        lines += _day_notes(summary)
        lines += ["", _honesty(summary, week=True), WEEKLY_OPT_OUT]
        return "\n".join(lines)

    return _fit(build, len(summary.outcomes))
