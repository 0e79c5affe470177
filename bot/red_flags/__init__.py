"""Red flags in what people write (rules in content/red_flags.toml, measured on the corpus in
content/red_flags_corpus/) and crisis lines by country (content/crisis.toml)."""

from bot.red_flags.book import RedFlag, RedFlagBook, Severity, titles_for
from bot.red_flags.crisis import (
    STALE_AFTER_MONTHS,
    CrisisDirectory,
    CrisisEntry,
    country_of_zone,
    load_crisis,
    stale_entries,
)
from bot.red_flags.loading import load_red_flags
from bot.red_flags.text import normalize

__all__ = [
    "STALE_AFTER_MONTHS",
    "CrisisDirectory",
    "CrisisEntry",
    "RedFlag",
    "RedFlagBook",
    "Severity",
    "country_of_zone",
    "load_crisis",
    "load_red_flags",
    "normalize",
    "stale_entries",
    "titles_for",
]
