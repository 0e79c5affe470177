"""Sentences of a personal trial: the offer, the calendar, the kind of each evening, the
morning's extra questions and the answer in plain words with a number a person can read."""

from __future__ import annotations

import datetime as dt
from enum import auto

from bot.texts.base import TextKey, catalog, count, day, esc, t
from bot.trial_plan import Arm, TrialOutcome, Verdict, half_points, in_ten


class TrialText(TextKey):
    """Keys of the trial sentences."""

    INTRO = auto()
    PICK = auto()
    NONE_TO_PICK = auto()
    SETTINGS_LINE = auto()
    OFFER = auto()
    START_BUTTON = auto()
    CANCEL_BUTTON = auto()
    LENGTH_BUTTON = auto()
    BLOCKS_BUTTON = auto()
    BLOCKS_RANGE = auto()
    CANCELLED = auto()
    STARTED = auto()
    CALENDAR_HEAD = auto()
    CALENDAR_IDEA = auto()
    CALENDAR_USUAL = auto()
    CALENDAR_DONE = auto()
    CALENDAR_MISSED = auto()
    CALENDAR_NOTE = auto()
    BUSY = auto()
    NOT_TESTABLE = auto()
    NO_TRIAL = auto()
    STATUS = auto()
    STOP_BUTTON = auto()
    STOP_ASK = auto()
    STOP_YES = auto()
    STOP_NO = auto()
    STOPPED = auto()
    FINISHED = auto()
    NIGHT_IDEA = auto()
    NIGHT_USUAL = auto()
    CARD_LEAD = auto()
    CARD_LEAD_RATED = auto()
    CARD_LEAD_HARD = auto()
    USUAL_REPLY = auto()
    SHOW_IDEA_BUTTON = auto()
    TRY_BUTTON = auto()
    CARD_BUTTON = auto()
    ASK_SCORE = auto()
    SCORE_LINE = auto()
    ASK_KEPT_IDEA = auto()
    ASK_KEPT_USUAL = auto()
    KEPT_LINE = auto()
    NOT_KEPT_LINE = auto()
    RESULT_BETTER = auto()
    RESULT_UNCLEAR = auto()
    RESULT_WORSE = auto()
    RESULT_TOO_EARLY = auto()
    RESULT_COUNTS = auto()
    RESULT_SIZE = auto()
    RESULT_TINY = auto()
    RESULT_LIMITS = auto()
    BAD_ARGUMENT = auto()
    LENGTH_SET = auto()
    BLOCKS_SET = auto()


