"""Sentences of /settings and what it changes: pause and resume, the weekly summary, the
optional questions, adult topics, and /delete."""

from __future__ import annotations

import datetime as dt
from enum import auto

from bot.models import Person
from bot.schedule import format_time
from bot.texts.base import TextKey, catalog, count, esc, long_day, t
from bot.texts.trial import blocks_words


class SettingsText(TextKey):
    """Keys of the settings sentences."""

    HEADING = auto()
    TIMEZONE_LINE = auto()
    CHECKIN_LINE = auto()
    WAKE_LINE = auto()
    REMINDERS_LINE = auto()
    WEEKLY_LINE = auto()
    ONSET_LINE = auto()
    TAGS_LINE = auto()
    ADULT_LINE = auto()
    TURNED_DOWN_LINE = auto()
    TRIALS_LINE = auto()
    TURNED_DOWN_BUTTON = auto()
    TURNED_DOWN_LIST = auto()
    TURNED_DOWN_NONE = auto()
    BRING_BACK_BUTTON = auto()
    BROUGHT_BACK = auto()
    NOT_SET = auto()
    ON = auto()
    OFF = auto()
    REMINDERS_BLOCKED = auto()
    REMINDERS_PAUSED = auto()
    REMINDERS_PAUSED_UNTIL = auto()
    REMINDERS_NOT_SET_UP = auto()
    CHANGE_TZ_BUTTON = auto()
    CHANGE_CHECKIN_BUTTON = auto()
    CHANGE_WAKE_BUTTON = auto()
    PAUSE_BUTTON = auto()
    RESUME_BUTTON = auto()
    PAUSED = auto()
    PAUSED_UNTIL = auto()
    PAUSED_AT = auto()
    RESUMED = auto()
    NOT_PAUSED = auto()
    ADULT_ON_BUTTON = auto()
    ADULT_OFF_BUTTON = auto()
    ADULT_CONFIRM_BUTTON = auto()
    ADULT_CANCEL_BUTTON = auto()
    ADULT_CONFIRM = auto()
    ADULT_CHILD_NOTE = auto()
    ADULT_CANCELLED = auto()
    ADULT_ON = auto()
    ADULT_OFF = auto()
    MONDAY = auto()
    TUESDAY = auto()
    WEDNESDAY = auto()
    THURSDAY = auto()
    FRIDAY = auto()
    SATURDAY = auto()
    SUNDAY = auto()
    WEEKLY_STATE = auto()
    WEEKLY_BUTTON = auto()
    WEEKLY_OFF_BUTTON = auto()
    ASK_WEEKLY_DAY = auto()
    WEEKLY_IS_OFF = auto()
    WEEKLY_IS_ON = auto()
    ONSET_ON_BUTTON = auto()
    ONSET_OFF_BUTTON = auto()
    TRIGGERS_ON_BUTTON = auto()
    TRIGGERS_OFF_BUTTON = auto()
    ONSET_SWITCHED_ON = auto()
    TRIGGERS_SWITCHED_ON = auto()
    SWITCHED_ON = auto()
    SWITCHED_OFF = auto()
    DELETE_CONFIRM = auto()
    DELETE_YES = auto()
    DELETE_NO = auto()
    DELETED = auto()
    DELETE_CANCELLED = auto()
    NOTHING_STORED = auto()


