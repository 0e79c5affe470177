"""What a typed answer to the 0-10 question says: a rating, a rating with words after it, or a
number that cannot be one ("6.5", "11", "-1").

Only read while a check-in waits for its rating; at other times typed text is a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBER = r"(\d{1,3}|" + "|".join(WORDS) + r")"
_OUT_OF_TEN = r"(?:\s*/\s*10|\s+out\s+of\s+(?:10|ten))?"
_WHOLE = re.compile(rf"^\s*{_NUMBER}{_OUT_OF_TEN}\s*[.!]?\s*$", re.IGNORECASE)
# A rating in digits, then words: "8 thinking of ending it", "7, calves crawling". (A number
# word there is too often just a word: "one more night of this".)
_LEADING = re.compile(r"^\s*(\d{1,2})" + _OUT_OF_TEN + r"\s*[,.:;!-]*\s+([a-z].*)$", re.I | re.S)
# Numbers that look like an answer but are not a 0-10 whole number.
_NOT_A_RATING = re.compile(
    r"^\s*(?:[-+]?\d*[.,]\d+|-\s*\d+|\d+\s*(?:-|–|or|to)\s*\d+)(?:\s*/\s*10)?\s*$", re.I
)
# Words after a number that make it a count, not a rating: "2 hours of sleep", "3 cups".
_COUNTED = frozenset(
    """hour hours hr hrs h min mins minute minutes sec secs second seconds am pm oclock o'clock
    times time x mg ml cup cups glass glasses coffee coffees tea teas beer beers wine day days
    night nights week weeks month months year years km mile miles k steps step pill pills tablet
    tablets of or to more less kids children""".split()  # noqa: SIM905 (a word list)
)


@dataclass(frozen=True)
class TypedRating:
    """A typed reply to the rating question: `rating` None with `invalid` set is a number that
    cannot be a rating; `rest` is what came after a leading rating."""

    rating: int | None = None
    rest: str = ""
    invalid: bool = False


def _value(token: str) -> int:
    token = token.lower()
    return WORDS.index(token) if token in WORDS else int(token)


def read_rating(text: str) -> TypedRating:
    """The rating in a typed answer, if the answer gives one."""
    whole = _WHOLE.match(text)
    if whole:
        value = _value(whole.group(1))
        return TypedRating(value) if value <= 10 else TypedRating(invalid=True)
    if _NOT_A_RATING.match(text):
        return TypedRating(invalid=True)
    leading = _LEADING.match(text)
    if leading:
        value = _value(leading.group(1))
        first = leading.group(2).split()[0].lower().strip(".,!?")
        if value <= 10 and first not in _COUNTED:
            return TypedRating(value, leading.group(2).strip())
    return TypedRating()
