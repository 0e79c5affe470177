"""The evening: the check-in (scheduled, snoozed or asked for), the rating, one idea and the
answers to its card, skip, and the optional about-today question."""

from __future__ import annotations

import datetime as dt
import logging

from bot import recommend, schedule, texts, trends
from bot.checkins.core import Core, NotSetUp, StaleNight
from bot.checkins.results import (
    AboutDay,
    CalmNight,
    Card,
    CheckInDue,
    DayAnswer,
    FlagBlocksIdea,
    NextIdea,
    NoMoreIdeas,
    Rated,
    RatingChanged,
    RatingReply,
    Responded,
    Snoozed,
    UsualEvening,
)
from bot.checkins.trial import Trials, TrialTonight
from bot.errors import BadInput, Problem
from bot.insights import summarize
from bot.models import (
    Night,
    Onset,
    Person,
    PromptSource,
    Reason,
    Response,
    Snooze,
    Suggestion,
    SuggestionRecord,
    Trigger,
    Why,
)
from bot.trends import DoctorReason
from bot.trial_plan import Arm

log = logging.getLogger(__name__)

# Choosing a remedy and the doctor prompt look back this far (the remedy rules at the last two
# nights with a suggestion, the prompt at two weeks); older nights count through Person.track.
RECENT_HISTORY = dt.timedelta(days=trends.FORTNIGHT + 1)
# The day tag that is also a red flag (its message says what to ask the prescriber).
NEW_MEDICINE_FLAG = "new_medicine"
WEEK = 7


