"""The morning: the follow-up question after a night with a check-in, and its answers (sleep,
whether the idea was tried and helped), which keep the person's track record up to date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import recommend, schedule
from bot.checkins.core import Core, StaleNight
from bot.checkins.evening import Evenings
from bot.checkins.results import MorningAnswered, MorningNext
from bot.errors import BadInput, Problem
from bot.models import Helped, Night, Person
from bot.trial_plan import Arm


class Mornings:
    """Use cases of the morning follow-up."""

    def __init__(self, core: Core, evenings: Evenings) -> None:
        self.core = core
        self.evenings = evenings
        self.trials = evenings.trials

    def due(self, user_id: int, when: dt.datetime, now: dt.datetime) -> Night | None:
        """The morning question falls due: mark it as sent, once, and only after a night with
        a check-in; None when nothing goes out."""
        person = self.core.person(user_id)
        if person is None or not person.reminders_due:
            return None
        if now - when > schedule.CATCH_UP_WINDOW:
            return None
        key = self.core.night_key(person, when)
        night = self.core.store.get_night(user_id, key)
        if night is None or night.rating is None or night.morning_sent_at is not None:
            return None
        # The idea the answers will be about is fixed now (Night.answer_remedy).
        return self.core.save_night(
            user_id, night, morning_sent_at=now, morning_remedy=night.answer_remedy
        )

    def unmark(self, user_id: int, key: dt.date, sent_at: dt.datetime | None) -> None:
        """The morning question did not arrive: forget that it was sent."""
        night = self.core.store.get_night(user_id, key)
        if night is None or night.morning_sent_at != sent_at or night.sleep_quality is not None:
            return
        self.core.save_night(user_id, night, morning_sent_at=None)

    def record_sleep(
        self, user_id: int, key: dt.date, quality: int, now: dt.datetime
    ) -> MorningAnswered:
        """Sleep quality 1 (very poor) to 5 (very good); then "did you try it?" if there was
        an idea."""
        if not 1 <= quality <= 5:
            raise BadInput(Problem.SLEEP_QUALITY)
        night, title = self._answer(user_id, key, now, sleep_quality=quality)
        trial_title = self._trial_title(user_id, night)
        if trial_title is not None:  # a trial night: did the evening go as planned?
            return MorningAnswered(night, title, MorningNext.ASK_KEPT, trial_title=trial_title)
        if title is None:
            return self._done(user_id, night, title, now)
        return MorningAnswered(night, title, MorningNext.ASK_TRIED)

    def record_night_score(
        self, user_id: int, key: dt.date, score: int, now: dt.datetime
    ) -> MorningAnswered:
        """A trial night's first morning answer: how the legs were during the night (0-10);
        then sleep quality."""
        if not 0 <= score <= 10:
            raise BadInput(Problem.RATING)
        night, title = self._answer(user_id, key, now, night_score=score)
        trial_title = self._trial_title(user_id, night)
        return MorningAnswered(night, title, MorningNext.ASK_SLEEP, trial_title=trial_title)

    def record_kept(
        self, user_id: int, key: dt.date, kept: bool, now: dt.datetime
    ) -> MorningAnswered:
        """Whether a trial evening went as planned (on an idea evening: the idea was done, so
        it also counts as tried). The morning's last answer; the trial may end with it."""
        night = self.core.store.get_night(user_id, key)
        if night is None or night.trial_arm is None:
            raise StaleNight(key.isoformat())
        changes: dict[str, Any] = {"kept_plan": kept}
        trial_id = self._trial_id(user_id, night)
        if night.trial_arm is Arm.IDEA and trial_id is not None:
            changes.update(morning_remedy=trial_id, tried=kept)
            if not kept:
                changes["helped"] = None
        night, title = self._answer(user_id, key, now, **changes)
        trial_title = self._trial_title(user_id, night)
        done = self._done(user_id, night, title, now)
        finished = self.trials.finish_if_done(user_id, now)
        return MorningAnswered(
            night, title, MorningNext.DONE, done.doctor, trial_title, trial_done=finished
        )

    def _trial_id(self, user_id: int, night: Night) -> str | None:
        """The idea under test on a night of the running trial (a trial that has ended, e.g.
        stopped, asks nothing more about its nights)."""
        if night.trial_arm is None:
            return None
        person = self.core.require(user_id)
        if person.trial is not None and night.night >= person.trial.start:
            return person.trial.remedy_id
        return None

    def _trial_title(self, user_id: int, night: Night) -> str | None:
        remedy_id = self._trial_id(user_id, night)
        return None if remedy_id is None else self.core.catalog.title(remedy_id)

    def record_tried(
        self, user_id: int, key: dt.date, tried: bool, now: dt.datetime
    ) -> MorningAnswered:
        """Whether last night's idea was tried; yes asks whether it helped."""
        changes: dict[str, Any] = {"tried": tried}
        if not tried:
            changes["helped"] = None
        night, title = self._answer(user_id, key, now, **changes)
        if not tried:
            return self._done(user_id, night, title, now)
        return MorningAnswered(night, title, MorningNext.ASK_HELPED)

    def record_helped(
        self, user_id: int, key: dt.date, helped: Helped, now: dt.datetime
    ) -> MorningAnswered:
        """Whether it helped: no, a bit, clearly."""
        night, title = self._answer(user_id, key, now, tried=True, helped=helped)
        return self._done(user_id, night, title, now)

    def _done(
        self, user_id: int, night: Night, title: str | None, now: dt.datetime
    ) -> MorningAnswered:
        """The morning's last answer: a calm moment for a doctor prompt, if the nights say so."""
        doctor = self.evenings.doctor_now(self.core.require(user_id), night.night, now)
        return MorningAnswered(night, title, MorningNext.DONE, doctor)

    def _answer(
        self, user_id: int, key: dt.date, now: dt.datetime, **changes: Any
    ) -> tuple[Night, str | None]:
        """Store a morning answer; the person's track record changes by this night alone."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        before = self.core.store.get_night(user_id, key)
        if before is None:
            raise StaleNight(key.isoformat())
        changes = {"morning_remedy": before.answer_remedy, **changes}
        night = self.core.save_night(user_id, before, **changes)
        track = recommend.retrack(person.track, before, night)
        if track != person.track:
            self.core.change(person, track=track)
        return night, self._title(night)

    def _title(self, night: Night) -> str | None:
        remedy_id = night.answer_remedy
        return None if remedy_id is None else self.core.catalog.title(remedy_id)

    def retrack(self, user_id: int) -> Person | None:
        """Recompute the track record from all the person's nights (after nights were set
        aside as damaged), so it never counts what is no longer there."""
        person = self.core.person(user_id)
        if person is None:
            return None
        track = recommend.track_record(self.core.nights(user_id))
        return person if track == person.track else self.core.change(person, track=track)
