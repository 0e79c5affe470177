"""The /report chart (PNG) and the one-page summary for the doctor (PDF), checked as files."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import re
import zlib
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from bot.charts import RATING_COLOR, TRIED_STYLES, report_png
from bot.content import load_catalog
from bot.doctor_pdf import latin1, summary_pdf
from bot.insights import PeriodSummary, summarize
from bot.models import Catalog, Helped, Night, Note, Remedy
from bot.texts import PdfText, t

TITLE = t(PdfText.TITLE)
FOOTER = t(PdfText.FOOTER)
CATALOG = load_catalog(Path(__file__).resolve().parent.parent / "content" / "remedies.toml")
END = dt.date(2026, 11, 29)
AT = dt.datetime(2026, 11, 1, 21, 0, tzinfo=dt.UTC)
GENERATED = dt.datetime(2026, 11, 30, 8, 5, tzinfo=dt.UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def night(
    day: dt.date,
    rating: int | None,
    *,
    sleep: int | None = None,
    tried: str | None = None,
    helped: Helped | None = None,
    flags: tuple[str, ...] = (),
    note: str | None = None,
) -> Night:
    return Night(
        night=day,
        tz="Europe/Berlin",
        rating=rating,
        sleep_quality=sleep,
        morning_remedy=tried,
        tried=True if tried else None,
        helped=helped,
        red_flags=flags,
        notes=(Note(at=AT, text=note),) if note else (),
    )


def month(end: dt.date = END, days: int = 28, remedy: str = "massage") -> list[Night]:
    """`days` nights up to `end`; every third night `remedy` was tried, answers rotating."""
    answers = [Helped.CLEARLY, Helped.A_BIT, Helped.NO, None]
    nights = []
    for i in range(days):
        day = end - dt.timedelta(days=days - 1 - i)
        tried = remedy if i % 3 == 0 else None
        helped = answers[(i // 3) % 4] if tried else None
        nights.append(night(day, i % 11, sleep=1 + i % 5, tried=tried, helped=helped))
    return nights


def period(nights: list[Night], days: int, catalog: Catalog = CATALOG) -> PeriodSummary:
    return summarize(nights, catalog, END - dt.timedelta(days=days - 1), END)


# -- the chart ------------------------------------------------------------------------------


def pixels(png: bytes) -> np.ndarray:
    image = imread(io.BytesIO(png), format="png")
    assert isinstance(image, np.ndarray)
    return image


def colour_pixels(image: np.ndarray, hex_colour: str) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(image[:, :, :3] - rgb).max(axis=2) < 0.02).sum())


@functools.cache
def empty_png() -> bytes:
    return report_png([], CATALOG, END)


@pytest.fixture(scope="module")
def month_png() -> bytes:
    return report_png(month(), CATALOG, END)


def test_the_chart_is_a_png_readable_on_a_phone(month_png: bytes) -> None:
    assert month_png.startswith(PNG_SIGNATURE)
    image = pixels(month_png)
    height, width = image.shape[:2]
    assert 900 <= width <= 1300 and 550 <= height <= 800
    assert width > height


def test_the_chart_draws_the_ratings_and_marks_each_kind_of_morning_answer(
    month_png: bytes,
) -> None:
    image = pixels(month_png)
    # The legend shows a short stretch of the rating line; the line itself is far longer.
    legend_only = colour_pixels(pixels(empty_png()), RATING_COLOR)
    assert colour_pixels(image, RATING_COLOR) > 20 * legend_only
    for style in TRIED_STYLES.values():
        assert colour_pixels(image, style.color) > 0, style.label


def test_nights_without_a_tried_idea_get_no_markers() -> None:
    calm = [night(END - dt.timedelta(days=i), 3, sleep=4) for i in range(28)]
    image = pixels(report_png(calm, CATALOG, END))
    assert not any(colour_pixels(image, s.color) for s in TRIED_STYLES.values())


def test_nights_outside_the_window_leave_the_chart_empty() -> None:
    old = [night(END - dt.timedelta(days=28), 5, tried="massage", helped=Helped.CLEARLY)]
    later = [night(END + dt.timedelta(days=1), 5, sleep=3)]
    assert report_png(old + later, CATALOG, END) == empty_png()


def test_a_year_long_window_renders_and_a_window_of_no_days_is_refused() -> None:
    image = pixels(report_png(month(days=366), CATALOG, END, days=366))
    assert image.shape[1] > 900 and colour_pixels(image, RATING_COLOR) > 1000
    with pytest.raises(ValueError, match="at least 1"):
        report_png([], CATALOG, END, days=0)


async def test_charts_drawn_in_threads_beside_the_event_loop_match_the_serial_one(
    month_png: bytes,
) -> None:
    nights = month()
    results = await asyncio.gather(
        asyncio.to_thread(report_png, nights, CATALOG, END),
        asyncio.to_thread(report_png, nights, CATALOG, END),
    )
    assert list(results) == [month_png, month_png]


# -- the PDF --------------------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def pdf_text(pdf: bytes) -> str:
    """Every text string drawn on the page, one per line (fpdf2 writes `(…) Tj` runs)."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            text = re.sub(rb"\\(.)", rb"\1", raw)
            lines.append(text.decode("latin-1"))
    return "\n".join(lines)


