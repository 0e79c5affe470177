"""Sentences of the evening: the check-in, the rating, the answers to a card, notes, and the
optional about-today question."""

from __future__ import annotations

import datetime as dt
from enum import auto
from zoneinfo import ZoneInfo

from bot.models import Night, Onset, PromptSource, Response, Trigger
from bot.texts.base import TextKey, catalog, day, esc, t


class EveningText(TextKey):
    """Keys of the evening sentences."""

    RATING_QUESTION = auto()
    CHECKIN_QUESTION = auto()
    GOOD_MORNING = auto()
    GOOD_AFTERNOON = auto()
    GOOD_EVENING = auto()
    HELLO = auto()
    SKIPPED_LAST_NIGHT = auto()
    RATING_HIGH = auto()
    RATING_MIDDLE = auto()
    CATCH_UP = auto()
    CHECKIN_AGAIN = auto()
    WELCOME_BACK_PAUSE = auto()
    SNOOZE_BUTTON = auto()
    SKIP_BUTTON = auto()
    RATING_NOTED = auto()
    RATING_UPDATED = auto()
    RATING_WITH_NOTE = auto()
    RATING_WHOLE_NUMBER = auto()
    ALREADY_RATED = auto()
    GOOD_NIGHT_CALM = auto()
    SNOOZED = auto()
    SKIPPED = auto()
    TRY_BUTTON = auto()
    ANOTHER_BUTTON = auto()
    NOT_FOR_ME_BUTTON = auto()
    TRYING = auto()
    NOT_FOR_YOU = auto()
    ASKED_ANOTHER = auto()
    NO_MORE_IDEAS = auto()
    NOT_FOR_ME_NEXT = auto()
    NOTE_SAVED = auto()
    NOTE_UPDATED = auto()
    NOTE_INSTEAD_OF_RATING = auto()
    ABOUT_DAY_HEADING = auto()
    ABOUT_DAY_ONSET = auto()
    ABOUT_DAY_TAGS = auto()
    NOT_ANSWERED = auto()
    NONE_MARKED = auto()
    ABOUT_DONE_BUTTON = auto()
    ABOUT_DAY_DONE = auto()
    ABOUT_DAY_ONSET_DONE = auto()
    NOTHING_MARKED = auto()
    ONSET_BEFORE_NOON = auto()
    ONSET_AFTERNOON = auto()
    ONSET_EVENING = auto()
    ONSET_BEDTIME = auto()
    TAG_CAFFEINE_LATE = auto()
    TAG_ALCOHOL = auto()
    TAG_LONG_SITTING = auto()
    TAG_LATE_EXERCISE = auto()
    TAG_NEW_MEDICINE = auto()


