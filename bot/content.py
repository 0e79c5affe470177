"""Load and validate the curated remedy file (TOML) into an immutable Catalog.

Every problem is reported as `file: remedy 'id': field 'name': problem`, so a curator can fix
the file without reading Python.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot import texts
from bot.errors import ContentError
from bot.models import Catalog, Evidence, Flag, GradeInfo, Kind, Remedy
from bot.validation import (
    brands_in_file,
    dangling_headings,
    describe_error,
    dose_in,
    names_a_guideline,
    no_brand_or_dose,
)

MAX_HOW_TO_SENTENCES = 3
MAX_CAVEAT_SENTENCES = 2
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _sentences(value: str) -> int:
    return max(1, len(_SENTENCE_END.findall(value)))


Text = Annotated[str, AfterValidator(_not_blank), AfterValidator(no_brand_or_dose)]


class _Grade(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Text = Field(max_length=60)
    meaning: Text = Field(max_length=300)


class _Remedy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Remedy ids travel inside Telegram callback data (64 bytes in all), so keep them short.
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,23}$")
    title: Text = Field(max_length=80)
    kind: Kind
    evidence: Evidence
    how_to: Text = Field(max_length=500)
    caveat: Text = Field(max_length=400)
    safety: str = ""
    sources: list[Text] = []
    flags: list[Flag] = []
    reviewed_on: dt.date

    @field_validator("safety")
    @classmethod
    def _strip_safety(cls, value: str) -> str:
        return no_brand_or_dose(value.strip())

    @field_validator("how_to")
    @classmethod
    def _short_how_to(cls, value: str) -> str:
        if _sentences(value) > MAX_HOW_TO_SENTENCES:
            raise ValueError(f"at most {MAX_HOW_TO_SENTENCES} short sentences")
        return value

    @field_validator("caveat")
    @classmethod
    def _short_caveat(cls, value: str) -> str:
        if _sentences(value) > MAX_CAVEAT_SENTENCES:
            raise ValueError(f"at most {MAX_CAVEAT_SENTENCES} sentences")
        return value

    @field_validator("flags")
    @classmethod
    def _unique_flags(cls, value: list[Flag]) -> list[Flag]:
        if len(set(value)) != len(value):
            raise ValueError("lists a flag twice")
        return value

    @model_validator(mode="after")
    def _sources_above_anecdote(self) -> _Remedy:
        if self.evidence is not Evidence.ANECDOTE and not self.sources:
            raise ValueError(f"field 'sources': grade {self.evidence} needs at least one source")
        # "Advised in guidelines" must rest on a guideline the card cites, not on trials alone.
        if self.evidence is Evidence.GUIDELINE and not names_a_guideline(self.sources):
            raise ValueError(
                "field 'sources': grade GUIDELINE needs a source that is a clinical practice "
                "guideline (say 'guideline' in its citation)"
            )
        return self


class _Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    reviewed_by: Text
    grades: dict[Evidence, _Grade]
    remedy: list[_Remedy] = Field(min_length=1)

    @field_validator("grades")
    @classmethod
    def _every_grade_defined(cls, value: dict[Evidence, _Grade]) -> dict[Evidence, _Grade]:
        missing = [g.value for g in Evidence if g not in value]
        if missing:
            raise ValueError(f"must define every grade; missing {', '.join(missing)}")
        return value


def parse_catalog(text: str, source: str) -> Catalog:
    """Validate TOML text; raise ContentError naming the file, entry, field and problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{source}: not valid TOML: {exc}") from None
    try:
        model = _Catalog.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_error(source, exc, raw, "remedy", "remedy")) from None
    seen: set[str] = set()
    for entry in model.remedy:
        if entry.id in seen:
            raise ContentError(f"{source}: remedy {entry.id!r}: field 'id': duplicate id")
        seen.add(entry.id)
    catalog = Catalog(
        version=model.version,
        reviewed_by=model.reviewed_by,
        grades={g: GradeInfo(label=i.label, meaning=i.meaning) for g, i in model.grades.items()},
        remedies=tuple(
            Remedy(
                id=e.id,
                title=e.title,
                kind=e.kind,
                evidence=e.evidence,
                how_to=e.how_to,
                caveat=e.caveat,
                safety=e.safety,
                sources=tuple(e.sources),
                flags=frozenset(e.flags),
                reviewed_on=e.reviewed_on,
            )
            for e in model.remedy
        ),
    )
    for remedy in catalog.remedies:
        size = texts.longest_card_length(remedy, catalog)
        if size > texts.MAX_MESSAGE_LENGTH:
            raise ContentError(
                f"{source}: remedy {remedy.id!r}: rendered card is {size} characters; "
                f"a Telegram message holds at most {texts.MAX_MESSAGE_LENGTH}"
            )
        problems = [
            p for card in texts.every_rendering(remedy, catalog) for p in dangling_headings(card)
        ]
        if problems:
            raise ContentError(f"{source}: remedy {remedy.id!r}: rendered card: {problems[0]}")
    # The fields are checked above; this also catches a brand in a comment or any other key.
    check_no_brands(text, source)
    return catalog


