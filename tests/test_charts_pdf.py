"""The /report chart (PNG) and the summary for the doctor (PDF, one or two pages), checked as
files."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.image import imread
from pypdf import PdfReader

from bot.charts import (
    GID_FLAGS,
    GID_RATING_LABEL,
    GID_RATINGS,
    GID_SKIPPED,
    GID_SLEEP,
    RATING_COLOR,
    TRIED_STYLES,
    report_figure,
    report_png,
)
from bot.content import load_catalog
from bot.doctor_pdf import latin1, summary_pdf
from bot.insights import PeriodSummary, chart_days, summarize
from bot.models import Catalog, Helped, Night, Note, Remedy
from bot.texts import ChartText, PdfText, sleep_labels, t

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


def marks(figure: Figure, gid: str) -> list[Artist]:
    """Everything drawn on the chart's rating panel with this gid."""
    return [a for a in figure.axes[0].get_children() if a.get_gid() == gid]


def legend_labels(figure: Figure) -> list[str]:
    [legend] = figure.legends
    return [text.get_text() for text in legend.get_texts()]


def x_of(day: dt.date, days: int = 28) -> int:
    return (day - (END - dt.timedelta(days=days - 1))).days


def test_a_skipped_night_is_a_hatched_column_and_a_night_with_no_answer_a_gap() -> None:
    skipped, unanswered = END - dt.timedelta(days=3), END - dt.timedelta(days=5)
    nights = [
        night(END, 4),
        night(skipped, None).replace(**{"skipped": True}),
        night(unanswered, None).replace(**{"prompted_at": AT}),
        night(END - dt.timedelta(days=7), 6),
    ]
    figure = report_figure(nights, END)
    [column] = marks(figure, GID_SKIPPED)
    [path] = column.get_paths()  # type: ignore[attr-defined]
    left, right = path.vertices[:, 0].min(), path.vertices[:, 0].max()
    assert left < x_of(skipped) < right
    assert not left < x_of(unanswered) < right
    [line] = marks(figure, GID_RATINGS)
    heights = line.get_ydata()  # type: ignore[attr-defined]
    assert np.isnan(heights[x_of(skipped)]) and np.isnan(heights[x_of(unanswered)])
    labels = legend_labels(figure)
    assert t(ChartText.SKIPPED) in labels and t(ChartText.GAP) in labels


def test_nights_with_a_warning_sign_are_marked() -> None:
    flagged = [END, END - dt.timedelta(days=9)]
    nights = [night(d, 5, flags=("pregnancy",)) for d in flagged] + [
        night(END - dt.timedelta(days=2), 3)
    ]
    figure = report_figure(nights, END)
    [signs] = marks(figure, GID_FLAGS)
    xs = sorted(signs.get_offsets()[:, 0])  # type: ignore[attr-defined]
    assert xs == sorted(x_of(d) for d in flagged)
    assert t(ChartText.WARNING_SIGN) in legend_labels(figure)
    calm = report_figure([night(END, 3)], END)
    assert marks(calm, GID_FLAGS) == [] and t(ChartText.WARNING_SIGN) not in legend_labels(calm)


def test_the_sleep_axis_names_all_five_levels() -> None:
    sleep = report_figure(month(), END).axes[1]
    assert [label.get_text() for label in sleep.get_yticklabels()] == list(sleep_labels())
    assert list(sleep.get_yticks()) == [1, 2, 3, 4, 5]


def test_a_single_night_is_drawn_large_with_its_rating_written_beside_it() -> None:
    figure = report_figure([night(END, 7, sleep=2)], END, days=7)
    [line] = marks(figure, GID_RATINGS)
    assert line.get_markersize() >= 8  # type: ignore[attr-defined]
    [label] = marks(figure, GID_RATING_LABEL)
    assert label.get_text() == "7"  # type: ignore[attr-defined]
    busy = report_figure(month(), END)
    assert marks(busy, GID_RATING_LABEL) == []
    [bars] = [a for a in figure.axes[1].get_children() if a.get_gid() == GID_SLEEP]
    assert bars is not None


