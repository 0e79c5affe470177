"""Welcome, consent, time zone and times, settings, pause/resume, privacy, help and /delete;
plus what every handler module uses to edit a pressed button's message and read a number."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot import keyboards, schedule, texts
from bot.booking import cancel
from bot.checkins import NotSetUp
from bot.context import Ctx
from bot.errors import BadInput, Problem
from bot.handlers.common import (
    apply_schedule,
    bad_input_text,
    consented,
    diary,
    edit_pressed,
    not_set_up_text,
    now,
    send,
    sender,
    services,
    set_up,
    small_number,
)
from bot.handlers.flags import check_text
from bot.keyboards import (
    Action,
    Consent,
    DeleteAnswer,
    PickTime,
    SettingsChoice,
    SettingsPress,
    WeeklyDay,
)
from bot.models import Awaiting, Person
from bot.texts import ChatText, SettingsText, SetupText, t

SETTINGS_PAUSE_NIGHTS = 7


async def cmd_start(update: Update, context: Ctx) -> None:
    """Welcome a newcomer with the consent button, or welcome back without losing anything."""
    who = sender(update)
    if who is None:
        return
    person, was_blocked = diary(context).people.start(who.user_id, who.chat_id)
    if person is None or not person.consented:
        await send(context, who.chat_id, t(SetupText.WELCOME), keyboards.consent())
        return
    if was_blocked:
        apply_schedule(context, person)
        await send(context, who.chat_id, t(SetupText.REMINDERS_BACK_ON))
    if not person.ready:
        await ask_next(context, person)
        return
    nights = len(diary(context).nights(who.user_id))
    await send(context, who.chat_id, texts.welcome_back(person, nights))


async def on_consent(update: Update, context: Ctx, press: Consent) -> None:
    """Consent button: create the profile and continue with the time zone."""
    who = sender(update)
    query = update.callback_query
    if who is None or query is None:
        return
    person = diary(context).people.consent(who.user_id, who.chat_id, who.language, now(context))
    await edit_pressed(query, None)
    await ask_next(context, person)


async def ask_next(context: Ctx, person: Person) -> None:
    """Ask for whatever set-up answer is still missing, or say all is set."""
    if person.tz is None:
        await ask_timezone(context, person)
    elif person.checkin_time is None:
        diary(context).people.expect(person.user_id, Awaiting.CHECKIN_TIME)
        await send(
            context,
            person.chat_id,
            t(SetupText.ASK_CHECKIN_TIME),
            keyboards.times(Action.CHECKIN_TIME),
        )
    else:
        await send(context, person.chat_id, t(SetupText.READY))


async def ask_timezone(context: Ctx, person: Person) -> None:
    """Zone question with a reply keyboard: share location or tap a common zone."""
    diary(context).people.expect(person.user_id, Awaiting.TIMEZONE)
    await send(
        context,
        person.chat_id,
        t(SetupText.ASK_TIMEZONE),
        keyboards.timezone_reply(services(context).settings.default_timezone),
    )


async def accept_timezone(context: Ctx, person: Person, typed: str, *, located: bool) -> None:
    """Set the zone from typed text or a location; correct politely when unknown."""
    was_ready = person.ready
    try:
        person = diary(context).people.set_timezone(person.user_id, typed, now=now(context))
    except BadInput as error:
        await send(context, person.chat_id, bad_input_text(error, typed))
        return
    assert person.tz is not None
    text = (texts.timezone_from_location if located else texts.timezone_set)(
        person.tz, now(context)
    )
    await send(context, person.chat_id, text, ReplyKeyboardRemove())
    apply_schedule(context, person)
    if person.ready and was_ready:
        await send(context, person.chat_id, _schedule_text(context, person))
    else:
        await ask_next(context, person)


async def accept_time(context: Ctx, person: Person, wake: bool, typed: str) -> Person | None:
    """Set the check-in (or wake-up) time; returns the person, or None after a correction."""
    was_ready = person.ready
    people = diary(context).people
    try:
        if wake:
            person = people.set_wake_time(person.user_id, typed)
        else:
            person = people.set_checkin_time(person.user_id, typed, now=now(context))
    except BadInput as error:
        await send(context, person.chat_id, bad_input_text(error, typed))
        return None
    apply_schedule(context, person)
    if person.ready:
        await send(context, person.chat_id, _schedule_text(context, person))
        if not was_ready:
            await send(context, person.chat_id, t(SetupText.READY))
    return person


async def on_location(update: Update, context: Ctx) -> None:
    """A shared location: look up its zone (the coordinates are not stored)."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    found = await consented(update, context)
    if found is None:
        return
    _, person = found
    tz = schedule.zone_at(message.location.latitude, message.location.longitude)
    await accept_timezone(context, person, tz or "", located=True)


