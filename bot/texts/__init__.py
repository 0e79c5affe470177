"""Every sentence the bot says, and the only place remedies become messages.

Messages use Telegram's HTML parse mode; every string that comes from a person or from the
content file goes through `esc` here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from zoneinfo import ZoneInfo

from bot.models import (
    Catalog,
    Flag,
    Helped,
    Kind,
    Night,
    Onset,
    Person,
    Remedy,
    Response,
    Trigger,
)
from bot.places import Place
from bot.red_flags import CrisisEntry
from bot.schedule import format_time
from bot.trends import DoctorReason

MAX_MESSAGE_LENGTH = 4096
LONGEST_REASON = "helped you 999 of 999 times"
NOTE_PREVIEW = 40

COMMANDS: tuple[tuple[str, str], ...] = (
    ("checkin", "Start tonight's check-in now"),
    ("history", "Your recorded nights"),
    ("remedies", "Every idea, with how well it is studied"),
    ("report", "A chart of your last four weeks and what has helped"),
    ("summary", "A one-page PDF to take to your doctor"),
    ("export", "Download your nights (CSV) and all your data (JSON)"),
    ("import", "Load a diary file made by /export"),
    ("settings", "Time zone, check-in and wake-up times"),
    ("time", "Evening check-in time, e.g. /time 22:00"),
    ("wake", "Morning follow-up time, e.g. /wake 07:30"),
    ("timezone", "Your time zone, e.g. /timezone Europe/Berlin"),
    ("pause", "Pause reminders, e.g. /pause 3 for three nights"),
    ("resume", "Turn reminders back on"),
    ("privacy", "What is stored and who can see it"),
    ("crisis", "Help right now if you are in crisis"),
    ("delete", "Erase everything stored about you"),
    ("help", "All commands"),
    ("start", "Welcome and set-up"),
)

SLEEP_QUALITY = ("Very poor", "Poor", "Fair", "Good", "Very good")
HELPED_LABELS = {Helped.NO: "No", Helped.A_BIT: "A bit", Helped.CLEARLY: "Clearly"}


def esc(text: str) -> str:
    """Escape a string for Telegram HTML."""
    return escape(text, quote=False)


def day(value: dt.date) -> str:
    """`Thu 26 Nov`."""
    return f"{value:%a} {value.day} {value:%b}"


def long_day(value: dt.date) -> str:
    """`Thursday 26 November`."""
    return f"{value:%A} {value.day} {value:%B}"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- welcome, consent and set-up ------------------------------------------------------------

WELCOME = (
    "Hello! I'm a bedtime companion for <b>restless legs</b> (RLS).\n\n"
    "Each evening, at a time you choose, I ask how your legs feel. If they bother you, I "
    "suggest <b>one</b> thing to try tonight and tell you honestly how well it has been "
    "studied. In the morning I ask how you slept, so that over time you can see what helps "
    "<i>you</i>.\n\n"
    "<b>What I am not.</b> I'm not a doctor: what I say is not medical advice and does not "
    "replace your doctor. I never advise on medicines, iron or supplements: those are for "
    "your doctor to decide.\n\n"
    "<b>What I keep.</b> Your time zone and times, your ratings, the ideas I showed you, your "
    "notes and morning answers. They are stored on the server that runs this bot, in a file "
    "of your own. Other people using the bot cannot see them. You can /export or /delete "
    "everything at any time. More: /privacy\n\n"
    "Is that all right with you?"
)
CONSENT_BUTTON = "I understand, let's start"
CONSENT_NEEDED = "To get started, please read my welcome message and tap the button: /start"


def welcome_back(person: Person, nights: int) -> str:
    """/start from someone who already set up: nothing is lost."""
    lines = [f"Welcome back! Everything you recorded is still here ({nights} nights)."]
    if person.checkin_time is not None and person.tz is not None:
        lines.append(
            f"Check-ins: every evening at {format_time(person.checkin_time)} ({esc(person.tz)})."
        )
    lines.append("Change anything with /settings, or see all commands with /help.")
    return "\n".join(lines)


REMINDERS_BACK_ON = "Your reminders are switched back on."
ASK_TIMEZONE = (
    "Which <b>time zone</b> are you in? Tap one below, share your location (I only use it to "
    "look up the zone and don't keep it), or type a name such as <code>Europe/Berlin</code> "
    "or <code>New York</code>."
)
SHARE_LOCATION_BUTTON = "Share my location"
OTHER_ZONE_HINT = "Or type your zone, for example Europe/Madrid."


def timezone_set(tz: str, now: dt.datetime, place: Place | None = None) -> str:
    """Confirmation with the local time (and the city it was found from), so a wrong zone is
    obvious at once."""
    local = now.astimezone(ZoneInfo(tz))
    where = f", from {esc(place.name)} ({esc(place.country)})" if place is not None else ""
    return (
        f"Time zone set to <b>{esc(tz)}</b>{where} (it's {local:%H:%M} there now). Not right? "
        "Type your city or a zone such as <code>Europe/Berlin</code>."
        if place is not None
        else f"Time zone set to <b>{esc(tz)}</b> (it's {local:%H:%M} there now)."
    )


def timezone_from_location(tz: str, now: dt.datetime) -> str:
    """Confirmation after a shared location."""
    return timezone_set(tz, now) + "\nI used your location only to find this and did not keep it."


ASK_CHECKIN_TIME = (
    "What time should I <b>check in each evening</b>? Pick the time you usually start winding "
    "down, or type one such as <code>22:15</code>."
)
ASK_WAKE_TIME = (
    "What time should I ask about your sleep in the <b>morning</b>? Tap one, or type a time "
    "such as <code>07:30</code>."
)


def schedule_set(person: Person, next_night: dt.date, today: dt.date) -> str:
    """Confirmation of the two daily times, and when the next check-in comes."""
    assert person.checkin_time is not None and person.tz is not None
    text = (
        f"Done. I'll check in every evening at <b>{format_time(person.checkin_time)}</b> and ask "
        f"about your sleep at <b>{format_time(person.wake_time)}</b> ({esc(person.tz)})."
    )
    if next_night > today:
        text += (
            " Tonight's time has passed, so the next check-in is tomorrow;"
            " /checkin starts one now."
        )
    return text


READY = (
    "You're all set. You can try a check-in right now with /checkin. Everything else is in /help."
)
SETUP_FIRST = "I don't know your time zone and check-in time yet. Let's set them up: /start"
NEED_TIMEZONE_FIRST = "Please set your time zone first, for example /timezone Europe/Berlin."


def bad_input(kind: str, text: str = "") -> str:
    """A friendly correction with an example; nothing was changed."""
    shown = f" “{esc(_cut(text, 40))}”" if text.strip() else ""
    if kind == "timezone":
        return (
            f"I don't know a city or time zone called{shown}. Please type your city (a nearby "
            "larger one is fine), share your location, or use a zone name, for example "
            "<code>/timezone Europe/Berlin</code>. Nothing was changed."
        )
    if kind == "zone_abbreviation":
        return (
            f"{shown.strip() or 'That'} is a time zone abbreviation, not a place. Please type "
            "your city instead (for example <code>Berlin</code> or <code>Boston</code>): I "
            "need the place to follow its daylight saving and to show the right crisis lines "
            "for your country. Nothing was changed."
        )
    if kind == "wake":
        return (
            f"I couldn't read the time{shown}. Please use 24-hour time, for example "
            "<code>/wake 07:30</code>. Nothing was changed."
        )
    if kind == "pause":
        return (
            f"I couldn't read{shown} as a number of nights. Use <code>/pause</code> to pause "
            "until you resume, or for example <code>/pause 3</code> (1 to 365 nights). "
            "Nothing was changed."
        )
    return (
        f"I couldn't read the time{shown}. Please use 24-hour time, for example "
        "<code>/time 22:30</code>. Nothing was changed."
    )


# -- evening check-in -----------------------------------------------------------------------

RATING_QUESTION = (
    "How do your legs feel <b>right now</b>?\n"
    "0 = calm, 10 = the worst it gets. Tap a number or type it."
)
CHECKIN_QUESTION = "Good evening. " + RATING_QUESTION
CATCH_UP_PREFIX = "Sorry, I'm a little late tonight. "
CHECKIN_AGAIN = "Here is your check-in again. " + RATING_QUESTION
WELCOME_BACK_PAUSE = "Welcome back: reminders are on again.\n"
SNOOZE_BUTTON = "Snooze 30 min"
SKIP_BUTTON = "Skip tonight"


def rating_noted(rating: int) -> str:
    """What the check-in message turns into after a rating."""
    return f"How do your legs feel right now? You said <b>{rating}/10</b>."


def rating_updated(rating: int) -> str:
    """A second rating for the same night replaces the first."""
    return f"Updated tonight's rating to <b>{rating}/10</b>."


GOOD_NIGHT_CALM = (
    "Calm legs tonight, lovely. Sleep well.\n"
    "If you want to add anything about your day, just type it and I'll keep it as a note."
)


def snoozed(due: dt.datetime, tz: str) -> str:
    """After Snooze."""
    return f"OK, I'll ask again at {due.astimezone(ZoneInfo(tz)):%H:%M}."


def already_rated(rating: int) -> str:
    """/checkin when tonight already has a rating."""
    return f"You rated tonight <b>{rating}/10</b>. Tap a number if you want to change it."


SKIPPED = "Skipped tonight. Sleep as well as you can."
ALREADY_DONE = "Tonight's check-in is already answered. You can still type a note."
STALE_BUTTON = "That button belongs to an earlier check-in and no longer works."


def evidence_line(remedy: Remedy, catalog: Catalog) -> str:
    """`Evidence: <grade in plain words> — caveat`."""
    grade = catalog.grades[remedy.evidence]
    return f"Evidence: <b>{esc(grade.label)}</b>. {esc(remedy.caveat)}"


def render_suggestion(remedy: Remedy, catalog: Catalog, reason: str) -> str:
    """Tonight's one remedy: title, how to do it, evidence and caveat, safety, why this one."""
    parts = [
        f"💡 <b>{esc(remedy.title)}</b>",
        esc(remedy.how_to),
        "",
        evidence_line(remedy, catalog),
    ]
    if remedy.safety:
        parts.append(f"⚠️ Safety: {esc(remedy.safety)}")
    parts.append(f"<i>Why this one: {esc(reason)}.</i>")
    return "\n".join(parts)


