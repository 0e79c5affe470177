"""The words on the /report chart (its title, axes and legend)."""

from __future__ import annotations

from enum import auto

from bot.texts.base import TextKey, catalog


class ChartText(TextKey):
    """Keys of the chart's words."""

    TITLE = auto()
    LEGS = auto()
    LEGS_AXIS = auto()
    TRIED_AXIS = auto()
    NO_RATINGS = auto()
    SLEEP_AXIS = auto()
    HELPED_CLEARLY = auto()
    HELPED_A_BIT = auto()
    DID_NOT_HELP = auto()
    NO_ANSWER = auto()
    FLAG_AXIS = auto()
    SKIPPED = auto()
    WARNING_SIGN = auto()
    GAP = auto()
    NO_SLEEP = auto()


SENTENCES = catalog(
    ChartText,
    {
        ChartText.TITLE: "Your last {days}, up to {end}",
        ChartText.LEGS: "Legs in the evening",
        ChartText.LEGS_AXIS: "Legs (0 calm, 10 worst)",
        ChartText.TRIED_AXIS: "Tried",
        ChartText.NO_RATINGS: "No ratings in these nights yet",
        ChartText.SLEEP_AXIS: "Sleep",
        ChartText.HELPED_CLEARLY: "Tried, helped clearly",
        ChartText.HELPED_A_BIT: "Tried, helped a bit",
        ChartText.DID_NOT_HELP: "Tried, did not help",
        ChartText.NO_ANSWER: "Tried, no answer",
        ChartText.FLAG_AXIS: "Warning",
        ChartText.SKIPPED: "Skipped",
        ChartText.WARNING_SIGN: "Warning sign noted",
        ChartText.GAP: "Gap in the line: no rating that night",
        ChartText.NO_SLEEP: "No morning answers in these nights yet",
    },
)
