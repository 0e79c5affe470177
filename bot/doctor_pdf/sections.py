"""The numbers of the doctor's summary: nights, sleep, ideas tried, warning signs and the chart."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from bot.doctor_pdf.page import (
    CHART_ASPECT,
    CHART_WIDTH,
    MARGIN,
    MIN_CHART_HEIGHT,
    Page,
    date_text,
    latin1,
    number_text,
)
from bot.insights import PeriodSummary, RemedyOutcome, TrialLine
from bot.texts import PdfText, onset_label, sleep_labels, t, tag_label
from bot.texts.base import count
from bot.texts.trial_report import limits_plain, outcome_plain


def nights_section(page: Page, summary: PeriodSummary) -> None:
    page.heading(t(PdfText.NIGHTS))
    rated = summary.nights_rated
    if summary.median_rating is not None:
        median, low, high = (
            number_text(summary.median_rating),
            min(summary.ratings),
            max(summary.ratings),
        )
        rating = t(PdfText.RATING_SPREAD, median=median, low=low, high=high)
    else:
        rating = t(PdfText.NO_RATINGS)
    mornings = sum(summary.sleep_quality_counts.values())
    recorded = t(PdfText.OF, part=summary.nights_recorded, whole=summary.days)
    rows = [
        (t(PdfText.NIGHTS_RECORDED), recorded),
        (t(PdfText.RATED_EVENINGS), str(rated)),
        (t(PdfText.SYMPTOM_NIGHTS), t(PdfText.OF, part=summary.nights_with_symptoms, whole=rated)),
        (t(PdfText.RATING_SCALE), rating),
        (t(PdfText.MORNINGS_ANSWERED), str(mornings)),
        (t(PdfText.EVENINGS_SKIPPED), str(summary.skipped)),
        (t(PdfText.NOTES_WRITTEN), str(summary.notes_count)),
    ]
    if summary.entered_later:
        rows.append((t(PdfText.ENTERED_LATER_ROW), str(summary.entered_later)))
    if summary.onset_counts:
        onsets = ", ".join(
            f"{onset_label(onset).lower()} {count}"
            for onset, count in summary.onset_counts.items()
        )
        rows.append((t(PdfText.ONSETS), onsets))
    for tag in summary.tags:
        value = t(
            PdfText.DAY_TAG_VALUE,
            with_nights=_count(tag.with_nights, PdfText.EVENING, PdfText.EVENINGS),
            with_avg="-" if tag.avg_with is None else number_text(tag.avg_with),
            without_nights=tag.without_nights,
            without_avg="-" if tag.avg_without is None else number_text(tag.avg_without),
        )
        rows.append((t(PdfText.DAY_TAG, tag=tag_label(tag.trigger).lower()), value))
    page.table(rows, [85.0, page.width - 85.0], heading=False)


def _count(n: int, one: PdfText, many: PdfText) -> str:
    return t(one if n == 1 else many, n=n)


def sleep_section(page: Page, summary: PeriodSummary) -> None:
    page.heading(t(PdfText.SLEEP_QUALITY))
    page.line(t(PdfText.SLEEP_QUESTION), size=8.5, height=4.5)
    labels = sleep_labels()
    counts = [str(summary.sleep_quality_counts.get(level, 0)) for level in range(1, 6)]
    width = page.width / len(labels)
    page.table([list(labels), counts], [width] * len(labels), aligns=["CENTER"] * len(labels))
    median = summary.median_sleep_quality
    if median is not None:
        low = int(median)
        word = labels[low - 1]
        if median != low:
            word = t(PdfText.SLEEP_BETWEEN, low=word, high=labels[low])
        page.line(t(PdfText.SLEEP_MEDIAN, word=word.lower()), size=9)


def remedies_section(page: Page, outcomes: Sequence[RemedyOutcome], most: int) -> None:
    page.heading(t(PdfText.IDEAS_HEADING))
    if not outcomes:
        page.line(t(PdfText.NO_IDEAS), size=9)
        return
    keys = [
        PdfText.IDEA,
        PdfText.NIGHTS_TRIED,
        PdfText.ANSWER_NO,
        PdfText.ANSWER_A_BIT,
        PdfText.ANSWER_CLEARLY,
        PdfText.NO_ANSWER,
    ]
    widths = [70.0, 20.0, 22.0, 22.0, 22.0]
    # Idea evenings of a trial were asked the trial's questions, not "did it help?".
    trial = any(o.in_trial for o in outcomes)
    if trial:
        keys.append(PdfText.IN_A_TRIAL)
        widths = [56.0, 18.0, 20.0, 20.0, 20.0, 22.0]
    widths.append(page.width - sum(widths))
    header = [t(key) for key in keys]

    def counts(o: RemedyOutcome) -> list[int]:
        numbers = [o.tried, o.no, o.a_bit, o.clearly, o.unanswered]
        return [*numbers, o.in_trial] if trial else numbers

    if len(outcomes) <= most:
        shown, hidden = list(outcomes), []
    else:
        shown, hidden = list(outcomes[: most - 1]), list(outcomes[most - 1 :])
    rows = [header]
    for o in shown:
        title = latin1(o.title) or o.remedy_id
        rows.append([title, *map(str, counts(o))])
    if hidden:
        totals = [sum(column) for column in zip(*map(counts, hidden), strict=True)]
        rows.append([t(PdfText.OTHER_IDEAS, n=len(hidden)), *map(str, totals)])
    page.table(rows, widths, aligns=["LEFT"] + ["CENTER"] * (len(widths) - 1))
    page.line(t(PdfText.IDEAS_CAVEAT), size=8.5, height=4.5)


def red_flags_section(
    page: Page, summary: PeriodSummary, titles: Mapping[str, str], most: int
) -> None:
    if not summary.red_flag_nights:
        return
    page.heading(t(PdfText.WARNING_SIGNS))
    lines = summary.red_flag_nights
    shown = list(lines if len(lines) <= most else lines[: most - 1])
    for night, ids in shown:
        names = "; ".join(titles.get(i, i) for i in ids)
        page.line(f"{date_text(night)}: {names}", size=9, height=4.8)
    if len(shown) < len(lines):
        rest = lines[len(shown) :]
        first, last = date_text(rest[0][0]), date_text(rest[-1][0])
        more = t(PdfText.MORE_WARNING_NIGHTS, n=len(rest), first=first, last=last)
        page.line(more, size=9, height=4.8)


def trials_section(page: Page, trials: Sequence[TrialLine], most: int) -> None:
    """The personal trials of the period, newest first: idea, dates, and what the nights
    showed in the trial's own words (which hold the nights and those kept as planned)."""
    if not trials:
        return
    page.heading(t(PdfText.TRIALS_HEADING))
    page.line(t(PdfText.TRIALS_METHOD), size=8.5, height=4.5)
    shown = list(trials if len(trials) <= most else trials[: most - 1])
    rows = [[t(PdfText.IDEA), t(PdfText.TRIAL_DATES), t(PdfText.TRIAL_RESULT)]]
    for trial in shown:
        title = latin1(trial.title) or trial.remedy_id
        result = outcome_plain(trial.outcome, trial.title)
        if trial.running:
            idea = t(PdfText.TRIAL_RUNNING, title=title)
            dates = t(PdfText.TRIAL_SINCE, start=date_text(trial.start))
            result = t(PdfText.TRIAL_SO_FAR, result=result)
        else:
            key = PdfText.TRIAL_STOPPED if trial.outcome.stopped else None
            idea = title if key is None else t(key, title=title)
            dates = t(PdfText.TRIAL_SPAN, start=date_text(trial.start), end=date_text(trial.end))
        rows.append([idea, dates, result])
    widths = [48.0, 30.0]
    widths.append(page.width - sum(widths))
    page.table(rows, widths)
    hidden = len(trials) - len(shown)
    if hidden:
        page.line(t(PdfText.MORE_TRIALS, trials=count(hidden, "earlier trial")), size=9)
    page.line(limits_plain(), size=8.5, style="I", height=4.5)


def chart_section(page: Page, png: bytes, table_height: float) -> None:
    """The /report chart: on this page, a little smaller if that makes it fit, else at the top
    of the next, as large as leaves room there for the table of nights (`table_height`)."""
    full = CHART_WIDTH * CHART_ASPECT
    height = min(full, page.room - 9.0)
    if height < MIN_CHART_HEIGHT:
        page.pdf.add_page()
        height = full
        if page.room - 9.0 - table_height >= MIN_CHART_HEIGHT:
            height = min(full, page.room - 9.0 - table_height)
    page.heading(t(PdfText.CHART_HEADING))
    page.pdf.image(io.BytesIO(png), x=MARGIN, w=height / CHART_ASPECT, h=height)


# -- every night of the period, and the space to fill in -------------------------------------
