"""Crisis lines and emergency numbers by country (content/crisis.toml), chosen from the
person's time zone, else the region of their Telegram language, else an international entry."""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import ContentError
from bot.schedule import zone_countries
from bot.validation import describe_error


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from None


class CrisisEntry(BaseModel):
    """Who to call in one country."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    name: str = Field(min_length=2)
    # True when the name reads with "the": "In the United States:", "In the Netherlands:".
    the: bool = False
    emergency: str = Field(min_length=2)
    lines: tuple[str, ...] = Field(min_length=1)
    # When someone last checked these numbers against the service's own site.
    checked_on: dt.date
    # Codes of territories that use this entry's numbers (PR, Puerto Rico, for the US).
    territories: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = ()

    @property
    def place(self) -> str:
        """The country's name as it reads after "In": "the United States", "Germany"."""
        return f"the {self.name}" if self.the else self.name


class _Directory(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    country: list[CrisisEntry] = Field(min_length=1)
    international: CrisisEntry


@dataclass(frozen=True)
class CrisisDirectory:
    """Crisis lines by ISO country code, with an international fallback."""

    version: int
    countries: dict[str, CrisisEntry]
    international: CrisisEntry
    # A territory's code -> the entry whose numbers it uses (PR -> the United States').
    territories: dict[str, CrisisEntry] = field(default_factory=dict)

    def for_person(self, tz: str | None, language: str | None) -> CrisisEntry:
        """The entry for the person's country or territory (from zone, else language region)."""
        for code in (country_of_zone(tz), _region(language)):
            if code and code in self.countries:
                return self.countries[code]
            if code and code in self.territories:
                return self.territories[code]
        return self.international


def load_crisis(path: Path) -> CrisisDirectory:
    """Read and validate the crisis-resources file."""
    raw = _read_toml(path)
    try:
        model = _Directory.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_error(str(path), exc, raw, "country", "country")) from None
    countries: dict[str, CrisisEntry] = {}
    for entry in model.country:
        if not entry.code or entry.code in countries:
            raise ContentError(
                f"{path}: country {entry.code!r}: field 'code': missing or duplicate"
            )
        countries[entry.code] = entry
    territories: dict[str, CrisisEntry] = {}
    for entry in model.country:
        for code in entry.territories:
            if code in countries or code in territories:
                raise ContentError(
                    f"{path}: country {entry.code!r}: field 'territories': {code!r} has its "
                    "own entry or is listed twice"
                )
            territories[code] = entry
    return CrisisDirectory(model.version, countries, model.international, territories)


STALE_AFTER_MONTHS = 6


def stale_entries(
    directory: CrisisDirectory, today: dt.date, months: int = STALE_AFTER_MONTHS
) -> list[CrisisEntry]:
    """Entries (countries, then the fallback) last checked more than `months` before `today`."""
    year, month0 = divmod(today.year * 12 + today.month - 1 - months, 12)
    # The same day `months` earlier, or that month's last day (31 August -> 28 February).
    day = min(today.day, calendar.monthrange(year, month0 + 1)[1])
    cutoff = dt.date(year, month0 + 1, day)
    entries = [*directory.countries.values(), directory.international]
    return [entry for entry in entries if entry.checked_on < cutoff]


def country_of_zone(tz: str | None) -> str | None:
    """ISO country code of an IANA zone (Europe/Berlin -> DE), or None."""
    return zone_countries().get(tz) if tz else None


def _region(language: str | None) -> str | None:
    if not language or "-" not in language:
        return None
    return language.rsplit("-", 1)[1].upper()
