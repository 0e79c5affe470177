"""Every night of the doctor's summary in a table (night by night, else by week or month), and
the labelled space to fill in by hand at the appointment."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.doctor_pdf.page import (
    COLUMN_GAP,
    ENTERED_LATER_MARK,
    HEADER_FILL,
    MARGIN,
    MAX_PAGES,
    SMALL_ROW,
    Page,
    date_text,
    latin1,
    number_text,
)
from bot.insights import NightLine, PeriodSummary
from bot.texts import PdfText, sleep_labels, t

FILL_IN_HEIGHT = 76.0  # measured: what `fill_in_section` takes (a test checks it)
NIGHT_WIDTHS = (19.0, 20.0, 17.0)
FOOTNOTE_HEIGHT = 5.0
NOTE_LINE = 4.0
# With a trial column the cells keep less padding, so that three columns of nights still fit
# across the page (each column as wide as its widest text, which is never cut).
TIGHT_PADDING = 0.6
TABLE_FONT = 8.0


@dataclass(frozen=True)
class _Table:
    """A table of the nights: its heading, column headers and widths, rows, cell padding and
    the footnote under it (None: none)."""

    heading: str
    header: list[str]
    widths: list[float]
    rows: list[list[str]]
    padding: float | None = None  # None: fpdf2's own
    note: str | None = None


def _trial_cell(night: NightLine | None) -> str:
    """A trial evening's kind (A idea, B usual) and the night's score; bracketed when the
    evening did not go as planned (so it does not count)."""
    if night is None or night.trial_arm is None:
        return ""
    score = "-" if night.night_score is None else str(night.night_score)
    cell = f"{night.trial_arm.value} {score}"
    return f"({cell})" if night.kept_plan is False else cell


def _widest(page: Page, header: str, cells: list[str], padding: float) -> float:
    page.font(TABLE_FONT, "B")
    width = page.pdf.get_string_width(latin1(header))
    page.font(TABLE_FONT)
    for cell in cells:
        width = max(width, page.pdf.get_string_width(latin1(cell)))
    return round(width + 2 * padding + 0.3, 1)


def _by_night(page: Page, summary: PeriodSummary) -> _Table:
    """Every date of the period on a row of its own; a trial column when it had trial
    evenings."""
    by_day = {n.night: n for n in summary.nightly}
    days = [summary.start + dt.timedelta(days=i) for i in range(summary.days)]
    header = [t(PdfText.NIGHT), t(PdfText.RATING), t(PdfText.SLEEP)]
    rows = [_night_cells(d, by_day.get(d)) for d in days]
    heading = t(PdfText.BY_NIGHT)
    if not any(n.trial_arm is not None for n in summary.nightly):
        return _Table(heading, header, list(NIGHT_WIDTHS), rows)
    header.append(t(PdfText.TRIAL))
    rows = [[*row, _trial_cell(by_day.get(d))] for row, d in zip(rows, days, strict=True)]
    widths = [
        _widest(page, name, [row[i] for row in rows], TIGHT_PADDING)
        for i, name in enumerate(header)
    ]
    return _Table(heading, header, widths, rows, TIGHT_PADDING, t(PdfText.TRIAL_NOTE))


def _note_height(page: Page, note: str | None) -> float:
    if note is None:
        return 0.0
    page.font(TABLE_FONT)
    lines = page.pdf.multi_cell(
        w=page.width, h=NOTE_LINE, text=latin1(note), dry_run=True, output="LINES"
    )
    assert isinstance(lines, list)
    return NOTE_LINE * len(lines) + 1.0


def _columns(page: Page, widths: list[float]) -> int:
    return int((page.width + COLUMN_GAP) // (sum(widths) + COLUMN_GAP))


def night_by_night_height(page: Page, summary: PeriodSummary) -> float:
    """The height of the night-by-night table, in as many columns as fit across."""
    table = _by_night(page, summary)
    rows = -(-summary.days // _columns(page, table.widths))
    later = FOOTNOTE_HEIGHT if summary.entered_later else 0.0
    return 9.0 + (rows + 1) * SMALL_ROW + 1.0 + later + _note_height(page, table.note)


def _night_cells(day: dt.date, night: NightLine | None) -> list[str]:
    label = f"{day:%a} {day.day} {day:%b}"
    if night is None:
        return [label, t(PdfText.NOT_RECORDED), "-"]
    if night.rating is not None:
        rating = str(night.rating)
    elif night.skipped:
        rating = t(PdfText.SKIPPED)
    else:
        rating = t(PdfText.NO_RATING)
    if night.entered_later:
        rating += ENTERED_LATER_MARK
    sleep = "-" if night.sleep_quality is None else sleep_labels()[night.sleep_quality - 1]
    return [label, rating, sleep]


_Group = tuple[str, list[dt.date]]


def _groups(
    days: list[dt.date], key: Callable[[dt.date], dt.date], name: Callable[[dt.date], str]
) -> list[_Group]:
    groups: dict[dt.date, list[dt.date]] = {}
    for day in days:
        groups.setdefault(key(day), []).append(day)
    return [(name(start), members) for start, members in groups.items()]


def _aggregate_cells(group: _Group, by_day: Mapping[dt.date, NightLine]) -> list[str]:
    label, members = group
    found = [by_day[d] for d in members if d in by_day]
    ratings = [n.rating for n in found if n.rating is not None]
    if any(n.entered_later for n in found):
        label += ENTERED_LATER_MARK
    rated = t(PdfText.OF, part=len(ratings), whole=len(members))
    if not ratings:
        return [label, rated, "-", "-"]
    median = number_text(float(statistics.median(ratings)))
    return [label, rated, median, f"{min(ratings)}-{max(ratings)}"]


def nightly_section(page: Page, summary: PeriodSummary, *, reserve: float) -> None:
    """Every date of the period, night by night when that fits, else by week or by month."""
    by_day = {n.night: n for n in summary.nightly}
    days = [summary.start + dt.timedelta(days=i) for i in range(summary.days)]
    weeks = _groups(days, lambda d: d - dt.timedelta(days=d.weekday()), date_text)
    months = _groups(days, lambda d: d.replace(day=1), lambda d: f"{d:%b %Y}")
    aggregate = [t(PdfText.RATED), t(PdfText.MEDIAN), t(PdfText.RANGE)]
    options = [
        _by_night(page, summary),
        _Table(
            t(PdfText.BY_WEEK),
            [t(PdfText.WEEK_OF), *aggregate],
            [22.0, 16.0, 12.0, 11.0],
            [_aggregate_cells(g, by_day) for g in weeks],
        ),
        _Table(
            t(PdfText.BY_MONTH),
            [t(PdfText.MONTH), *aggregate],
            [22.0, 16.0, 12.0, 11.0],
            [_aggregate_cells(g, by_day) for g in months],
        ),
    ]
    later = any(n.entered_later for n in summary.nightly)

    def rows_fit(table: _Table) -> int:
        notes = (FOOTNOTE_HEIGHT if later else 0.0) + _note_height(page, table.note)
        extra = 9.0 + SMALL_ROW + 1.0 + reserve + notes
        # The chart above was sized to leave exactly the table's height: a rounding error in
        # the last digit must not cost a row (42.0 // 4.2 is 9.0).
        return int((page.room - extra) / SMALL_ROW + 1e-6)

    def fitting() -> list[_Table]:
        return [o for o in options if len(o.rows) <= rows_fit(o) * _columns(page, o.widths)]

    best = fitting()
    if (not best or best[0] is not options[0]) and page.pdf.page_no() < MAX_PAGES:
        # A fresh page may take the night-by-night table that the rest of this one cannot.
        page.pdf.add_page()
    choices = fitting()
    if not choices:
        page.heading(t(PdfText.RATINGS_HEADING))
        page.line(t(PdfText.TABLE_DOES_NOT_FIT), size=9)
        return
    table = choices[0]
    page.heading(table.heading)
    groups = _columns(page, table.widths)
    cells = table.rows
    per_column = -(-len(cells) // groups)
    top = float(page.pdf.get_y())
    used = min(groups, -(-len(cells) // per_column))
    for column in range(used):
        page.pdf.set_xy(MARGIN + column * (sum(table.widths) + COLUMN_GAP), top)
        rows = cells[column * per_column : (column + 1) * per_column]
        _column(page, table, rows)
    page.pdf.set_xy(MARGIN, top + (per_column + 1) * SMALL_ROW + 1.0)
    if later:
        page.line(t(PdfText.ENTERED_LATER_NOTE, mark=ENTERED_LATER_MARK), size=8, height=4.0)
    if table.note is not None:
        page.line(table.note, size=TABLE_FONT, height=NOTE_LINE)


def _column(page: Page, table: _Table, cells: list[list[str]]) -> None:
    """One column of the nightly table: short cells of the bot's own words, which fit."""
    pdf = page.pdf
    left = float(pdf.get_x())
    aligns = ["L"] + ["C"] * (len(table.widths) - 1)
    padding = pdf.c_margin
    if table.padding is not None:
        pdf.c_margin = table.padding
    for index, row in enumerate([table.header, *cells]):
        page.font(TABLE_FONT, "B" if index == 0 else "")
        pdf.set_fill_color(*HEADER_FILL)
        for text, width, align in zip(row, table.widths, aligns, strict=True):
            pdf.cell(
                w=width,
                h=SMALL_ROW,
                text=latin1(text),
                border=1,
                fill=index == 0,
                align=align,
            )
        pdf.set_xy(left, pdf.get_y() + SMALL_ROW)
    pdf.c_margin = padding


