"""Readable messages for curated files that fail validation (shared by every content loader)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def describe_error(
    source: str, exc: ValidationError, raw: dict[str, Any], key: str, name: str
) -> str:
    """The first pydantic error as `source: <name> 'id': field 'x': problem`.

    `key` is the TOML array of entries (`remedy`, `flag`, ...); an entry is named by its `id`
    (or `code`), else by its position.
    """
    error = exc.errors()[0]
    loc = list(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is missing"
    elif error["type"] == "enum":
        message = f"unknown value {error.get('input')!r}; {message.lower()}"
    parts = [source]
    if loc[:1] == [key] and len(loc) >= 2 and isinstance(loc[1], int):
        entries = raw.get(key, [])
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        ident = (entry.get("id") or entry.get("code")) if isinstance(entry, dict) else None
        parts.append(f"{name} {ident!r}" if ident else f"{name} #{loc[1] + 1}")
        loc = loc[2:]
    if loc and not message.startswith("field '"):
        parts.append(f"field '{'.'.join(str(x) for x in loc)}'")
    parts.append(message)
    return ": ".join(parts)
