"""Sentences of set-up: the welcome and consent, the time zone, the two daily times, and the
corrections for input the bot cannot use."""

from __future__ import annotations

import datetime as dt
from enum import auto
from zoneinfo import ZoneInfo

from bot.errors import Problem
from bot.models import Person
from bot.places import Place
from bot.schedule import format_time, other_half_of_day
from bot.texts.base import TextKey, catalog, count, cut, esc, t


class SetupText(TextKey):
    """Keys of the set-up sentences."""

    WELCOME = auto()
    CONSENT_BUTTON = auto()
    CONSENT_NEEDED = auto()
    WELCOME_BACK = auto()
    WELCOME_BACK_TIMES = auto()
    WELCOME_BACK_SETTINGS = auto()
    REMINDERS_BACK_ON = auto()
    ASK_TIMEZONE = auto()
    SHARE_LOCATION_BUTTON = auto()
    ZONE_PLACEHOLDER = auto()
    TIMEZONE_SET = auto()
    TIMEZONE_FROM_PLACE = auto()
    LOCATION_NOT_KEPT = auto()
    LOCATION_NO_ZONE = auto()
    ASK_CHECKIN_TIME = auto()
    ASK_WAKE_TIME = auto()
    SCHEDULE_SET = auto()
    SCHEDULE_SET_MORNING = auto()
    CHECKIN_IN_MORNING = auto()
    WAKE_IN_EVENING = auto()
    TIME_RIGHT_BUTTON = auto()
    TIME_MEANT_BUTTON = auto()
    TIME_PASSED = auto()
    NO_MORNING_YET = auto()
    READY = auto()
    SETUP_FIRST = auto()
    NEED_TIMEZONE_FIRST = auto()
    BAD_TIMEZONE = auto()
    ZONE_ABBREVIATION = auto()
    BAD_WAKE_TIME = auto()
    BAD_PAUSE = auto()
    BAD_CHECKIN_TIME = auto()


