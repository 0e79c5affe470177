"""The content file: validation errors name file, remedy, field and problem; cards render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import texts
from bot.content import load_catalog, parse_catalog, summary_table
from bot.errors import ContentError
from bot.models import Evidence, Flag, Kind
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
) -> str:
    return ENTRY.format(id=id, evidence=evidence, caveat=caveat, sources=sources, flags=flags)


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
    "massage": ("tonight", "TRIALS"),
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
    assert "350 mg" in magnesium.safety and "kidney" in magnesium.safety
    for remedy in catalog.remedies:
        if remedy.kind is not Kind.ASK_DOCTOR:
            assert not re.search(r"\b\d+\s*mg\b", remedy.how_to), remedy.id


def test_the_adult_entry_is_opt_in_and_honest() -> None:
    orgasm = load_catalog(CONTENT).get("orgasm")
    assert orgasm is not None and Flag.ADULTS_ONLY in orgasm.flags
    assert "one man" in orgasm.caveat and "worse" in orgasm.caveat


def test_every_graded_entry_cites_a_source() -> None:
    for remedy in load_catalog(CONTENT).remedies:
        if remedy.evidence is not Evidence.ANECDOTE:
            assert remedy.sources, remedy.id