def render_card(remedy: Remedy, catalog: Catalog) -> str:
    """The full reference card (with grade meaning and sources), as /remedies shows it."""
    grade = catalog.grades[remedy.evidence]
    how = "What to ask" if remedy.kind is Kind.ASK_DOCTOR else "How"
    parts = [
        f"<b>{esc(remedy.title)}</b>",
        f"<i>{KIND_LINES[remedy.kind]}</i>",
        f"{how}: {esc(remedy.how_to)}",
        "",
        evidence_line(remedy, catalog),
        f"<i>{esc(grade.label)}: {esc(grade.meaning)}</i>",
    ]
    if remedy.safety:
        parts.append(f"⚠️ Safety: {esc(remedy.safety)}")
    if remedy.sources:
        parts.append("")
        parts.append("Sources:")
        parts.extend(f"• {esc(s)}" for s in remedy.sources)
    parts.append(f"\nReviewed {remedy.reviewed_on:%Y-%m-%d}, content version {catalog.version}.")
    return "\n".join(parts)


# Under the title of a full card: what kind of idea it is, as a whole sentence (a bare
# "Talk to your doctor about" once dangled above "What to ask:").
KIND_LINES = {
    Kind.TONIGHT: "Something to try in the evening.",
    Kind.HABIT: "A habit for the days ahead.",
    Kind.ASK_DOCTOR: "A question for your doctor or pharmacist, never a suggestion for tonight.",
}