SENTENCES = catalog(
    TrialText,
    {
        TrialText.INTRO: (
            "🔬 <b>A personal trial</b>: find out whether one idea makes <i>your</i> nights "
            "better. For a few weeks some evenings are <b>idea evenings</b> (do the idea) and "
            "some are <b>usual evenings</b> (don't), in an order drawn by chance, so a good "
            "or bad week cannot fool either of us. Each morning you rate how your legs were "
            "during the night (0–10) and say whether the evening went as planned. At the end "
            "I tell you honestly what your nights showed."
        ),
        TrialText.PICK: "Which idea would you like to test? (ideas you can do in an evening)",
        TrialText.NONE_TO_PICK: (
            "There is no idea I can set up a trial for just now (ideas you turned down with "
            "Not for me are left out; /settings can bring them back)."
        ),
        TrialText.SETTINGS_LINE: (
            "Length: <b>{nights}</b> kept as planned; evenings in blocks of <b>{blocks}</b>."
        ),
        TrialText.OFFER: (
            "Test <b>{title}</b>?\n\n{settings}\nThe first trial evening is <b>{start}</b>. "
            "An evening you miss, or that doesn't go as planned, is added at the end rather "
            "than counted (the trial stops after at most {most}). Stop any time with "
            "/trial stop."
        ),
        TrialText.START_BUTTON: "Start the trial",
        TrialText.CANCEL_BUTTON: "Not now",
        TrialText.LENGTH_BUTTON: "Change length to {nights}",
        TrialText.BLOCKS_BUTTON: "Change blocks to {blocks}",
        TrialText.BLOCKS_RANGE: "{low}–{high} nights",
        TrialText.CANCELLED: "No trial started. /trial whenever you like.",
        TrialText.STARTED: "Your trial of <b>{title}</b> has begun.\n\n{calendar}",
        TrialText.CALENDAR_HEAD: "The plan, one evening after another:",
        TrialText.CALENDAR_IDEA: "💡 {when}: idea evening",
        TrialText.CALENDAR_USUAL: "▫️ {when}: usual evening",
        TrialText.CALENDAR_DONE: " ✓",
        TrialText.CALENDAR_MISSED: " (not counted)",
        TrialText.CALENDAR_NOTE: (
            "Dates move on by a day for each evening without a check-in (a pause, a missed "
            "evening). Each evening's check-in tells you which kind it is."
        ),
        TrialText.BUSY: (
            "One trial at a time: you are testing <b>{title}</b> ({kept} of {nights} nights "
            "kept as planned). /trial shows it; /trial stop ends it."
        ),
        TrialText.NOT_TESTABLE: (
            "That idea can't be tested in a trial (only ideas you can do in an evening, and "
            "not one you turned down)."
        ),
        TrialText.NO_TRIAL: "No trial is running. /trial starts one.",
        TrialText.STATUS: (
            "🔬 Your trial of <b>{title}</b>: {kept} of {nights} nights kept as planned, "
            "{evenings} so far.\n\n{so_far}\n\n{calendar}"
        ),
        TrialText.STOP_BUTTON: "Stop the trial",
        TrialText.STOP_ASK: (
            "Stop the trial of <b>{title}</b> now? I'll tell you what can be said so far."
        ),
        TrialText.STOP_YES: "Stop it",
        TrialText.STOP_NO: "Keep going",
        TrialText.STOPPED: "Trial stopped. What your nights showed so far:\n\n{result}",
        TrialText.FINISHED: "🔬 Your trial of <b>{title}</b> is complete.\n\n{result}",
        TrialText.NIGHT_IDEA: (
            "🔬 Trial evening {number}: an <b>idea evening</b>. Tonight, do <b>{title}</b>."
        ),
        TrialText.NIGHT_USUAL: (
            "🔬 Trial evening {number}: a <b>usual evening</b>. Tonight, no {title}: do what "
            "you usually do."
        ),
        TrialText.CARD_LEAD: "Tonight is an idea evening of your trial:",
        TrialText.CARD_LEAD_RATED: (
            "Thanks, {rating}/10 noted. Tonight is an idea evening of your trial:"
        ),
        TrialText.CARD_LEAD_HARD: (
            "{rating}/10 sounds like a hard evening, I'm sorry. Tonight is an idea evening of "
            "your trial, and this is something you can do right now:"
        ),
        TrialText.USUAL_REPLY: (
            "Tonight is a usual evening of your trial, so I won't suggest an idea: that keeps "
            "the comparison fair. If you need one anyway, ask; just not {title} tonight."
        ),
        TrialText.SHOW_IDEA_BUTTON: "Show me an idea anyway",
        TrialText.TRY_BUTTON: "I'll do it tonight",
        TrialText.CARD_BUTTON: "🔬 Test it in a trial",
        TrialText.ASK_SCORE: (
            "Good morning. How were your legs <b>during the night</b>? 0 = no trouble, "
            "10 = the worst.\n<i>(night of {day}, trial evening {number})</i>"
        ),
        TrialText.SCORE_LINE: "Legs during the night: <b>{score}/10</b>",
        TrialText.ASK_KEPT_IDEA: "Last night was an idea evening. Did you do <b>{title}</b>?",
        TrialText.ASK_KEPT_USUAL: (
            "Last night was a usual evening. Was it without <b>{title}</b>, as planned?"
        ),
        TrialText.KEPT_LINE: "Kept to the plan",
        TrialText.NOT_KEPT_LINE: "Not as planned (this evening is added at the end)",
        TrialText.RESULT_BETTER: (
            "About <b>{in_ten} in 10</b> chance that {title} makes your nights better{size} "
            "{counts}."
        ),
        TrialText.RESULT_UNCLEAR: (
            "<b>No clear difference yet</b> between evenings with and without {title} "
            "(about {in_ten} in 10 chance that it makes your nights better) {counts}."
        ),
        TrialText.RESULT_WORSE: (
            "<b>Looks worse for you</b>: nights after {title} were worse{size}; about "
            "{in_ten} in 10 chance that it makes your nights better {counts}."
        ),
        TrialText.RESULT_TOO_EARLY: (
            "Too few nights kept as planned to say anything about {title} yet {counts}."
        ),
        TrialText.RESULT_COUNTS: "({nights}, {kept} as planned)",
        TrialText.RESULT_SIZE: ", by about {points} out of 10",
        TrialText.RESULT_TINY: ", by less than half a point out of 10",
        TrialText.RESULT_LIMITS: (
            "<i>This is what happened in your trial, not proof of cause; bodies change, so a "
            "result can be checked again later with another trial.</i>"
        ),
        TrialText.BAD_ARGUMENT: (
            "I didn't understand that. Try /trial, /trial stop, /trial length 14 "
            "(8 to 28 nights) or /trial blocks 2-3 (1 to 4 nights)."
        ),
        TrialText.LENGTH_SET: "New trials will need {nights} kept as planned.",
        TrialText.BLOCKS_SET: "New trials will use blocks of {blocks}.",
    },
)


