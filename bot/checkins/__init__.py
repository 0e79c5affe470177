"""The core's use cases, one module per noun: people, evening, morning and notes.

`Diary` holds them over one store and one catalog; handlers and jobs call one use case per
update and render the typed result it returns (bot/checkins/results.py). No Telegram here.
"""

from __future__ import annotations

import datetime as dt
import random

from bot.checkins.core import Core, NotSetUp, StaleNight
from bot.checkins.evening import Evenings
from bot.checkins.missed import MissedNights
from bot.checkins.morning import Mornings
from bot.checkins.notes import Notes
from bot.checkins.people import People
from bot.checkins.trial import Trials
from bot.models import Catalog, Night, Person
from bot.red_flags import RedFlagBook
from bot.storage import Store

__all__ = ["Diary", "NotSetUp", "StaleNight"]


class Diary:
    """The use cases, grouped by noun, over one store and one immutable catalog."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        rng: random.Random,
        red_flags: RedFlagBook | None = None,
    ) -> None:
        self.core = Core(store, catalog, rng, red_flags)
        self.people = People(self.core)
        self.trial = Trials(self.core)
        self.evening = Evenings(self.core, self.trial)
        self.morning = Mornings(self.core, self.evening)
        self.notes = Notes(self.core)
        self.missed = MissedNights(self.core)

    @property
    def store(self) -> Store:
        """The storage under every use case."""
        return self.core.store

    @property
    def catalog(self) -> Catalog:
        """The curated remedies."""
        return self.core.catalog

    @property
    def red_flags(self) -> RedFlagBook:
        """The red-flag rules."""
        return self.core.red_flags

    def person(self, user_id: int) -> Person | None:
        """The stored profile, if any."""
        return self.core.person(user_id)

    def require(self, user_id: int) -> Person:
        """The profile of someone who finished set-up, else NotSetUp."""
        return self.core.require(user_id)

    def nights(self, user_id: int, since: dt.date | None = None) -> list[Night]:
        """The recorded nights (from `since` on: only those months are read), oldest first."""
        return self.core.store.nights(user_id, since=since)

    def night_key(self, person: Person, instant: dt.datetime) -> dt.date:
        """The night an instant belongs to, for this person."""
        return self.core.night_key(person, instant)

    def next_evening(self, person: Person, now: dt.datetime) -> dt.date:
        """The night of the next scheduled check-in (tonight, or tomorrow if it has passed)."""
        return self.core.next_evening(person, now)

    def next_morning_has_nothing(self, person: Person, now: dt.datetime) -> bool:
        """True when the next morning question will not come: its night has no check-in."""
        return self.core.next_morning_has_nothing(person, now)

    def last_night_shown(self, person: Person, now: dt.datetime) -> dt.date:
        """The last night a look back (/report, /summary) covers: the current night, or the
        coming evening's once a check-in during the day recorded it (a /checkin at 13:27 is
        for tonight, while 13:27 itself still belongs to last night)."""
        current = self.core.night_key(person, now)
        coming = self.core.checkin_night(person, now)
        if coming > current and self.core.store.get_night(person.user_id, coming) is not None:
            return coming
        return current