class Evenings:
    """Use cases of the evening check-in."""

    def __init__(self, core: Core, trials: Trials) -> None:
        self.core = core
        self.trials = trials

    # -- sending the check-in -------------------------------------------------------------

    def due(
        self, user_id: int, when: dt.datetime, source: PromptSource, now: dt.datetime
    ) -> CheckInDue | None:
        """A scheduled (or caught-up, or snoozed) check-in falls due: mark it as sent and say
        what to send, or None when nothing goes out (exactly once per night)."""
        person = self.core.person(user_id)
        if person is None or not person.reminders_due:
            return None
        if source is PromptSource.SNOOZE:
            key = self._take_snooze(person, now)
            if key is None:
                return None
        else:
            if now - when > schedule.CATCH_UP_WINDOW:
                log.info("evening check-in for user %s is too late to send; skipped", user_id)
                return None
            key = self.core.night_key(person, when)
        person, pause_ended = self._end_expired_pause(person, key)
        # A trial whose plan is used up ends before the next check-in (its answer goes first).
        trial_done = self.trials.finish_if_done(user_id, now) if person.trial else None
        weekly = None
        if source is not PromptSource.SNOOZE and self._claim_weekly(person, key):
            start, end = key - dt.timedelta(WEEK), key - dt.timedelta(1)
            # Only the week's nights count (insights.summarize), so only their months are read.
            nights = self.core.store.nights(user_id, since=start)
            weekly = summarize(nights, self.core.catalog, start, end)
        night = self._open(user_id, key, now, source)
        if night is None and weekly is None and trial_done is None:
            return None
        prompted_at = night.prompted_at if night is not None else None
        tonight = None if night is None else self.trial_evening(self.core.require(user_id), night)
        return CheckInDue(
            key, night is not None, prompted_at, source, pause_ended, weekly, tonight, trial_done
        )

    def ask_now(self, user_id: int, now: dt.datetime) -> Night:
        """/checkin: open the check-in for the night it is about (also when already rated)."""
        person = self.core.require(user_id)
        key = self.core.checkin_night(person, now)
        night = self._open(user_id, key, now, PromptSource.MANUAL)
        if night is None:
            raise NotSetUp(str(user_id))
        return night

    def unmark(self, user_id: int, key: dt.date, prompted_at: dt.datetime | None) -> None:
        """The check-in did not arrive: forget that it was sent (unless answered meanwhile)."""
        night = self.core.store.get_night(user_id, key)
        if night is None or night.rating is not None or night.prompted_at != prompted_at:
            return
        self.core.save_night(user_id, night, prompted_at=None, prompt_source=None)

    def _open(
        self, user_id: int, key: dt.date, now: dt.datetime, source: PromptSource
    ) -> Night | None:
        """Mark the check-in as sent; None when it must not be sent (exactly once)."""
        person = self.core.person(user_id)
        if person is None or not person.ready:
            return None
        if source is not PromptSource.MANUAL and not person.reminders_due:
            return None
        night = self.core.night(person, key)
        if source is not PromptSource.MANUAL:
            if night.rating is not None or night.skipped or self.core.is_paused(person, key):
                return None
            if source is not PromptSource.SNOOZE and night.prompted_at is not None:
                return None
        if night.prompted_at is None:
            night = night.replace(prompted_at=now, prompt_source=source)
        _, night = self.trials.assign(person, night)  # a trial evening gets its kind now
        return self.core.save_night(user_id, night)

    def _take_snooze(self, person: Person, now: dt.datetime) -> dt.date | None:
        """Consume a due snooze; its night when the check-in should be sent again."""
        snooze = person.snooze
        if snooze is None or snooze.due > now:
            return None
        self.core.change(person, snooze=None)
        if now - snooze.due > schedule.CATCH_UP_WINDOW:
            return None
        return snooze.night

    def _end_expired_pause(self, person: Person, night: dt.date) -> tuple[Person, bool]:
        """Clear a pause whose end has come. Returns (person, it_ended_now)."""
        if person.pause is None or self.core.is_paused(person, night):
            return person, False
        return self.core.change(person, pause=None), True

    def _claim_weekly(self, person: Person, key: dt.date) -> bool:
        """True (once per night) when the weekly summary goes out with this check-in."""
        if person.weekly_day is None or person.weekly_sent_for == key:
            return False
        if self.core.is_paused(person, key):
            return False
        self.core.change(person, weekly_sent_for=key)
        return True

    # -- the rating and the idea ----------------------------------------------------------

    def awaiting_rating(self, user_id: int, now: dt.datetime) -> dt.date | None:
        """Tonight's key when a check-in was sent and is still waiting for its rating."""
        person = self.core.require(user_id)
        core = self.core
        for key in dict.fromkeys((core.checkin_night(person, now), core.night_key(person, now))):
            night = core.store.get_night(user_id, key)
            if night is None or night.prompted_at is None or night.rating is not None:
                continue
            if not night.skipped:
                return key
        return None

    def rate(self, user_id: int, key: dt.date, rating: int, now: dt.datetime) -> Rated:
        """Store the 0-10 rating and pick tonight's one idea when the legs bother them."""
        if not 0 <= rating <= 10:
            raise BadInput(Problem.RATING)
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        history = self.core.store.nights(user_id, since=key - RECENT_HISTORY)
        night = next((n for n in history if n.night == key), None) or Night(
            night=key, tz=person.tz or "UTC"
        )
        replaced = night.rating is not None
        if not replaced:  # rated without its check-in: a trial evening gets its kind now
            person, night = self.trials.assign(person, night)
        changes: dict[str, object] = {"rating": rating, "rated_at": now, "skipped": False}
        if night.prompted_at is None:
            changes.update(prompted_at=now, prompt_source=PromptSource.MANUAL)
        night = night.replace(**changes)
        idea: NextIdea | None = None
        usual: UsualEvening | None = None
        tonight = self.trials.tonight(person, night)
        if (
            tonight is not None
            and not night.suggestions
            and not self.core.remedy_blocked(person, night)
        ):
            if tonight.arm is Arm.IDEA:
                night, idea = self._trial_card(night, tonight.remedy_id, now)
            else:
                usual = UsualEvening(tonight.remedy_id)
        if rating >= 1 and not night.suggestions and idea is None and usual is None:
            night, idea = self._next_idea(person, night, now, history)
        about = None
        if not replaced and not isinstance(idea, Card):
            # No card waits for an answer: the optional question may come now (else later).
            night, about = self._ask_about(person, night)
        self.core.save_night(user_id, night)
        if person.snooze is not None and person.snooze.night == key:
            person = self.core.change(person, snooze=None)
        reply: RatingReply
        if replaced and not isinstance(idea, Card):
            reply = RatingChanged(rating)
        elif rating >= 1 and self.core.remedy_blocked(person, night):
            reply = FlagBlocksIdea()
        elif usual is not None:
            reply = usual
        elif isinstance(idea, Card):  # also at 0 on a trial's idea evening
            reply = idea
        elif rating == 0:
            reply = CalmNight()
        else:
            reply = idea or NoMoreIdeas()
        return Rated(night, reply, about)

    def trial_evening(self, person: Person, night: Night) -> TrialTonight | None:
        """Which trial evening this night is, for the check-in's first line; none on an idea
        evening that a red flag closed to ideas ("Tonight, do ..." would contradict it)."""
        tonight = self.trials.tonight(person, night)
        idea = tonight is not None and tonight.arm is Arm.IDEA
        return None if idea and self.core.remedy_blocked(person, night) else tonight

    def _ask_about(self, person: Person, night: Night) -> tuple[Night, AboutDay | None]:
        """The about-today question for this night, if the person wants it and it was not
        shown yet (marked as shown)."""
        about = self._about(person, night)
        if night.about_asked or not (about.onset or about.tags):
            return night, None
        return night.replace(about_asked=True, tags_asked=about.tags or night.tags_asked), about

    def doctor_now(self, person: Person, key: dt.date, now: dt.datetime) -> DoctorReason | None:
        """Whether the nights up to `key` suggest a doctor visit now (at most once a
        fortnight; the moment is remembered)."""
        history = self.core.store.nights(person.user_id, since=key - RECENT_HISTORY)
        reason = trends.doctor_reason(history, key, person.doctor_prompt_at, now)
        if reason is not None:
            self.core.change(person, doctor_prompt_at=now)
        return reason

    def respond(
        self, user_id: int, key: dt.date, remedy_id: str, response: Response, now: dt.datetime
    ) -> Responded:
        """Record "I'll try it", "Another idea" or "Not for me" on a card; for the latter two
        the next idea (or why there is none)."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        night = self.core.night(person, key)
        if not any(s.remedy_id == remedy_id for s in night.suggestions):
            raise StaleNight(remedy_id)
        if response is Response.TRY and self.core.remedy_blocked(person, night):
            # A red flag came after the card: its reply said no idea tonight (not recorded).
            return Responded(night, remedy_id, response, FlagBlocksIdea(), blocked=True)
        if response is Response.NOT_FOR_ME:
            person = self.core.change(person, not_for_me=person.not_for_me | {remedy_id})
        night = night.replace(
            suggestions=tuple(
                s.replace(response=response) if s.remedy_id == remedy_id else s
                for s in night.suggestions
            )
        )
        idea: NextIdea | None = None
        if response is not Response.TRY:
            night, idea = self._next_idea(person, night, now)
        about, doctor = None, None
        if not isinstance(idea, Card):  # the card business of tonight is over
            night, about = self._ask_about(person, night)
        night = self.core.save_night(user_id, night)
        if not isinstance(idea, Card):
            doctor = self.doctor_now(self.core.require(user_id), key, now)
        return Responded(night, remedy_id, response, idea, about, doctor)

    def _next_idea(
        self, person: Person, night: Night, now: dt.datetime, recent: list[Night] | None = None
    ) -> tuple[Night, NextIdea]:
        """Tonight's next idea from the recent nights and the whole track record, added to
        the night; or why there is none."""
        if self.core.remedy_blocked(person, night):
            return night, FlagBlocksIdea()
        if recent is None:
            since = night.night - RECENT_HISTORY
            recent = self.core.store.nights(person.user_id, since=since)
        catalog = self.core.catalog
        # While a trial runs, its idea comes only on its idea evenings.
        exclude = frozenset({person.trial.remedy_id}) if person.trial else frozenset()
        rng = self.core.rng
        suggestion = recommend.choose(catalog, person, recent, night, rng, person.track, exclude)
        if suggestion is None:
            return night, NoMoreIdeas()
        return self._add(night, suggestion, now)

    def _trial_card(
        self, night: Night, remedy_id: str, now: dt.datetime
    ) -> tuple[Night, Card | None]:
        """The idea under test, on an idea evening of the trial (None if the content no
        longer has it: then it is an ordinary evening)."""
        remedy = self.core.catalog.get(remedy_id)
        if remedy is None:
            return night, None
        reason = Reason(why=Why.TRIAL_EVENING)
        night, card = self._add(night, Suggestion(remedy=remedy, reason=reason), now)
        return night, Card(card.suggestion, trial=True)

    def _add(self, night: Night, suggestion: Suggestion, now: dt.datetime) -> tuple[Night, Card]:
        """The suggestion stored on the night, with the words of its reason."""
        catalog = self.core.catalog
        record = SuggestionRecord(
            remedy_id=suggestion.remedy.id,
            content_version=catalog.version,
            at=now,
            reason=texts.reason_words(suggestion.reason),  # the words the person sees
        )
        return night.replace(suggestions=(*night.suggestions, record)), Card(suggestion)

    def idea_anyway(self, user_id: int, key: dt.date, now: dt.datetime) -> NextIdea:
        """On a usual evening of a trial the person asks for an idea after all (never the
        one under test)."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        night, idea = self._next_idea(person, self.core.night(person, key), now)
        if isinstance(idea, Card):
            self.core.save_night(user_id, night)
        return idea

    # -- snooze and skip ------------------------------------------------------------------

    def snooze(self, user_id: int, key: dt.date, now: dt.datetime) -> Snoozed:
        """Ask again in 30 minutes; the due time is stored so a restart keeps it."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        if self.core.night(person, key).rating is not None:
            raise StaleNight(key.isoformat())
        person = self.core.change(person, snooze=Snooze(night=key, due=now + schedule.SNOOZE))
        assert person.snooze is not None and person.tz is not None
        return Snoozed(person.snooze.due, person.tz)

    def skip(self, user_id: int, key: dt.date, now: dt.datetime) -> Night:
        """No check-in tonight (nothing else changes)."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        night = self.core.night(person, key)
        if night.rating is not None:
            raise StaleNight(key.isoformat())
        night = self.core.save_night(user_id, night, skipped=True)
        if person.snooze is not None:
            self.core.change(person, snooze=None)
        return night

    # -- about today ----------------------------------------------------------------------

    def about_day(self, user_id: int, key: dt.date) -> DayAnswer:
        """The about-today question of a night as it stands."""
        person = self.core.require(user_id)
        night = self.core.night(person, key)
        return DayAnswer(night, self._about(person, night))

    def set_onset(self, user_id: int, key: dt.date, onset: Onset, now: dt.datetime) -> DayAnswer:
        """When the urge started that day."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        night = self.core.save_night(user_id, self.core.night(person, key), onset=onset)
        return DayAnswer(night, self._about(person, night))

    def toggle_trigger(
        self, user_id: int, key: dt.date, trigger: Trigger, now: dt.datetime
    ) -> DayAnswer:
        """Mark or unmark one tag about the day. Marking "New medicine" also raises its red
        flag on the night, once (its message is then shown)."""
        person = self.core.require(user_id)
        self.core.answerable(person, key, now)
        night = self.core.night(person, key)
        tags = set(night.triggers) ^ {trigger}
        night = night.replace(triggers=tuple(t for t in Trigger if t in tags))
        flag = None
        if trigger is Trigger.NEW_MEDICINE and trigger in night.triggers:
            flag = self.core.red_flags.get(NEW_MEDICINE_FLAG)
            if flag is None or flag.id in night.red_flags:
                flag = None
            else:
                night = night.replace(red_flags=(*night.red_flags, flag.id))
        night = self.core.save_night(user_id, night)
        return DayAnswer(night, self._about(person, night), flag)

    @staticmethod
    def _about(person: Person, night: Night) -> AboutDay:
        return AboutDay(
            onset=person.ask_onset and (night.rating or 0) >= 1, tags=person.ask_triggers
        )
