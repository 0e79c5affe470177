"""Time zones from what people type: any well-known city, a zone name, never an abbreviation
that leaves their country (and so their crisis lines) unknown."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest

from bot.context import Services
from bot.errors import BadInput
from bot.places import key, lookup
from bot.schedule import parse_timezone, zone_countries
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


async def test_a_location_at_sea_asks_for_the_nearest_city_without_blaming_typing(
    chat: Chat, services: Services
) -> None:
    await set_up_before_zone(chat)
    at_sea = {"location": {"latitude": 0.0, "longitude": -160.0}}  # tzfpy: Etc/GMT+11
    [reply] = await chat.send_message(at_sea)
    assert "couldn't find a time zone for that spot" in reply.text and "at sea" in reply.text
    assert "type your nearest city" in reply.text
    assert "abbreviation" not in reply.text and "Etc/" not in reply.text
    assert "Share my location" in reply.reply_buttons
    person = services.diary.person(chat.user_id)
    assert person is not None and person.tz is None
    [confirmation, *_] = await chat.send("Berlin")
    assert "Time zone set to Europe/Berlin" in confirmation.text
    # Once set up, a location at sea changes nothing either, and the next text is the city.
    await chat.send("/time 22:00")
    [reply] = await chat.send_message(at_sea)
    assert "at sea" in reply.text
    person = services.diary.person(chat.user_id)
    assert person is not None and person.tz == "Europe/Berlin"
    [confirmation, *_] = await chat.send("Tokyo")
    assert "Time zone set to Asia/Tokyo" in confirmation.text


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


@pytest.mark.parametrize(
    ("typed", "zone", "country"),
    [
        ("Montreal", "America/Toronto", "CA"),  # not America/Nassau, the Bahamas'
        ("America/Montreal", "America/Toronto", "CA"),
        ("Canada/Eastern", "America/Toronto", "CA"),
        ("Thunder Bay", "America/Toronto", "CA"),
        ("Belfast", "Europe/London", "GB"),  # not Europe/Guernsey
        ("Europe/Belfast", "Europe/London", "GB"),
        ("Arizona", "America/Phoenix", "US"),  # not America/Creston, Canada's
        ("US/Arizona", "America/Phoenix", "US"),
        ("US/Samoa", "Pacific/Pago_Pago", "AS"),  # not Midway
        ("Pacific/Truk", "Pacific/Chuuk", "FM"),  # Micronesia, named in zone.tab's comment
        ("Coral Harbour", "America/Atikokan", "CA"),  # "NU (Coral H)", not Panama
        ("Asia/Calcutta", "Asia/Kolkata", "IN"),
    ],
)
def test_an_old_zone_name_means_a_zone_in_its_own_country(
    typed: str, zone: str, country: str
) -> None:
    assert parse_timezone(typed) == zone
    assert zone_countries()[zone] == country


def test_no_old_zone_name_that_names_its_country_lands_in_another_country() -> None:
    names = {"US": "US/", "CA": "Canada/", "MX": "Mexico/", "BR": "Brazil/", "AU": "Australia/"}
    for country, prefix in names.items():
        # US/Samoa is American Samoa, a code of its own (AS): checked above.
        aliases = [n for n in available_timezones() if n.startswith(prefix) and n != "US/Samoa"]
        assert aliases, prefix
        for alias in aliases:
            zone = parse_timezone(alias)
            assert zone_countries()[zone] == country, (alias, zone)


async def test_montreal_gets_canadas_crisis_lines(chat: Chat) -> None:
    await set_up_before_zone(chat)
    [confirmation, *_] = await chat.send("/timezone Montreal")
    assert "Time zone set to America/Toronto" in confirmation.text
    [crisis] = await chat.send("/crisis")
    assert "Canada" in crisis.text and "988" in crisis.text and "Bahamas" not in crisis.text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("Los Angeles, CA", ("Los Angeles", "US", "America/Los_Angeles")),
        ("London, UK", ("London", "GB", "Europe/London")),
        ("Paris France", ("Paris", "FR", "Europe/Paris")),
        ("Paris, Texas", ("Paris", "US", "America/Chicago")),
        ("Sao Paulo, Brazil", ("São Paulo", "BR", "America/Sao_Paulo")),
    ],
)
def test_a_city_followed_by_its_region_or_country_is_found_there(
    typed: str, place: tuple[str, str, str]
) -> None:
    found = lookup(typed)
    assert found is not None and (found.name, found.country, found.timezone) == place


@pytest.mark.slow
def test_a_city_followed_by_a_region_it_is_not_in_is_not_guessed() -> None:
    assert lookup("Paris, Narnia") is None
    assert lookup("Berlin, Japan") is None


@pytest.mark.slow
async def test_a_typed_city_and_country_sets_the_zone_and_names_the_city(chat: Chat) -> None:
    await set_up_before_zone(chat)
    [confirmation, *_] = await chat.send("London, UK")
    assert "Time zone set to Europe/London, from London (GB)" in confirmation.text
