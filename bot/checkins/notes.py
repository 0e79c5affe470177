"""Notes: free text kept on the night it belongs to, edits of it, and the red flags it raises."""

from __future__ import annotations

import datetime as dt

from bot.checkins.core import Core
from bot.checkins.results import NoteKept
from bot.models import Note, Person

# How far back an edited message still finds its note.
EDITABLE = dt.timedelta(days=7)


class Notes:
    """Use cases of the person's own words."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def night_for(self, person: Person, now: dt.datetime) -> dt.date:
        """The night a note written now belongs to: normally `night_key`, but during the day
        after an early check-in for tonight, tonight."""
        key = self.core.night_key(person, now)
        ahead = self.core.checkin_night(person, now)
        if ahead != key:
            upcoming = self.core.store.get_night(person.user_id, ahead)
            if upcoming is not None and upcoming.prompted_at is not None:
                return ahead
        return key

    def add(
        self, user_id: int, text: str, now: dt.datetime, message_id: int | None = None
    ) -> NoteKept:
        """Keep free text as a note on the current night, with any red flags it raises."""
        person = self.core.require(user_id)
        key = self.night_for(person, now)
        night = self.core.night(person, key)
        flags = self.core.red_flags.detect(text)
        note = Note(at=now, text=text, message_id=message_id)
        self.core.save_night(
            user_id,
            night,
            notes=(*night.notes, note),
            red_flags=_merge(night.red_flags, [f.id for f in flags]),
        )
        return NoteKept(night=key, flags=flags)

    def edit(self, user_id: int, message_id: int, text: str, now: dt.datetime) -> NoteKept | None:
        """Replace the text of the note a message created, on whichever night of the last
        week it went to (a note after a daytime check-in went to the coming night)."""
        person = self.core.require(user_id)
        since = self.core.night_key(person, now) - EDITABLE
        for night in reversed(self.core.store.nights(user_id, since=since)):
            if not any(n.message_id == message_id for n in night.notes):
                continue
            key = night.night
            notes = tuple(
                n.replace(text=text, edited_at=now) if n.message_id == message_id else n
                for n in night.notes
            )
            flags = self.core.red_flags.detect(text)
            merged = _merge(night.red_flags, [f.id for f in flags])
            self.core.save_night(user_id, night, notes=notes, red_flags=merged)
            return NoteKept(night=key, flags=flags)
        return None


def _merge(existing: tuple[str, ...], new: list[str]) -> tuple[str, ...]:
    """Flag ids in first-seen order, each once."""
    return tuple(dict.fromkeys((*existing, *new)))
