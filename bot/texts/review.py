"""Sentences of reading it back: /history, one line per night, and /export's captions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import auto

from bot.models import Catalog, Night
from bot.texts.base import TextKey, catalog, cut, day, esc, t
from bot.texts.evening import onset_label, tag_label
from bot.texts.morning import helped_label, sleep_label

NOTE_PREVIEW = 40


class ReviewText(TextKey):
    """Keys of the /history and /export sentences."""

    NO_NIGHTS = auto()
    HEADING = auto()
    LEGS = auto()
    SKIPPED = auto()
    NO_RATING = auto()
    NOT_TRIED = auto()
    HELPED = auto()
    SLEPT = auto()
    URGE_BEGAN = auto()
    TRUNCATED = auto()
    EXPORT_CAPTION = auto()
    EXPORT_JSON_CAPTION = auto()
    EXPORT_EMPTY = auto()


SENTENCES = catalog(
    ReviewText,
    {
        ReviewText.NO_NIGHTS: (
            "No nights recorded yet. After your first check-in you'll see each night here: "
            "your rating, the idea, how you slept and your notes. Start one now with /checkin."
        ),
        ReviewText.HEADING: "<b>Your nights</b> (latest {shown} of {total})",
        ReviewText.LEGS: "legs {rating}/10",
        ReviewText.SKIPPED: "skipped",
        ReviewText.NO_RATING: "no rating",
        ReviewText.NOT_TRIED: ": not tried",
        ReviewText.HELPED: ": helped {answer}",
        ReviewText.SLEPT: "slept {quality}",
        ReviewText.URGE_BEGAN: "urge began: {onset}",
        ReviewText.TRUNCATED: "\n(Showing the latest {shown}. /export has everything.)",
        ReviewText.EXPORT_CAPTION: (
            "Your nights as a CSV file: one row per night, opens in any spreadsheet."
        ),
        ReviewText.EXPORT_JSON_CAPTION: (
            "Everything I store about you, as one file. Keep it safe: it holds your notes. You "
            "can load it into this bot (or another copy of it) later with /import."
        ),
        ReviewText.EXPORT_EMPTY: "There is nothing to export yet: no nights recorded.",
    },
)


def history(
    nights: Sequence[Night],
    catalog: Catalog,
    total: int,
    flag_titles: Mapping[str, str] | None = None,
) -> str:
    """Compact lines, newest first."""
    if not nights:
        return t(ReviewText.NO_NIGHTS)
    lines = [t(ReviewText.HEADING, shown=len(nights), total=total)]
    for night in reversed(nights):
        lines.append(history_line(night, catalog, flag_titles or {}))
    return "\n".join(lines)


def history_line(night: Night, catalog: Catalog, flag_titles: Mapping[str, str]) -> str:
    """`Thu 26 Nov · legs 6/10 · Warm bath: helped a bit · slept good · “note…”`."""
    parts = [f"<b>{day(night.night)}</b>"]
    if night.rating is not None:
        parts.append(t(ReviewText.LEGS, rating=night.rating))
    elif night.skipped:
        parts.append(t(ReviewText.SKIPPED))
    elif night.prompted_at is not None:
        parts.append(t(ReviewText.NO_RATING))
    remedy_id = night.answer_remedy
    if remedy_id is not None:
        remedy = catalog.get(remedy_id)
        title = remedy.title if remedy else remedy_id
        outcome = ""
        if night.tried is False:
            outcome = t(ReviewText.NOT_TRIED)
        elif night.tried and night.helped is not None:
            outcome = t(ReviewText.HELPED, answer=helped_label(night.helped).lower())
        parts.append(esc(cut(title, 28)) + outcome)
    if night.sleep_quality is not None:
        parts.append(t(ReviewText.SLEPT, quality=sleep_label(night.sleep_quality).lower()))
    if night.onset is not None:
        parts.append(t(ReviewText.URGE_BEGAN, onset=onset_label(night.onset).lower()))
    if night.triggers:
        parts.append(", ".join(tag_label(tag).lower() for tag in night.triggers))
    if night.notes:
        parts.append(f"“{esc(cut(night.notes[0].text, NOTE_PREVIEW))}”")
    for flag in night.red_flags:
        parts.append(f"⚠️ {esc(flag_titles.get(flag, flag))}")
    return " · ".join(parts)


def history_truncated(shown: int) -> str:
    """Footer when /history had to be shortened to fit one message."""
    return t(ReviewText.TRUNCATED, shown=shown)