def test_the_doctor_summary_is_one_a4_page_with_the_diary_in_numbers() -> None:
    nights = month()
    nights[0] = nights[0].replace(**{"red_flags": ("chest_pain",)})
    pdf = summary_pdf(
        period(nights, 28),
        tz="Europe/Berlin",
        generated_at=GENERATED,
        red_flag_titles={"chest_pain": "Chest pain"},
    )
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf
    text = pdf_text(pdf)
    for expected in (
        TITLE,
        "Period: 2 Nov 2026 to 29 Nov 2026 (28 nights). Time zone: Europe/Berlin.",
        "Made on 30 Nov 2026 at 09:05.",
        "Nights recorded\n28 of 28",
        "Nights with symptoms (rating 1 or more)\n25 of 28",
        "Evening rating, 0 (calm) to 10 (worst)\nmedian 4, range 0 to 10",
        "Very poor\nPoor\nFair\nGood\nVery good\n6\n6\n6\n5\n5",
        "Massage your calves and feet\n10\n2\n3\n3\n2",
        "2 Nov 2026: Chest pain",
        "Mon 2 Nov 2026\n0\nVery poor",
        "Sun 29 Nov 2026\n5\nFair",
        FOOTER,
    ):
        assert expected in text, expected
    assert FOOTER == (
        "Made by the RLS bedtime companion bot from the person's own entries. Not medical advice."
    )


def test_the_words_of_notes_never_reach_the_pdf() -> None:
    nights = [night(END, 4, note="my secret words")]
    pdf = summary_pdf(period(nights, 7), tz="UTC", generated_at=GENERATED)
    text = pdf_text(pdf)
    assert "secret" not in text
    assert "Notes written (their text is not included)\n1" in text


def test_a_year_with_many_ideas_and_warning_signs_still_fits_one_page() -> None:
    extra = tuple(
        Remedy.model_validate(
            {**CATALOG.remedies[0].model_dump(), "id": f"r{i}", "title": "T" * 80}
        )
        for i in range(40)
    )
    catalog = CATALOG.replace(**{"remedies": CATALOG.remedies + extra})
    nights = [
        night(
            END - dt.timedelta(days=i),
            i % 11,
            sleep=1 + i % 5,
            tried=f"r{i % 40}",
            helped=Helped.A_BIT,
            flags=("chest_pain", "fever"),
        )
        for i in range(366)
    ]
    pdf = summary_pdf(period(nights, 366, catalog), tz="Europe/Berlin", generated_at=GENERATED)
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    assert "29 other ideas" in text  # 11 rows shown, the rest summed up in one
    assert "...and 361 more nights" in text
    assert "Evening rating (0-10), month by month" in text
    assert FOOTER in text


def test_a_short_period_lists_every_night_and_a_longer_one_is_summed_up_by_week() -> None:
    short = pdf_text(summary_pdf(period(month(), 28), tz="UTC", generated_at=GENERATED))
    assert "Evening rating (0-10) and sleep, night by night" in short
    longer = pdf_text(summary_pdf(period(month(days=120), 120), tz="UTC", generated_at=GENERATED))
    assert "night by night" not in longer
    assert "Evening rating (0-10), week by week (weeks start on Monday)" in longer
    # Sun 2 Aug is alone in its week; the next week holds ratings 1..7.
    assert "Week of\nRated\nMedian\nRange\n27 Jul 2026\n1\n0\n0-0\n3 Aug 2026\n7\n4\n1-7" in longer


def test_titles_outside_latin1_are_transliterated_instead_of_crashing() -> None:
    odd = Remedy.model_validate(
        {
            **CATALOG.remedies[0].model_dump(),
            "id": "odd",
            "title": "“Cool” ‘pack’… 🧊 on Łódź legs",
        }
    )
    catalog = CATALOG.replace(**{"remedies": (*CATALOG.remedies, odd)})
    nights = [night(END, 5, tried="odd", helped=Helped.CLEARLY, flags=("heart",))]
    pdf = summary_pdf(
        period(nights, 7, catalog),
        tz="Europe/Berlin",
        generated_at=GENERATED,
        red_flag_titles={"heart": "Chest pain ❤️ — “sudden”"},
    )
    text = pdf_text(pdf)
    assert "\"Cool\" 'pack'... on Lódz legs" in text
    assert '29 Nov 2026: Chest pain - "sudden"' in text


def test_latin1_keeps_accents_it_can_and_drops_emoji() -> None:
    assert (
        latin1("“Hi” – ‘you’… café 😀 naïve Ł ☕ x\u200dy") == "\"Hi\" - 'you'... café naïve L xy"
    )
    assert latin1("日本") == "??"
    assert latin1("   ") == ""
