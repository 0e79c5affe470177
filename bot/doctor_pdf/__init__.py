"""The summary a person can take to their doctor: one or two A4 pages (fpdf2, core Helvetica).

Page one holds the numbers (nights, sleep, ideas tried, warning signs, personal trials) and,
when it fits, the /report chart; then the ratings night by night (every date of the period, a
missing night listed as not recorded; a trial evening with its kind and the night's score) and
labelled space to fill in at the appointment. Text is wrapped, never cut. Every string goes
through `latin1` first: the core fonts only know Latin-1, and a remedy title or label with
curly quotes or an emoji must never crash the export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.doctor_pdf.nightly import (
    FILL_IN_HEIGHT,
    fill_in_section,
    night_by_night_height,
    nightly_section,
)
from bot.doctor_pdf.page import (
    FOOTER_HEIGHT,
    LAYOUTS,
    MARGIN,
    MAX_PAGES,
    MIN_CHART_HEIGHT,
    Document,
    Layout,
    Page,
    date_text,
    latin1,
)
from bot.doctor_pdf.sections import (
    chart_section,
    nights_section,
    red_flags_section,
    remedies_section,
    sleep_section,
    trials_section,
)
from bot.insights import PeriodSummary
from bot.texts import PdfText, t

__all__ = ["latin1", "summary_pdf"]


def summary_pdf(
    summary: PeriodSummary,
    *,
    tz: str,
    generated_at: dt.datetime,
    red_flag_titles: Mapping[str, str] | None = None,
    chart_png: bytes | None = None,
) -> bytes:
    """The period's nights, ratings, sleep, ideas tried and warning signs, the chart (when
    given), every night in a table and space to fill in by hand: at most two A4 pages."""
    for layout in LAYOUTS:
        pdf = _build(summary, tz, generated_at, red_flag_titles or {}, chart_png, layout)
        if pdf.pages_count <= MAX_PAGES:
            break
    assert pdf.pages_count <= MAX_PAGES
    return bytes(pdf.output())


def _build(
    summary: PeriodSummary,
    tz: str,
    generated_at: dt.datetime,
    titles: Mapping[str, str],
    chart_png: bytes | None,
    layout: Layout,
) -> Document:
    pdf = Document(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + FOOTER_HEIGHT)
    pdf.set_title(latin1(t(PdfText.TITLE)))
    pdf.set_creator(t(PdfText.CREATOR))
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    page = Page(pdf)

    local = generated_at.astimezone(ZoneInfo(tz))
    page.line(t(PdfText.TITLE), size=16, style="B", height=9.0)
    start, end = date_text(summary.start), date_text(summary.end)
    page.line(t(PdfText.PERIOD, start=start, end=end, days=summary.days, tz=tz), size=9.5)
    page.line(t(PdfText.MADE_ON, date=date_text(local), time=f"{local:%H:%M}"), size=9.5)

    nights_section(page, summary)
    sleep_section(page, summary)
    remedies_section(page, summary.outcomes, layout.remedy_rows)
    red_flags_section(page, summary, titles, layout.flag_lines)
    trials_section(page, summary.trials, layout.trial_rows)
    chart = chart_png if layout.chart else None
    # The space to fill in goes where it fits first: under the numbers when the chart would
    # not fit there anyway, else after the table of nights.
    filled = False
    if (
        chart is not None
        and page.room < MIN_CHART_HEIGHT + 9.0
        and page.room >= FILL_IN_HEIGHT + 9.0
    ):
        fill_in_section(page)
        filled = True
    reserve = 0.0 if filled else FILL_IN_HEIGHT
    if chart is not None:
        chart_section(page, chart, night_by_night_height(page, summary) + reserve)
    nightly_section(page, summary, reserve=reserve)
    if not filled:
        fill_in_section(page)
    return pdf
