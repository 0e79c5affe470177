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

NOT_AN_EXPORT = "This file is not a diary export from this bot."
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Plain words for the range limits of the models (the pydantic message names no field).
_FIELD_NAMES = {
    "rating": "rating",
    "sleep_quality": "sleep quality",
    "weekly_day": "weekly summary day",
}


class ImportRejected(BotError):
    """The file cannot be imported; the message is one plain sentence for the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
        raise ImportRejected(f"The file is too large (the limit is {_size(max_bytes)}).")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSON errors, huge ints
        raise ImportRejected(NOT_AN_EXPORT) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRejected(NOT_AN_EXPORT)
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        known = isinstance(version, int) and not isinstance(version, bool)
        shown = f"version {version}" if known else "no version number"
        raise ImportRejected(
            f"This diary export is in a format this bot does not know ({shown}); it may come "
            "from a newer version of the bot."
        )
    raw_person, raw_nights = document.get("person"), document.get("nights")
    if not isinstance(raw_person, dict) or not isinstance(raw_nights, list):
        raise ImportRejected(f"{NOT_AN_EXPORT[:-1]}: its settings or nights are missing.")
    if len(raw_nights) > MAX_NIGHTS:
        raise ImportRejected(f"The file holds more than {MAX_NIGHTS} nights.")
    person = _person(raw_person, user_id=user_id, chat_id=chat_id)
    nights: dict[dt.date, Night] = {}
    for index, raw in enumerate(raw_nights, start=1):
        night = _night(raw, index)
        if night.night in nights:
            raise ImportRejected(f"Night {night.night.isoformat()} appears twice in the file.")
        nights[night.night] = night
    return person, sorted(nights.values(), key=lambda n: n.night)


def _person(raw: dict[str, Any], *, user_id: int, chat_id: int) -> Person:
    fields = {**raw, "user_id": user_id, "chat_id": chat_id}
    for name in TRANSIENT_PERSON_FIELDS:
        fields.pop(name, None)
    return _validated(Person, fields, "The settings in the file are not valid")


def _night(raw: object, index: int) -> Night:
    label = f"Night number {index} in the file"
    if isinstance(raw, dict):
        key = raw.get("night")
        if isinstance(key, str) and _DATE.match(key):
            label = f"Night {key}"
    return _validated(Night, raw, f"{label} is not valid")


_Record = TypeVar("_Record", Person, Night)


def _validated(model: type[_Record], raw: object, failure: str) -> _Record:
    """The record, or ImportRejected naming the first problem (after `failure` and a colon)."""
    try:
        record = model.model_validate(raw)
    except ValidationError as exc:
        raise ImportRejected(f"{failure}: {_problem(exc)}.") from None
    problem = _zone_problem(record.tz) or _naive_problem(record)
    if problem:
        raise ImportRejected(f"{failure}: {problem}.")
    return record


def _problem(exc: ValidationError) -> str:
    """The first error of a validation, in words a person can act on."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    name = loc[-1] if loc else "value"
    if error["type"] in {"greater_than_equal", "less_than_equal"} and name in _FIELD_NAMES:
        low, high = _range(name)
        return f"{_FIELD_NAMES[name]} must be between {low} and {high}"
    if error["type"] == "missing":
        return f"{'.'.join(loc)} is missing"
    if error["type"] == "extra_forbidden":
        return f"{'.'.join(loc)} is not a field this bot knows"
    message = str(error.get("msg", "not valid")).rstrip(".")
    where = ".".join(loc) or "the entry"
    return f"{where}: {message[:1].lower()}{message[1:]}"


def _range(name: str) -> tuple[int, int]:
    model: type[BaseModel] = Person if name == "weekly_day" else Night
    low = high = 0
    for meta in model.model_fields[name].metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def _zone_problem(tz: str | None) -> str | None:
    if tz is None:
        return None
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {tz[:40]!r}"
    return None


def _naive_problem(model: BaseModel, path: str = "") -> str | None:
    """Every stored time must carry its zone: naive ones would break comparisons later."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{path}{name}"
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, dt.datetime) and item.utcoffset() is None:
                return f"the time in {where} has no time zone"
            if isinstance(item, BaseModel):
                problem = _naive_problem(item, f"{where}.")
                if problem:
                    return problem
    return None


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1000:g} kB"
