"""The machinery of texts: keys, the English catalog of each feature, `t` and HTML escaping.

Every sentence a person sees has a stable key: a member of its feature's key enum (e.g.
`EveningText.RATING_QUESTION`). Each feature module gives every key of its enum an English
template (checked when the module loads: no key without a sentence); `t(key, **values)` looks
it up and fills in `{named}` values. Values are inserted as given: a string that comes from a
person or from the content file is escaped with `esc` first, here in texts, never elsewhere.
Translating the bot means another catalog per feature, chosen by the person's language.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from enum import StrEnum
from html import escape
from typing import TypeVar

# Telegram's limit for one message.
MAX_MESSAGE_LENGTH = 4096


class TextKey(StrEnum):
    """Base of every feature's key enum; a key's value is its stable id within the feature."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[str]) -> str:
        return name.lower()

    @property
    def id(self) -> str:
        """The key's stable id across features, e.g. `evening.rating_question`."""
        return f"{type(self).__name__.removesuffix('Text').lower()}.{self.value}"


K = TypeVar("K", bound=TextKey)
_CATALOGS: dict[type[TextKey], Mapping[TextKey, str]] = {}


def catalog(keys: type[K], english: Mapping[K, str]) -> Mapping[K, str]:
    """Register a feature's English sentences; every key needs one, and nothing else."""
    missing = [key.name for key in keys if key not in english]
    extra = [str(key) for key in english if not isinstance(key, keys)]
    if missing or extra:
        raise ValueError(f"{keys.__name__}: no sentence for {missing}, unknown keys {extra}")
    _CATALOGS[keys] = english  # type: ignore[assignment]  # K is a TextKey
    return english


def t(key: TextKey, **values: object) -> str:
    """The sentence of `key` with its `{named}` values filled in (escape them first)."""
    template = _CATALOGS[type(key)][key]
    return template.format(**values) if values else template


def fields(key: TextKey) -> set[str]:
    """The names of the values a sentence takes (for the checks in the tests)."""
    template = _CATALOGS[type(key)][key]
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogs() -> Mapping[type[TextKey], Mapping[TextKey, str]]:
    """Every registered feature catalog."""
    return dict(_CATALOGS)


def esc(text: str) -> str:
    """Escape a string for Telegram HTML."""
    return escape(text, quote=False)


def day(value: dt.date) -> str:
    """`Thu 26 Nov`."""
    return f"{value:%a} {value.day} {value:%b}"


def long_day(value: dt.date) -> str:
    """`Thursday 26 November`."""
    return f"{value:%A} {value.day} {value:%B}"


def cut(text: str, limit: int) -> str:
    """`text` on one line, shortened with an ellipsis to at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`1 night`, `3 nights`."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