def every_rendering(remedy: Remedy, catalog: Catalog) -> tuple[str, ...]:
    """Every message this remedy can become (with the longest reason), for the content check."""
    return (render_suggestion(remedy, catalog, LONGEST_REASON), render_card(remedy, catalog))


def longest_card_length(remedy: Remedy, catalog: Catalog) -> int:
    """The longest message this remedy can become, for the content check."""
    return max(len(card) for card in every_rendering(remedy, catalog))


TRY_BUTTON = "I'll try it"
ANOTHER_BUTTON = "Another idea"
NOT_FOR_ME_BUTTON = "Not for me"


def response_noted(response: Response, title: str) -> str:
    """Appended to a card once the person chose."""
    if response is Response.TRY:
        return (
            "\n\n✅ <b>You'll try it.</b> Good luck tonight. In the morning I'll ask whether it "
            "helped. You can type a note any time."
        )
    if response is Response.NOT_FOR_ME:
        return f"\n\n✖️ Not for you: I won't suggest “{esc(title)}” again."
    return "\n\n↪️ You asked for another idea."


NO_MORE_IDEAS = (
    "That's every idea I have for tonight. I'm sorry the evening is hard. If nights like this "
    "are common, it is worth talking to your doctor: good treatments exist."
)
NOT_FOR_ME_NEXT = "Here is something else you could try:"


