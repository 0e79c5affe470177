"""When a person's own nights suggest seeing a doctor: pure rules over their records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from bot.models import Night, Onset

PROMPT_EVERY = dt.timedelta(days=14)
SEVERE_RATING = 7
SEVERE_NIGHTS = 3
WEEK = 7
FORTNIGHT = 14
ONSET_ORDER = (Onset.BEDTIME, Onset.EVENING, Onset.AFTERNOON, Onset.BEFORE_NOON)


class DoctorReason(StrEnum):
    """Why the bot suggests a doctor visit."""

    SEVERE_NIGHTS = "severe_nights"
    MOST_NIGHTS = "most_nights"
    EARLIER_ONSET = "earlier_onset"


def _window(nights: Sequence[Night], last: dt.date, days: int) -> list[Night]:
    first = last - dt.timedelta(days=days - 1)
    return [n for n in nights if first <= n.night <= last]


def _mean_onset(nights: Sequence[Night]) -> float | None:
    ranks = [ONSET_ORDER.index(n.onset) for n in nights if n.onset is not None]
    return sum(ranks) / len(ranks) if len(ranks) >= 3 else None


def doctor_reason(
    nights: Sequence[Night],
    tonight: dt.date,
    last_prompt: dt.datetime | None,
    now: dt.datetime,
) -> DoctorReason | None:
    """The reason to suggest a doctor now, or None (also None within a fortnight of the last)."""
    if last_prompt is not None and now - last_prompt < PROMPT_EVERY:
        return None
    week = _window(nights, tonight, WEEK)
    if sum(1 for n in week if (n.rating or 0) >= SEVERE_RATING) >= SEVERE_NIGHTS:
        return DoctorReason.SEVERE_NIGHTS
    fortnight = _window(nights, tonight, FORTNIGHT)
    if sum(1 for n in fortnight if (n.rating or 0) >= 1) > FORTNIGHT // 2:
        return DoctorReason.MOST_NIGHTS
    recent = _mean_onset(week)
    before = _mean_onset(_window(nights, tonight - dt.timedelta(days=WEEK), WEEK))
    if recent is not None and before is not None and recent - before >= 1:
        return DoctorReason.EARLIER_ONSET
    return None