SENTENCES = catalog(
    SettingsText,
    {
        SettingsText.HEADING: "<b>Your settings</b>",
        SettingsText.TIMEZONE_LINE: "Time zone: {value}",
        SettingsText.CHECKIN_LINE: "Evening check-in: {value}",
        SettingsText.WAKE_LINE: "Morning follow-up: {value}",
        SettingsText.REMINDERS_LINE: "Reminders: {value}",
        SettingsText.WEEKLY_LINE: "Weekly summary: {value}",
        SettingsText.ONSET_LINE: "Onset question: {value}",
        SettingsText.TAGS_LINE: "Day tags (caffeine, alcohol, ...): {value}",
        SettingsText.ADULT_LINE: "Adult topics: {value}",
        SettingsText.TURNED_DOWN_LINE: "Ideas you turned down: {count}",
        SettingsText.TRIALS_LINE: (
            "Personal trials: {length} kept as planned, blocks of {blocks} "
            "(<code>/trial length 14</code>, <code>/trial blocks 2-3</code>)"
        ),
        SettingsText.TURNED_DOWN_BUTTON: "Ideas you turned down ({count})…",
        SettingsText.TURNED_DOWN_LIST: (
            "<b>Ideas you turned down</b> with “Not for me”. I don't suggest them. Changed your "
            "mind? Tap one to bring it back:\n{titles}"
        ),
        SettingsText.TURNED_DOWN_NONE: (
            "You haven't turned down any ideas: every idea can be suggested."
        ),
        SettingsText.BRING_BACK_BUTTON: "↩️ Bring back: {title}",
        SettingsText.BROUGHT_BACK: "“{title}” can be suggested again.",
        SettingsText.NOT_SET: "not set",
        SettingsText.ON: "on",
        SettingsText.OFF: "off",
        SettingsText.REMINDERS_BLOCKED: "off (send /start to turn them on)",
        SettingsText.REMINDERS_PAUSED: "paused until you send /resume",
        SettingsText.REMINDERS_PAUSED_UNTIL: "paused, back on {day}",
        SettingsText.REMINDERS_NOT_SET_UP: "not set up yet",
        SettingsText.CHANGE_TZ_BUTTON: "Change time zone",
        SettingsText.CHANGE_CHECKIN_BUTTON: "Change check-in time",
        SettingsText.CHANGE_WAKE_BUTTON: "Change wake-up time",
        SettingsText.PAUSE_BUTTON: "Pause 7 nights",
        SettingsText.RESUME_BUTTON: "Resume reminders",
        SettingsText.PAUSED: "Reminders paused. Send /resume when you want them back.",
        SettingsText.PAUSED_UNTIL: (
            "Reminders paused. They start again by themselves on <b>{day}</b>{at}."
        ),
        SettingsText.PAUSED_AT: " at {time}",
        SettingsText.RESUMED: "Reminders are back on.",
        SettingsText.NOT_PAUSED: "Reminders are already on.",
        SettingsText.ADULT_ON_BUTTON: "Include adult topics",
        SettingsText.ADULT_OFF_BUTTON: "Leave out adult topics",
        SettingsText.ADULT_CONFIRM_BUTTON: "I am 18 or over: include them",
        SettingsText.ADULT_CANCEL_BUTTON: "Not now",
        SettingsText.ADULT_CONFIRM: (
            "Adult topics include ideas about sex, so they are only for people aged 18 or "
            "over.\n\n<b>Are you 18 or over?</b> Tap the button to confirm and switch them on."
        ),
        SettingsText.ADULT_CHILD_NOTE: (
            "You wrote recently about a child or teenager with these symptoms. If that is you, "
            "please leave adult topics off: they are not for under-18s."
        ),
        SettingsText.ADULT_CANCELLED: (
            "Adult topics stay off. You can switch them on later in /settings."
        ),
        SettingsText.ADULT_ON: (
            "Adult topics are on: ideas about sex can now be among the suggestions. "
            "You can switch them off again in /settings."
        ),
        SettingsText.ADULT_OFF: "Adult topics are off: I won't suggest ideas about sex.",
        SettingsText.MONDAY: "Monday",
        SettingsText.TUESDAY: "Tuesday",
        SettingsText.WEDNESDAY: "Wednesday",
        SettingsText.THURSDAY: "Thursday",
        SettingsText.FRIDAY: "Friday",
        SettingsText.SATURDAY: "Saturday",
        SettingsText.SUNDAY: "Sunday",
        SettingsText.WEEKLY_STATE: "on {day}s at your check-in time",
        SettingsText.WEEKLY_BUTTON: "Weekly summary…",
        SettingsText.WEEKLY_OFF_BUTTON: "No weekly summary",
        SettingsText.ASK_WEEKLY_DAY: (
            "On which day would you like a short summary of your week? It comes at your "
            "evening check-in time."
        ),
        SettingsText.WEEKLY_IS_OFF: "Weekly summary is off.",
        SettingsText.WEEKLY_IS_ON: "Weekly summary is on: {day}s at your check-in time.",
        SettingsText.ONSET_ON_BUTTON: "Ask when the urge started",
        SettingsText.ONSET_OFF_BUTTON: "Stop asking when it started",
        SettingsText.TRIGGERS_ON_BUTTON: "Ask about day tags",
        SettingsText.TRIGGERS_OFF_BUTTON: "Stop asking about day tags",
        SettingsText.ONSET_SWITCHED_ON: "After a rating I'll ask when the urge started that day.",
        SettingsText.TRIGGERS_SWITCHED_ON: (
            "After a rating I'll offer one-tap tags about the day (caffeine late, alcohol, "
            "long sitting, hard exercise late, new medicine)."
        ),
        SettingsText.SWITCHED_ON: "Switched on.",
        SettingsText.SWITCHED_OFF: "Switched off.",
        SettingsText.DELETE_CONFIRM: (
            "This erases <b>everything</b> I store about you: your settings and {nights} "
            "with their notes. It cannot be undone. (You may want to /export "
            "first.)\n\nErase everything?"
        ),
        SettingsText.DELETE_YES: "Yes, erase everything",
        SettingsText.DELETE_NO: "Cancel",
        SettingsText.DELETED: (
            "Done. Everything I stored about you has been erased and your reminders are "
            "stopped. If you ever want to start again, send /start."
        ),
        SettingsText.DELETE_CANCELLED: "Cancelled. Nothing was erased.",
        SettingsText.NOTHING_STORED: "I don't have anything stored about you.",
    },
)

