"""Readable errors for curated content files, and the content rules every loader shares: no
brand names, no dose figures, no heading left with nothing under it, a guideline for GUIDELINE."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

# Brand and product names the bot must never print: the devices, medicines and supplements named
# in the project's research notes and in the sources it cites. Lower case, matched as whole words
# (a space also matches a hyphen or no gap: "heal n soothe" catches "Heal-n-Soothe"). Add any
# brand a reviewer finds; a name not listed here is still forbidden by content/README.md.
BRAND_NAMES = (
    # devices (fact sheet: vibrating pad, nerve-stimulation bands, foot wrap; trial devices)
    "relaxis",
    "nidra",
    "ntx100",
    "ntx150",
    "noctrix",
    "restiffic",
    "mmf07",
    "sensory medical",
    # RLS medicines (dopamine-type, alpha-2-delta, opioid) and iron products
    "mirapex",
    "sifrol",
    "requip",
    "adartrel",
    "neupro",
    "sinemet",
    "madopar",
    "dostinex",
    "horizant",
    "regnite",
    "neurontin",
    "gralise",
    "lyrica",
    "targin",
    "injectafer",
    "ferinject",
    "venofer",
    "feraheme",
    "rienso",
    "monofer",
    "cosmofer",
    "infed",
    "feosol",
    # quinine, which regulators warn against for leg cramps
    "qualaquin",
    # sleep aids and antihistamines people take at night
    "benadryl",
    "tylenol pm",
    "advil pm",
    "zzzquil",
    "unisom",
    "nytol",
    "sominex",
    "phenergan",
    # the publisher of the blog this project's remedies were first collected from, and its
    # flagship supplement (the blog also advertised a branded valerian product whose name the
    # fact sheet does not give: add it here once known)
    "healthy back institute",
    "heal n soothe",
    # valerian and sleep supplements sold for restless legs
    "calmlegs",
    "valdispert",
    "sedonium",
    "kalms",
)

_BRANDS = tuple(
    (
        brand,
        re.compile(r"(?<!\w)" + r"[\s-]*".join(map(re.escape, brand.split())) + r"(?!\w)", re.I),
    )
    for brand in BRAND_NAMES
)

# An amount of a medicine or supplement: a number (or number word) and a unit of dose. Lab
# levels such as "75 µg/L" or "75 ng/mL" are concentrations, not doses, so a unit followed by
# "per litre" is allowed; "mg/day" or "mg/kg" is a dose and is caught.
_NUMBER = (
    r"(?:\d[\d,.]*(?:\s*(?:-|–|to)\s*\d[\d,.]*)?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|several)"
)
_UNIT = (
    r"(?:mg|milligrams?|mcg|µg|μg|ug|micrograms?|ng|nanograms?|g|grams?|grammes?|iu|"
    r"international\s+units?|units?|ml|millilit(?:re|er)s?|mmol|millimoles?|"
    r"tablets?|capsules?|pills?|caplets?|drops?|puffs?|sachets?|teaspoons?|tsp|"
    r"tablespoons?|doses?)"
)
_DOSE = re.compile(
    rf"(?<![\w.]){_NUMBER}\s*-?\s*{_UNIT}(?!\w)(?!\s*/\s*(?:l|dl|ml|litre|liter)\b)", re.I
)

# A source counts as a guideline when it names itself one (or a practice parameter / a
# good-practice statement, the forms sleep and neurology societies publish).
_GUIDELINE = re.compile(r"guideline|practice parameter|good[- ]practice statement", re.I)

# Words a phrase cannot end on: a line ending on one breaks off mid-sentence
# ("Talk to your doctor about").
_UNFINISHED = frozenset(
    {"about", "to", "for", "of", "with", "and", "or", "the", "a", "an", "your", "on", "in",
     "at", "by", "from", "than", "as", "like", "such", "into", "if", "when", "that"}
)  # fmt: skip
_SENTENCE_END = (".", "!", "?", "…", ")", "”", '"')
_TAG = re.compile(r"<[^>]+>")
_WRAPPED = re.compile(r"<(b|i)>.*</\1>", re.S)


def brand_in(text: str) -> str | None:
    """The first brand or product name in `text`, or None."""
    for brand, pattern in _BRANDS:
        if pattern.search(text):
            return brand
    return None


def brands_in_file(text: str) -> list[tuple[int, str]]:
    """(line number, brand) for every line of a file that names a brand, comments included."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        brand = brand_in(line)
        if brand is not None:
            found.append((number, brand))
    return found


def dose_in(text: str) -> str | None:
    """The first dose or amount figure in `text` ("800 mg", "50,000 IU", "two tablets")."""
    match = _DOSE.search(text)
    return match.group(0) if match else None


def no_brand_or_dose(value: str) -> str:
    """Pydantic validator for any text shown to people."""
    brand = brand_in(value)
    if brand is not None:
        raise ValueError(f"names a brand or product ({brand!r}); describe it generically")
    dose = dose_in(value)
    if dose is not None:
        raise ValueError(f"gives a dose or amount ({dose!r}); the bot never gives dose figures")
    return value


def names_a_guideline(sources: Iterable[str]) -> bool:
    """True when at least one source is a clinical practice guideline."""
    return any(_GUIDELINE.search(source) for source in sources)


def _plain(line: str) -> str:
    return html.unescape(_TAG.sub("", line)).strip()


def _is_heading(line: str) -> bool:
    plain = _plain(line)
    if not plain:
        return False
    if plain.endswith(":"):
        return True
    return bool(_WRAPPED.fullmatch(line.strip())) and not plain.endswith(_SENTENCE_END)


def dangling_headings(text: str) -> list[str]:
    """Problems with headings in a rendered message (HTML): a line that breaks off mid-phrase,
    a heading (a line ending in ':', or a bold or italic line that is not a sentence) with no
    line right under it, or a 'Label:' right above another heading."""
    lines = text.splitlines()
    problems = []
    for index, line in enumerate(lines):
        plain = _plain(line)
        words = plain.rstrip(":").split()
        if not words:
            continue
        if not plain.endswith(_SENTENCE_END) and words[-1].lower() in _UNFINISHED:
            problems.append(f"{plain!r} breaks off mid-phrase")
        elif _is_heading(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            # A title may stand over a sub-heading; a "Label:" needs its own content.
            if not _plain(following) or (plain.endswith(":") and _is_heading(following)):
                problems.append(f"heading {plain!r} has nothing under it")
    return problems


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
