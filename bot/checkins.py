"""Use cases of the diary: set-up, the evening check-in, notes, the morning follow-up, erasure.

Plain Python over the store: no Telegram here. Every method that changes data does its
read-modify-write synchronously (no await), so one person's updates never interleave.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bot import recommend, schedule, trends
from bot.errors import BadInput, BotError
from bot.models import (
    Awaiting,
    Catalog,
    Helped,
    Night,
    Note,
    Onset,
    Pause,
    PendingReply,
    Person,
    PromptSource,
    Response,
    Snooze,
    Suggestion,
    SuggestionRecord,
    Trigger,
)
from bot.red_flags import RedFlag, RedFlagBook
from bot.storage import Store
from bot.trends import DoctorReason

MAX_PAUSE_NIGHTS = 365
# Choosing a remedy and the doctor prompt look back this far (the remedy rules at the last two
# nights with a suggestion, the prompt at two weeks); older nights count through Person.track.
RECENT_HISTORY = dt.timedelta(days=trends.FORTNIGHT + 1)


class NotSetUp(BotError):
    """The person has not finished set-up (consent, zone and check-in time)."""


class StaleNight(BotError):
    """A button refers to a night that is closed for answers."""


@dataclass(frozen=True)
class NoteResult:
    """Where a note went and which red flags it raised."""

    night: dt.date
    flags: list[RedFlag]


@dataclass(frozen=True)
class RatingResult:
    """What a rating led to."""

    night: Night
    suggestion: Suggestion | None
    replaced: bool
    doctor: DoctorReason | None = None
    ask_about_day: bool = False


class Diary:
    """The bot's use cases, over one store and one immutable catalog."""

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

    def start(self, user_id: int, chat_id: int) -> tuple[Person | None, bool]:
        """/start: reactivate a known person. Returns (person or None if new, was_blocked).

        Nothing is stored about a newcomer until they consent.
        """
        person = self.store.get_person(user_id)
        if person is None:
            return None, False
        was_blocked = person.blocked_at is not None
        if was_blocked or person.chat_id != chat_id:
            person = self._update(person, {"blocked_at": None, "chat_id": chat_id})
        return person, was_blocked

    def consent(
        self, user_id: int, chat_id: int, language: str | None, now: dt.datetime
    ) -> Person:
        """Record consent (creating the profile) and note which set-up answer comes next."""
        person = self.store.get_person(user_id) or Person(
            user_id=user_id, chat_id=chat_id, created_at=now, language=language
        )
        update: dict[str, object] = {"blocked_at": None}
        if person.consented_at is None:
            update["consented_at"] = now
        if person.tz is None:
            update["awaiting"] = Awaiting.TIMEZONE
        elif person.checkin_time is None:
            update["awaiting"] = Awaiting.CHECKIN_TIME
        return self._update(person, update)

    def expect(self, user_id: int, awaiting: Awaiting | None) -> Person:
        """Remember what the next typed message is for."""
        person = self._consented(user_id)
        return self._update(person, {"awaiting": awaiting})

    def set_timezone(self, user_id: int, text: str, *, now: dt.datetime) -> Person:
        """Set the zone from a typed name; BadInput('timezone') leaves everything unchanged."""
        person = self._consented(user_id)
        tz = schedule.parse_timezone(text)
        awaiting = Awaiting.CHECKIN_TIME if person.checkin_time is None else None
        return self._update(person, {"tz": tz, "awaiting": awaiting, "schedule_from": now})

    def set_checkin_time(self, user_id: int, text: str, *, now: dt.datetime) -> Person:
        """Set the evening time; BadInput('time') leaves everything unchanged."""
        person = self._consented(user_id)
        if person.tz is None:
            raise BadInput("need_timezone")
        at = schedule.parse_time(text)
        return self._update(person, {"checkin_time": at, "awaiting": None, "schedule_from": now})

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

    def keep_reply(self, user_id: int, text: str, now: dt.datetime) -> None:
        """Remember a "saved" reply Telegram did not take, to send it again later."""
        person = self.store.get_person(user_id)
        if person is None:
            return
        pending = (*person.pending_replies, PendingReply(text=text, at=now))
        self._update(person, {"pending_replies": pending})

    def drop_replies(self, user_id: int, sent: int) -> None:
        """The first `sent` pending replies went out (or can never go): forget them."""
        person = self.store.get_person(user_id)
        if person is None or not person.pending_replies:
            return
        self._update(person, {"pending_replies": person.pending_replies[sent:]})

    def set_wake_time(self, user_id: int, text: str) -> Person:
        """Set the morning follow-up time; BadInput('wake') leaves everything unchanged."""
        person = self._consented(user_id)
        try:
            at = schedule.parse_time(text)
        except BadInput:
            raise BadInput("wake") from None
        return self._update(person, {"wake_time": at, "awaiting": None})

    def set_adult_topics(self, user_id: int, on: bool) -> Person:
        """Opt in to (or out of) suggestions flagged adults_only."""
        return self._update(self._consented(user_id), {"adult_topics": on})

    def toggle(self, user_id: int, setting: str) -> Person:
        """Flip one of the on/off settings: adult_topics, ask_onset, ask_triggers."""
        if setting not in ("adult_topics", "ask_onset", "ask_triggers"):
            raise BadInput("setting")
        person = self._consented(user_id)
        return self._update(person, {setting: not getattr(person, setting)})

    def set_weekly_day(self, user_id: int, weekday: int | None) -> Person:
        """Weekly summary on this weekday (0 = Monday), or off."""
        if weekday is not None and not 0 <= weekday <= 6:
            raise BadInput("weekday")
        return self._update(self._consented(user_id), {"weekly_day": weekday})

    def pause(self, user_id: int, nights: int | None, now: dt.datetime) -> Person:
        """Pause reminders, for a number of nights (counting tonight) or until /resume."""
        person = self.require(user_id)
        if nights is not None and not 1 <= nights <= MAX_PAUSE_NIGHTS:
            raise BadInput("pause")
        until = None if nights is None else self.next_evening(person, now) + dt.timedelta(nights)
        return self._update(person, {"pause": Pause(until=until), "snooze": None})

    def resume(self, user_id: int) -> tuple[Person, bool]:
        """Turn reminders back on. Returns (person, was_paused)."""
        person = self.require(user_id)
        if person.pause is None:
            return person, False
        return self._update(person, {"pause": None}), True

    def is_paused(self, person: Person, night: dt.date) -> bool:
        """True when reminders are paused for this night."""
        pause = person.pause
        return pause is not None and (pause.until is None or night < pause.until)

    def end_expired_pause(self, person: Person, night: dt.date) -> tuple[Person, bool]:
        """Clear a pause whose end has come. Returns (person, it_ended_now)."""
        if person.pause is None or self.is_paused(person, night):
            return person, False
        return self._update(person, {"pause": None}), True

    def mark_blocked(self, user_id: int, now: dt.datetime) -> None:
        """Telegram said Forbidden: stop reminders until the next /start."""
        person = self.store.get_person(user_id)
        if person is not None and person.blocked_at is None:
            self.store.save_person(person.model_copy(update={"blocked_at": now, "snooze": None}))

    def forget(self, user_id: int) -> bool:
        """Erase everything stored about the person. Returns False if nothing was stored."""
        if self.store.get_person(user_id) is None and not self.store.nights(user_id):
            return False
        self.store.delete_person(user_id)
        return True

    # -- nights -----------------------------------------------------------------------------

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

    def note_night(self, person: Person, now: dt.datetime) -> dt.date:
        """The night a note written now belongs to: normally `night_key`, but during the day
        after an early check-in for tonight, tonight."""
        key = self.night_key(person, now)
        ahead = self.checkin_night(person, now)
        if ahead != key:
            upcoming = self.store.get_night(person.user_id, ahead)
            if upcoming is not None and upcoming.prompted_at is not None:
                return ahead
        return key

    def next_evening(self, person: Person, now: dt.datetime) -> dt.date:
        """The night of the next scheduled check-in (tonight, or tomorrow if it has passed)."""
        assert person.checkin_time is not None and person.tz is not None
        when = schedule.next_occurrence(person.checkin_time, person.tz, now)
        return self.night_key(person, when)

    def night(self, person: Person, key: dt.date) -> Night:
        """The stored night, or a fresh empty one."""
        assert person.tz is not None
        return self.store.get_night(person.user_id, key) or Night(night=key, tz=person.tz)

    def nights(self, user_id: int) -> list[Night]:
        """Every recorded night, oldest first."""
        return self.store.nights(user_id)

    def _answerable(self, person: Person, key: dt.date, now: dt.datetime) -> None:
        """Buttons work for tonight and last night only."""
        current = self.night_key(person, now)
        if key not in (current, current - dt.timedelta(days=1), self.checkin_night(person, now)):
            raise StaleNight(key.isoformat())

    # -- evening ----------------------------------------------------------------------------

    def open_evening(
        self, user_id: int, key: dt.date, now: dt.datetime, source: PromptSource
    ) -> Night | None:
        """Mark tonight's check-in as sent; None when it must not be sent (exactly once)."""
        person = self.store.get_person(user_id)
        if person is None or not person.ready:
            return None
        if source is not PromptSource.MANUAL and not person.reminders_due:
            return None
        night = self.night(person, key)
        if source is not PromptSource.MANUAL:
            if night.rating is not None or night.skipped or self.is_paused(person, key):
                return None
            if source is not PromptSource.SNOOZE and night.prompted_at is not None:
                return None
        update: dict[str, object] = {}
        if night.prompted_at is None:
            update = {"prompted_at": now, "prompt_source": source}
        night = night.model_copy(update=update)
        self.store.save_night(user_id, night)
        return night

    def claim_weekly(self, user_id: int, key: dt.date) -> bool:
        """True (once per night) when the weekly summary should go out with this check-in."""
        person = self.store.get_person(user_id)
        if person is None or person.weekly_day is None or person.weekly_sent_for == key:
            return False
        if self.is_paused(person, key):
            return False
        self._update(person, {"weekly_sent_for": key})
        return True

    def replace_all(self, user_id: int, person: Person, nights: list[Night]) -> None:
        """/import: the file's settings and nights replace what is stored (already validated)."""
        current = self._consented(user_id)
        kept = {
            "consented_at": current.consented_at or person.consented_at,
            "awaiting": None,
            "track": recommend.track_record(nights),
        }
        self.store.replace_nights(user_id, nights)
        self.store.save_person(person.model_copy(update=kept))

    def unmark_evening(self, user_id: int, key: dt.date, prompted_at: dt.datetime | None) -> None:
        """The check-in did not arrive: forget that it was sent (unless answered meanwhile)."""
        night = self.store.get_night(user_id, key)
        if night is None or night.rating is not None or night.prompted_at != prompted_at:
            return
        self.store.save_night(
            user_id, night.model_copy(update={"prompted_at": None, "prompt_source": None})
        )

    def unmark_morning(self, user_id: int, key: dt.date, sent_at: dt.datetime | None) -> None:
        """The morning question did not arrive: forget that it was sent."""
        night = self.store.get_night(user_id, key)
        if night is None or night.morning_sent_at != sent_at or night.sleep_quality is not None:
            return
        self.store.save_night(user_id, night.model_copy(update={"morning_sent_at": None}))

    def awaiting_rating(self, user_id: int, now: dt.datetime) -> dt.date | None:
        """Tonight's key when a check-in was sent and is still waiting for its rating."""
        person = self.require(user_id)
        for key in dict.fromkeys((self.checkin_night(person, now), self.night_key(person, now))):
            night = self.store.get_night(user_id, key)
            if night is None or night.prompted_at is None or night.rating is not None:
                continue
            if not night.skipped:
                return key
        return None

    def rate(self, user_id: int, key: dt.date, rating: int, now: dt.datetime) -> RatingResult:
        """Store the 0-10 rating and pick tonight's one remedy when the legs bother them."""
        if not 0 <= rating <= 10:
            raise BadInput("rating")
        person = self.require(user_id)
        self._answerable(person, key, now)
        history = self.store.nights(user_id, since=key - RECENT_HISTORY)
        night = next((n for n in history if n.night == key), None) or Night(
            night=key, tz=person.tz or "UTC"
        )
        replaced = night.rating is not None
        update: dict[str, object] = {"rating": rating, "rated_at": now, "skipped": False}
        if night.prompted_at is None:
            update.update(prompted_at=now, prompt_source=PromptSource.MANUAL)
        if not replaced and person.ask_triggers:
            update["tags_asked"] = True
        night = night.model_copy(update=update)
        suggestion = None
        if rating >= 1 and not night.suggestions:
            suggestion = self._suggest(person, night, history)
            if suggestion is not None:
                night = self._with_suggestion(night, suggestion, now)
        self.store.save_night(user_id, night)
        person_update: dict[str, object] = {}
        if person.snooze is not None and person.snooze.night == key:
            person_update["snooze"] = None
        doctor = None
        if not replaced:
            updated = [n for n in history if n.night != key] + [night]
            doctor = trends.doctor_reason(updated, key, person.doctor_prompt_at, now)
            if doctor is not None:
                person_update["doctor_prompt_at"] = now
        if person_update:
            person = self._update(person, person_update)
        ask = not replaced and (person.ask_triggers or (person.ask_onset and rating >= 1))
        return RatingResult(night, suggestion, replaced, doctor, ask)

    def remedy_blocked(self, night: Night) -> bool:
        """True when a red flag on this night means no remedy tonight."""
        return any(
            flag is not None and flag.blocks_remedy
            for flag in map(self.red_flags.get, night.red_flags)
        )

    def _suggest(
        self, person: Person, night: Night, recent: list[Night] | None = None
    ) -> Suggestion | None:
        """Tonight's remedy from the person's recent nights and their whole track record."""
        if self.remedy_blocked(night):
            return None
        if recent is None:
            recent = self.store.nights(person.user_id, since=night.night - RECENT_HISTORY)
        return recommend.choose(self.catalog, person, recent, night, self.rng, person.track)

    def _with_suggestion(self, night: Night, suggestion: Suggestion, now: dt.datetime) -> Night:
        record = SuggestionRecord(
            remedy_id=suggestion.remedy.id,
            content_version=self.catalog.version,
            at=now,
            reason=suggestion.reason,
        )
        return night.model_copy(update={"suggestions": (*night.suggestions, record)})

    def respond(
        self, user_id: int, key: dt.date, remedy_id: str, response: Response, now: dt.datetime
    ) -> tuple[Night, Suggestion | None]:
        """Record "I'll try it", "Another idea" or "Not for me" on a suggestion.

        For "Another idea" and "Not for me" a new suggestion is chosen (None: none left).
        """
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.night(person, key)
        if not any(s.remedy_id == remedy_id for s in night.suggestions):
            raise StaleNight(remedy_id)
        if response is Response.NOT_FOR_ME:
            person = self._update(person, {"not_for_me": person.not_for_me | {remedy_id}})
        night = night.model_copy(
            update={
                "suggestions": tuple(
                    s.model_copy(update={"response": response}) if s.remedy_id == remedy_id else s
                    for s in night.suggestions
                )
            }
        )
        suggestion = None
        if response is not Response.TRY:
            suggestion = self._suggest(person, night)
            if suggestion is not None:
                night = self._with_suggestion(night, suggestion, now)
        self.store.save_night(user_id, night)
        return night, suggestion

    def snooze(self, user_id: int, key: dt.date, now: dt.datetime) -> Snooze:
        """Ask again in 30 minutes; the due time is stored so a restart keeps it."""
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.night(person, key)
        if night.rating is not None:
            raise StaleNight(key.isoformat())
        snooze = Snooze(night=key, due=now + schedule.SNOOZE)
        self._update(person, {"snooze": snooze})
        return snooze

    def take_snooze(self, user_id: int, now: dt.datetime) -> dt.date | None:
        """Consume a due snooze; returns its night when the check-in should be sent again."""
        person = self.store.get_person(user_id)
        if person is None or person.snooze is None or person.snooze.due > now:
            return None
        key = person.snooze.night
        self._update(person, {"snooze": None})
        if now - person.snooze.due > schedule.CATCH_UP_WINDOW:
            return None
        return key

    def skip(self, user_id: int, key: dt.date, now: dt.datetime) -> Night:
        """No check-in tonight (nothing else changes)."""
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.night(person, key)
        if night.rating is not None:
            raise StaleNight(key.isoformat())
        night = night.model_copy(update={"skipped": True})
        self.store.save_night(user_id, night)
        if person.snooze is not None:
            self._update(person, {"snooze": None})
        return night

    def add_note(
        self, user_id: int, text: str, now: dt.datetime, message_id: int | None = None
    ) -> NoteResult:
        """Keep free text as a note on the current night, with any red flags it raises."""
        person = self.require(user_id)
        key = self.note_night(person, now)
        night = self.night(person, key)
        flags = self.red_flags.detect(text)
        note = Note(at=now, text=text, message_id=message_id)
        self.store.save_night(
            user_id,
            night.model_copy(
                update={
                    "notes": (*night.notes, note),
                    "red_flags": _merge(night.red_flags, [f.id for f in flags]),
                }
            ),
        )
        return NoteResult(night=key, flags=flags)

    def edit_note(
        self, user_id: int, message_id: int, text: str, now: dt.datetime
    ) -> NoteResult | None:
        """Replace the text of the note a message created (tonight or last night)."""
        person = self.require(user_id)
        current = self.night_key(person, now)
        for key in (current, current - dt.timedelta(days=1)):
            night = self.store.get_night(user_id, key)
            if night is None or not any(n.message_id == message_id for n in night.notes):
                continue
            notes = tuple(
                n.model_copy(update={"text": text, "edited_at": now})
                if n.message_id == message_id
                else n
                for n in night.notes
            )
            flags = self.red_flags.detect(text)
            update = {"notes": notes, "red_flags": _merge(night.red_flags, [f.id for f in flags])}
            self.store.save_night(user_id, night.model_copy(update=update))
            return NoteResult(night=key, flags=flags)
        return None

    def set_onset(self, user_id: int, key: dt.date, onset: Onset, now: dt.datetime) -> Night:
        """When the urge started that day."""
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.night(person, key).model_copy(update={"onset": onset})
        self.store.save_night(user_id, night)
        return night

    def toggle_trigger(
        self, user_id: int, key: dt.date, trigger: Trigger, now: dt.datetime
    ) -> Night:
        """Mark or unmark one tag about the day."""
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.night(person, key)
        tags = set(night.triggers) ^ {trigger}
        ordered = tuple(t for t in Trigger if t in tags)
        night = night.model_copy(update={"triggers": ordered})
        self.store.save_night(user_id, night)
        return night

    def flag_night(self, user_id: int, key: dt.date, flag_id: str) -> RedFlag | None:
        """Record a red flag on a night (the "New medicine" tag); returns the flag when it was
        not on the night yet, else None."""
        person = self.require(user_id)
        flag = self.red_flags.get(flag_id)
        night = self.night(person, key)
        if flag is None or flag.id in night.red_flags:
            return None
        self.store.save_night(
            user_id, night.model_copy(update={"red_flags": _merge(night.red_flags, [flag.id])})
        )
        return flag

    # -- morning ----------------------------------------------------------------------------

    def open_morning(self, user_id: int, key: dt.date, now: dt.datetime) -> Night | None:
        """Mark the morning follow-up as sent, once, and only for a night that had a check-in."""
        person = self.store.get_person(user_id)
        if person is None or not person.reminders_due:
            return None
        night = self.store.get_night(user_id, key)
        if night is None or night.rating is None or night.morning_sent_at is not None:
            return None
        current = night.current_suggestion
        night = night.model_copy(
            update={
                "morning_sent_at": now,
                "morning_remedy": current.remedy_id if current else None,
            }
        )
        self.store.save_night(user_id, night)
        return night

    def record_sleep(self, user_id: int, key: dt.date, quality: int, now: dt.datetime) -> Night:
        """Sleep quality 1 (very poor) to 5 (very good)."""
        if not 1 <= quality <= 5:
            raise BadInput("quality")
        return self._morning_answer(user_id, key, now, {"sleep_quality": quality})

    def record_tried(self, user_id: int, key: dt.date, tried: bool, now: dt.datetime) -> Night:
        """Whether last night's remedy was tried."""
        update: dict[str, object] = {"tried": tried}
        if not tried:
            update["helped"] = None
        return self._morning_answer(user_id, key, now, update)

    def record_helped(self, user_id: int, key: dt.date, helped: Helped, now: dt.datetime) -> Night:
        """Whether it helped: no, a bit, clearly."""
        return self._morning_answer(user_id, key, now, {"tried": True, "helped": helped})

    def _morning_answer(
        self, user_id: int, key: dt.date, now: dt.datetime, update: dict[str, object]
    ) -> Night:
        person = self.require(user_id)
        self._answerable(person, key, now)
        night = self.store.get_night(user_id, key)
        if night is None:
            raise StaleNight(key.isoformat())
        if night.morning_remedy is None:
            current = night.current_suggestion
            update = {**update, "morning_remedy": current.remedy_id if current else None}
        before = recommend.track_record([night])
        night = night.model_copy(update=update)
        self.store.save_night(user_id, night)
        if recommend.track_record([night]) != before:
            self.retrack(user_id)
        return night

    def retrack(self, user_id: int) -> Person | None:
        """Recompute the person's track record from all their nights (after a morning answer
        changed it, or an import), so it can never drift from the nights themselves."""
        person = self.store.get_person(user_id)
        if person is None:
            return None
        track = recommend.track_record(self.store.nights(user_id))
        return person if track == person.track else self._update(person, {"track": track})

    # -- helpers ----------------------------------------------------------------------------

    def _consented(self, user_id: int) -> Person:
        person = self.store.get_person(user_id)
        if person is None or not person.consented:
            raise NotSetUp(str(user_id))
        return person

    def _update(self, person: Person, update: dict[str, object]) -> Person:
        person = person.model_copy(update=update)
        self.store.save_person(person)
        return person


def _merge(existing: tuple[str, ...], new: list[str]) -> tuple[str, ...]:
    """Flag ids in first-seen order, each once."""
    return tuple(dict.fromkeys((*existing, *new)))