SENTENCES = catalog(
    EveningText,
    {
        EveningText.RATING_QUESTION: (
            "How do your legs feel <b>right now</b>?\n"
            "0 = calm, 10 = the worst it gets. Tap a number or type it."
        ),
        EveningText.CHECKIN_QUESTION: "{greeting}. {question}",
        EveningText.GOOD_MORNING: "Good morning",
        EveningText.GOOD_AFTERNOON: "Good afternoon",
        EveningText.GOOD_EVENING: "Good evening",
        EveningText.HELLO: "Hello",
        EveningText.SKIPPED_LAST_NIGHT: "Skipped last night's check-in. Nothing else changes.",
        EveningText.RATING_HIGH: (
            "{rating}/10 sounds like a hard evening, I'm sorry. Here is one thing you can do "
            "right now:"
        ),
        EveningText.RATING_MIDDLE: "Thanks, {rating}/10 noted. One idea for tonight:",
        EveningText.CATCH_UP: "Sorry, I'm a little late today. {question}",
        EveningText.CHECKIN_AGAIN: "Here is your check-in again. {question}",
        EveningText.WELCOME_BACK_PAUSE: "Welcome back: reminders are on again.\n{question}",
        EveningText.SNOOZE_BUTTON: "Snooze 30 min",
        EveningText.SKIP_BUTTON: "Skip tonight",
        EveningText.RATING_NOTED: (
            "How do your legs feel right now? You said <b>{rating}/10</b>."
        ),
        EveningText.RATING_UPDATED: "Updated tonight's rating to <b>{rating}/10</b>.",
        EveningText.RATING_WITH_NOTE: (
            "How do your legs feel right now? You said <b>{rating}/10</b>. I saved the rest as "
            "a note for the night of {day}."
        ),
        EveningText.RATING_WHOLE_NUMBER: (
            "For the rating I need one whole number from 0 (calm) to 10 (the worst it gets). "
            "Tap a number on the question above, or type one, like 6."
        ),
        EveningText.ALREADY_RATED: (
            "You rated tonight <b>{rating}/10</b>. Tap a number if you want to change it."
        ),
        EveningText.GOOD_NIGHT_CALM: (
            "Calm legs tonight, lovely. Sleep well.\n"
            "If you want to add anything about your day, just type it and I'll keep it as a "
            "note."
        ),
        EveningText.SNOOZED: "OK, I'll ask again at {time}.",
        EveningText.SKIPPED: "Skipped tonight. Sleep as well as you can.",
        EveningText.TRY_BUTTON: "I'll try it",
        EveningText.ANOTHER_BUTTON: "Another idea",
        EveningText.NOT_FOR_ME_BUTTON: "Not for me",
        EveningText.TRYING: (
            "\n\n✅ <b>You'll try it.</b> Good luck tonight. In the morning I'll ask whether it "
            "helped. You can type a note any time."
        ),
        EveningText.NOT_FOR_YOU: "\n\n✖️ Not for you: I won't suggest “{title}” again.",
        EveningText.ASKED_ANOTHER: "\n\n↪️ You asked for another idea.",
        EveningText.NO_MORE_IDEAS: (
            "That's every idea I have for tonight. I'm sorry the evening is hard. If nights "
            "like this are common, it is worth talking to your doctor: good treatments exist."
        ),
        EveningText.NOT_FOR_ME_NEXT: "Here is something else you could try:",
        EveningText.NOTE_SAVED: "Saved your note for the night of {day}.",
        EveningText.NOTE_UPDATED: "Updated your note for the night of {day}.",
        EveningText.NOTE_INSTEAD_OF_RATING: (
            "Saved as a note. To rate your legs tonight, use /checkin."
        ),
        EveningText.ABOUT_DAY_HEADING: "<b>A little more about today</b> (optional)",
        EveningText.ABOUT_DAY_ONSET: "When did the urge start today? <i>{onset}</i>",
        EveningText.ABOUT_DAY_TAGS: (
            "Did any of these happen today? Tap each that did. <i>{tags}</i>"
        ),
        EveningText.NOT_ANSWERED: "not answered",
        EveningText.NONE_MARKED: "none marked",
        EveningText.ABOUT_DONE_BUTTON: "Done",
        EveningText.ABOUT_DAY_DONE: "Noted about today: {parts}.",
        EveningText.ABOUT_DAY_ONSET_DONE: "urge started: {onset}",
        EveningText.NOTHING_MARKED: "nothing marked",
        EveningText.ONSET_BEFORE_NOON: "Before noon",
        EveningText.ONSET_AFTERNOON: "Afternoon",
        EveningText.ONSET_EVENING: "Evening",
        EveningText.ONSET_BEDTIME: "At bedtime",
        EveningText.TAG_CAFFEINE_LATE: "Caffeine late",
        EveningText.TAG_ALCOHOL: "Alcohol",
        EveningText.TAG_LONG_SITTING: "Long sitting or travel",
        EveningText.TAG_LATE_EXERCISE: "Hard exercise late",
        EveningText.TAG_NEW_MEDICINE: "New medicine",
    },
)

ONSETS = {
    Onset.BEFORE_NOON: EveningText.ONSET_BEFORE_NOON,
    Onset.AFTERNOON: EveningText.ONSET_AFTERNOON,
    Onset.EVENING: EveningText.ONSET_EVENING,
    Onset.BEDTIME: EveningText.ONSET_BEDTIME,
}
TAGS = {
    Trigger.CAFFEINE_LATE: EveningText.TAG_CAFFEINE_LATE,
    Trigger.ALCOHOL: EveningText.TAG_ALCOHOL,
    Trigger.LONG_SITTING: EveningText.TAG_LONG_SITTING,
    Trigger.LATE_EXERCISE: EveningText.TAG_LATE_EXERCISE,
    Trigger.NEW_MEDICINE: EveningText.TAG_NEW_MEDICINE,
}


def onset_label(onset: Onset) -> str:
    """`Before noon`, ..., `At bedtime`."""
    return t(ONSETS[onset])


def tag_label(tag: Trigger) -> str:
    """`Caffeine late`, ..."""
    return t(TAGS[tag])


