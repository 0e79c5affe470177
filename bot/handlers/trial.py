"""/trial: choose an idea, see the plan, start, follow and stop a personal trial."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.checkins.trial import NotTestable, TrialBusy, TrialOffer, TrialProgress, TrialStarted
from bot.context import Ctx
from bot.errors import BadInput, Problem
from bot.handlers.common import diary, edit_pressed, now, send, sender, set_up
from bot.keyboards import trial as buttons
from bot.keyboards.trial_presses import TrialPress, TrialStep, next_blocks, next_length
from bot.models import Person
from bot.texts import TrialText, t
from bot.trial_plan import TrialOutcome
from bot.trials import MAX_STRETCH

_BLOCKS = re.compile(r"^(\d)(?:[-–](\d))?$")

Reply = tuple[str, InlineKeyboardMarkup | None]


async def cmd_trial(update: Update, context: Ctx) -> None:
    """/trial (the running trial, or choose an idea), /trial stop, /trial length N,
    /trial blocks 2-3."""
    found = await set_up(update, context)
    if found is None:
        return
    who, person = found
    args = [a.lower() for a in (context.args or [])]
    try:
        text, markup = _command(context, person, args)
    except BadInput:
        text, markup = t(TrialText.BAD_ARGUMENT), None
    await send(context, who.chat_id, text, markup)


def _command(context: Ctx, person: Person, args: list[str]) -> Reply:
    trials = diary(context).trial
    if not args:
        return _overview(context, person)
    if args == ["stop"]:
        return _stopped(context, trials.stop(person.user_id, now(context))), None
    if len(args) == 2 and args[0] == "length" and args[1].isascii() and args[1].isdigit():
        person = trials.set_length(person.user_id, int(args[1]))
        return t(TrialText.LENGTH_SET, nights=texts.count(person.trial_length, "night")), None
    match = _BLOCKS.match("".join(args[1:])) if args[0] == "blocks" else None
    if match is not None:
        low, high = int(match[1]), int(match[2] or match[1])
        person = trials.set_blocks(person.user_id, (low, high))
        return t(TrialText.BLOCKS_SET, blocks=texts.blocks_words(person.trial_blocks)), None
    raise BadInput(Problem.TRIAL)


def _overview(context: Ctx, person: Person) -> Reply:
    """The running trial as it stands, or the ideas that can be tested."""
    progress = diary(context).trial.status(person.user_id)
    if progress is not None:
        return _status(context, progress), buttons.running()
    ideas = [(r.id, r.title) for r in diary(context).trial.testable(person)]
    settings = texts.trial_settings(person.trial_length, person.trial_blocks)
    if not ideas:
        return f"{t(TrialText.INTRO)}\n\n{t(TrialText.NONE_TO_PICK)}", None
    text = f"{t(TrialText.INTRO)}\n\n{settings}\n\n{t(TrialText.PICK)}"
    return text, buttons.pick(ideas)


def _title(context: Ctx, remedy_id: str) -> str:
    return diary(context).catalog.title(remedy_id)


def _status(context: Ctx, progress: TrialProgress) -> str:
    trial = progress.trial
    title = _title(context, trial.remedy_id)
    return t(
        TrialText.STATUS,
        title=texts.esc(title),
        kept=progress.so_far.kept,
        nights=trial.length,
        evenings=texts.count(progress.so_far.nights, "evening"),
        so_far=texts.trial_outcome(progress.so_far, title),
        calendar=texts.trial_calendar(progress.evenings),
    )


def _busy(context: Ctx, busy: TrialBusy) -> str:
    return t(
        TrialText.BUSY,
        title=texts.esc(_title(context, busy.trial.remedy_id)),
        kept=busy.progress.so_far.kept,
        nights=busy.trial.length,
    )


def _stopped(context: Ctx, outcome: TrialOutcome | None) -> str:
    if outcome is None:
        return t(TrialText.NO_TRIAL)
    result = texts.trial_outcome(outcome, _title(context, outcome.remedy_id))
    return t(TrialText.STOPPED, result=result)


def finished(context: Ctx, outcome: TrialOutcome) -> str:
    """The message when a trial reaches its end."""
    return texts.trial_finished(outcome, _title(context, outcome.remedy_id))


def _offer(context: Ctx, person: Person, remedy_id: str) -> Reply:
    """The offer for one idea, or why there is none."""
    offer = diary(context).trial.offer(person.user_id, remedy_id, now(context))
    match offer:
        case TrialOffer(remedy, start, length, blocks):
            text = texts.trial_offer(remedy.title, length, blocks, start, MAX_STRETCH * length)
            return text, buttons.offer(remedy.id, length, blocks)
        case TrialBusy():
            return _busy(context, offer), buttons.running()
        case NotTestable():
            return t(TrialText.NOT_TESTABLE), None


async def on_trial_button(update: Update, context: Ctx, press: TrialPress) -> None:
    """Every button of /trial and of an idea's "Test it in a trial"."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    trials = diary(context).trial
    person = diary(context).require(who.user_id)
    text: str
    markup: InlineKeyboardMarkup | None = None
    match press.step:
        case TrialStep.PICK:
            text, markup = _offer(context, person, press.remedy_id)
        case TrialStep.CARD:  # the card stays as it is; the offer comes as a new message
            text, markup = _offer(context, person, press.remedy_id)
            await send(context, who.chat_id, text, markup)
            return
        case TrialStep.LENGTH:
            trials.set_length(who.user_id, next_length(person.trial_length))
            text, markup = _offer(context, diary(context).require(who.user_id), press.remedy_id)
        case TrialStep.BLOCKS:
            trials.set_blocks(who.user_id, next_blocks(person.trial_blocks))
            text, markup = _offer(context, diary(context).require(who.user_id), press.remedy_id)
        case TrialStep.START:
            started = trials.start(who.user_id, press.remedy_id, now(context))
            match started:
                case TrialStarted(progress):
                    title = texts.esc(_title(context, press.remedy_id))
                    calendar = texts.trial_calendar(progress.evenings)
                    text = t(TrialText.STARTED, title=title, calendar=calendar)
                case TrialBusy():
                    text, markup = _busy(context, started), buttons.running()
                case NotTestable():
                    text = t(TrialText.NOT_TESTABLE)
        case TrialStep.CANCEL:
            text = t(TrialText.CANCELLED)
        case TrialStep.STOP:
            if person.trial is None:
                text = t(TrialText.NO_TRIAL)
            else:
                title = texts.esc(_title(context, person.trial.remedy_id))
                text, markup = t(TrialText.STOP_ASK, title=title), buttons.stop_confirm()
        case TrialStep.STOP_YES:
            text = _stopped(context, trials.stop(who.user_id, now(context)))
        case TrialStep.STOP_NO:
            text, markup = _overview(context, person)
    await edit_pressed(query, text, markup)
