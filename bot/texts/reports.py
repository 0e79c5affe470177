"""Sentences of looking back: /report (its summary and its chart's words) and the weekly
message. What the numbers show is described as what happened alongside an idea, never as
what it did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from enum import auto

from bot.insights import PeriodSummary
from bot.texts.base import MAX_MESSAGE_LENGTH, TextKey, catalog, count, day, esc, t
from bot.texts.evening import onset_label, tag_label
from bot.texts.morning import sleep_label
from bot.texts.tried import what_helped

MAX_RED_FLAG_DATES = 5
MAX_RED_FLAG_NAMES = 8


class ReportText(TextKey):
    """Keys of the report sentences."""

    TAGS_CAVEAT = auto()
    RED_FLAG_ADVICE = auto()
    REPORT_EMPTY = auto()
    WEEKLY_EMPTY = auto()
    WEEKLY_OPT_OUT = auto()
    DOCTOR_PDF_CAPTION = auto()
    DOCTOR_EMPTY = auto()
    CHART_CAPTION = auto()
    RED_FLAGS = auto()
    MORE = auto()
    LATEST = auto()
    NO_MORNINGS = auto()
    SLEEP_ONE = auto()
    SLEEP_FEW = auto()
    SLEEP_COUNTS = auto()
    BETWEEN = auto()
    NO_RATINGS = auto()
    TYPICAL_RATING = auto()
    RANGING = auto()
    GAP_NIGHTS = auto()
    GAP_MORNINGS = auto()
    GAP_ANSWERS = auto()
    WEEK_IS_SHORT = auto()
    PATTERNS = auto()
    TOGETHER = auto()
    CANNOT_SHOW = auto()
    CANNOT_SHOW_YET = auto()
    HONESTY = auto()
    PERIOD_HEADING = auto()
    RECORDED = auto()
    BOTHERED = auto()
    SKIPPED_EVENINGS = auto()
    WROTE_NOTES = auto()
    YOU_DID = auto()
    AND = auto()
    FILLED_IN = auto()
    ONSET_COUNTS = auto()
    TAGS_HEADING = auto()
    TAG_LINE = auto()
    WEEK_HEADING = auto()
    WEEK_STRIP = auto()
    WEEK_RATED = auto()


SENTENCES = catalog(
    ReportText,
    {
        ReportText.TAGS_CAVEAT: (
            "Tags show what went together on your evenings, not what made the difference; "
            "a few evenings can differ by chance."
        ),
        ReportText.RED_FLAG_ADVICE: "Please mention them to your doctor.",
        ReportText.REPORT_EMPTY: (
            "There is nothing to show yet: no nights recorded in the last four weeks. After a "
            "few evening check-ins, /report shows how your nights went. Start one now with "
            "/checkin."
        ),
        ReportText.WEEKLY_EMPTY: (
            "Your week: no check-ins were answered in the last seven nights, so there's "
            "nothing to sum up. Whenever you're ready, /checkin is there."
        ),
        ReportText.DOCTOR_PDF_CAPTION: (
            "Your summary for a doctor, to show them if you want to. It holds your ratings, "
            "sleep, the ideas you tried and the warning signs noted, but not the words of your "
            "notes."
        ),
        ReportText.DOCTOR_EMPTY: "There is nothing to put in a summary yet: no nights recorded.",
        ReportText.WEEKLY_OPT_OUT: (
            "You can change the day or stop this weekly message in /settings."
        ),
        ReportText.CHART_CAPTION: (
            "Your last {days}: how your legs felt each evening (0 calm, 10 worst), how you "
            "slept, the nights you tried an idea, skipped, or noted a warning sign."
        ),
        ReportText.RED_FLAGS: "⚠️ {nights} with a warning sign noted: {names} ({dates}). {advice}",
        ReportText.MORE: "{n} more",
        ReportText.LATEST: "latest {dates}",
        ReportText.NO_MORNINGS: "Sleep: no morning answers yet.",
        ReportText.SLEEP_ONE: "Sleep, on the one morning you answered: {quality}.",
        ReportText.SLEEP_FEW: "Sleep, on the {mornings} you answered: {counts}.",
        ReportText.SLEEP_COUNTS: (
            "Sleep, on the {mornings} you answered: {counts}; typically {typical}."
        ),
        ReportText.BETWEEN: "between {low} and {high}",
        ReportText.NO_RATINGS: "No ratings yet in these nights.",
        ReportText.TYPICAL_RATING: "Typical rating (the median): {median}/10{spread}.",
        ReportText.RANGING: ", ranging from {low} to {high}",
        ReportText.GAP_NIGHTS: "{nights} of {days} {have} no entry",
        ReportText.GAP_MORNINGS: "{evenings} {have} no morning answer",
        ReportText.GAP_ANSWERS: "{ideas} {have} no answer to “did it help?”",
        ReportText.WEEK_IS_SHORT: "A week is short: one hard night moves these numbers a lot.",
        ReportText.PATTERNS: "Patterns over many nights say more than any single night.",
        ReportText.TOGETHER: (
            "Your diary shows what happened together, not what made the difference."
        ),
        ReportText.CANNOT_SHOW: "What this can't show: why any one night went the way it did.",
        ReportText.CANNOT_SHOW_YET: "What this can't show yet: {gaps}.",
        ReportText.HONESTY: "<i>{cannot} {short} {together}</i>",
        ReportText.PERIOD_HEADING: "<b>Your nights from {period}</b>",
        ReportText.RECORDED: (
            "You recorded {recorded} of these {days} and rated your legs on {rated}."
        ),
        ReportText.BOTHERED: (
            "Evenings your legs bothered you (1/10 or more): {symptoms} of {rated}."
        ),
        ReportText.SKIPPED_EVENINGS: "skipped {evenings}",
        ReportText.WROTE_NOTES: "wrote {notes}",
        ReportText.YOU_DID: "You {what}.",
        ReportText.AND: " and ",
        ReportText.FILLED_IN: "filled in {nights} afterwards",
        ReportText.ONSET_COUNTS: "<b>When the urge started</b>: {counts}.",
        ReportText.TAGS_HEADING: (
            "<b>Day tags</b> (your legs on evenings with and without each; lower is calmer):"
        ),
        ReportText.TAG_LINE: (
            "• {tag}: {with_nights} with, averaging {with_avg}; {without_nights} without, "
            "averaging {without_avg}."
        ),
        ReportText.WEEK_HEADING: "<b>Your week</b>, {period}",
        ReportText.WEEK_STRIP: "Legs each evening (0 to 10): {strip}",
        ReportText.WEEK_RATED: (
            "You rated {rated} of {days}; your legs bothered you (1/10 or more) on {symptoms}."
        ),
    },
)


def chart_caption(days: int) -> str:
    """Caption of the /report chart (photo captions are limited to 1024 characters)."""
    return t(ReportText.CHART_CAPTION, days=count(days, "night"))


# -- helpers --------------------------------------------------------------------------------


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def sleep_word(median: float) -> str:
    """A median of 1..5 in words; a half-way median (3.5) is "between fair and good"."""
    low = int(median)
    if median == low:
        return sleep_label(low).lower()
    return t(ReportText.BETWEEN, low=sleep_label(low).lower(), high=sleep_label(low + 1).lower())


def _period(summary: PeriodSummary) -> str:
    return f"{day(summary.start)} to {day(summary.end)}"


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
        shown.append(t(ReportText.MORE, n=len(names) - len(shown)))
    latest = summary.red_flag_nights[-MAX_RED_FLAG_DATES:]
    dates = ", ".join(day(night) for night, _ in latest)
    if len(summary.red_flag_nights) > len(latest):
        dates = t(ReportText.LATEST, dates=dates)
    return t(
        ReportText.RED_FLAGS,
        nights=count(len(summary.red_flag_nights), "night"),
        names=esc("; ".join(shown)),  # titles may hold commas themselves
        dates=dates,
        advice=t(ReportText.RED_FLAG_ADVICE),
    )


def _sleep_line(summary: PeriodSummary) -> str:
    """How the person slept, best first: "3 good, 1 poor"; "typically" (the median) only from
    three mornings on, where a middle value means something."""
    answered = sum(summary.sleep_quality_counts.values())
    if not answered or summary.median_sleep_quality is None:
        return t(ReportText.NO_MORNINGS)
    if answered == 1:
        [level] = [level for level, n in summary.sleep_quality_counts.items() if n]
        return t(ReportText.SLEEP_ONE, quality=sleep_label(level).lower())
    counts = ", ".join(
        f"{n} {sleep_label(level).lower()}"
        for level, n in sorted(summary.sleep_quality_counts.items(), reverse=True)
        if n
    )
    mornings = count(answered, "morning")
    if answered < 3:
        return t(ReportText.SLEEP_FEW, mornings=mornings, counts=counts)
    typical = sleep_word(summary.median_sleep_quality)
    return t(ReportText.SLEEP_COUNTS, mornings=mornings, counts=counts, typical=typical)


def _ratings_line(summary: PeriodSummary) -> str:
    if summary.median_rating is None:
        return t(ReportText.NO_RATINGS)
    low, high = min(summary.ratings), max(summary.ratings)
    spread = t(ReportText.RANGING, low=low, high=high) if low != high else ""
    return t(ReportText.TYPICAL_RATING, median=_number(summary.median_rating), spread=spread)


def _honesty(summary: PeriodSummary, *, week: bool) -> str:
    gaps = []
    missing_nights = summary.days - summary.nights_recorded
    if missing_nights > 0:
        nights = count(missing_nights, "night")
        gaps.append(
            t(ReportText.GAP_NIGHTS, nights=nights, days=summary.days, have=_has(missing_nights))
        )
    missing = summary.mornings_missing
    if missing:
        evenings = count(missing, "evening")
        gaps.append(t(ReportText.GAP_MORNINGS, evenings=evenings, have=_has(missing)))
    unanswered = sum(o.unanswered for o in summary.outcomes)
    if unanswered:
        ideas = count(unanswered, "tried idea")
        gaps.append(t(ReportText.GAP_ANSWERS, ideas=ideas, have=_has(unanswered)))
    short = t(ReportText.WEEK_IS_SHORT if week else ReportText.PATTERNS)
    if not gaps:
        cannot = t(ReportText.CANNOT_SHOW)
    else:
        cannot = t(ReportText.CANNOT_SHOW_YET, gaps="; ".join(gaps))
    return t(ReportText.HONESTY, cannot=cannot, short=short, together=t(ReportText.TOGETHER))


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
        return t(ReportText.REPORT_EMPTY)

    def build(shown: int) -> str:
        lines = [
            t(ReportText.PERIOD_HEADING, period=_period(summary)),
            t(
                ReportText.RECORDED,
                recorded=summary.nights_recorded,
                days=count(summary.days, "night"),
                rated=summary.nights_rated,
            ),
        ]
        if summary.nights_rated:
            symptoms = summary.nights_with_symptoms
            lines.append(t(ReportText.BOTHERED, symptoms=symptoms, rated=summary.nights_rated))
        lines.append(_ratings_line(summary))
        lines.append(_sleep_line(summary))
        extras = []
        if summary.skipped:
            extras.append(
                t(ReportText.SKIPPED_EVENINGS, evenings=count(summary.skipped, "evening"))
            )
        if summary.notes_count:
            extras.append(t(ReportText.WROTE_NOTES, notes=count(summary.notes_count, "note")))
        if summary.entered_later:
            nights = count(summary.entered_later, "night")
            extras.append(t(ReportText.FILLED_IN, nights=nights))
        if extras:
            what = ", ".join(extras[:-1]) + t(ReportText.AND) + extras[-1]
            lines.append(t(ReportText.YOU_DID, what=what if len(extras) > 1 else extras[0]))
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
            f"{onset_label(onset).lower()} {n}" for onset, n in summary.onset_counts.items()
        )
        lines += ["", t(ReportText.ONSET_COUNTS, counts=counts)]
    if summary.tags:
        lines += ["", t(ReportText.TAGS_HEADING)]
        for tag in summary.tags:
            with_avg = "–" if tag.avg_with is None else f"{tag.avg_with:.1f}/10"
            without_avg = "–" if tag.avg_without is None else f"{tag.avg_without:.1f}/10"
            line = t(
                ReportText.TAG_LINE,
                tag=tag_label(tag.trigger).lower(),
                with_nights=count(tag.with_nights, "evening"),
                with_avg=with_avg,
                without_nights=tag.without_nights,
                without_avg=without_avg,
            )
            lines.append(line)
        lines.append(f"<i>{t(ReportText.TAGS_CAVEAT)}</i>")
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
    opt_out = t(ReportText.WEEKLY_OPT_OUT)
    if summary.nights_rated == 0 and summary.nights_recorded == 0:
        return f"{t(ReportText.WEEKLY_EMPTY)}\n{opt_out}"

    def build(shown: int) -> str:
        lines = [t(ReportText.WEEK_HEADING, period=_period(summary))]
        if summary.days <= 7:
            lines.append(t(ReportText.WEEK_STRIP, strip=_week_strip(summary)))
        lines.append(
            t(
                ReportText.WEEK_RATED,
                rated=summary.nights_rated,
                days=count(summary.days, "evening"),
                symptoms=summary.nights_with_symptoms,
            )
        )
        lines.append(_ratings_line(summary))
        lines.append(_sleep_line(summary))
        flags = _red_flags(summary, red_flag_titles)
        if flags:
            lines += ["", flags]
        lines += ["", what_helped(summary.outcomes, max_entries=shown)]
        lines += _day_notes(summary)
        lines += ["", _honesty(summary, week=True), opt_out]
        return "\n".join(lines)

    return _fit(build, len(summary.outcomes))
