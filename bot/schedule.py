"""Pure time rules: parsing times and zones, the next local occurrence across DST, night keys.

Everything here takes explicit instants, so tests can use fixed moments around DST changes.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import BadInput, Problem

UTC = dt.UTC
CATCH_UP_WINDOW = dt.timedelta(hours=2)
SNOOZE = dt.timedelta(minutes=30)

_NOT_LETTERS = re.compile(r"[^a-z]+")
_TIME = re.compile(r"^\s*(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.I)


def parse_time(text: str) -> dt.time:
    """Read `22:30`, `22.30`, `9pm`, `21` as a local time of day; raise BadInput otherwise."""
    match = _TIME.match(text)
    if not match:
        raise BadInput(Problem.CHECKIN_TIME)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise BadInput(Problem.CHECKIN_TIME)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadInput(Problem.CHECKIN_TIME)
    return dt.time(hour, minute)


# A time that is probably a slip between morning and evening (7am for 7pm, 23:00 for 11:00):
# an evening check-in from 04:00 to 11:59 (later on it may be an afternoon check-in, earlier a
# late night), or a wake-up time from 18:00 to 23:59 (after midnight it may be the "morning"
# of someone who sleeps in the evening). The bot asks before keeping one; the other reading is
# the same time 12 hours later (check-in) or earlier (wake-up).
MORNING_CHECKIN_HOURS = range(4, 12)
EVENING_WAKE_HOURS = range(18, 24)


def other_half_of_day(at: dt.time, *, wake: bool) -> dt.time | None:
    """The same time 12 hours apart when `at` is an unlikely check-in (or, `wake`, wake-up)
    time; None when it is a likely one."""
    if wake:
        return at.replace(hour=at.hour - 12) if at.hour in EVENING_WAKE_HOURS else None
    return at.replace(hour=at.hour + 12) if at.hour in MORNING_CHECKIN_HOURS else None


def format_time(value: dt.time) -> str:
    """`22:30`."""
    return f"{value.hour:02d}:{value.minute:02d}"


@cache
def zone_countries() -> dict[str, str]:
    """Zone name -> ISO country code, from tzdata's zone.tab (canonical zones only)."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    rows = (line.split("\t") for line in text.splitlines() if not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


@cache
def _zone_index() -> dict[str, str]:
    """Lower-cased lookups: full IANA names and unambiguous city names.

    A city named by an alias as well (`Asia/Istanbul` next to `Europe/Istanbul`,
    `America/Buenos_Aires` next to `America/Argentina/Buenos_Aires`) means its canonical zone;
    a name shared by different zones (`Eastern`: Canada or US) stays unknown.
    """
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/"))
    index: dict[str, str] = {n.lower(): n for n in available_timezones()}
    cities: dict[str, list[str]] = {}
    for name in names:
        city = name.rsplit("/", 1)[1].lower()
        cities.setdefault(city, []).append(name)
    canonical = zone_countries()
    for city, zones in cities.items():
        if len(zones) > 1:
            zones = [z for z in zones if z in canonical]
        if len(zones) == 1:
            index.setdefault(city, zones[0])
    return index


def parse_timezone(text: str) -> str:
    """An IANA zone name from `Europe/Berlin`, `europe/berlin`, `New York` or `Berlin`.

    BadInput(TIMEZONE) when it is not a zone or a zone's city; BadInput(ZONE_ABBREVIATION)
    for a zone that is no place (CET, UTC, EST, Etc/GMT+1): it would leave the person's country,
    and with it their crisis lines, unknown. An old alias (US/Eastern, Asia/Calcutta) means
    a zone of zone.tab in the same country (see `_same_country_zone`).
    """
    key = re.sub(r"\s+", "_", text.strip()).lower()
    name = _zone_index().get(key)
    if name is None:
        raise BadInput(Problem.TIMEZONE)
    if name not in zone_countries():
        canonical = _same_country_zone(name) if "/" in name else None
        if canonical is None or name.startswith("Etc/"):
            raise BadInput(Problem.ZONE_ABBREVIATION)
        name = canonical
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(Problem.TIMEZONE) from None
    return name


def _tzdata_text(name: str) -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


@cache
def _links() -> dict[str, str]:
    """An old or merged zone name -> the zone that has its rules (tzdata.zi's `L` lines)."""
    rows = (line.split() for line in _tzdata_text("tzdata.zi").splitlines())
    return {row[2]: row[1] for row in rows if len(row) == 3 and row[0] == "L"}


@cache
def _country_names() -> dict[str, str]:
    """ISO country code -> its name in tzdata's iso3166.tab (CA -> Canada)."""
    rows = (line.split("\t") for line in _tzdata_text("iso3166.tab").splitlines())
    return {row[0]: row[1] for row in rows if len(row) == 2 and not row[0].startswith("#")}


@cache
def _zone_words() -> dict[str, str]:
    """A zone of zone.tab -> the words of its comment and its country's name, lower case."""
    out: dict[str, str] = {}
    for line in _tzdata_text("zone.tab").splitlines():
        row = line.split("\t")
        if len(row) >= 3 and not line.startswith("#"):
            words = " ".join([*row[3:], _country_names().get(row[0], "")])
            out[row[2]] = _NOT_LETTERS.sub(" ", words.lower()).strip()
    return out