async def cmd_timezone(update: Update, context: Ctx) -> None:
    """/timezone Area/City, or the zone question without an argument."""
    await _setting_command(update, context, Awaiting.TIMEZONE)


async def cmd_time(update: Update, context: Ctx) -> None:
    """/time HH:MM, or time buttons without an argument."""
    await _setting_command(update, context, Awaiting.CHECKIN_TIME)


async def cmd_wake(update: Update, context: Ctx) -> None:
    """/wake HH:MM, or time buttons without an argument."""
    await _setting_command(update, context, Awaiting.WAKE_TIME)


async def _setting_command(update: Update, context: Ctx, what: Awaiting) -> None:
    found = await consented(update, context)
    if found is None:
        return
    who, person = found
    typed = " ".join(context.args or [])
    if not typed:
        await ask_for(context, person, what)
        return
    flagged = await check_text(context, who, typed)  # "/time I want to die" is typed too
    if flagged.flags:
        if not flagged.pending:
            await ask_for(context, person, what)
        return
    await accept_typed(context, person, what, typed)


async def accept_typed(context: Ctx, person: Person, what: Awaiting, typed: str) -> None:
    """Apply a typed setting answer."""
    if what is Awaiting.TIMEZONE:
        await accept_timezone(context, person, typed, located=False)
    else:
        await accept_time(context, person, what is Awaiting.WAKE_TIME, typed)


async def ask_for(context: Ctx, person: Person, what: Awaiting) -> None:
    """Show the question and buttons for one setting, and expect a typed answer."""
    if what is Awaiting.TIMEZONE:
        await ask_timezone(context, person)
        return
    diary(context).people.expect(person.user_id, what)
    if what is Awaiting.WAKE_TIME:
        await send(
            context, person.chat_id, t(SetupText.ASK_WAKE_TIME), keyboards.times(Action.WAKE_TIME)
        )
    else:
        await send(
            context,
            person.chat_id,
            t(SetupText.ASK_CHECKIN_TIME),
            keyboards.times(Action.CHECKIN_TIME),
        )


async def on_time_button(update: Update, context: Ctx, press: PickTime) -> None:
    """A check-in or wake-time button."""
    query = update.callback_query
    found = await consented(update, context)
    if found is None or query is None:
        return
    _, person = found
    if await accept_time(context, person, press.wake, press.at) is not None:
        await edit_pressed(query, None)


async def cmd_settings(update: Update, context: Ctx) -> None:
    """Everything current, with buttons to change it."""
    found = await consented(update, context)
    if found is None:
        return
    who, person = found
    await send(
        context,
        who.chat_id,
        texts.settings(person, now(context)),
        keyboards.settings(person),
    )


async def on_settings_button(update: Update, context: Ctx, press: SettingsPress) -> None:
    """A button under /settings."""
    found = await consented(update, context)
    if found is None:
        return
    who, person = found
    choice = press.choice
    if choice == SettingsChoice.TIMEZONE:
        await ask_for(context, person, Awaiting.TIMEZONE)
    elif choice == SettingsChoice.CHECKIN:
        await ask_for(context, person, Awaiting.CHECKIN_TIME)
    elif choice == SettingsChoice.WAKE:
        await ask_for(context, person, Awaiting.WAKE_TIME)
    elif choice == SettingsChoice.PAUSE:
        await _pause(context, person, SETTINGS_PAUSE_NIGHTS)
    elif choice == SettingsChoice.RESUME:
        await _resume(context, person)
    elif choice in ADULT_CHOICES:
        await _adult_topics(update, context, person, choice)
    elif choice in (SettingsChoice.ONSET, SettingsChoice.TRIGGERS):
        setting = "ask_onset" if choice == SettingsChoice.ONSET else "ask_triggers"
        person = diary(context).people.toggle(who.user_id, setting)
        await send(context, who.chat_id, texts.toggled(setting, getattr(person, setting)))
    elif choice == SettingsChoice.WEEKLY:
        await send(context, who.chat_id, t(SettingsText.ASK_WEEKLY_DAY), keyboards.weekdays())


ADULT_CHOICES = frozenset(
    {
        SettingsChoice.ADULT,
        SettingsChoice.ADULT_ON,
        SettingsChoice.ADULT_OFF,
        SettingsChoice.ADULT_CONFIRM,
        SettingsChoice.ADULT_CANCEL,
    }
)


