"""The optional onset question and day tags in summaries: counts, with/without, the PDF."""

from __future__ import annotations

import datetime as dt
import zlib

from bot.content import load_catalog
from bot.doctor_pdf import summary_pdf
from bot.insights import summarize, tag_comparisons
from bot.models import Night, Onset, Trigger
from tests.conftest import CONTENT, Chat

CATALOG = load_catalog(CONTENT)
START = dt.date(2026, 11, 1)


def night(
    day: int, rating: int, *tags: Trigger, onset: Onset | None = None, asked: bool = True
) -> Night:
    return Night(
        night=START + dt.timedelta(days=day),
        tz="UTC",
        rating=rating,
        triggers=tags,
        tags_asked=asked,
        onset=onset,
    )


def test_tags_compare_rated_evenings_with_and_without_among_evenings_asked() -> None:
    nights = [
        night(0, 8, Trigger.ALCOHOL),
        night(1, 6, Trigger.ALCOHOL, Trigger.LONG_SITTING),
        night(2, 2),
        night(3, 4),
        night(4, 9, asked=False),  # never asked: counts neither as with nor without
    ]
    by_tag = {t.trigger: t for t in tag_comparisons(nights)}
    alcohol = by_tag[Trigger.ALCOHOL]
    assert (alcohol.with_nights, alcohol.avg_with) == (2, 7.0)
    assert (alcohol.without_nights, alcohol.avg_without) == (2, 3.0)
    assert by_tag[Trigger.LONG_SITTING].with_nights == 1
    assert Trigger.CAFFEINE_LATE not in by_tag


def test_onset_answers_are_counted_in_the_summary_and_shown_in_the_pdf() -> None:
    nights = [
        night(0, 5, onset=Onset.AFTERNOON),
        night(1, 6, Trigger.ALCOHOL, onset=Onset.AFTERNOON),
        night(2, 3, onset=Onset.BEDTIME),
    ]
    summary = summarize(nights, CATALOG, START, START + dt.timedelta(days=6))
    assert summary.onset_counts == {Onset.AFTERNOON: 2, Onset.BEDTIME: 1}
    pdf = summary_pdf(summary, tz="UTC", generated_at=dt.datetime(2026, 11, 8, tzinfo=dt.UTC))
    text = "".join(
        zlib.decompress(part.split(b"endstream")[0].strip(b"\r\n")).decode("latin-1")
        for part in pdf.split(b"stream")[1:]
        if part.lstrip(b"\r\n")[:1] == b"x"
    )
    assert "When the urge started" in text and "afternoon 2" in text
    assert "Day tag: alcohol" in text and "association only" in text


def test_report_text_lists_tags_with_and_without_never_as_a_cause() -> None:
    from bot.texts import report_summary

    nights = [
        night(0, 8, Trigger.ALCOHOL, onset=Onset.EVENING),
        night(1, 3),
        night(2, 7, Trigger.ALCOHOL),
    ]
    text = report_summary(summarize(nights, CATALOG, START, START + dt.timedelta(days=27)))
    assert "When the urge started</b>: evening 1." in text
    assert "• alcohol: 2 evenings with, averaging 7.5/10; 1 without, averaging 3.0/10." in text
    assert "not what made the difference" in text
    for word in ("because", "caused", "causes", "works"):
        assert word not in text.lower()


async def test_history_shows_onset_and_tags(chat: Chat) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    await chat.press("Ask when the urge started", settings)
    [settings] = await chat.send("/settings")
    await chat.press("Ask about day tags", settings)
    await chat.send("/checkin")
    await chat.press("6")
    [question] = await chat.press("I'll try it")  # the question follows the answered card
    await chat.press("Evening", question)
    await chat.press("Long sitting or travel", question)
    [history] = await chat.send("/history")
    assert "urge began: evening" in history.text and "long sitting or travel" in history.text