def check_no_brands(text: str, source: str) -> None:
    """Raise ContentError naming the line when a content file names a brand or product."""
    found = brands_in_file(text)
    if found:
        line, brand = found[0]
        raise ContentError(
            f"{source}: line {line}: names a brand or product ({brand!r}); describe it generically"
        )


# Keys whose strings a companion file shows to people (red-flag messages and titles, crisis
# names, numbers and lines), whatever table they sit in.
SHOWN_KEYS = frozenset({"message", "title", "name", "emergency", "lines"})


def _shown_strings(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    """(location, text) for every shown string, located as `flag 'clot': field 'message'`."""
    if isinstance(node, list):
        for item in node:
            yield from _shown_strings(item, where)
    elif isinstance(node, dict):
        ident = node.get("id") or node.get("code")
        here = f"{where} {ident!r}: " if ident else (f"{where}: " if where else "")
        for key, value in node.items():
            if key not in SHOWN_KEYS:
                yield from _shown_strings(value, key)
                continue
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    yield f"{here}field '{key}'", text


# Tables of words the bot recognises in what people write (red_flags.toml): people do write
# brand names ("on mirapex, it starts earlier now"), so these may name them. Nothing in them is
# ever shown; every other line of a content file is brand-checked.
RECOGNISED_WORDS_TABLES = frozenset({"concepts"})


def check_companion_file(path: Path) -> None:
    """The remedies' brand and dose rules for the other content files (red flags, crisis lines):
    no brand or product name anywhere in the file (but in the words recognised in what people
    write), no dose figure in anything it shows."""
    text = _read(path)
    check_no_brands(_without_recognised_words(text), str(path))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from None
    for where, value in _shown_strings(raw):
        dose = dose_in(value)
        if dose is not None:
            raise ContentError(
                f"{path}: {where}: gives a dose or amount ({dose!r}); the bot never gives dose "
                "figures"
            )


def _without_recognised_words(text: str) -> str:
    """The file with the lines of RECOGNISED_WORDS_TABLES blanked (line numbers kept)."""
    lines, inside = [], False
    for line in text.splitlines():
        header = re.match(r"^\s*\[+\s*([\w.-]+)\s*\]+", line)
        if header:
            inside = header.group(1) in RECOGNISED_WORDS_TABLES
        lines.append("" if inside else line)
    return "\n".join(lines)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read ({exc.__class__.__name__})") from None


def load_catalog(path: Path) -> Catalog:
    """Read and validate the content file once, at start-up."""
    return _parse(_read(path), str(path))


# Parsing is pure: the same text always makes the same immutable catalog. The cache spares
# the validation when one process opens the bot many times, as the tests do.
@functools.lru_cache(maxsize=4)
def _parse(text: str, name: str) -> Catalog:
    return parse_catalog(text, name)


def summary_table(catalog: Catalog) -> str:
    """The `content-check` table: id, kind, evidence, flags and number of sources."""
    header = ("id", "kind", "evidence", "flags", "sources")
    rows = [
        (
            r.id,
            r.kind.value,
            r.evidence.value,
            ",".join(sorted(f.value for f in r.flags)) or "-",
            str(len(r.sources)),
        )
        for r in catalog.remedies
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    rule = "  ".join("-" * w for w in widths)
    head = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    footer = f"{len(rows)} remedies, content version {catalog.version}: valid"
    return "\n".join([head, rule, *lines, footer])
