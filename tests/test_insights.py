"""What the diary shows: per-remedy outcomes, period summaries and the words around them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.content import load_catalog
from bot.insights import (
    MIN_TRIED_NIGHTS,
    PeriodSummary,
    RemedyOutcome,
    remedy_outcomes,
    summarize,
)
from bot.models import Catalog, Helped, Night, Note, Remedy
from bot.texts import (
    MAX_MESSAGE_LENGTH,
    ReportText,
    TriedText,
    report_summary,
    t,
    weekly_summary,
    what_helped,
)

REPORT_EMPTY = t(ReportText.REPORT_EMPTY)
TOO_FEW = t(TriedText.TOO_FEW)
WEEKLY_EMPTY = t(ReportText.WEEKLY_EMPTY)

CATALOG = load_catalog(Path(__file__).resolve().parent.parent / "content" / "remedies.toml")
START = dt.date(2026, 11, 2)  # a Monday
AT = dt.datetime(2026, 11, 2, 21, 0, tzinfo=dt.UTC)
CAUSAL = re.compile(
    r"\bworks?\b|\bcaus|because of|helped you|\beffective|\bproven\b|\bcured?\b", re.IGNORECASE
)


def night(
    day: int,
    rating: int | None = None,
    *,
    tried: str | None = None,
    helped: Helped | None = None,
    declined: str | None = None,
    sleep: int | None = None,
    skipped: bool = False,
    notes: int = 0,
    flags: tuple[str, ...] = (),
) -> Night:
    remedy = tried or declined
    return Night(
        night=START + dt.timedelta(days=day),
        tz="Europe/Berlin",
        rating=rating,
        skipped=skipped,
        sleep_quality=sleep,
        morning_remedy=remedy,
        tried=None if remedy is None else tried is not None,
        helped=helped,
        notes=tuple(Note(at=AT, text=f"note {i}") for i in range(notes)),
        red_flags=flags,
    )


def outcome(tried: int, **fields_: object) -> RemedyOutcome:
    fields: dict[str, object] = {
        "remedy_id": "warm_bath",
        "title": "A warm bath",
        "tried": tried,
        "no": 0,
        "a_bit": 0,
        "clearly": 0,
        "unanswered": 0,
        "avg_rating_after": 4.1,
        "avg_rating_other": 5.6,
    }
    fields.update(fields_)
    return RemedyOutcome(**fields)  # type: ignore[arg-type]


def catalog_with(*remedies: Remedy) -> Catalog:
    return CATALOG.replace(**{"remedies": (*CATALOG.remedies, *remedies)})


# -- remedy outcomes ------------------------------------------------------------------------


def test_outcomes_count_each_answer_and_the_unanswered_mornings() -> None:
    nights = [
        night(0, 6, tried="massage", helped=Helped.CLEARLY),
        night(1, 5, tried="massage", helped=Helped.CLEARLY),
        night(2, 7, tried="massage", helped=Helped.A_BIT),
        night(3, 4, tried="massage", helped=Helped.NO),
        night(4, 6, tried="massage"),
    ]
    [result] = remedy_outcomes(nights, CATALOG)
    assert (result.remedy_id, result.title) == ("massage", "Massage your calves and feet")
    assert (result.tried, result.clearly, result.a_bit, result.no, result.unanswered) == (
        5,
        2,
        1,
        1,
        1,
    )


def test_shown_or_not_tried_remedies_do_not_count_as_tried() -> None:
    nights = [
        night(0, 6, declined="massage"),  # suggested, morning answer: not tried
        night(1, 6),
        night(2, 6, tried="yoga", helped=Helped.NO),
    ]
    assert [o.remedy_id for o in remedy_outcomes(nights, CATALOG)] == ["yoga"]


def test_the_rating_after_is_the_next_evenings_and_every_other_rated_evening_is_the_rest() -> None:
    nights = [
        night(0, 8, tried="massage", helped=Helped.A_BIT),
        night(1, 3),  # after massage
        night(2, 9, tried="massage"),
        night(3, 5),  # after massage
        night(5, 6, tried="massage"),  # day 6 is missing: no "after" rating
        night(7, None, skipped=True),
    ]
    [result] = remedy_outcomes(nights, CATALOG)
    assert result.avg_rating_after == pytest.approx(4.0)
    assert result.avg_rating_other == pytest.approx((8 + 9 + 6) / 3)


def test_averages_are_none_when_there_is_nothing_to_average() -> None:
    [result] = remedy_outcomes([night(0, None, tried="massage")], CATALOG)
    assert result.avg_rating_after is None and result.avg_rating_other is None


def test_the_most_tried_remedy_comes_first_and_an_unknown_id_keeps_its_id_as_title() -> None:
    nights = [night(0, 5, tried="gone_idea")] + [night(d, 5, tried="yoga") for d in (1, 2, 3)]
    results = remedy_outcomes(nights, CATALOG)
    assert [(o.remedy_id, o.title, o.tried) for o in results] == [
        ("yoga", "Gentle yoga", 3),
        ("gone_idea", "gone_idea", 1),
    ]


def test_five_tried_nights_are_enough_and_four_are_not() -> None:
    assert MIN_TRIED_NIGHTS == 5
    assert not outcome(4).enough
    assert outcome(5).enough


# -- period summaries -----------------------------------------------------------------------


def test_a_summary_counts_only_the_nights_inside_the_period() -> None:
    nights = [
        night(-1, 9, sleep=1, notes=3),  # before the period
        night(0, 0, sleep=4),
        night(1, 5, sleep=2, notes=2, tried="yoga", helped=Helped.A_BIT),
        night(2, None, skipped=True, flags=("chest_pain",)),
        night(3, 7, sleep=2, notes=1),
        night(4, 2),  # no morning answer
        night(7, 10, sleep=5),  # after the period
    ]
    s = summarize(nights, CATALOG, START, START + dt.timedelta(days=6))
    assert (s.start, s.end, s.days) == (START, START + dt.timedelta(days=6), 7)
    assert (s.nights_recorded, s.nights_rated, s.nights_with_symptoms) == (5, 4, 3)
    assert s.ratings == [0, 5, 7, 2]
    assert s.median_rating == 3.5
    assert s.sleep_quality_counts == {1: 0, 2: 2, 3: 0, 4: 1, 5: 0}
    assert s.median_sleep_quality == 2.0
    assert [o.remedy_id for o in s.outcomes] == ["yoga"]
    assert s.red_flag_nights == [(START + dt.timedelta(days=2), ("chest_pain",))]
    assert (s.skipped, s.notes_count, s.mornings_missing) == (1, 3, 1)
    assert [n.night.day for n in s.nightly] == [2, 3, 4, 5, 6]


def test_an_empty_period_has_no_medians() -> None:
    s = summarize([], CATALOG, START, START)
    assert s.median_rating is None and s.median_sleep_quality is None
    assert s.sleep_quality_counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert s.nights_recorded == 0 and s.outcomes == []


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        summarize([], CATALOG, START, START - dt.timedelta(days=1))


# -- what you tried -------------------------------------------------------------------------


def test_under_five_tried_nights_the_entry_says_too_few_nights_and_shows_no_averages() -> None:
    text = what_helped([outcome(4, clearly=3, a_bit=1)])
    assert TOO_FEW == "too few nights to tell yet"
    assert "tried on 4 nights, too few nights to tell yet" in text
    assert "/10" not in text and "averaged" not in text
    assert "Your mornings said it helped clearly 3 times, helped a bit once." in text


def test_at_five_tried_nights_the_entry_shows_both_averages_and_the_persons_answers() -> None:
    text = what_helped([outcome(5, clearly=3, a_bit=1, no=1)])
    assert TOO_FEW not in text
    assert "it helped clearly 3 times, helped a bit once, didn't help once." in text
    assert (
        "On evenings after you tried it, your legs averaged 4.1/10, against 5.6/10 on other "
        "evenings (lower is calmer). This shows what happened alongside it, not whether it "
        "made the difference."
    ) in text


def test_enough_nights_without_later_ratings_say_there_is_nothing_to_compare() -> None:
    text = what_helped([outcome(6, avg_rating_after=None, avg_rating_other=None)])
    assert "can't compare" in text and "/10" not in text
    text = what_helped([outcome(6, avg_rating_other=None)])
    assert "4.1/10" in text and "no other rated evenings" in text


def test_nothing_tried_yet_gets_a_friendly_explanation() -> None:
    text = what_helped([])
    assert "haven't tried any of my ideas yet" in text
    assert "I'll try it" in text and "5 nights" in text


@pytest.mark.parametrize("tried", [1, 2, 4, 5, 9])
@pytest.mark.parametrize("answers", [(0, 0, 0), (1, 0, 0), (0, 2, 1), (3, 1, 1)])
@pytest.mark.parametrize("averages", [(None, None), (3.0, None), (4.1, 5.6)])
def test_what_helped_never_uses_causal_words(
    tried: int, answers: tuple[int, int, int], averages: tuple[float | None, float | None]
) -> None:
    no, a_bit, clearly = answers
    entry = outcome(
        tried,
        no=no,
        a_bit=a_bit,
        clearly=clearly,
        unanswered=max(tried - sum(answers), 0),
        avg_rating_after=averages[0],
        avg_rating_other=averages[1],
    )
    for text in (what_helped([entry]), what_helped([])):
        assert CAUSAL.search(text) is None, text


def test_remedy_titles_are_html_escaped() -> None:
    text = what_helped([outcome(2, title="Heat <b>&</b> cold")])
    assert "Heat &lt;b&gt;&amp;&lt;/b&gt; cold" in text


# -- /report and the weekly message -----------------------------------------------------------


def four_weeks() -> list[Night]:
    nights = []
    for day in range(28):
        if day in (9, 10):
            continue  # two nights with no entry at all
        rating = (day * 3) % 11
        tried = "warm_bath" if day % 4 == 0 else None
        helped = Helped.CLEARLY if tried and day % 8 == 0 else None
        sleep = None if day in (3, 5) else 1 + day % 5
        nights.append(night(day, rating, tried=tried, helped=helped, sleep=sleep))
    return nights


def test_the_report_gives_period_symptoms_median_sleep_and_an_honest_ending() -> None:
    s = summarize(four_weeks(), CATALOG, START, START + dt.timedelta(days=27))
    text = report_summary(s)
    assert text.startswith("<b>Your nights from Mon 2 Nov to Sun 29 Nov</b>")
    assert "You recorded 26 of these 28 nights and rated your legs on 26." in text
    assert f"bothered you (1/10 or more): {s.nights_with_symptoms} of 26." in text
    assert f"Typical rating (the median): {s.median_rating:.0f}/10, ranging from 0 to 10." in text
    assert (
        "Sleep, on the 24 mornings you answered: 4 very good, 4 good, 6 fair, 6 poor, "
        "4 very poor; typically fair."
    ) in text
    assert "<b>A warm bath or foot soak</b>: tried on 7 nights." in text
    ending = text.rsplit("\n", 1)[-1]
    assert ending.startswith("<i>What this can't show yet: 2 nights of 28 have no entry;")
    assert "2 evenings have no morning answer" in ending
    assert "3 tried ideas have no answer to “did it help?”" in ending
    assert CAUSAL.search(text) is None


def test_the_report_names_warning_signs_with_their_titles() -> None:
    nights = [night(0, 5, flags=("chest_pain",)), night(3, 6, flags=("chest_pain", "fever"))]
    s = summarize(nights, CATALOG, START, START + dt.timedelta(days=27))
    text = report_summary(s, red_flag_titles={"chest_pain": "Chest pain <now>"})
    assert (
        "⚠️ 2 nights with a warning sign noted: Chest pain &lt;now&gt;; fever "
        "(Mon 2 Nov, Thu 5 Nov). Please mention them to your doctor."
    ) in text


def test_the_report_fits_one_telegram_message_however_many_ideas_were_tried() -> None:
    extra = [
        Remedy.model_validate(
            {**CATALOG.remedies[0].model_dump(), "id": f"r{i}", "title": "T" * 80}
        )
        for i in range(60)
    ]
    nights = [night(day, 5, tried=f"r{day % 60}") for day in range(366)]
    catalog = catalog_with(*extra)
    s = summarize(nights, catalog, START, START + dt.timedelta(days=365))
    text = report_summary(s)
    assert len(text) <= MAX_MESSAGE_LENGTH
    assert "more ideas you tried less often (see /export)." in text
    assert text.endswith("</i>")


def test_no_nights_gives_the_empty_report() -> None:
    assert report_summary(summarize([], CATALOG, START, START)) == REPORT_EMPTY


def test_the_weekly_message_shows_each_evening_and_says_a_week_is_short() -> None:
    nights = [night(0, 6, sleep=3), night(1, 0, sleep=4), night(3, 8, tried="yoga")]
    s = summarize(nights, CATALOG, START, START + dt.timedelta(days=6))
    text = weekly_summary(s)
    assert text.startswith("<b>Your week</b>, Mon 2 Nov to Sun 8 Nov")
    assert "Mon 6 · Tue 0 · Wed – · Thu 8 · Fri – · Sat – · Sun –" in text
    assert "You rated 3 of 7 evenings; your legs bothered you (1/10 or more) on 2." in text
    assert "<b>Gentle yoga</b>: tried on 1 night, too few nights to tell yet." in text
    assert "4 nights of 7 have no entry; 1 evening has no morning answer" in text
    assert "A week is short" in text
    assert len(text) <= MAX_MESSAGE_LENGTH and CAUSAL.search(text) is None


def test_an_empty_week_says_there_is_nothing_to_sum_up() -> None:
    s: PeriodSummary = summarize([], CATALOG, START, START + dt.timedelta(days=6))
    assert weekly_summary(s).startswith(WEEKLY_EMPTY)
