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
from bot.keyboards.doctor import doctor_pdf
from bot.keyboards.presses import (
    AboutDone,
    Action,
    AskLater,
    BringBack,
    CardAnswer,
    Consent,
    DeleteAnswer,
    DoctorPdf,
    FillIn,
    FillRate,
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
from bot.models import Catalog, Flag, Helped, Kind, Night, Onset, Person, Response, Trigger
from bot.texts import (
    EveningText,
    MorningText,
    SettingsText,
    SetupText,
    TransferText,
    t,
)

__all__ = [
    "AboutDone",
    "Action",
    "AskLater",
    "BringBack",
    "CardAnswer",
    "Consent",
    "DeleteAnswer",
    "DoctorPdf",
    "FillIn",
    "FillRate",
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
    "doctor_pdf",
    "encode",
    "parse",
]


def _button(
    label: str, action: Action, night: dt.date | None = None, arg: str = ""
) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(action, night, arg))


def consent() -> InlineKeyboardMarkup:
    """The single consent button under the welcome."""
    return InlineKeyboardMarkup([[_button(t(SetupText.CONSENT_BUTTON), Action.CONSENT)]])


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
    rows = [[KeyboardButton(t(SetupText.SHARE_LOCATION_BUTTON), request_location=True)]]
    rows += [[KeyboardButton(z) for z in zones[i : i + 2]] for i in range(0, len(zones), 2)]
    return ReplyKeyboardMarkup(
        rows,
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t(SetupText.ZONE_PLACEHOLDER),
    )


EVENING_TIMES = ("20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30")
WAKE_TIMES = ("06:00", "06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "10:00")


def times(action: Action) -> InlineKeyboardMarkup:
    """Common evening or morning times, four to a row."""
    options = WAKE_TIMES if action is Action.WAKE_TIME else EVENING_TIMES
    rows = [
        [_button(at, action, arg=at.replace(":", "")) for at in options[i : i + 4]]
        for i in range(0, len(options), 4)
    ]
    return InlineKeyboardMarkup(rows)


def time_check(action: Action, at: str, other: str) -> InlineKeyboardMarkup:
    """Yes, <at> is right / No, I meant <other>: time buttons, under the question about an
    unlikely time (`HH:MM` each)."""
    right = _button(t(SetupText.TIME_RIGHT_BUTTON, time=at), action, arg=at.replace(":", ""))
    meant = _button(t(SetupText.TIME_MEANT_BUTTON, time=other), action, arg=other.replace(":", ""))
    return InlineKeyboardMarkup([[right], [meant]])


def rating(night: dt.date, *, rated: bool = False) -> InlineKeyboardMarkup:
    """0-10 plus Snooze and Skip (only the numbers, to change it, on a night already rated:
    snoozing or skipping a rated night means nothing)."""
    numbers = [_button(str(n), Action.RATE, night, str(n)) for n in range(11)]
    rows = [numbers[:6], numbers[6:]]
    if not rated:
        rows.append(
            [
                _button(t(EveningText.SNOOZE_BUTTON), Action.SNOOZE, night),
                _button(t(EveningText.SKIP_BUTTON), Action.SKIP, night),
            ]
        )
    return InlineKeyboardMarkup(rows)


def suggestion(night: dt.date, remedy_id: str) -> InlineKeyboardMarkup:
    """I'll try it / Another idea / Not for me."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    t(EveningText.TRY_BUTTON),
                    Action.RESPOND,
                    night,
                    f"{Response.TRY.value}:{remedy_id}",
                ),
                _button(
                    t(EveningText.ANOTHER_BUTTON),
                    Action.RESPOND,
                    night,
                    f"{Response.ANOTHER.value}:{remedy_id}",
                ),
            ],
            [
                _button(
                    t(EveningText.NOT_FOR_ME_BUTTON),
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
        for i, label in enumerate(texts.sleep_labels(), 1)
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def tried(night: dt.date) -> InlineKeyboardMarkup:
    """Yes / No."""
    return InlineKeyboardMarkup(
        [
            [
                _button(t(MorningText.YES), Action.TRIED, night, "1"),
                _button(t(MorningText.NO), Action.TRIED, night, "0"),
            ]
        ]
    )


def helped(night: dt.date) -> InlineKeyboardMarkup:
    """No / A bit / Clearly."""
    return InlineKeyboardMarkup(
        [[_button(texts.helped_label(h), Action.HELPED, night, h.value) for h in Helped]]
    )


def settings(person: Person) -> InlineKeyboardMarkup:
    """Change buttons under the settings summary."""
    paused, adult_topics = person.pause is not None, person.adult_topics
    toggle = (
        _button(t(SettingsText.RESUME_BUTTON), Action.SETTINGS, arg=SettingsChoice.RESUME)
        if paused
        else _button(t(SettingsText.PAUSE_BUTTON), Action.SETTINGS, arg=SettingsChoice.PAUSE)
    )
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    t(SettingsText.CHANGE_TZ_BUTTON), Action.SETTINGS, arg=SettingsChoice.TIMEZONE
                )
            ],
            [
                _button(
                    t(SettingsText.CHANGE_CHECKIN_BUTTON),
                    Action.SETTINGS,
                    arg=SettingsChoice.CHECKIN,
                ),
                _button(
                    t(SettingsText.CHANGE_WAKE_BUTTON), Action.SETTINGS, arg=SettingsChoice.WAKE
                ),
            ],
            [
                toggle,
                _button(t(SettingsText.WEEKLY_BUTTON), Action.SETTINGS, arg=SettingsChoice.WEEKLY),
            ],
            [
                _button(
                    t(SettingsText.ONSET_OFF_BUTTON)
                    if person.ask_onset
                    else t(SettingsText.ONSET_ON_BUTTON),
                    Action.SETTINGS,
                    arg=SettingsChoice.ONSET,
                ),
                _button(
                    t(SettingsText.TRIGGERS_OFF_BUTTON)
                    if person.ask_triggers
                    else t(SettingsText.TRIGGERS_ON_BUTTON),
                    Action.SETTINGS,
                    arg=SettingsChoice.TRIGGERS,
                ),
            ],
            [
                _button(
                    t(SettingsText.ADULT_OFF_BUTTON), Action.SETTINGS, arg=SettingsChoice.ADULT_OFF
                )
                if adult_topics
                else _button(
                    t(SettingsText.ADULT_ON_BUTTON), Action.SETTINGS, arg=SettingsChoice.ADULT_ON
                )
            ],
            *(
                [
                    [
                        _button(
                            t(SettingsText.TURNED_DOWN_BUTTON, count=len(person.not_for_me)),
                            Action.SETTINGS,
                            arg=SettingsChoice.TURNED_DOWN,
                        )
                    ]
                ]
                if person.not_for_me
                else []
            ),
        ]
    )


def turned_down(ideas: list[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """One "Bring back" button per idea turned down ((id, title) pairs)."""
    rows = [
        [_button(t(SettingsText.BRING_BACK_BUTTON, title=title), Action.BRING_BACK, arg=rid)]
        for rid, title in ideas
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def adult_confirm() -> InlineKeyboardMarkup:
    """I am 18 or over / Not now, under the adult-topics question."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    t(SettingsText.ADULT_CONFIRM_BUTTON),
                    Action.SETTINGS,
                    arg=SettingsChoice.ADULT_CONFIRM,
                )
            ],
            [
                _button(
                    t(SettingsText.ADULT_CANCEL_BUTTON),
                    Action.SETTINGS,
                    arg=SettingsChoice.ADULT_CANCEL,
                )
            ],
        ]
    )


