"""Filling in a missed night: a 0-10 rating for one of the last seven nights that has none,
stored and marked as entered later (history, export and the PDF say so)."""

from __future__ import annotations

import datetime as dt

from bot.checkins.core import Core, StaleNight
from bot.checkins.results import FilledIn
from bot.errors import BadInput, Problem
from bot.models import Night, Person

# How far back a night can be filled in: a week is still remembered well enough to rate.
FILL_IN_DAYS = 7


class MissedNights:
    """Use cases of nights without a rating."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def window(self, person: Person, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """The first and last night that may be filled in now: at most a week back, not
        before the person started, and not tonight (tonight has its own check-in)."""
        tonight = self.core.checkin_night(person, now)
        first = tonight - dt.timedelta(days=FILL_IN_DAYS)
        if person.consented_at is not None:
            first = max(first, self.core.checkin_night(person, person.consented_at))
        return first, tonight - dt.timedelta(days=1)

    def open_nights(self, user_id: int, now: dt.datetime) -> list[dt.date]:
        """The nights of the window without a rating, newest first."""
        person = self.core.require(user_id)
        first, last = self.window(person, now)
        rated = {
            n.night for n in self.core.store.nights(user_id, since=first) if n.rating is not None
        }
        span = (last - first).days + 1
        nights = (last - dt.timedelta(days=i) for i in range(max(span, 0)))
        return [key for key in nights if key not in rated]

    def fill_in(self, user_id: int, key: dt.date, rating: int, now: dt.datetime) -> FilledIn:
        """Store the rating of a missed night, marked as entered later. A night that got a
        rating meanwhile keeps it (the result says so); one outside the window is stale."""
        if not 0 <= rating <= 10:
            raise BadInput(Problem.RATING)
        person = self.core.require(user_id)
        first, last = self.window(person, now)
        if not first <= key <= last:
            raise StaleNight(key.isoformat())
        night: Night = self.core.night(person, key)
        if night.rating is not None:
            return FilledIn(night, stored=False)
        night = self.core.save_night(
            user_id, night, rating=rating, rated_at=now, skipped=False, entered_later_at=now
        )
        return FilledIn(night, stored=True)
