"""People: consent, set-up answers, settings, pause, blocking, erasure, and waiting replies."""

from __future__ import annotations

import datetime as dt

from bot import recommend, schedule
from bot.checkins.core import Core
from bot.errors import BadInput, Problem
from bot.models import Awaiting, Night, Pause, PendingReply, Person

MAX_PAUSE_NIGHTS = 365
# The on/off settings /settings can flip.
SWITCHES = ("adult_topics", "ask_onset", "ask_triggers")
# How far back a note that raised the child flag makes the adult-topics question say so.
CHILD_LOOKBACK = dt.timedelta(days=28)


class People:
    """Use cases about one person's profile and settings."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def start(self, user_id: int, chat_id: int) -> tuple[Person | None, bool]:
        """/start: reactivate a known person. Returns (person or None if new, was_blocked).

        Nothing is stored about a newcomer until they consent.
        """
        person = self.core.person(user_id)
        if person is None:
            return None, False
        was_blocked = person.blocked_at is not None
        if was_blocked or person.chat_id != chat_id:
            person = self.core.change(person, blocked_at=None, chat_id=chat_id)
        return person, was_blocked

    def consent(
        self, user_id: int, chat_id: int, language: str | None, now: dt.datetime
    ) -> Person:
        """Record consent (creating the profile) and note which set-up answer comes next."""
        person = self.core.person(user_id) or Person(
            user_id=user_id, chat_id=chat_id, created_at=now, language=language
        )
        changes: dict[str, object] = {"blocked_at": None}
        if person.consented_at is None:
            changes["consented_at"] = now
        if person.tz is None:
            changes["awaiting"] = Awaiting.TIMEZONE
        elif person.checkin_time is None:
            changes["awaiting"] = Awaiting.CHECKIN_TIME
        return self.core.change(person, **changes)

    def expect(self, user_id: int, awaiting: Awaiting | None) -> Person:
        """Remember what the next typed message is for."""
        return self.core.change(self.core.consented(user_id), awaiting=awaiting)

    def set_timezone(self, user_id: int, text: str, *, now: dt.datetime) -> Person:
        """Set the zone from a typed name; BadInput(TIMEZONE) leaves everything unchanged."""
        person = self.core.consented(user_id)
        tz = schedule.parse_timezone(text)
        awaiting = Awaiting.CHECKIN_TIME if person.checkin_time is None else None
        return self.core.change(person, tz=tz, awaiting=awaiting, schedule_from=now)

    def set_checkin_time(self, user_id: int, text: str, *, now: dt.datetime) -> Person:
        """Set the evening time; BadInput(CHECKIN_TIME) leaves everything unchanged."""
        person = self.core.consented(user_id)
        if person.tz is None:
            raise BadInput(Problem.NEED_TIMEZONE)
        at = schedule.parse_time(text)
        return self.core.change(person, checkin_time=at, awaiting=None, schedule_from=now)

    def set_wake_time(self, user_id: int, text: str) -> Person:
        """Set the morning follow-up time; BadInput(WAKE_TIME) leaves everything unchanged."""
        person = self.core.consented(user_id)
        try:
            at = schedule.parse_time(text)
        except BadInput:
            raise BadInput(Problem.WAKE_TIME) from None
        return self.core.change(person, wake_time=at, awaiting=None)

    def set_adult_topics(self, user_id: int, on: bool) -> Person:
        """Opt in to (or out of) suggestions flagged adults_only."""
        return self.core.change(self.core.consented(user_id), adult_topics=on)

    def wrote_of_a_child(self, user_id: int, now: dt.datetime) -> bool:
        """Whether a note of the last four weeks raised the `child` flag (the person may be the
        child: "im 15 and my legs wont stop")."""
        person = self.core.require(user_id)
        if person.tz is None:
            return False
        since = self.core.night_key(person, now) - CHILD_LOOKBACK
        return any("child" in n.red_flags for n in self.core.store.nights(user_id, since=since))

    def toggle(self, user_id: int, setting: str) -> Person:
        """Flip one of the on/off settings: adult_topics, ask_onset, ask_triggers."""
        if setting not in SWITCHES:
            raise BadInput(Problem.SETTING)
        person = self.core.consented(user_id)
        return self.core.change(person, **{setting: not getattr(person, setting)})

    def set_weekly_day(self, user_id: int, weekday: int | None) -> Person:
        """Weekly summary on this weekday (0 = Monday), or off."""
        if weekday is not None and not 0 <= weekday <= 6:
            raise BadInput(Problem.WEEKDAY)
        return self.core.change(self.core.consented(user_id), weekly_day=weekday)

    def pause(self, user_id: int, nights: int | None, now: dt.datetime) -> Person:
        """Pause reminders, for a number of nights (counting tonight) or until /resume."""
        person = self.core.require(user_id)
        if nights is not None and not 1 <= nights <= MAX_PAUSE_NIGHTS:
            raise BadInput(Problem.PAUSE)
        until = None
        if nights is not None:
            until = self.core.next_evening(person, now) + dt.timedelta(nights)
        return self.core.change(person, pause=Pause(until=until), snooze=None)

    def resume(self, user_id: int) -> tuple[Person, bool]:
        """Turn reminders back on. Returns (person, was_paused)."""
        person = self.core.require(user_id)
        if person.pause is None:
            return person, False
        return self.core.change(person, pause=None), True

    def mark_blocked(self, user_id: int, now: dt.datetime) -> None:
        """Telegram said Forbidden: stop reminders until the next /start."""
        person = self.core.person(user_id)
        if person is not None and person.blocked_at is None:
            self.core.change(person, blocked_at=now, snooze=None)

    def forget(self, user_id: int) -> bool:
        """Erase everything stored about the person. Returns False if nothing was stored."""
        store = self.core.store
        if store.get_person(user_id) is None and not store.nights(user_id):
            return False
        store.delete_person(user_id)
        return True

    def replace_all(self, user_id: int, person: Person, nights: list[Night]) -> Person:
        """/import: the file's settings and nights replace what is stored (already validated)."""
        current = self.core.consented(user_id)
        self.core.store.replace_nights(user_id, nights)
        return self.core.change(
            person,
            consented_at=current.consented_at or person.consented_at,
            awaiting=None,
            track=recommend.track_record(nights),
        )

    def missed_checkin(self, person: Person, now: dt.datetime) -> dt.datetime | None:
        """The check-in instant missed while the bot was down, if it should still be sent.

        The same rule as the reply to /time ("tonight's time has passed, the next check-in is
        tomorrow"): an instant before the time or zone was set was never due.
        """
        if person.checkin_time is None or person.tz is None:
            return None
        missed = schedule.previous_occurrence(person.checkin_time, person.tz, now)
        if now - missed > schedule.CATCH_UP_WINDOW:
            return None
        if person.schedule_from is not None and missed <= person.schedule_from:
            return None
        return missed

    # -- replies that confirm a save ----------------------------------------------------------

    def bring_back(self, user_id: int, remedy_id: str) -> Person:
        """Undo "Not for me": the idea can be suggested again."""
        person = self.core.consented(user_id)
        return self.core.change(person, not_for_me=person.not_for_me - {remedy_id})

    def turned_down(self, person: Person) -> list[tuple[str, str]]:
        """(id, title) of the ideas the person turned down, in the catalog's order (an id the
        content no longer has keeps its id as title)."""
        titles = {r.id: r.title for r in self.core.catalog.remedies}
        known = [(r.id, r.title) for r in self.core.catalog.remedies if r.id in person.not_for_me]
        gone = sorted(rid for rid in person.not_for_me if rid not in titles)
        return known + [(rid, rid) for rid in gone]

    def keep_reply(self, user_id: int, text: str, now: dt.datetime) -> None:
        """Remember a "saved" reply Telegram did not take, to send it again later."""
        person = self.core.person(user_id)
        if person is None:
            return
        pending = (*person.pending_replies, PendingReply(text=text, at=now))
        self.core.change(person, pending_replies=pending)

    def drop_replies(self, user_id: int, sent: int) -> None:
        """The first `sent` pending replies went out (or can never go): forget them."""
        person = self.core.person(user_id)
        if person is None or not person.pending_replies:
            return
        self.core.change(person, pending_replies=person.pending_replies[sent:])
