"""Red flags in what people write, and crisis resources by country.

Both come from curated files in content/ (red_flags.toml, crisis.toml), validated at start-up
like the remedies. Matching ignores case, accents and apostrophes, supports simple variations
(`word*`, `a|b`, `...` for a short gap) and, where the file allows it, ignores a match right
after a negation ("not pregnant", "no swelling").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ContentError
from bot.schedule import zone_countries
from bot.validation import describe_error

GAP = "..."
GAP_WORDS = 3
NEGATION_WINDOW = 3
NEGATIONS = frozenset(
    {"no", "not", "never", "without", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "nor"}
)
_ALLOWED_TAGS = frozenset({"b", "i"})


class Severity(StrEnum):
    """How urgent the situation is; the order is the order messages are shown in."""

    CRISIS = "crisis"
    URGENT = "urgent"
    DOCTOR = "doctor"


def normalize(text: str) -> str:
    """Lower case, no accents, no apostrophes, other punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    stripped = re.sub(r"['’‘`´]", "", stripped)
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """Turn `swoll*|swelling ... calf` into a regular expression over normalized text."""
    parts: list[str] = []
    for word_group in phrase.split():
        if word_group == GAP:
            parts.append(rf"(?:\w+\s+){{0,{GAP_WORDS}}}")
            continue
        alternatives = []
        for alt in word_group.split("|"):
            star = alt.endswith("*")
            word = normalize(alt.rstrip("*"))
            if not word or " " in word:
                raise ValueError(f"phrase {phrase!r}: {alt!r} is not a single word")
            alternatives.append(re.escape(word) + (r"\w*" if star else ""))
        parts.append("(?:" + "|".join(alternatives) + r")\s+")
    if not parts or parts[-1].startswith("(?:\\w+"):
        raise ValueError(f"phrase {phrase!r}: must not be empty or end with '...'")
    body = "".join(parts)
    return re.compile(r"(?<!\w)" + body[: -len(r"\s+")] + r"(?!\w)")


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS or attrs:
            raise ValueError(f"only <b> and <i> are allowed, found <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ValueError(f"unbalanced </{tag}>")


def _check_markup(text: str) -> str:
    if re.search(r"&(?!(?:lt|gt|amp|quot);)", text):
        raise ValueError("write '&' as '&amp;'")
    parser = _Markup()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ValueError(f"unclosed <{parser.stack[-1]}>")
    return text.strip()


class _Flag(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,23}$")
    title: str = Field(min_length=3, max_length=120)
    severity: Severity
    blocks_remedy: bool
    negatable: bool
    message: str = Field(min_length=20, max_length=1500)
    phrases: list[str] = Field(min_length=1)
    must_match: list[str] = Field(min_length=1)
    must_not_match: list[str] = []

    @field_validator("message")
    @classmethod
    def _markup(cls, value: str) -> str:
        return _check_markup(value)

    @field_validator("phrases")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for phrase in value:
            compile_phrase(phrase)
        return value


class _Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    reviewed_by: str = Field(min_length=3)
    flag: list[_Flag] = Field(min_length=1)


@dataclass(frozen=True)
class RedFlag:
    """One situation with its fixed message."""

    id: str
    title: str
    severity: Severity
    blocks_remedy: bool
    negatable: bool
    message: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, normalized: str) -> bool:
        """True when any phrase occurs (and, if negatable, not right after a negation)."""
        for pattern in self.patterns:
            for match in pattern.finditer(normalized):
                before = normalized[: match.start()].split()[-NEGATION_WINDOW:]
                if not (self.negatable and NEGATIONS.intersection(before)):
                    return True
        return False


@dataclass(frozen=True)
class RedFlagBook:
    """Every red flag, in file order; loaded once at start-up."""

    version: int
    flags: tuple[RedFlag, ...]

    def detect(self, text: str) -> list[RedFlag]:
        """The flags a text triggers, most urgent first."""
        normalized = normalize(text)
        found = [f for f in self.flags if f.matches(normalized)]
        order = list(Severity)
        return sorted(found, key=lambda f: order.index(f.severity))

    def get(self, flag_id: str) -> RedFlag | None:
        """A flag by id (None for ids no longer in the file)."""
        return next((f for f in self.flags if f.id == flag_id), None)

    def titles(self) -> dict[str, str]:
        """id -> title, for history, export and the doctor summary."""
        return {f.id: f.title for f in self.flags}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from None


def load_red_flags(path: Path) -> RedFlagBook:
    """Read, validate and self-test the red-flag file."""
    raw = _read_toml(path)
    try:
        model = _Book.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_error(str(path), exc, raw, "flag", "flag")) from None
    seen: set[str] = set()
    flags = []
    for entry in model.flag:
        if entry.id in seen:
            raise ContentError(f"{path}: flag {entry.id!r}: field 'id': duplicate id")
        seen.add(entry.id)
        flags.append(
            RedFlag(
                id=entry.id,
                title=entry.title,
                severity=entry.severity,
                blocks_remedy=entry.blocks_remedy,
                negatable=entry.negatable,
                message=entry.message,
                patterns=tuple(compile_phrase(p) for p in entry.phrases),
            )
        )
    book = RedFlagBook(version=model.version, flags=tuple(flags))
    for entry, flag in zip(model.flag, book.flags, strict=True):
        for example in entry.must_match:
            if not flag.matches(normalize(example)):
                raise ContentError(
                    f"{path}: flag {flag.id!r}: field 'must_match': {example!r} does not "
                    "trigger this flag"
                )
        for example in entry.must_not_match:
            if flag.matches(normalize(example)):
                raise ContentError(
                    f"{path}: flag {flag.id!r}: field 'must_not_match': {example!r} triggers "
                    "this flag"
                )
    return book


# -- crisis resources -------------------------------------------------------------------------


class CrisisEntry(BaseModel):
    """Who to call in one country."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    name: str = Field(min_length=2)
    emergency: str = Field(min_length=2)
    lines: tuple[str, ...] = Field(min_length=1)
    # When someone last checked these numbers against the service's own site.
    checked_on: dt.date


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

    def for_person(self, tz: str | None, language: str | None) -> CrisisEntry:
        """The entry for the person's country (from zone, else language region)."""
        for code in (country_of_zone(tz), _region(language)):
            if code and code in self.countries:
                return self.countries[code]
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
    return CrisisDirectory(model.version, countries, model.international)


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


def titles_for(book: RedFlagBook, ids: Sequence[str]) -> list[str]:
    """Titles of stored flag ids (unknown ids shown as they are)."""
    lookup = book.titles()
    return [lookup.get(i, i) for i in ids]
