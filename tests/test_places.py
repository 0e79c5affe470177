"""Time zones from what people type: any well-known city, a zone name, never an abbreviation
that leaves their country (and so their crisis lines) unknown."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.places import key, lookup
from bot.schedule import parse_timezone
from tests.conftest import Chat


async def set_up_before_zone(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("I understand, let's start")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("typed", "zone", "city"),
    [
        ("Munich", "Europe/Berlin", "Munich"),
        ("Boston", "America/New_York", "Boston"),
        ("köln", "Europe/Berlin", "Köln"),
        ("Cologne", "Europe/Berlin", "Köln"),
    ],
)
async def test_a_well_known_city_sets_its_zone_and_the_reply_names_the_city(
    chat: Chat, typed: str, zone: str, city: str
) -> None:
    await set_up_before_zone(chat)
    [confirmation, *_] = await chat.send(typed)
    assert f"Time zone set to {zone}, from {city}" in confirmation.text
    assert "Not right?" in confirmation.text


async def test_an_abbreviation_asks_for_a_city_and_changes_nothing(chat: Chat) -> None:
    await set_up_before_zone(chat)
    [reply] = await chat.send("CET")
    assert "abbreviation, not a place" in reply.text and "type your city" in reply.text
    [reply] = await chat.send("/timezone UTC")
    assert "abbreviation, not a place" in reply.text
    [confirmation, *_] = await chat.send("Munich")
    assert "Time zone set to Europe/Berlin" in confirmation.text
    [crisis] = await chat.send("/crisis")
    assert "Germany" in crisis.text, "the place gives the country, and so the crisis lines"


async def test_a_place_that_is_no_city_gets_a_correction(chat: Chat) -> None:
    await set_up_before_zone(chat)
    [reply] = await chat.send("Atlantis Under The Sea")
    assert "I don't know a city or time zone called" in reply.text
    assert "Nothing was changed" in reply.text


def test_zone_names_aliases_and_abbreviations() -> None:
    assert parse_timezone("europe/berlin") == "Europe/Berlin"
    assert parse_timezone("US/Eastern") == "America/New_York"
    assert parse_timezone("Asia/Calcutta") == "Asia/Kolkata"
    for abbreviation in ("CET", "UTC", "EST", "GMT", "Etc/GMT+1"):
        with pytest.raises(BadInput) as caught:
            parse_timezone(abbreviation)
        assert caught.value.args == ("zone_abbreviation",)


@pytest.mark.slow
def test_a_shared_city_name_means_the_most_populous_city() -> None:
    assert key("St. Pölten") == "st polten"
    london = lookup("London")
    assert london is not None and (london.country, london.timezone) == ("GB", "Europe/London")
    portland = lookup("portland")
    assert portland is not None and portland.timezone == "America/Los_Angeles"
    assert lookup("x") is None and lookup("Nowhere Such Placeville") is None
