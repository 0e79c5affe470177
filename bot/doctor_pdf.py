"""The one-page A4 summary a person can take to their doctor (fpdf2, core Helvetica font).

Every string goes through `latin1` first: the core fonts only know Latin-1, and a remedy title
or note-derived label with curly quotes or an emoji must never crash the export. Tables are
cut or aggregated so that the page count is always exactly one.
"""

from __future__ import annotations

import datetime as dt
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.insights import NightLine, PeriodSummary, RemedyOutcome
from bot.texts import PdfText, onset_label, sleep_labels, t, tag_label

FONT = "Helvetica"
MARGIN = 15.0
PAGE_HEIGHT = 297.0
FOOTER_TOP = PAGE_HEIGHT - MARGIN - 6.0
ROW = 5.0
SMALL_ROW = 4.2
MAX_REMEDY_ROWS = 12
MAX_FLAG_LINES = 6
MAX_CELL_CHARS = 300  # nothing wider fits a line of A4 anyway

# Characters outside Latin-1 that have an obvious plain stand-in.
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2032": "'", "\u2033": '"', "\u2039": "<", "\u203a": ">",
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-",
    "\u2011": "-", "\u2026": "...", "\u2022": "-", "\u2023": "-", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u2190": "<-", "\u2248": "~",
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i",
    "\u0152": "OE", "\u0153": "oe", "\u0126": "H", "\u0127": "h", "\u0166": "T",
    "\u0167": "t", "\u014a": "N", "\u014b": "n", "\u0138": "k",
    "\u20ac": "EUR", "\u2122": "(TM)", "\u2713": "v", "\u2714": "v",
}  # fmt: skip


def latin1(text: str) -> str:
    """`text` with only Latin-1 characters: typographic marks replaced, accents kept where
    Latin-1 has them (else dropped), emoji and other symbols removed, anything else `?`."""
    out = []
    for char in text:
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
            continue
        if ord(char) < 256:
            out.append(char if char.isprintable() else " ")
            continue
        category = unicodedata.category(char)
        if category.startswith(("S", "C", "M")):
            # Emoji, pictographs, joiners, variation selectors, stray combining marks.
            continue
        if category.startswith("Z"):
            out.append(" ")
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and c.isprintable()
        )
        out.append(base or "?")
    return " ".join("".join(out).split()) if text.strip() else ""