# -- notes and other messages ---------------------------------------------------------------


def note_saved(night: dt.date) -> str:
    """Confirmation that a note is stored."""
    return f"Saved your note for the night of {day(night)}."


def crisis_resources(entry: CrisisEntry) -> str:
    """Who to call, for the person's country."""
    lines = [f"<b>In {esc(entry.name)}:</b>", f"• Emergency: {esc(entry.emergency)}"]
    lines.extend(f"• {esc(line)}" for line in entry.lines)
    return "\n".join(lines)


def crisis_command(entry: CrisisEntry, international: CrisisEntry) -> str:
    """/crisis: help right now, for the person's country and anywhere."""
    parts = [
        "If you are in danger or thinking about harming yourself, please reach out now. "
        "You don't have to face this alone.",
        "",
        crisis_resources(entry),
    ]
    if entry is not international:
        parts += ["", "<b>Anywhere else:</b>", *(f"• {esc(line)}" for line in international.lines)]
    parts += [
        "",
        "If you are outside your home country, use the local emergency number. No person "
        "reads this chat, so please make the call yourself.",
    ]
    return "\n".join(parts)


EMERGENCY_PLACEHOLDER = "{emergency}"
NOTE_KEPT = "I've kept what you wrote as a note on tonight, so it is in your diary."


def red_flag_message(
    message: str, entry: CrisisEntry, *, crisis_lines: bool, note_kept: bool = False
) -> str:
    """A curated red-flag message (trusted markup from content) with the local emergency
    number filled in, the crisis lines for the person's country if asked for, and a word that
    the note was kept (the crisis and urgent replies carry it instead of "Saved your note")."""
    parts = [message.replace(EMERGENCY_PLACEHOLDER, esc(entry.emergency))]
    if crisis_lines:
        parts.append(crisis_resources(entry))
    if note_kept:
        parts.append(NOTE_KEPT)
    return "\n\n".join(parts)


DOCTOR_REASONS = {
    DoctorReason.SEVERE_NIGHTS: "You've had three or more nights rated 7 or higher this week.",
    DoctorReason.MOST_NIGHTS: "Your legs have bothered you on most nights for two weeks.",
    DoctorReason.EARLIER_ONSET: (
        "Over the last two weeks the urge has been starting earlier in the day. If you take an "
        "RLS medicine, tell the doctor who prescribes it, and don't change the dose yourself."
    ),
}