def test_a_first_week_is_charted_as_a_week_not_as_a_mostly_empty_month() -> None:
    assert chart_days([night(END, 7)], END, 28) == 7
    assert chart_days([night(END - dt.timedelta(days=11), 7)], END, 28) == 12
    assert chart_days(month(), END, 28) == 28
    assert chart_days([], END, 28) == 28


def test_the_charts_look_right_to_a_person(tmp_path: Path) -> None:
    """Not an assertion on pixels: the PNGs a person would see, written out so that whoever
    changes the chart can look at them (pytest keeps tmp_path)."""
    one = report_png([night(END, 7)], CATALOG, END, days=7)
    busy = month()
    busy[4] = busy[4].replace(**{"red_flags": ("pregnancy",), "rating": None, "skipped": True})
    full = report_png(busy, CATALOG, END)
    for name, png in (("one-night.png", one), ("month.png", full)):
        (tmp_path / name).write_bytes(png)
        assert pixels(png).shape[1] > 900


# -- the PDF --------------------------------------------------------------------------------


def pages(pdf: bytes) -> list[str]:
    """The text of each page, as a PDF reader extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pages(pdf))


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (wrapped lines join)."""
    return " ".join(text.split())


def summary_of(
    nights: list[Night], days: int, *, chart: bool = False, catalog: Catalog = CATALOG, **kw: Any
) -> bytes:
    png = report_png(nights, catalog, END, days) if chart else None
    return summary_pdf(
        period(nights, days, catalog), tz=kw.pop("tz", "Europe/Berlin"), generated_at=GENERATED,
        chart_png=png, **kw,
    )  # fmt: skip


def test_the_doctor_summary_holds_the_diary_in_numbers_on_at_most_two_a4_pages() -> None:
    nights = month()
    nights[0] = nights[0].replace(**{"red_flags": ("chest_pain",)})
    pdf = summary_of(nights, 28, chart=True, red_flag_titles={"chest_pain": "Chest pain"})
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert all(
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) == (595.28, 841.89)
        for p in reader.pages
    )
    text = pdf_text(pdf)
    for expected in (
        TITLE,
        "Period: 2 Nov 2026 to 29 Nov 2026 (28 nights). Time zone: Europe/Berlin.",
        "Made on 30 Nov 2026 at 09:05.",
        "Nights recorded 28 of 28",
        "Nights with symptoms (rating 1 or more) 25 of 28",
        "Evening rating, 0 (calm) to 10 (worst) median 4, range 0 to 10",
        "Very poor Poor Fair Good Very good\n6 6 6 5 5",
        "Idea Nights tried Didn't help Helped a bit Helped clearly No answer",
        "Massage your calves and feet 10 2 3 3 2",
        "2 Nov 2026: Chest pain",
        "Mon 2 Nov 0 Very poor",
        "Sun 29 Nov 5 Fair",
        f"{FOOTER} Page 1 of 2.",
        f"{FOOTER} Page 2 of 2.",
    ):
        assert expected in text, expected
    assert FOOTER == (
        "Made by the RLS bedtime companion bot from the person's own entries. Not medical advice."
    )


def test_the_pdf_carries_the_report_chart_as_an_image() -> None:
    with_chart = PdfReader(io.BytesIO(summary_of(month(), 28, chart=True)))
    assert sum(len(page.images) for page in with_chart.pages) == 1
    without = PdfReader(io.BytesIO(summary_of(month(), 28)))
    assert sum(len(page.images) for page in without.pages) == 0


def test_every_line_of_the_pdf_is_whole_long_titles_wrap_instead_of_being_cut() -> None:
    titles = {
        "pregnancy": "Pregnancy or breastfeeding",
        "stroke": "Signs of a stroke: face drooping, slurred speech, sudden weakness or numbness",
        "augmentation": (
            "Symptoms earlier, stronger or spreading while on a dopamine-type medicine"
        ),
    }
    long = Remedy.model_validate(
        {
            **CATALOG.remedies[0].model_dump(),
            "id": "long",
            "title": "A very long idea title that cannot fit in its column of the table at all",
        }
    )
    catalog = CATALOG.replace(**{"remedies": (*CATALOG.remedies, long)})
    nights = [
        night(END, 5, tried="long", helped=Helped.A_BIT, flags=tuple(titles)),
        night(END - dt.timedelta(days=1), 3, flags=("pregnancy",)),
    ]
    pdf = summary_of(nights, 28, chart=True, catalog=catalog, red_flag_titles=titles)
    text = flat(pdf_text(pdf))
    assert "..." not in text and "…" not in text
    assert f"29 Nov 2026: {'; '.join(titles.values())}" in text
    assert "28 Nov 2026: Pregnancy or breastfeeding" in text
    assert long.title in text
    assert flat(t(PdfText.IDEAS_CAVEAT)) in text
    assert flat(t(PdfText.SLEEP_QUESTION)) in text


