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
from bot.texts import ONSET_LABELS, SLEEP_QUALITY, TRIGGER_LABELS

TITLE = "Restless legs diary: summary for your doctor"
FOOTER = "Made by the RLS bedtime companion bot from the person's own entries. Not medical advice."
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
    pdf.set_title(latin1(TITLE))
    pdf.set_creator("RLS bedtime companion bot")
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    page = _Page(pdf)

    local = generated_at.astimezone(ZoneInfo(tz))
    page.line(TITLE, size=16, style="B", height=9.0)
    page.line(
        f"Period: {_date(summary.start)} to {_date(summary.end)} ({summary.days} nights). "
        f"Time zone: {tz}.",
        size=9.5,
    )
    page.line(f"Made on {_date(local)} at {local:%H:%M}.", size=9.5)

    _nights_section(page, summary)
    _sleep_section(page, summary)
    _remedies_section(page, summary.outcomes)
    _red_flags_section(page, summary, red_flag_titles or {})
    _nightly_section(page, summary)

    pdf.set_draw_color(150, 150, 150)
    pdf.line(MARGIN, FOOTER_TOP, pdf.w - MARGIN, FOOTER_TOP)
    pdf.set_xy(MARGIN, FOOTER_TOP + 1.0)
    page.line(FOOTER, size=8, style="I", height=4.5)
    assert pdf.page_no() == 1
    return bytes(pdf.output())


def _nights_section(page: _Page, summary: PeriodSummary) -> None:
    page.heading("Nights")
    rated = summary.nights_rated
    if summary.median_rating is not None:
        rating = (
            f"median {_number(summary.median_rating)}, "
            f"range {min(summary.ratings)} to {max(summary.ratings)}"
        )
    else:
        rating = "no ratings in this period"
    mornings = sum(summary.sleep_quality_counts.values())
    rows = [
        ("Nights recorded", f"{summary.nights_recorded} of {summary.days}"),
        ("Evenings with a rating", str(rated)),
        ("Nights with symptoms (rating 1 or more)", f"{summary.nights_with_symptoms} of {rated}"),
        ("Evening rating, 0 (calm) to 10 (worst)", rating),
        ("Mornings answered (sleep quality)", str(mornings)),
        ("Evenings skipped", str(summary.skipped)),
        ("Notes written (their text is not included)", str(summary.notes_count)),
    ]
    if summary.onset_counts:
        onsets = ", ".join(
            f"{ONSET_LABELS[onset].lower()} {count}"
            for onset, count in summary.onset_counts.items()
        )
        rows.append(("When the urge started (evenings asked)", onsets))
    for tag in summary.tags:
        with_avg = "-" if tag.avg_with is None else _number(tag.avg_with)
        without_avg = "-" if tag.avg_without is None else _number(tag.avg_without)
        rows.append(
            (
                f"Day tag: {TRIGGER_LABELS[tag.trigger].lower()}",
                f"{tag.with_nights} evenings, rating {with_avg}; without: "
                f"{tag.without_nights}, rating {without_avg} (association only)",
            )
        )
    for label, value in rows:
        page.row([label, value], [85.0, page.width - 85.0])


def _sleep_section(page: _Page, summary: PeriodSummary) -> None:
    page.heading("Sleep quality")
    page.line(
        'Asked each morning as in the Consensus Sleep Diary: "How would you rate the quality '
        'of your sleep?"',
        size=8.5,
        height=4.5,
    )
    width = page.width / len(SLEEP_QUALITY)
    widths = [width] * len(SLEEP_QUALITY)
    centre = ["C"] * len(SLEEP_QUALITY)
    page.row(list(SLEEP_QUALITY), widths, bold=True, fill=True, aligns=centre)
    counts = [str(summary.sleep_quality_counts.get(level, 0)) for level in range(1, 6)]
    page.row(counts, widths, aligns=centre)
    median = summary.median_sleep_quality
    if median is not None:
        low = int(median)
        word = SLEEP_QUALITY[low - 1]
        if median != low:
            word = f"between {word} and {SLEEP_QUALITY[low]}"
        page.line(f"Median: {word.lower()}.", size=9)


def _remedies_section(page: _Page, outcomes: Sequence[RemedyOutcome]) -> None:
    page.heading('Ideas tried at bedtime, and the person\'s own answer to "Did it help?"')
    if not outcomes:
        page.line("No ideas were marked as tried in this period.", size=9)
        return
    widths = [80.0, 22.0, 18.0, 18.0, 18.0]
    widths.append(page.width - sum(widths))
    numbers = ["L", "C", "C", "C", "C", "C"]
    page.row(
        ["Idea", "Nights tried", "No", "A bit", "Clearly", "No answer"],
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
        page.row([f"{len(hidden)} other ideas", *map(str, totals)], widths, aligns=numbers)
    page.line(
        "These are the person's reports. They show what was reported alongside each idea, not "
        "whether the idea is effective.",
        size=8.5,
        height=4.5,
    )


def _red_flags_section(page: _Page, summary: PeriodSummary, titles: Mapping[str, str]) -> None:
    if not summary.red_flag_nights:
        return
    page.heading("Warning signs noted")
    lines = summary.red_flag_nights
    shown = list(lines if len(lines) <= MAX_FLAG_LINES else lines[: MAX_FLAG_LINES - 1])
    for night, ids in shown:
        names = ", ".join(titles.get(i, i) for i in ids)
        page.line(f"{_date(night)}: {names}", size=9, height=4.8)
    if len(shown) < len(lines):
        rest = lines[len(shown) :]
        page.line(
            f"...and {len(rest)} more nights, {_date(rest[0][0])} to {_date(rest[-1][0])}.",
            size=9,
            height=4.8,
        )


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
    rating = "skip" if night.skipped else "-"
    if night.rating is not None:
        rating = str(night.rating)
    sleep = "-" if night.sleep_quality is None else SLEEP_QUALITY[night.sleep_quality - 1]
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
    options: list[tuple[str, list[str], list[float], list[list[str]]]] = [
        (
            "Evening rating (0-10) and sleep, night by night",
            ["Night", "Rating", "Sleep"],
            [26.0, 12.0, 18.0],
            day_cells,
        ),
        (
            "Evening rating (0-10), week by week (weeks start on Monday)",
            ["Week of", "Rated", "Median", "Range"],
            [25.0, 11.0, 13.0, 12.0],
            [_aggregate_cells(g) for g in weeks],
        ),
        (
            "Evening rating (0-10), month by month",
            ["Month", "Rated", "Median", "Range"],
            [25.0, 11.0, 13.0, 12.0],
            [_aggregate_cells(g) for g in months],
        ),
    ]

    def columns(widths: list[float]) -> int:
        return int((page.width + 2.0) // (sum(widths) + 2.0))

    fitting = [o for o in options if len(o[3]) <= rows_fit * columns(o[2])]
    if not fitting:
        page.heading("Evening ratings")
        page.line("The table does not fit on this page; the CSV export has every night.", size=9)
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