def doctor_prompt(reason: DoctorReason) -> str:
    """The gentle at-most-fortnightly suggestion to see a doctor."""
    return (
        f"🩺 {DOCTOR_REASONS[reason]}\n\n"
        "It could be worth talking to your doctor about your restless legs: good treatments "
        "exist, and you don't have to just put up with it. You could ask about an iron blood "
        "test (ferritin and transferrin saturation), because low iron can make RLS worse.\n"
        "/summary makes a one-page summary of your nights to take with you."
    )


ONSET_LABELS = {
    Onset.BEFORE_NOON: "Before noon",
    Onset.AFTERNOON: "Afternoon",
    Onset.EVENING: "Evening",
    Onset.BEDTIME: "At bedtime",
}
TRIGGER_LABELS = {
    Trigger.CAFFEINE_LATE: "Caffeine late",
    Trigger.ALCOHOL: "Alcohol",
    Trigger.LONG_SITTING: "Long sitting or travel",
    Trigger.LATE_EXERCISE: "Hard exercise late",
    Trigger.NEW_MEDICINE: "New medicine",
}
ABOUT_DONE_BUTTON = "Done"


def about_day(night: Night, ask_onset: bool, ask_triggers: bool) -> str:
    """The optional question after the rating: onset and tags about the day."""
    lines = ["<b>A little more about today</b> (optional)"]
    if ask_onset:
        onset = ONSET_LABELS[night.onset].lower() if night.onset else "not answered"
        lines.append(f"When did the urge start today? <i>{onset}</i>")
    if ask_triggers:
        tags = ", ".join(TRIGGER_LABELS[t].lower() for t in night.triggers) or "none marked"
        lines.append(f"Anything of these today? Tap to mark. <i>{tags}</i>")
    return "\n".join(lines)


def about_day_done(night: Night) -> str:
    """The question once closed."""
    parts = []
    if night.onset:
        parts.append(f"urge started: {ONSET_LABELS[night.onset].lower()}")
    if night.triggers:
        parts.append(", ".join(TRIGGER_LABELS[t].lower() for t in night.triggers))
    return "Noted about today: " + ("; ".join(parts) if parts else "nothing marked") + "."


NO_REMEDY_AFTER_FLAG = (
    "Because of what you wrote earlier tonight, I won't suggest a remedy tonight. Please "
    "follow the advice I gave you then."
)


def note_updated(night: dt.date) -> str:
    """Confirmation that an edited message replaced its note."""
    return f"Updated your note for the night of {day(night)}."


NOTE_INSTEAD_OF_RATING = "Saved as a note. To rate your legs tonight, use /checkin."
IMPORT_HINT = "To load a diary file made by /export, send /import first."
NOT_TEXT = (
    "I can only read text and buttons. To add a note, type it as a message; for commands "
    "see /help."
)
PRIVATE_ONLY = (
    "I work in private chats only, so that your health notes stay private. Please message me "
    "directly. I don't store anything from group chats."
)
DAMAGED_PROFILE = (
    "I'm sorry: after a restart I couldn't read your saved settings, so I had to start afresh. "
    "Your diary entries are kept. Please send /start to set up your check-ins again."
)
DAMAGED_NIGHTS = (
    "I'm sorry: your saved diary entries could not be read back, so I had to set them aside "
    "and start a fresh diary. Your settings are kept and your check-ins go on as usual. The "
    "old entries are kept apart on the server; /delete removes them along with everything else."
)
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Your earlier answers are safe. Please try again."
)


# -- morning --------------------------------------------------------------------------------

MORNING_QUESTION = "Good morning. How did you sleep last night?"


def morning_heading(night: dt.date) -> str:
    """First line of the morning follow-up."""
    return f"{MORNING_QUESTION}\n<i>(night of {day(night)})</i>"


def ask_tried(title: str) -> str:
    """Second morning question."""
    return f"Last night's idea was <b>{esc(title)}</b>. Did you try it?"


ASK_HELPED = "Did it help?"
YES, NO = "Yes", "No"
MORNING_THANKS = "Thank you, that's saved. Have a good day."


