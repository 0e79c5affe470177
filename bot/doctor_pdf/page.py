"""The page of the doctor's summary: A4 with its footer, wrapped lines and tables (fpdf2's core
Helvetica), and every string made Latin-1, which is all the core fonts know."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from bot.texts import PdfText, t

FONT = "Helvetica"
MARGIN = 15.0
FOOTER_HEIGHT = 10.0  # below the text area: the rule, the footer line and the page number
ROW = 5.0
SMALL_ROW = 4.2
COLUMN_GAP = 3.0
MAX_PAGES = 2
HEADER_FILL = (235, 235, 235)
# The chart keeps the PNG's proportions (8 x 5.8 inches); it may shrink to fit on page one.
CHART_WIDTH = 165.0
CHART_ASPECT = 5.8 / 8.0
MIN_CHART_HEIGHT = 100.0
ENTERED_LATER_MARK = "*"

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


def date_text(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def number_text(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


class Document(FPDF):
    """A4 with the footer (what this is, "not medical advice", the page number) on each page."""

    def footer(self) -> None:
        top = self.h - MARGIN - FOOTER_HEIGHT + 2.0
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN, top, self.w - MARGIN, top)
        self.set_xy(MARGIN, top + 1.0)
        self.set_font(FONT, style="I", size=8)
        page = t(PdfText.PAGE, page=self.page_no(), pages="{nb}")
        self.multi_cell(
            w=self.epw, h=3.8, text=f"{latin1(t(PdfText.FOOTER))} {page}", align=Align.L
        )


@dataclass(frozen=True)
class Layout:
    """How much of the long parts to show."""

    remedy_rows: int
    flag_lines: int
    chart: bool
    trial_rows: int


class Page:
    """Writing helpers over the document: wrapped lines, tables, the space left on a page."""

    def __init__(self, pdf: Document) -> None:
        self.pdf = pdf
        self.width = pdf.epw

    @property
    def bottom(self) -> float:
        """Where the text area of a page ends (the footer is below)."""
        return self.pdf.h - MARGIN - FOOTER_HEIGHT

    @property
    def room(self) -> float:
        """Height left on the current page."""
        return self.bottom - float(self.pdf.get_y())

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font(FONT, style=style, size=size)

    def line(self, text: str, *, size: float = 9.5, style: str = "", height: float = ROW) -> None:
        """A paragraph, wrapped onto as many lines as it needs."""
        self.font(size, style)
        self.pdf.multi_cell(
            w=self.width,
            h=height,
            text=latin1(text),
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def heading(self, text: str) -> None:
        self.gap(2.0)
        self.line(text, size=11.5, style="B", height=7.0)

    def gap(self, height: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + height)

    def table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        heading: bool = True,
        aligns: Sequence[str] | None = None,
        size: float = 9.0,
    ) -> None:
        """A table whose cells wrap their text (fpdf2's `table`), header row shaded."""
        self.font(size)
        with self.pdf.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align=Align.L,
            text_align=tuple(aligns or ["LEFT"] * len(widths)),
            line_height=ROW - 0.6,
            first_row_as_headings=heading,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            padding=(0.6, 1.0),
        ) as table:
            for cells in rows:
                row = table.row()
                for text in cells:
                    row.cell(latin1(text))
        self.gap(0.5)


# Fewer idea rows, warning-sign lines and trials, then no chart: the layouts tried, in order, until
# the summary fits on two pages (only a year of many ideas and warning signs needs a later one).
LAYOUTS = (Layout(12, 6, True, 6), Layout(8, 4, True, 4), Layout(6, 3, False, 3))