SENTENCES = catalog(
    SetupText,
    {
        SetupText.WELCOME: (
            "Hello! I'm a bedtime companion for <b>restless legs</b> (RLS).\n\n"
            "Each evening, at a time you choose, I ask how your legs feel. If they bother you, "
            "I suggest <b>one</b> thing to try tonight and tell you honestly how well it has "
            "been studied. In the morning I ask how you slept, so that over time you can see "
            "what helps <i>you</i>.\n\n"
            "<b>What I am not.</b> I'm not a doctor: what I say is not medical advice and does "
            "not replace your doctor. I never advise on medicines, iron or supplements: those "
            "are for your doctor to decide.\n\n"
            "<b>What I keep.</b> Your time zone and times, your ratings, the ideas I showed "
            "you, your notes and morning answers. They are stored on the server that runs "
            "this bot, in a file of your own. Other people using the bot cannot see them. You "
            "can /export or /delete everything at any time. More: /privacy\n\n"
            "Is that all right with you?"
        ),
        SetupText.CONSENT_BUTTON: "I understand, let's start",
        SetupText.CONSENT_NEEDED: (
            "To get started, please read my welcome message and tap the button: /start"
        ),
        SetupText.WELCOME_BACK: (
            "Welcome back! Everything you recorded is still here ({nights})."
        ),
        SetupText.WELCOME_BACK_TIMES: "Check-ins: every evening at {time} ({tz}).",
        SetupText.WELCOME_BACK_SETTINGS: (
            "Change anything with /settings, or see all commands with /help."
        ),
        SetupText.REMINDERS_BACK_ON: "Your reminders are switched back on.",
        SetupText.ASK_TIMEZONE: (
            "Which <b>time zone</b> are you in? Tap one below, share your location (I only use "
            "it to look up the zone and don't keep it), or type a name such as "
            "<code>Europe/Berlin</code> or <code>New York</code>."
        ),
        SetupText.SHARE_LOCATION_BUTTON: "Share my location",
        SetupText.ZONE_PLACEHOLDER: "Area/City, e.g. Europe/Berlin",
        SetupText.TIMEZONE_SET: "Time zone set to <b>{tz}</b> (it's {local} there now).",
        SetupText.TIMEZONE_FROM_PLACE: (
            "Time zone set to <b>{tz}</b>, from {city} ({country}) (it's {local} there now). "
            "Not right? Type your city or a zone such as <code>Europe/Berlin</code>."
        ),
        SetupText.LOCATION_NOT_KEPT: "I used your location only to find this and did not keep it.",
        SetupText.LOCATION_NO_ZONE: (
            "I couldn't find a time zone for that spot (it looks like it's at sea). Please type "
            "your nearest city instead, for example <code>Berlin</code> or <code>New "
            "York</code>, or tap a zone below. Nothing was changed, and I did not keep the "
            "location."
        ),
        SetupText.ASK_CHECKIN_TIME: (
            "What time should I <b>check in each evening</b>? Pick the time you usually start "
            "winding down, or type one such as <code>22:15</code>."
        ),
        SetupText.ASK_WAKE_TIME: (
            "What time should I ask about your sleep in the <b>morning</b>? Tap one, or type a "
            "time such as <code>07:30</code>."
        ),
        SetupText.SCHEDULE_SET: (
            "Done. I'll check in every evening at <b>{checkin}</b> and ask about your sleep at "
            "<b>{wake}</b> ({tz})."
        ),
        SetupText.SCHEDULE_SET_MORNING: (
            "Done. I'll check in every <b>morning</b> at <b>{checkin}</b> and ask about your "
            "sleep at <b>{wake}</b> ({tz})."
        ),
        SetupText.CHECKIN_IN_MORNING: (
            "Just to be sure: <b>{time}</b> is in the morning. Should I check in about your "
            "legs at {time}, or did you mean <b>{other}</b> in the evening? Nothing is changed "
            "until you choose."
        ),
        SetupText.WAKE_IN_EVENING: (
            "Just to be sure: <b>{time}</b> is in the evening. Should I ask about your sleep at "
            "{time}, or did you mean <b>{other}</b> in the morning? Nothing is changed until "
            "you choose."
        ),
        SetupText.TIME_RIGHT_BUTTON: "Yes, {time} is right",
        SetupText.TIME_MEANT_BUTTON: "No, I meant {time}",
        SetupText.NO_MORNING_YET: (
            "\nThe morning question only follows a night you checked in, and the night before "
            "{wake} has no check-in, so the first one comes after your next check-in. To try it "
            "now: /checkin, then set /wake to a minute from now."
        ),
        SetupText.TIME_PASSED: (
            " Tonight's time has passed, so the next check-in is tomorrow;"
            " /checkin starts one now."
        ),
        SetupText.READY: (
            "You're all set. You can try a check-in right now with /checkin. Everything else "
            "is in /help."
        ),
        SetupText.SETUP_FIRST: (
            "I don't know your time zone and check-in time yet. Let's set them up: /start"
        ),
        SetupText.NEED_TIMEZONE_FIRST: (
            "Please set your time zone first, for example /timezone Europe/Berlin."
        ),
        SetupText.BAD_TIMEZONE: (
            "I don't know a city or time zone called{shown}. Please type your city (a nearby "
            "larger one is fine), share your location, or use a zone name, for example "
            "<code>/timezone Europe/Berlin</code>. Nothing was changed."
        ),
        SetupText.ZONE_ABBREVIATION: (
            "{shown_or_that} is a time zone abbreviation, not a place. Please type your city "
            "instead (for example <code>Berlin</code> or <code>Boston</code>): I need the "
            "place to follow its daylight saving and to show the right crisis lines for your "
            "country. Nothing was changed."
        ),
        SetupText.BAD_WAKE_TIME: (
            "I couldn't read the time{shown}. Please use 24-hour time, for example "
            "<code>/wake 07:30</code>. Nothing was changed."
        ),
        SetupText.BAD_PAUSE: (
            "I couldn't read{shown} as a number of nights. Use <code>/pause</code> to pause "
            "until you resume, or for example <code>/pause 3</code> (1 to 365 nights). "
            "Nothing was changed."
        ),
        SetupText.BAD_CHECKIN_TIME: (
            "I couldn't read the time{shown}. Please use 24-hour time, for example "
            "<code>/time 22:30</code>. Nothing was changed."
        ),
    },
)

