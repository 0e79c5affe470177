"""The buttons of a personal trial: choosing an idea, the offer, stopping, the trial evening's
card, and the morning's night score and "as planned?" questions."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.presses import Action, encode
from bot.keyboards.trial_presses import TrialStep, next_blocks, next_length
from bot.models import Response
from bot.texts import MorningText, TrialText, blocks_words, count, t


def _step(label: str, step: TrialStep, remedy_id: str = "") -> InlineKeyboardButton:
    arg = f"{step.value}:{remedy_id}" if remedy_id else step.value
    return InlineKeyboardButton(label, callback_data=encode(Action.TRIAL, None, arg))


def _night(label: str, action: Action, night: dt.date, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(action, night, arg))


def pick(ideas: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per idea that can be tested (id, title), two to a row."""
    buttons = [_step(title, TrialStep.PICK, remedy_id) for remedy_id, title in ideas]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def offer(remedy_id: str, length: int, blocks: tuple[int, int]) -> InlineKeyboardMarkup:
    """Start / Not now, and the buttons that step through the length and the block sizes."""
    nights = next_length(length)
    sizes = next_blocks(blocks)
    return InlineKeyboardMarkup(
        [
            [
                _step(t(TrialText.START_BUTTON), TrialStep.START, remedy_id),
                _step(t(TrialText.CANCEL_BUTTON), TrialStep.CANCEL),
            ],
            [
                _step(
                    t(TrialText.LENGTH_BUTTON, nights=count(nights, "night")),
                    TrialStep.LENGTH,
                    remedy_id,
                ),
                _step(
                    t(TrialText.BLOCKS_BUTTON, blocks=blocks_words(sizes)),
                    TrialStep.BLOCKS,
                    remedy_id,
                ),
            ],
        ]
    )


def running() -> InlineKeyboardMarkup:
    """Under a running trial's status."""
    return InlineKeyboardMarkup([[_step(t(TrialText.STOP_BUTTON), TrialStep.STOP)]])


def stop_confirm() -> InlineKeyboardMarkup:
    """Stop it / Keep going."""
    return InlineKeyboardMarkup(
        [
            [
                _step(t(TrialText.STOP_YES), TrialStep.STOP_YES),
                _step(t(TrialText.STOP_NO), TrialStep.STOP_NO),
            ]
        ]
    )


def trial_card(night: dt.date, remedy_id: str) -> InlineKeyboardMarkup:
    """An idea evening's card: only "I'll do it tonight" (another idea would spoil the test)."""
    arg = f"{Response.TRY.value}:{remedy_id}"
    return InlineKeyboardMarkup([[_night(t(TrialText.TRY_BUTTON), Action.RESPOND, night, arg)]])


def usual_evening(night: dt.date) -> InlineKeyboardMarkup:
    """A usual evening: an idea only if the person asks."""
    return InlineKeyboardMarkup(
        [[_night(t(TrialText.SHOW_IDEA_BUTTON), Action.TRIAL_IDEA, night)]]
    )


def with_trial_button(markup: InlineKeyboardMarkup, remedy_id: str) -> InlineKeyboardMarkup:
    """A card's buttons with "Test it in a trial" under them."""
    row = (_step(t(TrialText.CARD_BUTTON), TrialStep.CARD, remedy_id),)
    return InlineKeyboardMarkup((*markup.inline_keyboard, row))


def night_score(night: dt.date) -> InlineKeyboardMarkup:
    """0-10 for how the legs were during the night."""
    numbers = [_night(str(n), Action.TRIAL_SCORE, night, str(n)) for n in range(11)]
    return InlineKeyboardMarkup([numbers[:6], numbers[6:]])


def kept(night: dt.date) -> InlineKeyboardMarkup:
    """Did the evening go as planned: Yes / No."""
    return InlineKeyboardMarkup(
        [
            [
                _night(t(MorningText.YES), Action.TRIAL_KEPT, night, "1"),
                _night(t(MorningText.NO), Action.TRIAL_KEPT, night, "0"),
            ]
        ]
    )