def morning_summary(night: Night, title: str | None) -> str:
    """The morning message once answered."""
    parts = [f"Night of {day(night.night)}"]
    if night.sleep_quality is not None:
        parts.append(f"Sleep: <b>{SLEEP_QUALITY[night.sleep_quality - 1].lower()}</b>")
    if title is not None and night.tried is not None:
        if night.tried:
            helped = "" if night.helped is None else f", helped: {HELPED_LABELS[night.helped]}"
            parts.append(f"Tried {esc(title)}{helped.lower()}")
        else:
            parts.append(f"Did not try {esc(title)}")
    return "\n".join(parts)


# -- settings, pause, history ---------------------------------------------------------------


def settings(person: Person, now: dt.datetime) -> str:
    """Everything current, in one message."""
    tz = esc(person.tz) if person.tz else "not set"
    checkin = format_time(person.checkin_time) if person.checkin_time else "not set"
    lines = [
        "<b>Your settings</b>",
        f"Time zone: {tz}",
        f"Evening check-in: {checkin}",
        f"Morning follow-up: {format_time(person.wake_time)}",
        f"Reminders: {reminder_state(person)}",
    ]
    lines.append(f"Weekly summary: {weekly_state(person)}")
    lines.append(f"Onset question: {'on' if person.ask_onset else 'off'}")
    lines.append(f"Day tags (caffeine, alcohol, ...): {'on' if person.ask_triggers else 'off'}")
    lines.append(f"Adult topics: {'on' if person.adult_topics else 'off'}")
    if person.not_for_me:
        lines.append(f"Ideas you turned down: {len(person.not_for_me)}")
    return "\n".join(lines)


def reminder_state(person: Person) -> str:
    """On, paused (until when) or off."""
    if person.blocked_at is not None:
        return "off (send /start to turn them on)"
    if person.pause is not None:
        if person.pause.until is None:
            return "paused until you send /resume"
        return f"paused, back on {long_day(person.pause.until)}"
    return "on" if person.ready else "not set up yet"


ADULT_ON_BUTTON = "Include adult topics"
ADULT_OFF_BUTTON = "Leave out adult topics"
ADULT_CONFIRM_BUTTON = "I am 18 or over: include them"
ADULT_CANCEL_BUTTON = "Not now"
ADULT_CONFIRM = (
    "Adult topics include ideas about sex, so they are only for people aged 18 or over.\n\n"
    "<b>Are you 18 or over?</b> Tap the button to confirm and switch them on."
)
ADULT_CANCELLED = "Adult topics stay off. You can switch them on later in /settings."


def adult_topics_set(on: bool) -> str:
    """Confirmation of the adult-topics switch."""
    if on:
        return (
            "Adult topics are on: ideas about sex can now be among the suggestions. "
            "You can switch them off again in /settings."
        )
    return "Adult topics are off: I won't suggest ideas about sex."


KIND_HEADINGS = {
    Kind.TONIGHT: "Ideas for tonight",
    Kind.HABIT: "Habits for the days ahead",
    Kind.ASK_DOCTOR: "To talk over with your doctor (never suggested at bedtime)",
}


def remedies_list(catalog: Catalog, adult_topics: bool) -> str:
    """/remedies: every entry grouped by kind, with its evidence grade in plain words."""
    lines = ["<b>Everything I can suggest</b>, with how well each is studied:"]
    hidden = 0
    for kind in Kind:
        entries = [r for r in catalog.remedies if r.kind is kind]
        if not adult_topics:
            hidden += sum(Flag.ADULTS_ONLY in r.flags for r in entries)
            entries = [r for r in entries if Flag.ADULTS_ONLY not in r.flags]
        if not entries:
            continue
        lines.append(f"\n<b>{KIND_HEADINGS[kind]}</b>")
        for remedy in entries:
            label = catalog.grades[remedy.evidence].label
            lines.append(f"• {esc(remedy.title)}: <i>{esc(label)}</i>")
    if hidden:
        lines.append(f"\n{ADULT_HIDDEN}")
    lines.append("\nTap one to read its full card with sources.")
    return "\n".join(lines)