def fill_in_section(page: Page) -> None:
    """Labelled empty space for what the diary cannot know: current medicines, the latest
    ferritin result and when the symptoms usually start."""
    pdf = page.pdf
    if page.room < FILL_IN_HEIGHT and pdf.page_no() < MAX_PAGES:
        pdf.add_page()
    page.heading(t(PdfText.FILL_IN_HEADING))
    pdf.set_draw_color(170, 170, 170)
    right = MARGIN + page.width

    def rule(left: float, gap: float = 7.0) -> None:
        y = float(pdf.get_y()) + gap
        pdf.line(left, y, right, y)
        pdf.set_y(y + 1.0)

    page.line(t(PdfText.FILL_MEDICINES), size=9.5, height=5.0)
    for _ in range(4):
        rule(MARGIN)
    page.gap(2.0)
    page.line(t(PdfText.FILL_FERRITIN), size=9.5, height=5.0)
    page.font(9.5)
    y = float(pdf.get_y()) + 5.0
    for label, x in ((t(PdfText.FILL_DATE), MARGIN), (t(PdfText.FILL_RESULT), MARGIN + 90.0)):
        pdf.set_xy(x, y - 4.0)
        pdf.cell(w=pdf.get_string_width(latin1(label)) + 1.0, h=5.0, text=latin1(label))
        pdf.line(float(pdf.get_x()) + 1.0, y + 1.0, x + 80.0, y + 1.0)
    pdf.set_xy(MARGIN, y + 3.0)
    page.gap(2.0)
    page.line(t(PdfText.FILL_ONSET), size=9.5, height=5.0)
    rule(MARGIN)