def _date(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


class _Page:
    """A tiny layout helper over FPDF: rows of cells, cut to fit, never a second page."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.width = pdf.w - 2 * MARGIN

    @property
    def room(self) -> float:
        """Height left above the footer."""
        return FOOTER_TOP - 2.0 - float(self.pdf.get_y())

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font(FONT, style=style, size=size)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with "..." so that it fits in `width` mm at the current font."""
        text = latin1(text[:MAX_CELL_CHARS])
        if self.pdf.get_string_width(text) <= width - 2:
            return text
        while text and self.pdf.get_string_width(text + "...") > width - 2:
            text = text[:-1]
        return text.rstrip() + "..."

    def line(self, text: str, *, size: float = 9.5, style: str = "", height: float = ROW) -> None:
        self.font(size, style)
        self.pdf.cell(
            w=self.width,
            h=height,
            text=self.fit(text, self.width),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def heading(self, text: str) -> None:
        self.gap(2.0)
        self.line(text, size=11.5, style="B", height=7.0)

    def gap(self, height: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + height)

    def row(
        self,
        cells: Sequence[str],
        widths: Sequence[float],
        *,
        bold: bool = False,
        fill: bool = False,
        height: float = ROW,
        size: float = 9.0,
        aligns: Sequence[str] | None = None,
    ) -> None:
        self.font(size, "B" if bold else "")
        self.pdf.set_fill_color(235, 235, 235)
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            align = aligns[index] if aligns else "L"
            self.pdf.cell(
                w=width, h=height, text=self.fit(text, width), border=1, fill=fill, align=align
            )
        self.pdf.set_xy(MARGIN, self.pdf.get_y() + height)


def summary_pdf(
    summary: PeriodSummary,
    *,
    tz: str,
    generated_at: dt.datetime,
    red_flag_titles: Mapping[str, str] | None = None,
) -> bytes:
    """One A4 page: the period's nights, ratings, sleep, ideas tried and warning signs."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(latin1(t(PdfText.TITLE)))
    pdf.set_creator(t(PdfText.CREATOR))
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    page = _Page(pdf)

    local = generated_at.astimezone(ZoneInfo(tz))
    page.line(t(PdfText.TITLE), size=16, style="B", height=9.0)
    start, end = _date(summary.start), _date(summary.end)
    page.line(t(PdfText.PERIOD, start=start, end=end, days=summary.days, tz=tz), size=9.5)
    page.line(t(PdfText.MADE_ON, date=_date(local), time=f"{local:%H:%M}"), size=9.5)

    _nights_section(page, summary)
    _sleep_section(page, summary)
    _remedies_section(page, summary.outcomes)
    _red_flags_section(page, summary, red_flag_titles or {})
    _nightly_section(page, summary)

    pdf.set_draw_color(150, 150, 150)
    pdf.line(MARGIN, FOOTER_TOP, pdf.w - MARGIN, FOOTER_TOP)
    pdf.set_xy(MARGIN, FOOTER_TOP + 1.0)
    page.line(t(PdfText.FOOTER), size=8, style="I", height=4.5)
    assert pdf.page_no() == 1
    return bytes(pdf.output())


def _nights_section(page: _Page, summary: PeriodSummary) -> None:
    page.heading(t(PdfText.NIGHTS))
    rated = summary.nights_rated
    if summary.median_rating is not None:
        median, low, high = (
            _number(summary.median_rating),
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
    if summary.onset_counts:
        onsets = ", ".join(
            f"{onset_label(onset).lower()} {count}"
            for onset, count in summary.onset_counts.items()
        )
        rows.append((t(PdfText.ONSETS), onsets))
    for tag in summary.tags:
        value = t(
            PdfText.DAY_TAG_VALUE,
            with_nights=tag.with_nights,
            with_avg="-" if tag.avg_with is None else _number(tag.avg_with),
            without_nights=tag.without_nights,
            without_avg="-" if tag.avg_without is None else _number(tag.avg_without),
        )
        rows.append((t(PdfText.DAY_TAG, tag=tag_label(tag.trigger).lower()), value))
    for label, value in rows:
        page.row([label, value], [85.0, page.width - 85.0])


def _sleep_section(page: _Page, summary: PeriodSummary) -> None:
    page.heading(t(PdfText.SLEEP_QUALITY))
    page.line(t(PdfText.SLEEP_QUESTION), size=8.5, height=4.5)
    labels = sleep_labels()
    width = page.width / len(labels)
    widths = [width] * len(labels)
    centre = ["C"] * len(labels)
    page.row(list(labels), widths, bold=True, fill=True, aligns=centre)
    counts = [str(summary.sleep_quality_counts.get(level, 0)) for level in range(1, 6)]
    page.row(counts, widths, aligns=centre)
    median = summary.median_sleep_quality
    if median is not None:
        low = int(median)
        word = labels[low - 1]
        if median != low:
            word = t(PdfText.SLEEP_BETWEEN, low=word, high=labels[low])
        page.line(t(PdfText.SLEEP_MEDIAN, word=word.lower()), size=9)


def _remedies_section(page: _Page, outcomes: Sequence[RemedyOutcome]) -> None:
    page.heading(t(PdfText.IDEAS_HEADING))
    if not outcomes:
        page.line(t(PdfText.NO_IDEAS), size=9)
        return
    widths = [80.0, 22.0, 18.0, 18.0, 18.0]
    widths.append(page.width - sum(widths))
    numbers = ["L", "C", "C", "C", "C", "C"]
    page.row(
        [
            t(key)
            for key in (
                PdfText.IDEA,
                PdfText.NIGHTS_TRIED,
                PdfText.ANSWER_NO,
                PdfText.ANSWER_A_BIT,
                PdfText.ANSWER_CLEARLY,
                PdfText.NO_ANSWER,
            )
        ],
        widths,
        bold=True,
        fill=True,
        aligns=numbers,
    )
    if len(outcomes) <= MAX_REMEDY_ROWS:
        shown, hidden = list(outcomes), []
    else:
        cut = MAX_REMEDY_ROWS - 1
        shown, hidden = list(outcomes[:cut]), list(outcomes[cut:])
    for o in shown:
        title = latin1(o.title) or o.remedy_id
        cells = [title, str(o.tried), str(o.no), str(o.a_bit), str(o.clearly), str(o.unanswered)]
        page.row(cells, widths, aligns=numbers)
    if hidden:
        totals = [
            sum(o.tried for o in hidden),
            sum(o.no for o in hidden),
            sum(o.a_bit for o in hidden),
            sum(o.clearly for o in hidden),
            sum(o.unanswered for o in hidden),
        ]
        others = t(PdfText.OTHER_IDEAS, n=len(hidden))
        page.row([others, *map(str, totals)], widths, aligns=numbers)
    page.line(t(PdfText.IDEAS_CAVEAT), size=8.5, height=4.5)


def _red_flags_section(page: _Page, summary: PeriodSummary, titles: Mapping[str, str]) -> None:
    if not summary.red_flag_nights:
        return
    page.heading(t(PdfText.WARNING_SIGNS))
    lines = summary.red_flag_nights
    shown = list(lines if len(lines) <= MAX_FLAG_LINES else lines[: MAX_FLAG_LINES - 1])
    for night, ids in shown:
        names = ", ".join(titles.get(i, i) for i in ids)
        page.line(f"{_date(night)}: {names}", size=9, height=4.8)
    if len(shown) < len(lines):
        rest = lines[len(shown) :]
        first, last = _date(rest[0][0]), _date(rest[-1][0])
        more = t(PdfText.MORE_WARNING_NIGHTS, n=len(rest), first=first, last=last)
        page.line(more, size=9, height=4.8)


_Group = tuple[str, list[NightLine]]


def _by(
    lines: Sequence[NightLine], key: Callable[[dt.date], dt.date], name: Callable[[dt.date], str]
) -> list[_Group]:
    groups: dict[dt.date, list[NightLine]] = {}
    for line in lines:
        groups.setdefault(key(line.night), []).append(line)
    return [(name(start), members) for start, members in groups.items()]


def _aggregate_cells(group: _Group) -> list[str]:
    label, members = group
    ratings = [m.rating for m in members if m.rating is not None]
    if not ratings:
        return [label, "0", "-", "-"]
    median = _number(float(statistics.median(ratings)))
    return [label, str(len(ratings)), median, f"{min(ratings)}-{max(ratings)}"]


def _night_cells(night: NightLine) -> list[str]:
    rating = t(PdfText.SKIP) if night.skipped else "-"
    if night.rating is not None:
        rating = str(night.rating)
    sleep = "-" if night.sleep_quality is None else sleep_labels()[night.sleep_quality - 1]
    return [rating, sleep]


def _nightly_section(page: _Page, summary: PeriodSummary) -> None:
    lines = summary.nightly
    if not lines:
        return
    title_height = 9.0 + SMALL_ROW  # heading + column header
    rows_fit = int((page.room - title_height) // SMALL_ROW)
    if rows_fit < 2:
        return
    day_cells = [[f"{n.night:%a} {_date(n.night)}", *_night_cells(n)] for n in lines]
    weeks = _by(lines, lambda d: d - dt.timedelta(days=d.weekday()), _date)
    months = _by(lines, lambda d: d.replace(day=1), lambda d: f"{d:%b %Y}")
    aggregate = [t(PdfText.RATED), t(PdfText.MEDIAN), t(PdfText.RANGE)]
    options: list[tuple[str, list[str], list[float], list[list[str]]]] = [
        (
            t(PdfText.BY_NIGHT),
            [t(PdfText.NIGHT), t(PdfText.RATING), t(PdfText.SLEEP)],
            [26.0, 12.0, 18.0],
            day_cells,
        ),
        (
            t(PdfText.BY_WEEK),
            [t(PdfText.WEEK_OF), *aggregate],
            [25.0, 11.0, 13.0, 12.0],
            [_aggregate_cells(g) for g in weeks],
        ),
        (
            t(PdfText.BY_MONTH),
            [t(PdfText.MONTH), *aggregate],
            [25.0, 11.0, 13.0, 12.0],
            [_aggregate_cells(g) for g in months],
        ),
    ]

    def columns(widths: list[float]) -> int:
        return int((page.width + 2.0) // (sum(widths) + 2.0))

    fitting = [o for o in options if len(o[3]) <= rows_fit * columns(o[2])]
    if not fitting:
        page.heading(t(PdfText.RATINGS_HEADING))
        page.line(t(PdfText.TABLE_DOES_NOT_FIT), size=9)
        return
    heading, header, widths, cells = fitting[0]
    groups = columns(widths)
    page.heading(heading)
    per_column = -(-len(cells) // groups)
    top = float(page.pdf.get_y())
    used = min(groups, -(-len(cells) // per_column))
    for column in range(used):
        page.pdf.set_xy(MARGIN + column * (sum(widths) + 2.0), top)
        _column(page, header, widths, cells[column * per_column : (column + 1) * per_column])


def _column(page: _Page, header: list[str], widths: list[float], cells: list[list[str]]) -> None:
    left = float(page.pdf.get_x())
    aligns = ["L"] + ["C"] * (len(widths) - 1)
    for index, row in enumerate([header, *cells]):
        page.font(8, "B" if index == 0 else "")
        page.pdf.set_fill_color(235, 235, 235)
        for text, width, align in zip(row, widths, aligns, strict=True):
            page.pdf.cell(
                w=width,
                h=SMALL_ROW,
                text=page.fit(text, width),
                border=1,
                fill=index == 0,
                align=align,
            )
        page.pdf.set_xy(left, page.pdf.get_y() + SMALL_ROW)
