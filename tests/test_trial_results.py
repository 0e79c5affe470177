"""Personal trials looked back on (issue 19): a finished trial's answer guides the choice of
ideas, and every trial shows in /report, the doctor's PDF and the export."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
import re

from pypdf import PdfReader

from bot.charts import report_png
from bot.checkins.trial import Trials
from bot.content import load_catalog
from bot.context import Services
from bot.doctor_pdf import summary_pdf
from bot.doctor_pdf.nightly import FILL_IN_HEIGHT, fill_in_section
from bot.doctor_pdf.page import MARGIN, Document, Page
from bot.export import CSV_COLUMNS, nights_csv
from bot.insights import TrialLine, summarize, trial_lines, without_trials
from bot.models import Helped, Night, Person, Suggestion, SuggestionRecord, Why
from bot.recommend import choose, eligible
from bot.texts import PdfText, report_summary, t
from bot.texts.trial import trial_outcome
from bot.texts.trial_report import (
    limits_line,
    limits_plain,
    outcome_plain,
    outcome_sentence,
    plain,
)
from bot.transfer import export_json, parse_import
from bot.trial_plan import Arm, Trial, TrialOutcome, Verdict
from tests.conftest import CONTENT, Chat

CATALOG = load_catalog(CONTENT)
UTC = dt.UTC
AT = dt.datetime(2026, 11, 1, 21, 0, tzinfo=UTC)
TONIGHT = dt.date(2026, 11, 26)  # the fixture clock's night: Thursday 26 November in Berlin
STRETCHING = "Gentle leg stretches"
BATH = "A warm bath or foot soak"
# What each verdict comes with, as bot/trials.py would give it.
ANSWERS = {
    Verdict.BETTER: (0.93, -1.4),
    Verdict.WORSE: (0.06, 1.6),
    Verdict.UNCLEAR: (0.62, -0.3),
    Verdict.TOO_EARLY: (None, None),
}


def outcome(
    remedy_id: str = "stretching",
    verdict: Verdict = Verdict.BETTER,
    *,
    start: dt.date = dt.date(2026, 10, 1),
    end: dt.date = dt.date(2026, 10, 17),
    nights: int = 16,
    kept: int = 14,
    stopped: bool = False,
) -> TrialOutcome:
    p_better, effect = ANSWERS[verdict]
    return TrialOutcome(
        remedy_id=remedy_id,
        start=start,
        end=end,
        verdict=verdict,
        p_better=p_better,
        effect=effect,
        nights=nights,
        kept=kept,
        stopped=stopped,
    )


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the choice of ideas ------------------------------------------------------------------------


def someone(*trials: TrialOutcome, **update: object) -> Person:
    return Person(user_id=1, chat_id=1, created_at=AT, tz="UTC", trials=trials).replace(**update)


def tonight(rating: int) -> Night:
    return Night(night=dt.date(2026, 11, 1), tz="UTC", rating=rating)


def picks(
    who: Person,
    rating: int = 5,
    draws: int = 200,
    exclude: frozenset[str] = frozenset(),
) -> list[Suggestion]:
    """The idea chosen on `draws` evenings like tonight, from one seeded generator."""
    rng = random.Random(7)
    chosen = [
        choose(CATALOG, who, [], tonight(rating), rng, exclude=exclude) for _ in range(draws)
    ]
    assert all(c is not None for c in chosen)
    return [c for c in chosen if c is not None]


def stretching(suggestions: list[Suggestion]) -> int:
    return sum(s.remedy.id == "stretching" for s in suggestions)


def test_an_idea_the_persons_trial_found_better_is_chosen_far_more_often() -> None:
    without = stretching(picks(someone()))
    found_better = picks(someone(outcome()))
    assert stretching(found_better) >= max(60, 3 * without), (without, found_better)
    reasons = {s.reason.why for s in found_better if s.remedy.id == "stretching"}
    assert reasons == {Why.TRIAL_BETTER}


def test_an_idea_the_persons_trial_found_worse_is_never_offered_but_not_listed_as_not_for_me() -> (
    None
):
    who = someone(outcome(verdict=Verdict.WORSE))
    assert stretching(picks(who)) == 0 and stretching(picks(who, rating=8)) == 0
    assert "stretching" not in {r.id for r in eligible(CATALOG, who, [], tonight(5))}
    assert "stretching" in {r.id for r in eligible(CATALOG, someone(), [], tonight(5))}
    assert who.not_for_me == frozenset()  # /settings' "ideas you turned down" stays as it was


def test_on_a_hard_evening_the_idea_the_trial_found_better_comes_first_with_the_trial_as_why() -> (
    None
):
    chosen = picks(someone(outcome()), rating=8, draws=50)
    assert {(s.remedy.id, s.reason.why) for s in chosen} == {("stretching", Why.TRIAL_BETTER)}
    assert stretching(picks(someone(), rating=8, draws=50)) < 25


def test_the_newest_trial_of_an_idea_wins() -> None:
    october = outcome(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 17))

    def november(verdict: Verdict) -> TrialOutcome:
        return outcome(verdict=verdict, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 18))

    overturned = someone(october, november(Verdict.WORSE))
    assert stretching(picks(overturned, rating=8)) == 0
    # Stored out of order (say, by an import): the dates decide which one is newer.
    confirmed = someone(november(Verdict.BETTER), outcome(verdict=Verdict.WORSE))
    assert stretching(picks(confirmed, rating=8, draws=20)) == 20
    # A later trial with no clear difference takes back the earlier "likely better".
    doubted = someone(october, november(Verdict.UNCLEAR))
    assert [s.reason.why for s in picks(doubted)] == [s.reason.why for s in picks(someone())]


def test_unclear_trials_and_trials_stopped_too_early_change_nothing() -> None:
    plain_choice = [(s.remedy.id, s.reason) for s in picks(someone())]
    nothing_said = someone(
        outcome("stretching", Verdict.UNCLEAR), outcome("massage", Verdict.TOO_EARLY, kept=3)
    )
    assert [(s.remedy.id, s.reason) for s in picks(nothing_said)] == plain_choice
    # Nor does a trial stopped too early undo an earlier answer.
    early = outcome(
        verdict=Verdict.TOO_EARLY, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 4)
    )
    kept_answer = someone(outcome(), early)
    assert [s.reason for s in picks(kept_answer, rating=8, draws=20)] == [
        s.reason for s in picks(someone(outcome()), rating=8, draws=20)
    ]


def test_an_idea_the_trial_found_better_may_come_again_the_next_evening() -> None:
    def shown(day: int) -> Night:
        record = SuggestionRecord(remedy_id="stretching", content_version=1, at=AT)
        return Night(night=dt.date(2026, 10, 30 + day), tz="UTC", rating=6, suggestions=(record,))

    history = [shown(0), shown(1)]
    found_better = {r.id for r in eligible(CATALOG, someone(outcome()), history, tonight(6))}
    unknown = {r.id for r in eligible(CATALOG, someone(), history, tonight(6))}
    assert "stretching" in found_better and "stretching" not in unknown


def test_the_idea_under_test_is_left_out_even_when_an_earlier_trial_found_it_better() -> None:
    who = someone(outcome())
    assert stretching(picks(who, rating=8, exclude=frozenset({"stretching"}))) == 0


async def test_a_person_whose_trial_found_an_idea_better_gets_it_at_a_hard_rating(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    person = services.diary.person(chat.user_id)
    assert person is not None
    services.diary.core.change(person, trials=(outcome(),))
    await chat.send("/checkin")
    [card] = await chat.press("8")
    assert STRETCHING in card.text
    assert "Why this one: your own trial found it likely makes your nights better." in card.text


# -- the words of a result ----------------------------------------------------------------------


def test_the_result_without_its_limits_line_is_trial_outcomes_own_sentence() -> None:
    for verdict in Verdict:
        answer = outcome(verdict=verdict)
        sentence = outcome_sentence(answer, "Stretches <& co>")
        assert f"{sentence}\n{limits_line()}" == trial_outcome(answer, "Stretches <& co>")
        assert "<&" not in sentence and "not proof of cause" not in sentence
        assert outcome_plain(answer, "Stretches <& co>") == plain(sentence)
        assert "<" not in plain(sentence).replace("<& co>", "") and "&amp;" not in plain(sentence)
    assert limits_plain().startswith("This is what happened in your trial, not proof of cause")


# -- /report ------------------------------------------------------------------------------------

RUN_START = TONIGHT - dt.timedelta(days=10)  # Monday 16 November
PLAN = (Arm.IDEA,) * 2 + (Arm.USUAL,) * 4 + (Arm.IDEA,) * 3 + (Arm.USUAL,) * 3
NOT_KEPT = {3, 7}


def running_trial() -> Trial:
    plan = (PLAN * 3)[:28]
    return Trial(
        remedy_id="stretching", started_at=AT, start=RUN_START, length=14, plan=plan, used=10
    )


def trial_nights() -> list[Night]:
    """Ten trial evenings: idea nights scored 2-3, usual nights 5-6; two not kept."""
    return [
        Night(
            night=RUN_START + dt.timedelta(days=i),
            tz="Europe/Berlin",
            rating=5,
            sleep_quality=4,
            trial_arm=PLAN[i],
            night_score=(2 if PLAN[i] is Arm.IDEA else 5) + i % 2,
            kept_plan=i not in NOT_KEPT,
        )
        for i in range(10)
    ]


async def running_and_finished(chat: Chat, services: Services) -> Person:
    await chat.onboard()
    for night in trial_nights():
        services.diary.store.save_night(chat.user_id, night)
    person = services.diary.person(chat.user_id)
    assert person is not None
    finished = (
        outcome(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 17)),
        outcome(
            "warm_bath",
            Verdict.WORSE,
            start=dt.date(2026, 10, 2),
            end=dt.date(2026, 10, 17),
            nights=12,
            kept=11,
            stopped=True,
        ),
    )
    return services.diary.core.change(person, trial=running_trial(), trials=finished)


async def test_report_shows_the_running_trial_and_each_finished_one_newest_first(
    chat: Chat, services: Services
) -> None:
    person = await running_and_finished(chat, services)
    progress = Trials(services.diary.core).status(chat.user_id)
    assert progress is not None and progress.so_far.kept == 8
    _, _, trials = await chat.send("/report")
    text = trials.text
    so_far = plain(outcome_sentence(progress.so_far, STRETCHING))
    bath = plain(outcome_sentence(person.trials[1], BATH))
    earlier = plain(outcome_sentence(person.trials[0], STRETCHING))
    assert text.startswith("🔬 Your trials")
    expected = [
        f"{STRETCHING}, from Mon 16 Nov, still running: 8 of 14 nights kept as planned.",
        f"So far: {so_far}",
        f"{BATH}, Fri 2 Oct to Sat 17 Oct (stopped early):",
        bath,
        f"{STRETCHING}, Tue 1 Sep to Thu 17 Sep:",
        earlier,
    ]
    lines = text.splitlines()
    assert [line for line in lines if line in expected] == expected
    assert "Looks worse for you" in bath and "About 9 in 10 chance" in earlier
    assert text.count("not proof of cause") == 1, "the limits are said once, under them all"
    assert "comes first on hard evenings" in text


async def test_report_says_nothing_of_trials_to_someone_who_never_ran_one(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    services.diary.store.save_night(
        chat.user_id, Night(night=TONIGHT, tz="Europe/Berlin", rating=4)
    )
    replies = await chat.send("/report")
    assert len(replies) == 2 and not any("trial" in (r.text or "") for r in replies)


async def test_report_keeps_the_trials_even_with_no_nights_in_the_last_four_weeks(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    person = services.diary.person(chat.user_id)
    assert person is not None
    services.diary.core.change(person, trials=(outcome(),))
    empty, trials = await chat.send("/report")
    assert "nothing to show yet" in empty.text
    assert "Gentle leg stretches, Thu 1 Oct to Sat 17 Oct:" in trials.text


def tried_in_trial() -> list[Night]:
    """The trial's idea evenings kept as planned count as tried, as the trial's mornings
    record them; before the trial the idea was tried twice on ordinary evenings."""
    trial = [
        n.replace(morning_remedy="stretching", tried=True)
        if n.trial_arm is Arm.IDEA and n.kept_plan
        else n
        for n in trial_nights()
    ]
    ordinary = [
        Night(
            night=RUN_START - dt.timedelta(days=day),
            tz="Europe/Berlin",
            rating=6,
            morning_remedy="stretching",
            tried=True,
            helped=helped,
        )
        for day, helped in ((3, Helped.CLEARLY), (2, None))
    ]
    return ordinary + trial


def test_trial_evenings_are_not_counted_as_mornings_without_an_answer() -> None:
    nights = tried_in_trial()
    summary = summarize(nights, CATALOG, RUN_START - dt.timedelta(days=5), TONIGHT)
    [tried] = summary.outcomes
    assert (tried.tried, tried.clearly, tried.unanswered, tried.in_trial) == (6, 1, 1, 4)
    words = plain(report_summary(summary))
    assert (
        "Your mornings said it helped clearly once; no answer on 1 morning. Idea evenings of "
        "a trial among them: 4 (“Your trials” in /report says what the trial found)."
    ) in words
    assert "1 tried idea has no answer" in words
    only_trial = summarize(nights[2:], CATALOG, RUN_START, TONIGHT)
    alone = plain(report_summary(only_trial))
    assert "You haven't said yet whether it helped" not in alone
    assert "Idea evenings of a trial among them: 4" in alone and "no answer" not in alone
    text = flat(pdf_text(period_pdf(nights, [], days=14, end=TONIGHT)))
    assert (
        "Idea Nights tried Didn't help Helped a bit Helped clearly No answer Trial idea evenings"
    ) in text
    assert f"{STRETCHING} 6 0 0 1 1 4" in text


# -- the doctor's PDF ---------------------------------------------------------------------------

END = dt.date(2026, 11, 29)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def period_pdf(
    nights: list[Night], trials: list[TrialLine], days: int = 28, end: dt.date = END
) -> bytes:
    summary = summarize(nights, CATALOG, end - dt.timedelta(days=days - 1), end)
    return summary_pdf(
        dataclasses.replace(summary, trials=trials),
        tz="Europe/Berlin",
        generated_at=dt.datetime(2026, 11, 30, 8, 5, tzinfo=UTC),
    )


def test_the_pdf_lists_each_trial_of_the_period_with_dates_result_and_limits() -> None:
    running = outcome(verdict=Verdict.TOO_EARLY, start=RUN_START, end=TONIGHT, nights=10, kept=5)
    finished = [
        outcome(start=dt.date(2026, 10, 20), end=dt.date(2026, 11, 8)),  # overlaps the period
        outcome("warm_bath", Verdict.WORSE, stopped=True),  # ended before it
    ]
    start = END - dt.timedelta(days=27)
    lines = trial_lines(finished, running, CATALOG, running_length=14, start=start, end=END)
    assert [x.remedy_id for x in lines] == ["stretching", "stretching"]
    text = flat(pdf_text(period_pdf(trial_nights(), lines)))
    assert t(PdfText.TRIALS_HEADING) in text
    assert flat(t(PdfText.TRIALS_METHOD)) in text
    assert "Idea Dates What the nights showed" in text
    assert (
        f"{STRETCHING} (still running) from 16 Nov 2026 So far: "
        f"{outcome_plain(running, STRETCHING)}"
    ) in text
    assert (
        f"{STRETCHING} 20 Oct 2026 to 8 Nov 2026 {outcome_plain(finished[0], STRETCHING)}" in text
    )
    assert "About 9 in 10 chance that Gentle leg stretches makes your nights better" in text
    assert "(16 nights, 14 as planned)" in text
    assert text.count(flat(limits_plain())) == 1
    assert BATH not in text


def test_trial_evenings_in_the_nightly_table_show_their_kind_score_and_whether_kept() -> None:
    text = pdf_text(period_pdf(trial_nights(), []))
    for expected in (
        "Night Rating Sleep Trial",
        "Mon 16 Nov 5 Good A 2",
        "Tue 17 Nov 5 Good A 3",
        "Wed 18 Nov 5 Good B 5",
        "Thu 19 Nov 5 Good (B 6)",  # not kept as planned: in brackets
        "Mon 23 Nov 5 Good (A 3)",
    ):
        assert expected in text, expected
    assert flat(t(PdfText.TRIAL_NOTE)) in flat(text)
    # The nights of a whole season with trial evenings still fit night by night, every cell
    # whole (three columns of nights across the page).
    season = [
        n.replace(night=n.night - dt.timedelta(days=10 * k))
        for k in range(9)
        for n in trial_nights()
    ]
    long = pdf_text(period_pdf(season, [], days=100, end=TONIGHT))
    assert "night by night" in long
    assert "Thu 26 Nov not recorded" in long and "Mon 16 Nov 5 Good A 2" in long
    assert "Fri 28 Aug 5 Good A 2" in long and "Wed 19 Aug not recorded" in long
    assert long.count("Night Rating Sleep Trial") == 3
    assert "..." not in long


def test_a_year_of_many_trials_still_fits_two_pages() -> None:
    finished = [
        outcome(
            "stretching" if i % 2 else "massage",
            Verdict.UNCLEAR,
            start=END - dt.timedelta(days=20 * i + 18),
            end=END - dt.timedelta(days=20 * i),
        )
        for i in range(1, 18)
    ]
    lines = trial_lines(finished, None, CATALOG, start=END - dt.timedelta(days=365), end=END)
    nights = [
        n.replace(night=n.night - dt.timedelta(days=10 * k))
        for k in range(36)
        for n in trial_nights()
    ]
    pdf = period_pdf(nights, lines, days=366)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    text = flat(pdf_text(pdf))
    [hidden] = re.findall(r"\.\.\.and (\d+) earlier trials in this period; the export", text)
    shown = text.count("(16 nights, 14 as planned)")
    assert shown >= 2 and shown + int(hidden) == 17, (shown, hidden)


def test_leaving_out_an_adults_only_trial_takes_its_kinds_and_scores_out_too() -> None:
    nights = trial_nights()
    lines = [
        TrialLine(
            "orgasm", "x", outcome("orgasm", start=RUN_START, end=RUN_START + dt.timedelta(4))
        ),
        TrialLine(
            "stretching", STRETCHING, outcome(start=RUN_START + dt.timedelta(5), end=TONIGHT)
        ),
    ]
    kept = without_trials(nights, lines, ["orgasm"])
    assert [n.trial_arm for n in kept[:5]] == [None] * 5
    assert [n.night_score for n in kept[:5]] == [None] * 5
    assert [n.rating for n in kept] == [n.rating for n in nights]
    assert kept[5:] == nights[5:]


async def test_the_summary_says_it_holds_the_trials_and_leaves_out_an_adults_only_one(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    for night in trial_nights():
        services.diary.store.save_night(chat.user_id, night)
    person = services.diary.person(chat.user_id)
    assert person is not None
    adult = outcome("orgasm", start=RUN_START, end=RUN_START + dt.timedelta(days=9))
    services.diary.core.change(person, trials=(adult,))
    [contents] = await chat.send("/summary")
    assert "🔬 your personal trials" not in contents.text  # its only trial is left out
    assert "Adults-only topics: left out (“Sex or self-pleasure before sleep”" in contents.text
    [document] = await chat.press("Make the PDF", contents)
    assert document.document is not None
    hidden = pdf_text(document.document[1])
    assert "Sex or self-pleasure" not in hidden and "Personal trials" not in hidden
    assert "Mon 16 Nov 5 Good" in hidden and "A 2" not in hidden and "Trial" not in hidden
    [contents] = await chat.send("/summary")
    await chat.press("Include everything", contents)
    included = chat.api.sent_to(chat.user_id)[-1]
    assert "your personal trials and what your nights showed in each (1 trial)" in included.text
    [document] = await chat.press("Make the PDF", included)
    assert document.document is not None
    shown = pdf_text(document.document[1])
    assert "Sex or self-pleasure before sleep" in shown and "Mon 16 Nov 5 Good A 2" in shown


# -- the export ---------------------------------------------------------------------------------


def test_the_csv_says_each_nights_trial_kind_score_and_whether_it_went_as_planned() -> None:
    nights = [*trial_nights(), Night(night=TONIGHT, tz="Europe/Berlin", rating=3)]
    rows = list(csv.DictReader(io.StringIO(nights_csv(nights, CATALOG).decode("utf-8-sig"))))
    assert CSV_COLUMNS[-3:] == ("trial_evening", "night_score", "kept_plan")
    assert list(rows[0])[:18] == list(CSV_COLUMNS[:18])  # the old columns keep their places
    picked = [(r["trial_evening"], r["night_score"], r["kept_plan"]) for r in rows]
    assert picked[:4] == [("idea", "2", "yes"), ("idea", "3", "yes"), ("usual", "5", "yes"),
                          ("usual", "6", "no")]  # fmt: skip
    assert picked[-1] == ("", "", "")


async def test_export_carries_the_trials_and_import_brings_them_back(
    chat: Chat, services: Services
) -> None:
    person = await running_and_finished(chat, services)
    csv_doc, json_doc = await chat.send("/export")
    assert csv_doc.document is not None and json_doc.document is not None
    assert b"trial_evening,night_score,kept_plan" in csv_doc.document[1]
    imported, nights = parse_import(json_doc.document[1], user_id=9, chat_id=10)
    assert imported.trial == person.trial and imported.trials == person.trials
    assert [(n.trial_arm, n.night_score, n.kept_plan) for n in nights] == [
        (n.trial_arm, n.night_score, n.kept_plan) for n in trial_nights()
    ]
    data = export_json(person, trial_nights(), content_version=3, exported_at=AT)
    again, _ = parse_import(data, user_id=person.user_id, chat_id=person.chat_id)
    assert again == person


def test_a_month_with_trials_keeps_its_chart_and_every_night_on_two_pages() -> None:
    running = outcome(verdict=Verdict.TOO_EARLY, start=RUN_START, end=TONIGHT, nights=10, kept=5)
    finished = [
        outcome(start=dt.date(2026, 10, 20), end=dt.date(2026, 11, 8)),
        outcome("warm_bath", Verdict.WORSE, start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 14)),
    ]
    start = END - dt.timedelta(days=27)
    lines = trial_lines(finished, running, CATALOG, running_length=14, start=start, end=END)
    nights = trial_nights()
    summary = summarize(nights, CATALOG, start, END)
    pdf = summary_pdf(
        dataclasses.replace(summary, trials=lines),
        tz="Europe/Berlin",
        generated_at=dt.datetime(2026, 11, 30, 8, 5, tzinfo=UTC),
        chart_png=report_png(nights, CATALOG, END, 28),
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2 and sum(len(page.images) for page in reader.pages) == 1
    text = pdf_text(pdf)
    assert "night by night" in text and "Thu 19 Nov 5 Good (B 6)" in text
    assert t(PdfText.FILL_MEDICINES) in text and t(PdfText.TRIALS_HEADING) in text


def test_the_space_to_fill_in_takes_the_height_the_layout_keeps_for_it() -> None:
    pdf = Document(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    page = Page(pdf)
    before = page.room
    fill_in_section(page)
    assert pdf.page_no() == 1 and abs(before - page.room - FILL_IN_HEIGHT) < 0.01
