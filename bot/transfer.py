"""Everything stored about a person as one JSON file, and reading such a file back (pure).

`parse_import` checks the whole file against the same pydantic models the store uses before
anything is written, and binds the result to the importing account: ids in the file are
ignored, so nobody can load data into someone else's diary.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from bot.errors import BotError
from bot.models import Night, Person

FORMAT = "rls-bedtime-companion"
FORMAT_VERSION = 1
MAX_BYTES = 5_000_000
MAX_NIGHTS = 5000
# Person fields that describe this bot instance's conversation, not the person's diary.
TRANSIENT_PERSON_FIELDS = ("blocked_at", "awaiting", "snooze")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Fields with a range whose limits a refusal names (the pydantic message names no field).
RANGED_FIELDS = ("rating", "sleep_quality", "weekly_day")


class Rejection(StrEnum):
    """Why a file cannot be imported (bot/texts/transfer.py says it in words)."""

    FILE_TOO_LARGE = "file_too_large"  # seen before the file is even downloaded
    TOO_LARGE = "too_large"  # limit (bytes)
    NOT_AN_EXPORT = "not_an_export"
    UNKNOWN_FORMAT = "unknown_format"  # version (int or None)
    MISSING_PARTS = "missing_parts"
    TOO_MANY_NIGHTS = "too_many_nights"  # limit
    NIGHT_TWICE = "night_twice"  # night (ISO date)
    BAD_SETTINGS = "bad_settings"  # flaw
    BAD_NIGHT = "bad_night"  # night (ISO date), flaw
    BAD_NIGHT_NUMBER = "bad_night_number"  # index (1-based), flaw


class Flaw(StrEnum):
    """What is wrong with one record of the file."""

    OUT_OF_RANGE = "out_of_range"  # where = the field, low, high
    MISSING = "missing"  # where = the field's path
    UNKNOWN_FIELD = "unknown_field"  # where = the field's path
    INVALID = "invalid"  # where = the field's path (or ""), detail = pydantic's message
    UNKNOWN_ZONE = "unknown_zone"  # detail = the zone as written (cut to 40 characters)
    NAIVE_TIME = "naive_time"  # where = the field's path


@dataclass(frozen=True)
class RecordFlaw:
    """The first problem of a record: what, where, and its details."""

    flaw: Flaw
    where: str = ""
    low: int = 0
    high: int = 0
    detail: str = ""


class ImportRejected(BotError):
    """The file cannot be imported: `rejection` says why, with its details (never shown
    as they are: bot/texts/transfer.py makes the sentence)."""

    def __init__(
        self,
        rejection: Rejection,
        *,
        limit: int = 0,
        version: int | None = None,
        night: str = "",
        index: int = 0,
        flaw: RecordFlaw | None = None,
    ) -> None:
        super().__init__(rejection.value)
        self.rejection = rejection
        self.limit = limit
        self.version = version
        self.night = night
        self.index = index
        self.flaw = flaw


def export_json(
    person: Person, nights: Sequence[Night], *, content_version: int, exported_at: dt.datetime
) -> bytes:
    """UTF-8 JSON with the person's profile and every night, oldest first."""
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(),
        "content_version": content_version,
        "person": person.model_dump(mode="json"),
        "nights": [n.model_dump(mode="json") for n in sorted(nights, key=lambda n: n.night)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def parse_import(
    data: bytes, *, user_id: int, chat_id: int, max_bytes: int = MAX_BYTES
) -> tuple[Person, list[Night]]:
    """The person (bound to `user_id`/`chat_id`) and nights of an export; ImportRejected else."""
    if len(data) > max_bytes:
        raise ImportRejected(Rejection.TOO_LARGE, limit=max_bytes)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSON errors, huge ints
        raise ImportRejected(Rejection.NOT_AN_EXPORT) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRejected(Rejection.NOT_AN_EXPORT)
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        known = isinstance(version, int) and not isinstance(version, bool)
        raise ImportRejected(Rejection.UNKNOWN_FORMAT, version=version if known else None)
    raw_person, raw_nights = document.get("person"), document.get("nights")
    if not isinstance(raw_person, dict) or not isinstance(raw_nights, list):
        raise ImportRejected(Rejection.MISSING_PARTS)
    if len(raw_nights) > MAX_NIGHTS:
        raise ImportRejected(Rejection.TOO_MANY_NIGHTS, limit=MAX_NIGHTS)
    person = _person(raw_person, user_id=user_id, chat_id=chat_id)
    nights: dict[dt.date, Night] = {}
    for index, raw in enumerate(raw_nights, start=1):
        night = _night(raw, index)
        if night.night in nights:
            raise ImportRejected(Rejection.NIGHT_TWICE, night=night.night.isoformat())
        nights[night.night] = night
    return person, sorted(nights.values(), key=lambda n: n.night)


def _person(raw: dict[str, Any], *, user_id: int, chat_id: int) -> Person:
    fields = {**raw, "user_id": user_id, "chat_id": chat_id}
    for name in TRANSIENT_PERSON_FIELDS:
        fields.pop(name, None)
    flaw, person = _validated(Person, fields)
    if flaw is not None:
        raise ImportRejected(Rejection.BAD_SETTINGS, flaw=flaw)
    assert person is not None
    return person


def _night(raw: object, index: int) -> Night:
    flaw, night = _validated(Night, raw)
    if flaw is None:
        assert night is not None
        return night
    if isinstance(raw, dict):
        key = raw.get("night")
        if isinstance(key, str) and _DATE.match(key):
            raise ImportRejected(Rejection.BAD_NIGHT, night=key, flaw=flaw)
    raise ImportRejected(Rejection.BAD_NIGHT_NUMBER, index=index, flaw=flaw)


_Record = TypeVar("_Record", Person, Night)


def _validated(model: type[_Record], raw: object) -> tuple[RecordFlaw | None, _Record | None]:
    """The record, or the first problem that stops it."""
    try:
        record = model.model_validate(raw)
    except ValidationError as exc:
        return _problem(exc), None
    flaw = _zone_problem(record.tz) or _naive_problem(record)
    return (flaw, None) if flaw else (None, record)


def _problem(exc: ValidationError) -> RecordFlaw:
    """The first error of a validation, as something a person can act on."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    name = loc[-1] if loc else "value"
    if error["type"] in {"greater_than_equal", "less_than_equal"} and name in RANGED_FIELDS:
        low, high = _range(name)
        return RecordFlaw(Flaw.OUT_OF_RANGE, name, low, high)
    if error["type"] == "missing":
        return RecordFlaw(Flaw.MISSING, ".".join(loc))
    if error["type"] == "extra_forbidden":
        return RecordFlaw(Flaw.UNKNOWN_FIELD, ".".join(loc))
    message = str(error.get("msg", "not valid")).rstrip(".")
    return RecordFlaw(Flaw.INVALID, ".".join(loc), detail=message[:1].lower() + message[1:])


def _range(name: str) -> tuple[int, int]:
    model: type[BaseModel] = Person if name == "weekly_day" else Night
    low = high = 0
    for meta in model.model_fields[name].metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def _zone_problem(tz: str | None) -> RecordFlaw | None:
    if tz is None:
        return None
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return RecordFlaw(Flaw.UNKNOWN_ZONE, "tz", detail=tz[:40])
    return None


def _naive_problem(model: BaseModel, path: str = "") -> RecordFlaw | None:
    """Every stored time must carry its zone: naive ones would break comparisons later."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{path}{name}"
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, dt.datetime) and item.utcoffset() is None:
                return RecordFlaw(Flaw.NAIVE_TIME, where)
            if isinstance(item, BaseModel):
                problem = _naive_problem(item, f"{where}.")
                if problem:
                    return problem
    return None
