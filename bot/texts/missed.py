"""Sentences of /missed: filling in a night without a rating, up to a week back."""

from __future__ import annotations

import datetime as dt
from enum import auto

from bot.texts.base import TextKey, catalog, count, day, t


class MissedText(TextKey):
    """Keys of the /missed sentences."""

    CHOOSE = auto()
    NOTHING = auto()
    NOTHING_SINCE_START = auto()
    NONE_YET = auto()
    QUESTION = auto()
    FILLED_IN = auto()
    MORE = auto()
    ALREADY_RATED = auto()


SENTENCES = catalog(
    MissedText,
    {
        MissedText.CHOOSE: (
            "Which night would you like to fill in? These nights of the past week have no "
            "rating yet. It will be marked as entered later."
        ),
        MissedText.NOTHING: (
            "Nothing to fill in: every night of the past week has a rating. For tonight, use "
            "/checkin."
        ),
        MissedText.NOTHING_SINCE_START: (
            "Nothing to fill in: every night since you started ({day}) has a rating. For "
            "tonight, use /checkin."
        ),
        MissedText.NONE_YET: (
            "There are no earlier nights to fill in yet: your diary starts with the night of "
            "{day}. For that night, use /checkin."
        ),
        MissedText.QUESTION: (
            "How much did your legs bother you on the evening of <b>{day}</b>?\n"
            "0 = calm, 10 = the worst it gets."
        ),
        MissedText.FILLED_IN: (
            "Noted <b>{rating}/10</b> for the night of {day}, marked as entered later."
        ),
        MissedText.MORE: "{nights} still without a rating: /missed",
        MissedText.ALREADY_RATED: (
            "The night of {day} already has a rating, <b>{rating}/10</b>; I kept it."
        ),
    },
)


def missed_choose(has_nights: bool, first: dt.date, last: dt.date, *, whole_week: bool) -> str:
    """The /missed question, or why there is nothing to fill in: no night before the current
    one yet (`last` before `first`, the night the person started), every night since they
    started rated, or (`whole_week`: they started before the week) every night of the week."""
    if has_nights:
        return t(MissedText.CHOOSE)
    if last < first:
        return t(MissedText.NONE_YET, day=day(first))
    if whole_week:
        return t(MissedText.NOTHING)
    return t(MissedText.NOTHING_SINCE_START, day=day(first))


def missed_question(night: dt.date) -> str:
    """The 0-10 question for one missed night."""
    return t(MissedText.QUESTION, day=day(night))


def filled_in(night: dt.date, rating: int, stored: bool, still_open: int) -> str:
    """After a missed night's number: stored (and how many are left), or kept as it was."""
    if not stored:
        return t(MissedText.ALREADY_RATED, day=day(night), rating=rating)
    text = t(MissedText.FILLED_IN, day=day(night), rating=rating)
    if still_open:
        text += "\n" + t(MissedText.MORE, nights=count(still_open, "night"))
    return text