def _same_country_zone(name: str) -> str | None:
    """The zone of zone.tab that an alias means, in the alias's own country, or None.

    tzdata links an alias to whichever zone keeps the same clocks, since 2022 often another
    country's: America/Montreal links to America/Toronto (Canada), and so does America/Nassau
    (the Bahamas). An alias means its link target when zone.tab lists it, unless the alias
    names its country (`US/Arizona`, `Canada/Eastern`) or a place named in the zone.tab comment
    or country of one of its siblings, the zone.tab zones with the same target (`Pacific/Truk`:
    "Chuuk/Truk, Yap", `Atlantic/Jan_Mayen`: "Svalbard & Jan Mayen").
    """
    countries, words = zone_countries(), _zone_words()
    target = _links().get(name, name)
    siblings = sorted(z for z in countries if _links().get(z, z) == target)
    area, _, city = name.rpartition("/")
    wanted = {c for c, n in _country_names().items() if area in (c, n)}
    if not wanted:
        place = _NOT_LETTERS.sub(" ", city.lower()).split()
        wanted = {countries[z] for z in siblings if _names(words.get(z, "").split(), place)}
    same = [z for z in siblings if {countries[z]} == wanted]
    if same:
        return target if target in same else same[0]
    return target if target in countries else None


def _names(words: list[str], place: list[str]) -> bool:
    """True when `words` name `place`, perhaps shortened: "NU (Coral H)" names Coral Harbour."""
    size = len(place)
    return any(
        words[i] == place[0] and all(place[j].startswith(words[i + j]) for j in range(1, size))
        for i in range(len(words) - size + 1)
    )


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a place on Earth (offline lookup), or None if unknown."""
    from tzfpy import get_tz  # imported lazily: its data loads on first use

    name = get_tz(longitude, latitude)
    return name if name and is_valid_timezone(name) else None


def is_valid_timezone(name: str) -> bool:
    """True for a zone name ZoneInfo can load (exact spelling)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _exists(naive: dt.datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def resolve_local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The instant a wall-clock time happens on a local date, in UTC.

    A time in the repeated hour (autumn) means its first occurrence. A time in the skipped hour
    (spring) means the first valid moment after the gap, i.e. the moment the clocks jump.
    """
    naive = dt.datetime.combine(day, at)
    if _exists(naive, zone):
        return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    # Inside a gap: fold=1 maps to an instant before the jump, fold=0 to one after it.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    while high - low > dt.timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


@lru_cache(maxsize=4096)  # start-up asks the same (zone, time, instant) for many people
def next_occurrence(at: dt.time, tz: str, after: dt.datetime) -> dt.datetime:
    """The first instant strictly after `after` when it is `at` in zone `tz` (UTC)."""
    zone = ZoneInfo(tz)
    start = after.astimezone(zone).date() - dt.timedelta(days=1)
    for offset in range(4):
        candidate = resolve_local(start + dt.timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time occurs at least every two days")


@lru_cache(maxsize=4096)
def previous_occurrence(at: dt.time, tz: str, before: dt.datetime) -> dt.datetime:
    """The last instant at or before `before` when it is `at` in zone `tz` (UTC)."""
    zone = ZoneInfo(tz)
    start = before.astimezone(zone).date() + dt.timedelta(days=1)
    for offset in range(4):
        candidate = resolve_local(start - dt.timedelta(days=offset), at, zone)
        if candidate <= before:
            return candidate
    raise AssertionError("unreachable: a local time occurs at least every two days")


def day_boundary(checkin: dt.time | None, wake: dt.time) -> dt.time:
    """The local time at which one night's record ends and the next begins.

    Halfway from the wake time to the evening check-in time: with a 22:00 check-in and 08:00
    wake-up it is 15:00, so a note at 11:00 still belongs to last night, and one at 18:00 to
    tonight. Without a check-in time it is noon.
    """
    if checkin is None:
        return dt.time(12, 0)
    wake_min = wake.hour * 60 + wake.minute
    gap = (checkin.hour * 60 + checkin.minute - wake_min) % (24 * 60) or 24 * 60
    mid = (wake_min + gap // 2) % (24 * 60)
    return dt.time(mid // 60, mid % 60)


def night_of(instant: dt.datetime, tz: str, boundary: dt.time) -> dt.date:
    """The night a moment belongs to: the local date of the evening that started it."""
    local = instant.astimezone(ZoneInfo(tz))
    if local.time() >= boundary:
        return local.date()
    return local.date() - dt.timedelta(days=1)


def local_date(instant: dt.datetime, tz: str) -> dt.date:
    """The calendar date at `instant` in zone `tz`."""
    return instant.astimezone(ZoneInfo(tz)).date()


def to_local(instant: dt.datetime, tz: str) -> dt.datetime:
    """`instant` as a wall-clock time in zone `tz`."""
    return instant.astimezone(ZoneInfo(tz))
