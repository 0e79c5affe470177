"""Set-up: /start, consent, the time zone (typed, tapped or from a location) and the two daily
times, as commands, buttons or typed answers."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot import keyboards, schedule, texts
from bot.context import Ctx
from bot.errors import BadInput, Problem
from bot.handlers.common import (
    apply_schedule,
    bad_input_text,
    consented,
    diary,
    edit_pressed,
    now,
    send,
    sender,
    services,
)
from bot.keyboards import (
    Action,
    Consent,
    PickTime,
)
from bot.models import Awaiting, Person
from bot.places import find_place
from bot.texts import SetupText, t


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


async def ask_timezone(
    context: Ctx, person: Person, question: SetupText = SetupText.ASK_TIMEZONE
) -> None:
    """Zone question with a reply keyboard: share location or tap a common zone."""
    diary(context).people.expect(person.user_id, Awaiting.TIMEZONE)
    await send(
        context,
        person.chat_id,
        t(question),
        keyboards.timezone_reply(services(context).settings.default_timezone),
    )


async def accept_timezone(context: Ctx, person: Person, typed: str, *, located: bool) -> None:
    """Set the zone from typed text or a location; correct politely when unknown."""
    was_ready = person.ready
    place = None
    try:
        person = diary(context).people.set_timezone(person.user_id, typed, now=now(context))
    except BadInput as error:
        if located:  # at sea: no place's zone, or only an Etc/GMT offset
            await ask_timezone(context, person, SetupText.LOCATION_NO_ZONE)
            return  # the next text is read as the nearest city
        # Not a zone or a zone's city: perhaps another city ("Munich", "Boston").
        place = await find_place(typed) if error.problem is Problem.TIMEZONE and typed else None
        if place is None:
            await send(context, person.chat_id, bad_input_text(error, typed))
            return
        person = diary(context).people.set_timezone(
            person.user_id, place.timezone, now=now(context)
        )
    assert person.tz is not None
    if located:
        text = texts.timezone_from_location(person.tz, now(context))
    else:
        text = texts.timezone_set(person.tz, now(context), place)
    await send(context, person.chat_id, text, ReplyKeyboardRemove())
    apply_schedule(context, person)
    if person.ready and was_ready:
        await send(context, person.chat_id, _schedule_text(context, person))
    else:
        await ask_next(context, person)


async def accept_time(
    context: Ctx, person: Person, wake: bool, typed: str, *, pressed: bool = False
) -> Person | None:
    """Set the check-in (or wake-up) time; returns the person, or None after a correction or
    a question. A typed check-in time in the morning (or wake-up time in the evening) is not
    kept before the person confirms it with a button (`pressed`: a time button's own)."""
    if not pressed and await _asked_about(context, person, wake, typed):
        return None
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
        await send(context, person.chat_id, _schedule_text(context, person, wake=wake))
        if not was_ready:
            await send(context, person.chat_id, t(SetupText.READY))
    return person


async def _asked_about(context: Ctx, person: Person, wake: bool, typed: str) -> bool:
    """Ask whether an unlikely time was meant (see `schedule.other_half_of_day`); False when
    the time is a likely one, or one the use case will refuse with its own correction."""
    try:
        at = schedule.parse_time(typed)
    except BadInput:
        return False
    other = schedule.other_half_of_day(at, wake=wake)
    if other is None or (not wake and person.tz is None):
        return False
    action = Action.WAKE_TIME if wake else Action.CHECKIN_TIME
    markup = keyboards.time_check(action, schedule.format_time(at), schedule.format_time(other))
    await send(context, person.chat_id, texts.unlikely_time(at, other, wake=wake), markup)
    return True


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
    _, person = found
    typed = " ".join(context.args or [])
    if not typed:
        await ask_for(context, person, what)
        return
    # The words were checked for red flags before the command ran (flags.check_command).
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
    if await accept_time(context, person, press.wake, press.at, pressed=True) is not None:
        await edit_pressed(query, None)


def _schedule_text(context: Ctx, person: Person, *, wake: bool = False) -> str:
    """The confirmation of the daily times, with when the next check-in comes (and, after a
    wake-up time was set, whether its morning will have a night to ask about)."""
    assert person.tz is not None
    moment = now(context)
    today = schedule.local_date(moment, person.tz)
    nothing = wake and diary(context).next_morning_has_nothing(person, moment)
    next_night = diary(context).next_evening(person, moment)
    return texts.schedule_set(person, next_night, today, wake=wake, no_morning_yet=nothing)