# The correction for each kind of bad input (any other kind: the check-in time's).
CORRECTIONS = {
    Problem.TIMEZONE: SetupText.BAD_TIMEZONE,
    Problem.ZONE_ABBREVIATION: SetupText.ZONE_ABBREVIATION,
    Problem.WAKE_TIME: SetupText.BAD_WAKE_TIME,
    Problem.PAUSE: SetupText.BAD_PAUSE,
    Problem.NEED_TIMEZONE: SetupText.NEED_TIMEZONE_FIRST,
}


def welcome_back(person: Person, nights: int) -> str:
    """/start from someone who already set up: nothing is lost."""
    lines = [t(SetupText.WELCOME_BACK, nights=count(nights, "night"))]
    if person.checkin_time is not None and person.tz is not None:
        time = format_time(person.checkin_time)
        lines.append(t(SetupText.WELCOME_BACK_TIMES, time=time, tz=esc(person.tz)))
    lines.append(t(SetupText.WELCOME_BACK_SETTINGS))
    return "\n".join(lines)


def timezone_set(tz: str, now: dt.datetime, place: Place | None = None) -> str:
    """Confirmation with the local time (and the city it was found from), so a wrong zone is
    obvious at once."""
    local = f"{now.astimezone(ZoneInfo(tz)):%H:%M}"
    if place is None:
        return t(SetupText.TIMEZONE_SET, tz=esc(tz), local=local)
    return t(
        SetupText.TIMEZONE_FROM_PLACE,
        tz=esc(tz),
        city=esc(place.name),
        country=esc(place.country),
        local=local,
    )


def timezone_from_location(tz: str, now: dt.datetime) -> str:
    """Confirmation after a shared location."""
    return timezone_set(tz, now) + "\n" + t(SetupText.LOCATION_NOT_KEPT)


def schedule_set(
    person: Person,
    next_night: dt.date,
    today: dt.date,
    *,
    wake: bool = False,
    no_morning_yet: bool = False,
) -> str:
    """Confirmation of the two daily times and, unless only the wake-up time changed (`wake`),
    when the next check-in comes; after /wake, when the next morning question will not come
    because its night had no check-in."""
    assert person.checkin_time is not None and person.tz is not None
    morning = other_half_of_day(person.checkin_time, wake=False) is not None
    text = t(
        SetupText.SCHEDULE_SET_MORNING if morning else SetupText.SCHEDULE_SET,
        checkin=format_time(person.checkin_time),
        wake=format_time(person.wake_time),
        tz=esc(person.tz),
    )
    if next_night > today and not wake:
        text += t(SetupText.TIME_PASSED)
    if no_morning_yet:
        text += t(SetupText.NO_MORNING_YET, wake=format_time(person.wake_time))
    return text


def bad_input(problem: Problem, text: str = "") -> str:
    """A friendly correction with an example; nothing was changed."""
    key = CORRECTIONS.get(problem, SetupText.BAD_CHECKIN_TIME)
    if key is SetupText.NEED_TIMEZONE_FIRST:
        return t(key)
    shown = f" “{esc(cut(text, 40))}”" if text.strip() else ""
    if key is SetupText.ZONE_ABBREVIATION:
        return t(key, shown_or_that=shown.strip() or "That")
    return t(key, shown=shown)


def unlikely_time(at: dt.time, other: dt.time, *, wake: bool) -> str:
    """The question before keeping a check-in time in the morning (or a wake-up time in the
    evening): is it right, or was `other` meant?"""
    key = SetupText.WAKE_IN_EVENING if wake else SetupText.CHECKIN_IN_MORNING
    return t(key, time=format_time(at), other=format_time(other))