def blocks_words(blocks: tuple[int, int]) -> str:
    """`2–3 nights`, or `2 nights` when both sizes are the same."""
    low, high = blocks
    if low == high:
        return count(low, "night")
    return t(TrialText.BLOCKS_RANGE, low=low, high=high)


def trial_settings(length: int, blocks: tuple[int, int]) -> str:
    """The line with the trial's length and block sizes."""
    return t(TrialText.SETTINGS_LINE, nights=count(length, "night"), blocks=blocks_words(blocks))


def trial_offer(
    title: str, length: int, blocks: tuple[int, int], start: dt.date, most: int
) -> str:
    """What starting a trial of this idea means, before it starts."""
    offer = t(
        TrialText.OFFER,
        title=esc(title),
        settings=trial_settings(length, blocks),
        start=day(start),
        most=count(most, "evening"),
    )
    return f"{t(TrialText.INTRO)}\n\n{offer}"


def trial_calendar(evenings: list[tuple[dt.date, Arm, bool | None]]) -> str:
    """The planned evenings, one per line: date, kind and, for past ones, whether they count
    (True: kept as planned; False: not counted; None: still to come or not answered)."""
    lines = [t(TrialText.CALENDAR_HEAD)]
    for when, arm, kept in evenings:
        key = TrialText.CALENDAR_IDEA if arm is Arm.IDEA else TrialText.CALENDAR_USUAL
        line = t(key, when=day(when))
        if kept is not None:
            line += t(TrialText.CALENDAR_DONE if kept else TrialText.CALENDAR_MISSED)
        lines.append(line)
    return "\n".join([*lines, "", f"<i>{t(TrialText.CALENDAR_NOTE)}</i>"])


def trial_night(arm: Arm, number: int, title: str) -> str:
    """The line a trial evening's check-in opens with."""
    key = TrialText.NIGHT_IDEA if arm is Arm.IDEA else TrialText.NIGHT_USUAL
    return t(key, number=number, title=esc(title))


def trial_outcome(outcome: TrialOutcome, title: str) -> str:
    """The answer in plain words with a number a person can read, and its limits."""
    counts = t(TrialText.RESULT_COUNTS, nights=count(outcome.nights, "night"), kept=outcome.kept)
    name = esc(title)
    points = half_points(outcome.effect)
    if points is None or points == 0:
        size = t(TrialText.RESULT_TINY)
    else:
        size = t(TrialText.RESULT_SIZE, points=count_points(points))
    chance = in_ten(outcome.p_better)
    key = {
        Verdict.BETTER: TrialText.RESULT_BETTER,
        Verdict.UNCLEAR: TrialText.RESULT_UNCLEAR,
        Verdict.WORSE: TrialText.RESULT_WORSE,
        Verdict.TOO_EARLY: TrialText.RESULT_TOO_EARLY,
    }[outcome.verdict]
    sentence = t(key, title=name, in_ten=chance, size=size, counts=counts)
    return f"{sentence}\n{t(TrialText.RESULT_LIMITS)}"


def count_points(points: float) -> str:
    """`1 point`, `1.5 points`, `2 points`."""
    number = f"{points:g}"
    return f"{number} point" if points == 1 else f"{number} points"


def trial_finished(outcome: TrialOutcome, title: str) -> str:
    """The message when a trial reaches its end."""
    return t(TrialText.FINISHED, title=esc(title), result=trial_outcome(outcome, title))


def trial_lead(rating: int | None) -> str:
    """The words before an idea evening's card: the rating heard, and which evening it is."""
    if not rating:
        return t(TrialText.CARD_LEAD)
    key = TrialText.CARD_LEAD_HARD if rating >= 7 else TrialText.CARD_LEAD_RATED
    return t(key, rating=rating)