def greeting(local: dt.datetime) -> str:
    """`Good morning` / `Good afternoon` / `Good evening` by the person's clock (`Hello` in the
    small hours)."""
    if 5 <= local.hour < 12:
        return t(EveningText.GOOD_MORNING)
    if 12 <= local.hour < 18:
        return t(EveningText.GOOD_AFTERNOON)
    if local.hour >= 18:
        return t(EveningText.GOOD_EVENING)
    return t(EveningText.HELLO)


def check_in(
    local: dt.datetime,
    source: PromptSource = PromptSource.MANUAL,
    pause_ended: bool = False,
) -> str:
    """The check-in question at the person's local time `local`: asked for, scheduled, late,
    again after a snooze, or the first after a pause."""
    question = t(EveningText.RATING_QUESTION)
    if source is PromptSource.SNOOZE:
        return t(EveningText.CHECKIN_AGAIN, question=question)
    text = t(EveningText.CHECKIN_QUESTION, greeting=greeting(local), question=question)
    if source is PromptSource.CATCH_UP:
        text = t(EveningText.CATCH_UP, question=text)
    if pause_ended:
        text = t(EveningText.WELCOME_BACK_PAUSE, question=text)
    return text


def rating_noted(rating: int) -> str:
    """What the check-in message turns into after a rating."""
    return t(EveningText.RATING_NOTED, rating=rating)


def rating_with_note(rating: int, night: dt.date) -> str:
    """A typed rating with words after it: both kept."""
    return t(EveningText.RATING_WITH_NOTE, rating=rating, day=day(night))


def rating_updated(rating: int) -> str:
    """A second rating for the same night replaces the first."""
    return t(EveningText.RATING_UPDATED, rating=rating)


def rating_lead(rating: int) -> str:
    """A few words before tonight's idea that say the rating was heard."""
    if rating >= 7:
        return t(EveningText.RATING_HIGH, rating=rating)
    return t(EveningText.RATING_MIDDLE, rating=rating)


def skipped(night: dt.date, local: dt.datetime) -> str:
    """After Skip: tonight's, or (the morning after) last night's."""
    if night < local.date():
        return t(EveningText.SKIPPED_LAST_NIGHT)
    return t(EveningText.SKIPPED)


def already_rated(rating: int) -> str:
    """/checkin when tonight already has a rating."""
    return t(EveningText.ALREADY_RATED, rating=rating)


def snoozed(due: dt.datetime, tz: str) -> str:
    """After Snooze."""
    return t(EveningText.SNOOZED, time=f"{due.astimezone(ZoneInfo(tz)):%H:%M}")


def response_noted(response: Response, title: str) -> str:
    """Appended to a card once the person chose."""
    if response is Response.TRY:
        return t(EveningText.TRYING)
    if response is Response.NOT_FOR_ME:
        return t(EveningText.NOT_FOR_YOU, title=esc(title))
    return t(EveningText.ASKED_ANOTHER)


def note_saved(night: dt.date) -> str:
    """Confirmation that a note is stored."""
    return t(EveningText.NOTE_SAVED, day=day(night))


def note_updated(night: dt.date) -> str:
    """Confirmation that an edited message replaced its note."""
    return t(EveningText.NOTE_UPDATED, day=day(night))


def about_day(night: Night, ask_onset: bool, ask_triggers: bool) -> str:
    """The optional question after the rating: onset and tags about the day."""
    lines = [t(EveningText.ABOUT_DAY_HEADING)]
    if ask_onset:
        onset = onset_label(night.onset).lower() if night.onset else t(EveningText.NOT_ANSWERED)
        lines.append(t(EveningText.ABOUT_DAY_ONSET, onset=onset))
    if ask_triggers:
        tags = ", ".join(tag_label(tag).lower() for tag in night.triggers)
        lines.append(t(EveningText.ABOUT_DAY_TAGS, tags=tags or t(EveningText.NONE_MARKED)))
    return "\n".join(lines)


def about_day_done(night: Night) -> str:
    """The question once closed."""
    parts = []
    if night.onset:
        parts.append(t(EveningText.ABOUT_DAY_ONSET_DONE, onset=onset_label(night.onset).lower()))
    if night.triggers:
        parts.append(", ".join(tag_label(tag).lower() for tag in night.triggers))
    joined = "; ".join(parts) if parts else t(EveningText.NOTHING_MARKED)
    return t(EveningText.ABOUT_DAY_DONE, parts=joined)