async def _adult_topics(
    update: Update, context: Ctx, person: Person, choice: SettingsChoice
) -> None:
    """Switching adult topics on asks the person to confirm they are 18 or over; off does not.

    The old one-button toggle (`adult`) still works from messages sent before: it turns the
    topics off, or asks the same question.
    """
    query = update.callback_query
    turn_off = choice == SettingsChoice.ADULT_OFF or (
        choice == SettingsChoice.ADULT and person.adult_topics
    )
    if turn_off:
        person = diary(context).people.set_adult_topics(person.user_id, False)
        await send(context, person.chat_id, texts.adult_topics_set(False))
    elif choice == SettingsChoice.ADULT_CONFIRM:
        person = diary(context).people.set_adult_topics(person.user_id, True)
        if query is not None:
            await edit_pressed(query, texts.adult_topics_set(True))
    elif choice == SettingsChoice.ADULT_CANCEL:
        if query is not None:
            await edit_pressed(query, t(SettingsText.ADULT_CANCELLED))
    elif person.adult_topics:
        await send(context, person.chat_id, texts.adult_topics_set(True))
    else:
        await send(
            context, person.chat_id, t(SettingsText.ADULT_CONFIRM), keyboards.adult_confirm()
        )


async def on_weekly_button(update: Update, context: Ctx, press: WeeklyDay) -> None:
    """Weekday for the weekly summary, or off."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    person = diary(context).people.set_weekly_day(who.user_id, press.weekday)
    await edit_pressed(query, texts.weekly_set(person))


async def cmd_pause(update: Update, context: Ctx) -> None:
    """/pause (until /resume) or /pause N (N nights, then back by themselves)."""
    found = await set_up(update, context)
    if found is None:
        return
    who, person = found
    typed = " ".join(context.args or []).strip()
    nights = small_number(typed)
    if typed and nights is None:
        await send(context, who.chat_id, texts.bad_input(Problem.PAUSE, typed))
        return
    await _pause(context, person, nights)


async def _pause(context: Ctx, person: Person, nights: int | None) -> None:
    try:
        person = diary(context).people.pause(person.user_id, nights, now(context))
    except BadInput:
        await send(context, person.chat_id, texts.bad_input(Problem.PAUSE, str(nights)))
        return
    except NotSetUp:
        await send(context, person.chat_id, not_set_up_text(context, person.user_id))
        return
    apply_schedule(context, person)
    assert person.pause is not None
    await send(context, person.chat_id, texts.paused(person.pause.until, person))


async def cmd_resume(update: Update, context: Ctx) -> None:
    """/resume: reminders back on."""
    found = await set_up(update, context)
    if found is None:
        return
    _who, person = found
    await _resume(context, person)


async def _resume(context: Ctx, person: Person) -> None:
    person, was_paused = diary(context).people.resume(person.user_id)
    apply_schedule(context, person)
    await send(
        context,
        person.chat_id,
        t(SettingsText.RESUMED) if was_paused else t(SettingsText.NOT_PAUSED),
    )


async def cmd_privacy(update: Update, context: Ctx) -> None:
    """What is stored, where, and who can see it."""
    who = sender(update)
    if who is not None:
        await send(context, who.chat_id, t(ChatText.PRIVACY))


async def cmd_delete(update: Update, context: Ctx) -> None:
    """Ask for confirmation before erasing everything."""
    who = sender(update)
    if who is None:
        return
    if diary(context).person(who.user_id) is None:
        await send(context, who.chat_id, t(SettingsText.NOTHING_STORED))
        return
    nights = len(diary(context).nights(who.user_id))
    await send(context, who.chat_id, texts.delete_confirm(nights), keyboards.delete_confirm())


async def on_delete_button(update: Update, context: Ctx, press: DeleteAnswer) -> None:
    """Erase everything (yes) or nothing (no)."""
    who = sender(update)
    query = update.callback_query
    if who is None or query is None:
        return
    if not press.erase:
        await edit_pressed(query, t(SettingsText.DELETE_CANCELLED))
        return
    cancel(context.job_queue, who.user_id)
    # A checked /import file waits in memory for its "yes": it is their diary too.
    services(context).pending_imports.pop(who.user_id, None)
    erased = diary(context).people.forget(who.user_id)
    await edit_pressed(
        query, t(SettingsText.DELETED) if erased else t(SettingsText.NOTHING_STORED)
    )


async def cmd_crisis(update: Update, context: Ctx) -> None:
    """Crisis lines for the person's country (works before set-up too)."""
    who = sender(update)
    if who is None:
        return
    person = diary(context).person(who.user_id)
    directory = services(context).crisis
    entry = directory.for_person(person.tz if person else None, who.language)
    await send(context, who.chat_id, texts.crisis_command(entry, directory.international))


def _schedule_text(context: Ctx, person: Person) -> str:
    """The confirmation of the daily times, with when the next check-in comes."""
    assert person.tz is not None
    moment = now(context)
    today = schedule.local_date(moment, person.tz)
    return texts.schedule_set(person, diary(context).core.next_evening(person, moment), today)
