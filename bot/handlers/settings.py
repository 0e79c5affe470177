"""Settings and what the person controls: /settings and its buttons (pause, the weekly
summary, the optional questions, adult topics), /pause and /resume, /privacy, /crisis and
/delete."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.booking import cancel
from bot.checkins import NotSetUp
from bot.context import Ctx
from bot.errors import BadInput, Problem
from bot.handlers.common import (
    apply_schedule,
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
from bot.handlers.setup import ask_for
from bot.keyboards import BringBack, DeleteAnswer, SettingsChoice, SettingsPress, WeeklyDay
from bot.models import Awaiting, Person
from bot.texts import ChatText, SettingsText, t

SETTINGS_PAUSE_NIGHTS = 7


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
    elif choice == SettingsChoice.TURNED_DOWN:
        ideas = diary(context).people.turned_down(person)
        await send(
            context,
            who.chat_id,
            texts.turned_down([title for _, title in ideas]),
            keyboards.turned_down(ideas),
        )


async def on_bring_back(update: Update, context: Ctx, press: BringBack) -> None:
    """Undo "Not for me" for one idea; the list shows what is left."""
    found = await consented(update, context)
    query = update.callback_query
    if found is None or query is None:
        return
    people = diary(context).people
    before = dict(people.turned_down(found[1]))
    person = people.bring_back(found[0].user_id, press.remedy_id)
    ideas = people.turned_down(person)
    title = before.get(press.remedy_id)
    await edit_pressed(
        query, texts.turned_down([t for _, t in ideas], title), keyboards.turned_down(ideas)
    )


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
        ask = t(SettingsText.ADULT_CONFIRM)
        if diary(context).people.wrote_of_a_child(person.user_id, now(context)):
            ask = f"{t(SettingsText.ADULT_CHILD_NOTE)}\n\n{ask}"
        await send(context, person.chat_id, ask, keyboards.adult_confirm())


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