ADULT_HIDDEN = "Ideas about sex are left out; you can include them in /settings."


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekly_state(person: Person) -> str:
    """Weekly summary setting in words."""
    if person.weekly_day is None:
        return "off"
    return f"on {WEEKDAYS[person.weekly_day]}s at your check-in time"


WEEKLY_BUTTON = "Weekly summary…"
WEEKLY_OFF_BUTTON = "No weekly summary"
ASK_WEEKLY_DAY = (
    "On which day would you like a short summary of your week? It comes at your evening "
    "check-in time."
)


def weekly_set(person: Person) -> str:
    """Confirmation of the weekly-summary choice."""
    if person.weekly_day is None:
        return "Weekly summary is off."
    return f"Weekly summary is on: {WEEKDAYS[person.weekly_day]}s at your check-in time."


ONSET_ON_BUTTON = "Ask when the urge started"
ONSET_OFF_BUTTON = "Stop asking when it started"
TRIGGERS_ON_BUTTON = "Ask about day tags"
TRIGGERS_OFF_BUTTON = "Stop asking about day tags"


def toggled(setting: str, on: bool) -> str:
    """Confirmation of an on/off setting."""
    what = {
        "ask_onset": "After a rating I'll ask when the urge started that day.",
        "ask_triggers": (
            "After a rating I'll offer one-tap tags about the day (caffeine late, alcohol, "
            "long sitting, hard exercise late, new medicine)."
        ),
    }
    if on:
        return what.get(setting, "Switched on.")
    return "Switched off."


CHANGE_TZ_BUTTON = "Change time zone"
CHANGE_CHECKIN_BUTTON = "Change check-in time"
CHANGE_WAKE_BUTTON = "Change wake-up time"
PAUSE_BUTTON = "Pause 7 nights"
RESUME_BUTTON = "Resume reminders"


def paused(until: dt.date | None, person: Person) -> str:
    """Confirmation of /pause."""
    if until is None:
        return "Reminders paused. Send /resume when you want them back."
    at = f" at {format_time(person.checkin_time)}" if person.checkin_time else ""
    return f"Reminders paused. They start again by themselves on <b>{long_day(until)}</b>{at}."


RESUMED = "Reminders are back on."
NOT_PAUSED = "Reminders are already on."


def history(
    nights: Sequence[Night],
    catalog: Catalog,
    total: int,
    flag_titles: Mapping[str, str] | None = None,
) -> str:
    """Compact lines, newest first."""
    if not nights:
        return (
            "No nights recorded yet. After your first check-in you'll see each night here: "
            "your rating, the idea, how you slept and your notes. Start one now with /checkin."
        )
    lines = [f"<b>Your nights</b> (latest {len(nights)} of {total})"]
    for night in reversed(nights):
        lines.append(history_line(night, catalog, flag_titles or {}))
    return "\n".join(lines)


def history_line(night: Night, catalog: Catalog, flag_titles: Mapping[str, str]) -> str:
    """`Thu 26 Nov · legs 6/10 · Warm bath: helped a bit · slept good · “note…”`."""
    parts = [f"<b>{day(night.night)}</b>"]
    if night.rating is not None:
        parts.append(f"legs {night.rating}/10")
    elif night.skipped:
        parts.append("skipped")
    elif night.prompted_at is not None:
        parts.append("no rating")
    current = night.current_suggestion
    if current is not None:
        remedy = catalog.get(current.remedy_id)
        title = remedy.title if remedy else current.remedy_id
        outcome = ""
        if night.morning_remedy == current.remedy_id and night.tried is not None:
            if not night.tried:
                outcome = ": not tried"
            elif night.helped is not None:
                outcome = f": helped {HELPED_LABELS[night.helped].lower()}"
        parts.append(esc(_cut(title, 28)) + outcome)
    if night.sleep_quality is not None:
        parts.append(f"slept {SLEEP_QUALITY[night.sleep_quality - 1].lower()}")
    if night.onset is not None:
        parts.append(f"urge began: {ONSET_LABELS[night.onset].lower()}")
    if night.triggers:
        parts.append(", ".join(TRIGGER_LABELS[t].lower() for t in night.triggers))
    if night.notes:
        parts.append(f"“{esc(_cut(night.notes[0].text, NOTE_PREVIEW))}”")
    for flag in night.red_flags:
        parts.append(f"⚠️ {esc(flag_titles.get(flag, flag))}")
    return " · ".join(parts)


