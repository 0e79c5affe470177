"""Inline and reply keyboards: every button the bot shows, with its callback data made by
bot/keyboards/presses.py (which also reads it back into typed presses)."""

from __future__ import annotations

import datetime as dt

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import texts
from bot.keyboards.presses import (
    AboutDone,
    Action,
    AskLater,
    CardAnswer,
    Consent,
    DeleteAnswer,
    HelpedAnswer,
    ImportAnswer,
    OnsetAnswer,
    PickTime,
    Press,
    Rate,
    RemedyPress,
    SettingsChoice,
    SettingsPress,
    SkipTonight,
    SleepAnswer,
    TagToggle,
    TriedAnswer,
    WeeklyDay,
    encode,
    parse,
)
from bot.models import Catalog, Flag, Helped, Kind, Night, Person, Response
from bot.texts import review as review_texts

__all__ = [
    "AboutDone",
    "Action",
    "AskLater",
    "CardAnswer",
    "Consent",
    "DeleteAnswer",
    "HelpedAnswer",
    "ImportAnswer",
    "OnsetAnswer",
    "PickTime",
    "Press",
    "Rate",
    "RemedyPress",
    "SettingsChoice",
    "SettingsPress",
    "SkipTonight",
    "SleepAnswer",
    "TagToggle",
    "TriedAnswer",
    "WeeklyDay",
    "encode",
    "parse",
]


def _button(
    label: str, action: Action, night: dt.date | None = None, arg: str = ""
) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(action, night, arg))


def consent() -> InlineKeyboardMarkup:
    """The single consent button under the welcome."""
    return InlineKeyboardMarkup([[_button(texts.CONSENT_BUTTON, Action.CONSENT)]])


COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Toronto",
    "Australia/Sydney",
)


def timezone_reply(default: str) -> ReplyKeyboardMarkup:
    """A one-time reply keyboard: share location, or tap a common zone (sent as text)."""
    zones = [default, *(z for z in COMMON_ZONES if z != default)][:8]
    rows = [[KeyboardButton(texts.SHARE_LOCATION_BUTTON, request_location=True)]]
    rows += [[KeyboardButton(z) for z in zones[i : i + 2]] for i in range(0, len(zones), 2)]
    return ReplyKeyboardMarkup(
        rows,
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="Area/City, e.g. Europe/Berlin",
    )


EVENING_TIMES = ("20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30")
WAKE_TIMES = ("06:00", "06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "10:00")


def times(action: Action) -> InlineKeyboardMarkup:
    """Common evening or morning times, four to a row."""
    options = WAKE_TIMES if action is Action.WAKE_TIME else EVENING_TIMES
    rows = [
        [_button(t, action, arg=t.replace(":", "")) for t in options[i : i + 4]]
        for i in range(0, len(options), 4)
    ]
    return InlineKeyboardMarkup(rows)


def rating(night: dt.date) -> InlineKeyboardMarkup:
    """0-10 plus Snooze and Skip."""
    numbers = [_button(str(n), Action.RATE, night, str(n)) for n in range(11)]
    return InlineKeyboardMarkup(
        [
            numbers[:6],
            numbers[6:],
            [
                _button(texts.SNOOZE_BUTTON, Action.SNOOZE, night),
                _button(texts.SKIP_BUTTON, Action.SKIP, night),
            ],
        ]
    )


def suggestion(night: dt.date, remedy_id: str) -> InlineKeyboardMarkup:
    """I'll try it / Another idea / Not for me."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    texts.TRY_BUTTON, Action.RESPOND, night, f"{Response.TRY.value}:{remedy_id}"
                ),
                _button(
                    texts.ANOTHER_BUTTON,
                    Action.RESPOND,
                    night,
                    f"{Response.ANOTHER.value}:{remedy_id}",
                ),
            ],
            [
                _button(
                    texts.NOT_FOR_ME_BUTTON,
                    Action.RESPOND,
                    night,
                    f"{Response.NOT_FOR_ME.value}:{remedy_id}",
                )
            ],
        ]
    )


def sleep_quality(night: dt.date) -> InlineKeyboardMarkup:
    """Very poor … very good, values 1-5."""
    buttons = [
        _button(label, Action.SLEEP, night, str(i))
        for i, label in enumerate(texts.SLEEP_QUALITY, 1)
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def tried(night: dt.date) -> InlineKeyboardMarkup:
    """Yes / No."""
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.YES, Action.TRIED, night, "1"),
                _button(texts.NO, Action.TRIED, night, "0"),
            ]
        ]
    )


def helped(night: dt.date) -> InlineKeyboardMarkup:
    """No / A bit / Clearly."""
    return InlineKeyboardMarkup(
        [[_button(texts.HELPED_LABELS[h], Action.HELPED, night, h.value) for h in Helped]]
    )


def settings(person: Person) -> InlineKeyboardMarkup:
    """Change buttons under the settings summary."""
    paused, adult_topics = person.pause is not None, person.adult_topics
    toggle = (
        _button(texts.RESUME_BUTTON, Action.SETTINGS, arg=SettingsChoice.RESUME)
        if paused
        else _button(texts.PAUSE_BUTTON, Action.SETTINGS, arg=SettingsChoice.PAUSE)
    )
    return InlineKeyboardMarkup(
        [
            [_button(texts.CHANGE_TZ_BUTTON, Action.SETTINGS, arg=SettingsChoice.TIMEZONE)],
            [
                _button(texts.CHANGE_CHECKIN_BUTTON, Action.SETTINGS, arg=SettingsChoice.CHECKIN),
                _button(texts.CHANGE_WAKE_BUTTON, Action.SETTINGS, arg=SettingsChoice.WAKE),
            ],
            [toggle, _button(texts.WEEKLY_BUTTON, Action.SETTINGS, arg=SettingsChoice.WEEKLY)],
            [
                _button(
                    texts.ONSET_OFF_BUTTON if person.ask_onset else texts.ONSET_ON_BUTTON,
                    Action.SETTINGS,
                    arg=SettingsChoice.ONSET,
                ),
                _button(
                    texts.TRIGGERS_OFF_BUTTON if person.ask_triggers else texts.TRIGGERS_ON_BUTTON,
                    Action.SETTINGS,
                    arg=SettingsChoice.TRIGGERS,
                ),
            ],
            [
                _button(texts.ADULT_OFF_BUTTON, Action.SETTINGS, arg=SettingsChoice.ADULT_OFF)
                if adult_topics
                else _button(texts.ADULT_ON_BUTTON, Action.SETTINGS, arg=SettingsChoice.ADULT_ON)
            ],
        ]
    )


def adult_confirm() -> InlineKeyboardMarkup:
    """I am 18 or over / Not now, under the adult-topics question."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    texts.ADULT_CONFIRM_BUTTON, Action.SETTINGS, arg=SettingsChoice.ADULT_CONFIRM
                )
            ],
            [_button(texts.ADULT_CANCEL_BUTTON, Action.SETTINGS, arg=SettingsChoice.ADULT_CANCEL)],
        ]
    )


