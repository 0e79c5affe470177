"""Crisis lines as a person reads them: their own country's for every common zone, a country's
name that reads well ("In the United States:"), a fallback emergency number that reads well
inside every urgent message, and Puerto Rico with the United States' numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.keyboards import COMMON_ZONES
from bot.red_flags import load_crisis, load_red_flags
from bot.texts.safety import crisis_command, red_flag_message
from tests.conftest import CONTENT, Chat

CRISIS = load_crisis(CONTENT.parent / "crisis.toml")
FLAGS = load_red_flags(CONTENT.parent / "red_flags.toml")
EU_AND_EEA = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "NO",
]


def deepest_brackets(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def test_every_common_zone_gets_its_own_countrys_lines() -> None:
    for zone in COMMON_ZONES:
        entry = CRISIS.for_person(zone, None)
        assert entry is not CRISIS.international, zone
    spain = CRISIS.for_person("Europe/Madrid", None)
    assert spain.name == "Spain" and spain.emergency == "112"
    assert any("024" in line for line in spain.lines)


def test_every_eu_country_and_norway_has_an_entry_with_112() -> None:
    for code in EU_AND_EEA:
        entry = CRISIS.countries[code]
        assert "112" in entry.emergency, code


def test_puerto_rico_gets_the_united_states_numbers() -> None:
    entry = CRISIS.for_person("America/Puerto_Rico", None)
    assert entry.name == "United States" and entry.emergency == "911"
    assert CRISIS.for_person(None, "es-PR") is entry


def test_a_country_name_reads_well_after_in() -> None:
    text = crisis_command(CRISIS.for_person("America/Chicago", None), CRISIS.international)
    assert "<b>In the United States:</b>" in text
    for zone, place in [
        ("Europe/London", "the United Kingdom"),
        ("Europe/Amsterdam", "the Netherlands"),
        ("Europe/Berlin", "Germany"),
        ("Europe/Madrid", "Spain"),
        ("Asia/Tokyo", "your country"),
    ]:
        text = crisis_command(CRISIS.for_person(zone, None), CRISIS.international)
        assert f"<b>In {place}:</b>" in text, zone
    for entry in CRISIS.countries.values():
        plural_or_union = entry.name.startswith("United ") or entry.name.endswith("lands")
        assert entry.place.startswith("the ") == plural_or_union, entry.name


def test_the_fallback_emergency_number_reads_well_in_every_message() -> None:
    messages = [f.message for f in FLAGS.flags if "{emergency}" in f.message]
    assert len(messages) >= 4
    for message in messages:
        for entry in [CRISIS.international, *CRISIS.countries.values()]:
            text = red_flag_message(message, entry, crisis_lines=True)
            assert deepest_brackets(text) <= 1, (entry.name, text)
            assert not re.search(r"\(\s|\s\)|,\.|\.\.", text), (entry.name, text)
    clot = FLAGS.get("clot")
    assert clot is not None
    text = red_flag_message(clot.message, CRISIS.international, crisis_lines=False)
    assert "call emergency services now (112 or 911, or your local emergency number)" in text


async def test_someone_in_madrid_gets_spains_lines(chat: Chat) -> None:
    await chat.onboard(tz="Europe/Madrid")
    [crisis] = await chat.send("/crisis")
    assert "In Spain:" in crisis.text and "Emergency: 112" in crisis.text
    assert "024" in crisis.text and "911" not in crisis.text


def test_a_territory_that_has_its_own_entry_is_an_error(tmp_path: Path) -> None:
    text = (CONTENT.parent / "crisis.toml").read_text(encoding="utf-8")
    path = tmp_path / "crisis.toml"
    path.write_text(text.replace('territories = ["PR"]', 'territories = ["PR", "GB"]'), "utf-8")
    with pytest.raises(ContentError, match=r"country 'US': field 'territories': 'GB'"):
        load_crisis(path)