def test_every_date_of_the_period_is_in_the_table_and_missing_nights_say_so() -> None:
    skipped = night(END - dt.timedelta(days=2), None).replace(**{"skipped": True})
    unanswered = night(END - dt.timedelta(days=4), None).replace(**{"prompted_at": AT})
    nights = [night(END, 4, sleep=2), skipped, unanswered]
    text = pdf_text(summary_of(nights, 7))
    assert "Evening rating (0-10) and sleep, night by night" in text
    for line in (
        "Sun 29 Nov 4 Poor",
        "Sat 28 Nov not recorded -",
        "Fri 27 Nov skipped -",
        "Thu 26 Nov not recorded -",
        "Wed 25 Nov no rating -",
        "Tue 24 Nov not recorded -",
        "Mon 23 Nov not recorded -",
    ):
        assert line in text, line


def test_a_night_entered_later_is_marked_in_the_table_with_a_footnote() -> None:
    later = night(END - dt.timedelta(days=1), 6, sleep=4).replace(**{"entered_later_at": AT})
    text = pdf_text(summary_of([night(END, 4), later], 7))
    assert "Sat 28 Nov 6* Good" in text
    assert "* entered later: filled in afterwards, not on the evening itself." in text
    assert "Nights entered later (filled in afterwards) 1" in text
    plain = pdf_text(summary_of([night(END, 4)], 7))
    assert "entered later" not in plain


def test_the_pdf_leaves_labelled_space_for_medicines_ferritin_and_onset() -> None:
    text = pdf_text(summary_of(month(), 28, chart=True))
    for label in (
        t(PdfText.FILL_IN_HEADING),
        t(PdfText.FILL_MEDICINES),
        t(PdfText.FILL_FERRITIN),
        f"{t(PdfText.FILL_DATE)} {t(PdfText.FILL_RESULT)}",
        t(PdfText.FILL_ONSET),
    ):
        assert label in text, label


def test_the_words_of_notes_never_reach_the_pdf() -> None:
    nights = [night(END, 4, note="my secret words")]
    text = pdf_text(summary_of(nights, 7, chart=True, tz="UTC"))
    assert "secret" not in text
    assert "Notes written (their text is not included) 1" in text


def test_a_year_with_many_ideas_and_warning_signs_still_fits_two_pages() -> None:
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
    pdf = summary_of(nights, 366, chart=True, catalog=catalog)
    assert len(pages(pdf)) == 2
    text = pdf_text(pdf)
    # Fewer rows of ideas and warning signs than a shorter period shows, so that it fits.
    assert "33 other ideas 297 0 297 0 0" in text
    assert "...and 363 more nights, 2 Dec 2025 to 29 Nov 2026." in text
    assert "Evening rating (0-10), month by month" in text
    assert f"{FOOTER} Page 2 of 2." in text


def test_a_short_period_lists_every_night_and_a_long_one_is_summed_up_by_week() -> None:
    short = pdf_text(summary_of(month(), 28, chart=True))
    assert "Evening rating (0-10) and sleep, night by night" in short
    gap = [
        n for n in month(days=150) if not dt.date(2026, 11, 2) <= n.night <= dt.date(2026, 11, 8)
    ]
    longer = pdf_text(summary_of(gap, 150, chart=True))
    assert "night by night" not in longer
    assert "Evening rating (0-10), week by week (weeks start on Monday)" in longer
    # The period starts on Friday 3 Jul: its first week has three of its days; a week with no
    # entry at all is listed too.
    assert "Week of Rated Median Range\n29 Jun 2026 3 of 3" in longer
    assert "2 Nov 2026 0 of 7 - -" in longer


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