def weekdays() -> InlineKeyboardMarkup:
    """Monday ... Sunday, and off."""
    days = [_button(day[:3], Action.WEEKLY, arg=str(i)) for i, day in enumerate(texts.WEEKDAYS)]
    return InlineKeyboardMarkup(
        [days[:4], days[4:], [_button(texts.WEEKLY_OFF_BUTTON, Action.WEEKLY, arg="off")]]
    )


def about_day(night: Night, ask_onset: bool, ask_triggers: bool) -> InlineKeyboardMarkup:
    """Onset buttons (the chosen one ticked), trigger toggles, Done."""
    rows: list[list[InlineKeyboardButton]] = []
    if ask_onset:
        onset = [
            _button(("✓ " if night.onset is o else "") + label, Action.ONSET, night.night, o.value)
            for o, label in texts.ONSET_LABELS.items()
        ]
        rows += [onset[:2], onset[2:]]
    if ask_triggers:
        tags = [
            _button(
                ("✓ " if t in night.triggers else "") + label, Action.TRIGGER, night.night, t.value
            )
            for t, label in texts.TRIGGER_LABELS.items()
        ]
        rows += [tags[i : i + 2] for i in range(0, len(tags), 2)]
    rows.append([_button(texts.ABOUT_DONE_BUTTON, Action.ABOUT_DONE, night.night)])
    return InlineKeyboardMarkup(rows)


def remedies(catalog: Catalog, adult_topics: bool) -> InlineKeyboardMarkup:
    """One button per listed remedy, in the order of the /remedies list, two to a row."""
    ordered = [
        r
        for kind in Kind
        for r in catalog.remedies
        if r.kind is kind and (adult_topics or Flag.ADULTS_ONLY not in r.flags)
    ]
    buttons = [_button(r.title, Action.REMEDY, arg=r.id) for r in ordered]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def delete_confirm() -> InlineKeyboardMarkup:
    """Erase everything / Cancel."""
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.DELETE_YES, Action.DELETE, arg="yes"),
                _button(texts.DELETE_NO, Action.DELETE, arg="no"),
            ]
        ]
    )


def import_confirm() -> InlineKeyboardMarkup:
    """Replace my diary / Cancel."""
    return InlineKeyboardMarkup(
        [
            [
                _button(review_texts.IMPORT_CONFIRM_BUTTON, Action.IMPORT, arg="yes"),
                _button(review_texts.IMPORT_CANCEL_BUTTON, Action.IMPORT, arg="no"),
            ]
        ]
    )