WEEKDAYS = (
    SettingsText.MONDAY,
    SettingsText.TUESDAY,
    SettingsText.WEDNESDAY,
    SettingsText.THURSDAY,
    SettingsText.FRIDAY,
    SettingsText.SATURDAY,
    SettingsText.SUNDAY,
)


def weekday(index: int) -> str:
    """`Monday` for 0 ... `Sunday` for 6."""
    return t(WEEKDAYS[index])


def _on_off(on: bool) -> str:
    return t(SettingsText.ON if on else SettingsText.OFF)


def settings(person: Person, now: dt.datetime) -> str:
    """Everything current, in one message."""
    not_set = t(SettingsText.NOT_SET)
    checkin = format_time(person.checkin_time) if person.checkin_time else not_set
    lines = [
        t(SettingsText.HEADING),
        t(SettingsText.TIMEZONE_LINE, value=esc(person.tz) if person.tz else not_set),
        t(SettingsText.CHECKIN_LINE, value=checkin),
        t(SettingsText.WAKE_LINE, value=format_time(person.wake_time)),
        t(SettingsText.REMINDERS_LINE, value=reminder_state(person)),
        t(SettingsText.WEEKLY_LINE, value=weekly_state(person)),
        t(SettingsText.ONSET_LINE, value=_on_off(person.ask_onset)),
        t(SettingsText.TAGS_LINE, value=_on_off(person.ask_triggers)),
        t(SettingsText.ADULT_LINE, value=_on_off(person.adult_topics)),
        t(
            SettingsText.TRIALS_LINE,
            length=count(person.trial_length, "night"),
            blocks=blocks_words(person.trial_blocks),
        ),
    ]
    if person.not_for_me:
        lines.append(t(SettingsText.TURNED_DOWN_LINE, count=len(person.not_for_me)))
    return "\n".join(lines)


def turned_down(titles: list[str], brought_back: str | None = None) -> str:
    """The ideas turned down with "Not for me" (after one was brought back, says so)."""
    lines = [t(SettingsText.BROUGHT_BACK, title=esc(brought_back))] if brought_back else []
    if titles:
        listed = "\n".join(f"• {esc(title)}" for title in titles)
        lines.append(t(SettingsText.TURNED_DOWN_LIST, titles=listed))
    else:
        lines.append(t(SettingsText.TURNED_DOWN_NONE))
    return "\n\n".join(lines)


def reminder_state(person: Person) -> str:
    """On, paused (until when) or off."""
    if person.blocked_at is not None:
        return t(SettingsText.REMINDERS_BLOCKED)
    if person.pause is not None:
        if person.pause.until is None:
            return t(SettingsText.REMINDERS_PAUSED)
        return t(SettingsText.REMINDERS_PAUSED_UNTIL, day=long_day(person.pause.until))
    return _on_off(True) if person.ready else t(SettingsText.REMINDERS_NOT_SET_UP)


def adult_topics_set(on: bool) -> str:
    """Confirmation of the adult-topics switch."""
    return t(SettingsText.ADULT_ON if on else SettingsText.ADULT_OFF)


def weekly_state(person: Person) -> str:
    """Weekly summary setting in words."""
    if person.weekly_day is None:
        return _on_off(False)
    return t(SettingsText.WEEKLY_STATE, day=weekday(person.weekly_day))


def weekly_set(person: Person) -> str:
    """Confirmation of the weekly-summary choice."""
    if person.weekly_day is None:
        return t(SettingsText.WEEKLY_IS_OFF)
    return t(SettingsText.WEEKLY_IS_ON, day=weekday(person.weekly_day))


def toggled(setting: str, on: bool) -> str:
    """Confirmation of an on/off setting."""
    if not on:
        return t(SettingsText.SWITCHED_OFF)
    what = {
        "ask_onset": SettingsText.ONSET_SWITCHED_ON,
        "ask_triggers": SettingsText.TRIGGERS_SWITCHED_ON,
    }
    return t(what.get(setting, SettingsText.SWITCHED_ON))


def paused(until: dt.date | None, person: Person) -> str:
    """Confirmation of /pause."""
    if until is None:
        return t(SettingsText.PAUSED)
    at = ""
    if person.checkin_time is not None:
        at = t(SettingsText.PAUSED_AT, time=format_time(person.checkin_time))
    return t(SettingsText.PAUSED_UNTIL, day=long_day(until), at=at)


def delete_confirm(nights: int) -> str:
    """Asked before erasing."""
    return t(SettingsText.DELETE_CONFIRM, nights=count(nights, "recorded night"))