def history_truncated(shown: int) -> str:
    """Footer when /history had to be shortened to fit one message."""
    return f"\n(Showing the latest {shown}. /export has everything.)"


EXPORT_CAPTION = "Your nights as a CSV file: one row per night, opens in any spreadsheet."
EXPORT_EMPTY = "There is nothing to export yet: no nights recorded."


def delete_confirm(nights: int) -> str:
    """Asked before erasing."""
    return (
        "This erases <b>everything</b> I store about you: your settings and "
        f"{nights} recorded nights with their notes. It cannot be undone. "
        "(You may want to /export first.)\n\nErase everything?"
    )


DELETE_YES = "Yes, erase everything"
DELETE_NO = "Cancel"
DELETED = (
    "Done. Everything I stored about you has been erased and your reminders are stopped. "
    "If you ever want to start again, send /start."
)
DELETE_CANCELLED = "Cancelled. Nothing was erased."
NOTHING_STORED = "I don't have anything stored about you."

PRIVACY = (
    "<b>Privacy</b>\n"
    "• <b>What I store:</b> your Telegram user id and chat id, time zone, check-in and "
    "wake-up times, your ratings, the ideas I showed you and what you answered, your notes "
    "and your morning answers. Nothing else: not your name, not your location.\n"
    "• <b>Where:</b> in files of your own on the server that runs this bot, encrypted with a "
    "key of your own. Your key is locked by the bot's master key, and both are kept apart "
    "from the files: a copy of the files alone (a stolen disk, a backup) cannot be read.\n"
    "• <b>Who can see it:</b> you. Other people using the bot never can. Whoever runs the "
    "bot holds its keys and so could read your data; a doctor sees it only if you send them "
    "an export.\n"
    "• <b>How long:</b> until you delete it.\n"
    "• <b>Your controls:</b> /export sends you all your nights; /delete erases everything "
    "at once, for real: it destroys your key first, so every copy of your files, backups "
    "included, can no longer be read by anyone.\n"
    "I'm not a medical service and nothing here is medical advice."
)


def help_text() -> str:
    """The /help list."""
    lines = ["<b>What I can do</b>"]
    lines.extend(f"/{name}: {esc(desc)}" for name, desc in COMMANDS)
    lines.append(
        "\nAny other text you send is saved as a note on tonight (or, in the morning, on last "
        "night). I'm not a doctor: for medicines, iron or supplements, please talk to yours."
    )
    return "\n".join(lines)


UNKNOWN_COMMAND = "I don't know that command. Here is what I can do: /help"


SLOW_DOWN = (
    "That's a lot of messages at once. I've kept what you wrote as notes; I'll answer again "
    "in a minute or so."
)
SLOW_DOWN_NOT_SET_UP = "That's a lot of messages at once. I'll answer again in a minute or so."


# What Telegram shows about the bot before anyone starts it (setMyDescription: at most 512
# characters; setMyShortDescription: at most 120, on the bot's profile and in shared links).
BOT_DESCRIPTION = (
    "An honest bedtime companion for restless legs syndrome (RLS). Each evening at your "
    "bedtime it asks how your legs feel and suggests one thing to try, always with how well "
    "it has been studied and any safety note. It keeps a private diary you can read back, "
    "export, or take to your doctor.\n\n"
    "It is not a medical service and gives no medical advice; it never advises on medicines. "
    "No person reads this chat. See /privacy for what is stored and how to delete it."
)
BOT_SHORT_DESCRIPTION = (
    "Bedtime check-ins and honest, evidence-graded ideas for restless legs. Not medical "
    "advice. /privacy"
)