def weekdays() -> InlineKeyboardMarkup:
    """Monday ... Sunday, and off."""
    days = [_button(texts.weekday(i)[:3], Action.WEEKLY, arg=str(i)) for i in range(7)]
    return InlineKeyboardMarkup(
        [
            days[:4],
            days[4:],
            [_button(t(SettingsText.WEEKLY_OFF_BUTTON), Action.WEEKLY, arg="off")],
        ]
    )


def about_day(night: Night, ask_onset: bool, ask_triggers: bool) -> InlineKeyboardMarkup:
    """Onset buttons (the chosen one ticked), trigger toggles, Done."""
    rows: list[list[InlineKeyboardButton]] = []
    if ask_onset:
        onset = [
            _button(
                ("✓ " if night.onset is o else "") + texts.onset_label(o),
                Action.ONSET,
                night.night,
                o.value,
            )
            for o in Onset
        ]
        rows += [onset[:2], onset[2:]]
    if ask_triggers:
        tags = [
            _button(
                ("✓ " if tag in night.triggers else "") + texts.tag_label(tag),
                Action.TRIGGER,
                night.night,
                tag.value,
            )
            for tag in Trigger
        ]
        rows += [tags[i : i + 2] for i in range(0, len(tags), 2)]
    rows.append([_button(t(EveningText.ABOUT_DONE_BUTTON), Action.ABOUT_DONE, night.night)])
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
                _button(t(SettingsText.DELETE_YES), Action.DELETE, arg="yes"),
                _button(t(SettingsText.DELETE_NO), Action.DELETE, arg="no"),
            ]
        ]
    )


def import_confirm() -> InlineKeyboardMarkup:
    """Replace my diary / Cancel."""
    return InlineKeyboardMarkup(
        [
            [
                _button(t(TransferText.CONFIRM_BUTTON), Action.IMPORT, arg="yes"),
                _button(t(TransferText.CANCEL_BUTTON), Action.IMPORT, arg="no"),
            ]
        ]
    )
