"""The content file: validation errors name file, remedy, field and problem; cards render."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from bot import texts
from bot.__main__ import content_check
from bot.config import Settings
from bot.content import check_companion_file, load_catalog, parse_catalog, summary_table
from bot.errors import ContentError
from bot.models import Evidence, Flag, Kind, Night, Person
from bot.recommend import eligible
from bot.red_flags import load_crisis, load_red_flags, stale_entries
from bot.validation import BRAND_NAMES, brand_in, dangling_headings, dose_in
from tests.conftest import CONTENT

GRADES = "\n".join(
    f'[grades.{g.value}]\nlabel = "label {g.value}"\nmeaning = "meaning of {g.value}."\n'
    for g in Evidence
)
ENTRY = """
[[remedy]]
id = "{id}"
title = "Title"
kind = "tonight"
evidence = "{evidence}"
how_to = "Do this."
caveat = "{caveat}"
safety = ""
sources = {sources}
flags = {flags}
reviewed_on = 2026-11-26
"""


def toml(*entries: str, grades: str = GRADES) -> str:
    return f'version = 3\nreviewed_by = "tests"\n{grades}\n' + "".join(entries)


def entry(
    id: str = "walk",
    evidence: str = "ANECDOTE",
    caveat: str = "Not tested.",
    sources: str = "[]",
    flags: str = "[]",
    how_to: str = "Do this.",
    title: str = "Title",
    kind: str = "tonight",
) -> str:
    text = ENTRY.format(id=id, evidence=evidence, caveat=caveat, sources=sources, flags=flags)
    return (
        text.replace('how_to = "Do this."', f'how_to = "{how_to}"')
        .replace('title = "Title"', f'title = "{title}"')
        .replace('kind = "tonight"', f'kind = "{kind}"')
    )


def error_for(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        parse_catalog(text, "content/remedies.toml")
    return str(caught.value)


def test_the_real_content_file_is_valid() -> None:
    catalog = load_catalog(CONTENT)
    assert catalog.version >= 1
    assert {g for g in Evidence} == set(catalog.grades)
    assert any(r.kind is Kind.TONIGHT for r in catalog.remedies)


def test_a_small_valid_file_loads() -> None:
    catalog = parse_catalog(toml(entry(), entry(id="bath")), "x.toml")
    assert [r.id for r in catalog.remedies] == ["walk", "bath"]
    assert catalog.version == 3


WALK = "content/remedies.toml: remedy 'walk': "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (toml(entry(caveat="  ")), WALK + "field 'caveat': must not be empty"),
        (toml(entry(), entry()), WALK + "field 'id': duplicate id"),
        (toml(entry(evidence="PROMISING")), WALK + "field 'evidence': unknown value 'PROMISING'"),
        (toml(entry(flags='["kids_only"]')), WALK + "field 'flags.0': unknown value 'kids_only'"),
        (
            toml(entry(evidence="TRIALS")),
            WALK + "field 'sources': grade TRIALS needs at least one source",
        ),
        (toml(entry(caveat="One. Two. Three.")), WALK + "field 'caveat': at most 2 sentences"),
        (
            toml(entry(caveat="Try the Relaxis pad.")),
            WALK + "field 'caveat': names a brand or product ('relaxis')",
        ),
        (
            toml(entry(title="Heal-n-Soothe at night")),
            WALK + "field 'title': names a brand or product ('heal n soothe')",
        ),
        (
            toml(entry(caveat="In the trial people took 800 mg a night.")),
            WALK + "field 'caveat': gives a dose or amount ('800 mg')",
        ),
        (
            toml(entry(how_to="Take two tablets with water.")),
            WALK + "field 'how_to': gives a dose or amount ('two tablets')",
        ),
        (
            toml(entry(evidence="MIXED", sources='["Wali S. 50,000 IU weekly. PMID 30430372"]')),
            WALK + "field 'sources.0': gives a dose or amount ('50,000 IU')",
        ),
        (
            toml(entry(evidence="GUIDELINE", sources='["Wang J et al. Sleep Med 2009"]')),
            WALK + "field 'sources': grade GUIDELINE needs a source that is a clinical "
            "practice guideline",
        ),
        (
            toml(entry(title="Talk to your doctor about")),
            WALK + "rendered card: '💡 Talk to your doctor about' breaks off mid-phrase",
        ),
        (
            toml(entry() + "# the Restiffic wrap, never to be named\n"),
            "content/remedies.toml: line 39: names a brand or product ('restiffic')",
        ),
        (toml(entry(), grades=""), "content/remedies.toml: field 'grades': is missing"),
        ("version = [", "content/remedies.toml: not valid TOML"),
    ],
)
def test_errors_name_the_file_remedy_field_and_problem(text: str, expected: str) -> None:
    assert error_for(text).startswith(expected)


def test_a_card_too_long_for_one_telegram_message_is_an_error() -> None:
    sources = "[" + ", ".join(f'"{"A" * 300} {i}"' for i in range(20)) + "]"
    message = error_for(toml(entry(evidence="MIXED", sources=sources)))
    assert re.search(r"remedy 'walk': rendered card is \d+ characters", message)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"nope\.toml: file not found"):
        load_catalog(tmp_path / "nope.toml")


def test_every_card_renders_with_evidence_caveat_and_safety_escaped() -> None:
    catalog = load_catalog(CONTENT)
    for remedy in catalog.remedies:
        card = texts.render_suggestion(remedy, catalog, "well studied")
        assert f"<b>{texts.esc(remedy.title)}</b>" in card
        evidence = [line for line in card.splitlines() if line.startswith("Evidence: ")]
        assert len(evidence) == 1 and texts.esc(remedy.caveat) in evidence[0]
        if remedy.safety:
            assert f"Safety: {texts.esc(remedy.safety)}" in card
        assert len(card) < texts.MAX_MESSAGE_LENGTH
        assert len(texts.render_card(remedy, catalog)) < texts.MAX_MESSAGE_LENGTH


def test_the_summary_table_lists_every_remedy() -> None:
    catalog = load_catalog(CONTENT)
    table = summary_table(catalog)
    assert table.splitlines()[0].split() == ["id", "kind", "evidence", "flags", "sources"]
    for remedy in catalog.remedies:
        assert re.search(
            rf"^{remedy.id}\s+{remedy.kind.value}\s+{remedy.evidence.value}", table, re.M
        )


REQUIRED = {
    "exercise": ("habit", "TRIALS"),
    "stretching": ("tonight", "MIXED"),
    "massage": ("tonight", "MIXED"),
    "warm_bath": ("tonight", "ANECDOTE"),
    "meditation": ("tonight", "MIXED"),
    "music": ("tonight", "ANECDOTE"),
    "hobbies": ("tonight", "ANECDOTE"),
    "orgasm": ("tonight", "CASE"),
    "trigger_points": ("tonight", "CASE"),
    "magnesium": ("ask_doctor", "MIXED"),
    "valerian": ("ask_doctor", "AGAINST"),
    "walking": ("tonight", "ANECDOTE"),
    "hot_cold_packs": ("tonight", "MIXED"),
    "mental_activity": ("tonight", "ANECDOTE"),
    "yoga": ("tonight", "TRIALS"),
    "avoid_alcohol": ("habit", "GUIDELINE"),
    "avoid_caffeine": ("habit", "GUIDELINE"),
    "sleep_schedule": ("habit", "ANECDOTE"),
    "iron_check": ("ask_doctor", "GUIDELINE"),
    "medicine_review": ("ask_doctor", "GUIDELINE"),
    "pneumatic_compression": ("ask_doctor", "GUIDELINE"),
    "nerve_stimulation": ("ask_doctor", "GUIDELINE"),
    "near_infrared": ("ask_doctor", "TRIALS"),
    "sleep_apnoea": ("ask_doctor", "ANECDOTE"),
    "quinine": ("ask_doctor", "AGAINST"),
    "vibrating_pad": ("ask_doctor", "MIXED"),
    "rls_treatments": ("ask_doctor", "GUIDELINE"),
}


def test_the_content_has_every_required_entry_with_the_fact_sheet_grade() -> None:
    catalog = load_catalog(CONTENT)
    found = {r.id: (r.kind.value, r.evidence.value) for r in catalog.remedies}
    for remedy_id, expected in REQUIRED.items():
        assert found.get(remedy_id) == expected, remedy_id


def test_supplements_and_iron_are_only_doctor_cards_with_cautions() -> None:
    catalog = load_catalog(CONTENT)
    for remedy_id in ("magnesium", "valerian", "iron_check", "medicine_review"):
        remedy = catalog.get(remedy_id)
        assert remedy is not None and remedy.kind is Kind.ASK_DOCTOR and remedy.safety
    magnesium = catalog.get("magnesium")
    assert magnesium is not None
    assert "how much, if any, is safe for you" in magnesium.safety
    assert "kidney" in magnesium.safety and dose_in(magnesium.safety) is None


def test_the_adult_entry_is_opt_in_and_honest() -> None:
    orgasm = load_catalog(CONTENT).get("orgasm")
    assert orgasm is not None and Flag.ADULTS_ONLY in orgasm.flags
    assert "one man" in orgasm.caveat and "worse" in orgasm.caveat


def test_every_graded_entry_cites_a_source() -> None:
    for remedy in load_catalog(CONTENT).remedies:
        if remedy.evidence is not Evidence.ANECDOTE:
            assert remedy.sources, remedy.id


# -- the rules that would have caught each mistake of the clinical review (issue 15) ----------


def shown_text(remedy_id: str) -> str:
    """Everything a person can read about one remedy, in both renderings."""
    catalog = load_catalog(CONTENT)
    remedy = catalog.get(remedy_id)
    assert remedy is not None, remedy_id
    return "\n".join(texts.every_rendering(remedy, catalog))


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        ("valerian 800 mg a night for eight weeks", "800 mg"),
        ("no more than 350 mg/day from supplements", "350 mg"),
        ("50,000 IU once a week", "50,000 IU"),
        ("a 400mcg tablet", "400mcg"),
        ("2.5 ml of syrup", "2.5 ml"),
        ("take two tablets at night", "two tablets"),
        ("1 g of vitamin C", "1 g"),
    ],
)
def test_a_dose_or_amount_figure_is_found_in_any_wording(text: str, dose: str) -> None:
    assert dose_in(text) == dose


@pytest.mark.parametrize(
    "text",
    [
        "ask whether your ferritin is 75 µg/L or lower (75 ng/mL)",
        "transferrin saturation under 20 %",
        "12 half-hour sessions over four weeks",
        "a brisk 30-minute walk, three times a week",
        "about one in five pregnant women",
        "medicines called alpha-2-delta ligands",
    ],
)
def test_lab_levels_times_and_counts_are_not_doses(text: str) -> None:
    assert dose_in(text) is None


def test_nothing_any_content_file_shows_gives_a_dose_or_names_a_brand() -> None:
    catalog = load_catalog(CONTENT)
    for grade in catalog.grades.values():
        assert dose_in(grade.label + " " + grade.meaning) is None
    for remedy in catalog.remedies:
        for card in texts.every_rendering(remedy, catalog):
            assert dose_in(card) is None, remedy.id
            assert brand_in(card) is None, remedy.id
    for companion in ("red_flags.toml", "crisis.toml"):
        check_companion_file(CONTENT.parent / companion)
    assert brand_in((CONTENT.parent / "crisis.toml").read_text(encoding="utf-8")) is None
    # Red flags recognise brand names in what people write, and never show them.
    book = load_red_flags(CONTENT.parent / "red_flags.toml")
    for flag in book.flags:
        assert brand_in(flag.title + " " + flag.message) is None, flag.id


def test_the_brand_list_has_the_device_brands_of_the_fact_sheet_and_the_source_publisher() -> None:
    for brand in ("relaxis", "nidra", "ntx100", "restiffic", "qualaquin", "heal n soothe"):
        assert brand in BRAND_NAMES
    assert brand_in("the NTX100 bands") == "ntx100"
    assert brand_in("Heal-n-Soothe") == "heal n soothe"
    assert brand_in("the requirement") is None


def test_a_brand_in_the_red_flags_or_crisis_file_is_an_error_naming_the_line(
    tmp_path: Path,
) -> None:
    crisis = tmp_path / "crisis.toml"
    text = (CONTENT.parent / "crisis.toml").read_text(encoding="utf-8")
    crisis.write_text(text + "# ask the pharmacy for Qualaquin\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    with pytest.raises(ContentError, match=rf"crisis\.toml: line {line}: .*'qualaquin'"):
        check_companion_file(crisis)


def test_a_dose_in_a_red_flag_message_is_an_error_naming_the_flag(tmp_path: Path) -> None:
    red_flags = tmp_path / "red_flags.toml"
    red_flags.write_text(
        'version = 1\n[[flag]]\nid = "clot"\ntitle = "A calf clot"\n'
        'message = "Take 2 tablets and call your doctor."\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ContentError, match=r"flag 'clot': field 'message': gives a dose or amount \('2 tablets'\)"
    ):
        check_companion_file(red_flags)


def test_the_old_iron_card_layout_is_caught_as_a_dangling_heading() -> None:
    old_card = (
        "<b>Ask for an iron blood test</b>\n<i>Talk to your doctor about</i>\n"
        "What to ask: Ask your doctor for a blood test."
    )
    assert dangling_headings(old_card) == ["'Talk to your doctor about' breaks off mid-phrase"]
    assert dangling_headings("<b>Iron</b>\nWhat to ask: x.\n\nSources:") == [
        "heading 'Sources:' has nothing under it"
    ]
    assert dangling_headings("<b>Iron</b>\n⚠️ Safety: \nSources:\n• a source") == [
        "heading '⚠️ Safety:' has nothing under it"
    ]


def test_every_real_card_has_something_under_each_heading() -> None:
    catalog = load_catalog(CONTENT)
    for remedy in catalog.remedies:
        for card in texts.every_rendering(remedy, catalog):
            assert dangling_headings(card) == [], remedy.id
    iron = shown_text("iron_check")
    assert "Talk to your doctor about" not in iron
    assert "A question for your doctor or pharmacist" in iron


def test_every_guideline_graded_card_cites_a_guideline() -> None:
    for remedy in load_catalog(CONTENT).remedies:
        if remedy.evidence is Evidence.GUIDELINE:
            assert any("guideline" in s.lower() for s in remedy.sources), remedy.id


def test_every_source_can_be_looked_up() -> None:
    # A doi, PMID, PMCID or web address; else at least journal, year, volume and issue.
    findable = re.compile(r"doi:10\.|PMID \d|PMCID PMC\d|https?://|\b(19|20)\d\d;\d+\(\d+\)")
    for remedy in load_catalog(CONTENT).remedies:
        for source in remedy.sources:
            assert findable.search(source), (remedy.id, source)


def test_the_case_grade_does_not_say_doctors_wrote_the_report() -> None:
    catalog = load_catalog(CONTENT)
    meaning = catalog.grades[Evidence.CASE].meaning
    assert "doctor" not in meaning.lower() and "written by whoever treated" in meaning
    trigger_points = catalog.get("trigger_points")
    assert trigger_points is not None and trigger_points.evidence is Evidence.CASE
    assert "massage therapist" in trigger_points.caveat


def test_massage_is_mixed_and_says_exactly_what_was_tested() -> None:
    massage = load_catalog(CONTENT).get("massage")
    assert massage is not None and massage.evidence is Evidence.MIXED
    assert "electric foot massager, that is what was tested" in massage.how_to
    assert "pilot" in massage.caveat and "eight people" in massage.caveat
    assert "RLS medicines" in massage.caveat


def test_valerian_says_plainly_that_it_did_no_better_than_a_dummy_pill() -> None:
    valerian = load_catalog(CONTENT).get("valerian")
    assert valerian is not None and valerian.evidence is Evidence.AGAINST
    assert "no better than a dummy pill" in valerian.title
    assert "did no better than people given a dummy pill" in valerian.caveat
    assert "hint" not in valerian.caveat and not valerian.title.startswith("Ask before")


def test_the_iron_card_gives_the_guideline_iron_levels_and_keeps_tablets_from_children() -> None:
    iron = load_catalog(CONTENT).get("iron_check")
    assert iron is not None
    assert "75 µg/L or lower" in iron.how_to and "under 20 %" in iron.how_to
    assert "many labs still call normal" in iron.how_to
    assert "children cannot reach" in iron.safety


def test_near_infrared_is_not_shown_as_advised_in_guidelines() -> None:
    catalog = load_catalog(CONTENT)
    card = shown_text("near_infrared")
    assert catalog.grades[Evidence.GUIDELINE].label not in card
    assert "advised in guidelines" not in card.lower()
    assert "may consider it, a weak yes" in card


@pytest.mark.parametrize(
    ("remedy_id", "words"),
    [
        ("exercise", ("Unusually hard or long exercise", "build up slowly")),
        ("sleep_schedule", ("too sleepy to drive",)),
        ("hot_cold_packs", ("don't use cold at all if you have poor circulation",)),
        ("warm_bath", ("If you are pregnant, keep the water warm, never hot",)),
        (
            "pneumatic_compression",
            ("blood clot", "leg infection", "peripheral artery disease", "heart failure"),
        ),
    ],
)
def test_the_safety_notes_the_review_asked_for_are_shown(
    remedy_id: str, words: tuple[str, ...]
) -> None:
    remedy = load_catalog(CONTENT).get(remedy_id)
    assert remedy is not None
    for word in words:
        assert word in remedy.safety, (remedy_id, word)


def test_the_new_cards_say_what_the_review_asked_for() -> None:
    catalog = load_catalog(CONTENT)
    quinine = catalog.get("quinine")
    assert quinine is not None and "not a treatment for RLS" in quinine.title
    assert "regulators" in quinine.caveat and "blood problems" in quinine.caveat
    apnoea = catalog.get("sleep_apnoea")
    assert apnoea is not None and "snore" in apnoea.how_to
    pad = catalog.get("vibrating_pad")
    assert pad is not None and Flag.NEEDS_EQUIPMENT in pad.flags
    assert "believed" in pad.caveat and "shares" in pad.caveat
    treatments = catalog.get("rls_treatments")
    assert treatments is not None
    for words in ("iron", "alpha-2-delta", "dopamine-type"):
        assert words in treatments.how_to + treatments.caveat


def test_no_card_suggests_stopping_or_changing_a_medicine() -> None:
    change = re.compile(r"\b(stop|start|change|reduce|increase|lower)\b.{0,40}\b(medicine|dose)")
    for remedy in load_catalog(CONTENT).remedies:
        for sentence in re.split(r"(?<=[.!?:;])\s+", f"{remedy.how_to} {remedy.safety}"):
            if change.search(sentence):
                assert re.search(r"\b(don't|never)\b", sentence, re.I), (remedy.id, sentence)


def test_the_new_doctor_cards_are_never_offered_at_bedtime() -> None:
    catalog = load_catalog(CONTENT)
    who = Person(
        user_id=1, chat_id=1, adult_topics=True, created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    offered = {
        r.id for r in eligible(catalog, who, [], Night(night=dt.date(2026, 12, 1), tz="UTC"))
    }
    for remedy_id in ("sleep_apnoea", "quinine", "vibrating_pad", "rls_treatments", "iron_check"):
        assert remedy_id not in offered
    assert "orgasm" in offered and "yoga" in offered


# -- crisis lines: a checked_on date per country, a warning when it is old --------------------

CRISIS_ENTRY = """
[[country]]
code = "{code}"
name = "Country {code}"
emergency = "112"
lines = ["A helpline: call 116 123, any time"]
checked_on = {checked_on}
"""


def crisis_file(tmp_path: Path, dates: dict[str, str], fallback: str) -> Path:
    path = tmp_path / "crisis.toml"
    countries = "".join(CRISIS_ENTRY.format(code=c, checked_on=d) for c, d in dates.items())
    path.write_text(
        f'version = 1\n{countries}\n[international]\nname = "your country"\n'
        f'emergency = "112"\nlines = ["findahelpline.com"]\nchecked_on = {fallback}\n',
        encoding="utf-8",
    )
    return path


def test_every_real_crisis_entry_has_the_date_it_was_checked() -> None:
    directory = load_crisis(CONTENT.parent / "crisis.toml")
    assert directory.countries
    for entry in [*directory.countries.values(), directory.international]:
        assert isinstance(entry.checked_on, dt.date)


def test_a_crisis_entry_without_checked_on_is_an_error(tmp_path: Path) -> None:
    path = crisis_file(tmp_path, {"GB": "2027-01-01"}, "2027-01-01")
    path.write_text(path.read_text().replace("checked_on = 2027-01-01\n", "", 1))
    with pytest.raises(ContentError, match=r"country 'GB': field 'checked_on': is missing"):
        load_crisis(path)


def test_entries_checked_more_than_six_months_before_the_given_day_are_stale(
    tmp_path: Path,
) -> None:
    dates = {"GB": "2026-12-14", "DE": "2026-12-15", "US": "2027-06-01"}
    directory = load_crisis(crisis_file(tmp_path, dates, fallback="2026-01-01"))
    stale = stale_entries(directory, today=dt.date(2027, 6, 15))
    assert [e.code or "international" for e in stale] == ["GB", "international"]
    assert stale_entries(directory, today=dt.date(2026, 12, 20)) == [directory.international]


def test_six_months_before_the_end_of_august_is_the_end_of_february(tmp_path: Path) -> None:
    dates = {"GB": "2027-02-27", "DE": "2027-02-28"}
    directory = load_crisis(crisis_file(tmp_path, dates, fallback="2027-03-01"))
    assert [e.code for e in stale_entries(directory, today=dt.date(2027, 8, 31))] == ["GB"]


def copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT.parent, folder)
    return folder / "remedies.toml"


def test_content_check_warns_about_old_crisis_lines_but_still_passes(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    remedies = copy_content(tmp_path)
    directory = load_crisis(remedies.parent / "crisis.toml")
    oldest = min(e.checked_on for e in [*directory.countries.values(), directory.international])
    newest = max(e.checked_on for e in [*directory.countries.values(), directory.international])

    assert content_check(settings, remedies, today=newest + dt.timedelta(days=30)) == 0
    assert "warning" not in capsys.readouterr().err

    assert content_check(settings, remedies, today=oldest + dt.timedelta(days=200)) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and "more than 6 months ago" in err
    assert "update checked_on" in err


def test_content_check_fails_when_a_companion_file_names_a_brand(
    tmp_path: Path, settings: Settings
) -> None:
    remedies = copy_content(tmp_path)
    red_flags = remedies.parent / "red_flags.toml"
    red_flags.write_text(
        red_flags.read_text(encoding="utf-8") + "# people on Mirapex often ask\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match=r"red_flags\.toml: line \d+: .*'mirapex'"):
        content_check(settings, remedies, today=dt.date(2026, 12, 1))


# Who could be harmed by an idea, and the words each risky card must show them (the hazard
# log, docs/safety.md, H2, points here).
RISKS = {
    "a blood clot": {
        "massage": "blood clot",
        "trigger_points": "blood clot",
        "pneumatic_compression": "blood clot",
    },
    "numb feet (neuropathy, diabetes)": {
        "warm_bath": "feet are numb",
        "hot_cold_packs": "numb skin",
        "near_infrared": "numb",
    },
    "a pregnancy": {
        "warm_bath": "pregnant",
        "valerian": "pregnancy",
        "pregnancy": "During pregnancy and breastfeeding",
    },
    "kidney disease": {"magnesium": "kidney problems"},
    "blood thinners": {"trigger_points": "blood thinners", "acupuncture": "blood thinners"},
    "falls at night": {"walking": "Falls"},
}


@pytest.mark.parametrize("risk", sorted(RISKS))
def test_each_card_with_a_known_risk_tells_who_should_skip_it(risk: str) -> None:
    catalog = load_catalog(CONTENT)
    for remedy_id, words in RISKS[risk].items():
        remedy = catalog.get(remedy_id)
        assert remedy is not None, remedy_id
        assert words in remedy.safety, (risk, remedy_id)
        suggestion = texts.render_suggestion(remedy, catalog, "something new to try")
        assert f"⚠️ Safety: {texts.esc(remedy.safety)}" in suggestion


SAFETY_CASE = CONTENT.parent.parent / "docs" / "safety.md"


def test_every_test_named_in_the_safety_case_exists() -> None:
    named = re.findall(r"(tests/\w+\.py)::(test_\w+)", SAFETY_CASE.read_text(encoding="utf-8"))
    assert len(named) >= 30
    root = CONTENT.parent.parent
    for path, name in named:
        source = (root / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{path}::{name}"


def test_red_flags_may_recognise_a_brand_people_write_but_never_show_one(tmp_path: Path) -> None:
    red_flags = tmp_path / "red_flags.toml"
    original = (CONTENT.parent / "red_flags.toml").read_text(encoding="utf-8")
    assert "mirapex" in original.lower(), "the concepts recognise what people write"
    check_companion_file(CONTENT.parent / "red_flags.toml")
    shown = original.replace('title = "', 'title = "Mirapex: ', 1)
    red_flags.write_text(shown, encoding="utf-8")
    with pytest.raises(ContentError, match=r"line \d+: .*'mirapex'"):
        check_companion_file(red_flags)
