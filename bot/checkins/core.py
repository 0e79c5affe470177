"""What every use case shares: the store, the catalog, validated writes and which night is which.

Plain Python over the store: no Telegram here. Every use case that changes data does its
read-modify-write synchronously (no await), so one person's updates never interleave.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from bot import schedule
from bot.errors import BotError
from bot.models import Catalog, Night, Person
from bot.red_flags import RedFlagBook
from bot.storage import Store


class NotSetUp(BotError):
    """The person has not finished set-up (consent, zone and check-in time)."""


class StaleNight(BotError):
    """A button refers to a night that is closed for answers."""


class Core:
    """One store and one immutable catalog, shared by the use cases of each noun."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        rng: random.Random,
        red_flags: RedFlagBook | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.rng = rng
        self.red_flags = red_flags or RedFlagBook(version=0, flags=())

    # -- people -----------------------------------------------------------------------------

    def person(self, user_id: int) -> Person | None:
        """The stored profile, if any."""
        return self.store.get_person(user_id)

    def require(self, user_id: int) -> Person:
        """The profile of someone who finished set-up, else NotSetUp."""
        person = self.store.get_person(user_id)
        if person is None or not person.ready:
            raise NotSetUp(str(user_id))
        return person

    def consented(self, user_id: int) -> Person:
        """The profile of someone who consented, else NotSetUp."""
        person = self.store.get_person(user_id)
        if person is None or not person.consented:
            raise NotSetUp(str(user_id))
        return person

    def change(self, person: Person, **changes: Any) -> Person:
        """Save the person with `changes` (validated first: a bad value fails here)."""
        person = person.replace(**changes)
        self.store.save_person(person)
        return person

    # -- nights -----------------------------------------------------------------------------

    def save_night(self, user_id: int, night: Night, **changes: Any) -> Night:
        """Save the night with `changes` (validated first: a bad value fails here)."""
        if changes:
            night = night.replace(**changes)
        self.store.save_night(user_id, night)
        return night

    def night(self, person: Person, key: dt.date) -> Night:
        """The stored night, or a fresh empty one."""
        assert person.tz is not None
        return self.store.get_night(person.user_id, key) or Night(night=key, tz=person.tz)

    def nights(self, user_id: int) -> list[Night]:
        """Every recorded night, oldest first."""
        return self.store.nights(user_id)

    def night_key(self, person: Person, instant: dt.datetime) -> dt.date:
        """The night an instant belongs to, for this person."""
        if person.tz is None:
            raise NotSetUp(str(person.user_id))
        boundary = schedule.day_boundary(person.checkin_time, person.wake_time)
        return schedule.night_of(instant, person.tz, boundary)

    def checkin_night(self, person: Person, now: dt.datetime) -> dt.date:
        """The night a check-in started now is about.

        Like `night_key`, except that between waking up and the day boundary a check-in is
        for the coming evening (at 02:00 it is still last night; at 12:30 it is tonight).
        """
        key = self.night_key(person, now)
        assert person.tz is not None
        local = schedule.to_local(now, person.tz)
        if key < local.date() and local.time() >= person.wake_time:
            return local.date()
        return key

    def next_evening(self, person: Person, now: dt.datetime) -> dt.date:
        """The night of the next scheduled check-in (tonight, or tomorrow if it has passed)."""
        assert person.checkin_time is not None and person.tz is not None
        when = schedule.next_occurrence(person.checkin_time, person.tz, now)
        return self.night_key(person, when)

    def next_morning_has_nothing(self, person: Person, now: dt.datetime) -> bool:
        """True when the next morning question's night has no rating yet and its check-in
        time is already past: that morning will ask nothing (it only follows a check-in)."""
        assert person.tz is not None
        when = schedule.next_occurrence(person.wake_time, person.tz, now)
        key = self.night_key(person, when)
        night = self.store.get_night(person.user_id, key)
        return (night is None or night.rating is None) and self.next_evening(person, now) > key

    def answerable(self, person: Person, key: dt.date, now: dt.datetime) -> None:
        """Buttons work for tonight and last night only; StaleNight otherwise."""
        current = self.night_key(person, now)
        if key not in (current, current - dt.timedelta(days=1), self.checkin_night(person, now)):
            raise StaleNight(key.isoformat())

    def is_paused(self, person: Person, night: dt.date) -> bool:
        """True when reminders are paused for this night."""
        pause = person.pause
        return pause is not None and (pause.until is None or night < pause.until)

    def remedy_blocked(self, person: Person, night: Night) -> bool:
        """True when a red flag means no remedy on this night: one raised on the night itself,
        or in a note written during the day before it. Until the afternoon a note goes to
        last night, but its reply said "nothing more tonight": a swollen calf typed at noon
        must not get a massage card at a 13:00 check-in."""
        if self._blocking(night.red_flags):
            return True
        before = self.store.get_night(person.user_id, night.night - dt.timedelta(days=1))
        if before is None or not self._blocking(before.red_flags):
            return False
        return any(
            self.checkin_night(person, note.at) == night.night
            and self._blocking(f.id for f in self.red_flags.detect(note.text))
            for note in before.notes
        )

    def _blocking(self, flag_ids: Iterable[str]) -> bool:
        return any(
            flag is not None and flag.blocks_remedy for flag in map(self.red_flags.get, flag_ids)
        )
