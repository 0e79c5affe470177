"""Red flags in what people write (rules in content/red_flags.toml, measured on the corpus in
content/red_flags_corpus/) and crisis lines by country (content/crisis.toml)."""

from bot.red_flags.book import RedFlag, RedFlagBook, Severity, load_red_flags, titles_for
from bot.red_flags.crisis import CrisisDirectory, CrisisEntry, country_of_zone, load_crisis
from bot.red_flags.text import normalize

__all__ = [
    "CrisisDirectory",
    "CrisisEntry",
    "RedFlag",
    "RedFlagBook",
    "Severity",
    "country_of_zone",
    "load_crisis",
    "load_red_flags",
    "normalize",
    "titles_for",
]
