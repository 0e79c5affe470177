"""Sentences of reading it back: /history, one line per night, and /export's captions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import auto

from bot.models import Catalog, Night
from bot.texts.base import MAX_MESSAGE_LENGTH, TextKey, catalog, count, cut, day, esc, t
from bot.texts.cards import remedies_list
from bot.texts.evening import onset_label, tag_label
from bot.texts.morning import sleep_label
from bot.texts.tried import helped_words
from bot.trial_plan import Arm

# Each note is shown cut to this many characters; a night shows up to NOTE_CAPS[0] notes, and
# fewer (the next caps) only when the nights asked for would not fit in one message.
NOTE_PREVIEW = 80
NOTE_CAPS = (12, 6, 3, 1)
# Room kept free under Telegram's limit (the "showing the latest N" footer).
HISTORY_ROOM = MAX_MESSAGE_LENGTH - 100


class ReviewText(TextKey):
    """Keys of the /history and /export sentences."""

    NO_NIGHTS = auto()
    NOTHING_YET = auto()
    HEADING = auto()
    LEGS = auto()
    SKIPPED = auto()
    NO_RATING = auto()
    NOT_TRIED = auto()
    HELPED = auto()
    SLEPT = auto()
    URGE_BEGAN = auto()
    TRUNCATED = auto()
    MORE_NOTES = auto()
    ENTERED_LATER = auto()
    TRIAL_IDEA = auto()
    TRIAL_USUAL = auto()
    NIGHT_SCORE = auto()
    NOT_AS_PLANNED = auto()
    BAD_COUNT = auto()
    COUNT_OUT_OF_RANGE = auto()
    FAIR_TEST = auto()
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
        ReviewText.NOTHING_YET: "No nights recorded yet.",
        ReviewText.HEADING: "<b>Your nights</b> (latest {shown} of {total})",
        ReviewText.LEGS: "legs {rating}/10",
        ReviewText.SKIPPED: "skipped",
        ReviewText.NO_RATING: "no rating",
        ReviewText.NOT_TRIED: ": not tried",
        ReviewText.HELPED: ": {answer}",
        ReviewText.SLEPT: "slept {quality}",
        ReviewText.URGE_BEGAN: "urge began: {onset}",
        ReviewText.TRUNCATED: "\n(Showing the latest {shown}. /export has everything.)",
        ReviewText.MORE_NOTES: "+{more} (/export has every word)",
        ReviewText.TRIAL_IDEA: "🔬 idea evening",
        ReviewText.TRIAL_USUAL: "🔬 usual evening",
        ReviewText.NIGHT_SCORE: "in the night {score}/10",
        ReviewText.NOT_AS_PLANNED: "not as planned",
        ReviewText.ENTERED_LATER: "entered later",
        ReviewText.BAD_COUNT: (
            "I couldn't read{shown} as a number of nights. Use <code>/history</code> for the "
            "latest {default}, or a number from 1 to {most}, for example "
            "<code>/history 30</code>."
        ),
        ReviewText.COUNT_OUT_OF_RANGE: (
            "I can show from 1 to {most} nights, so not {asked}. Use <code>/history</code> "
            "for the latest {default}, or a number in that range, for example "
            "<code>/history 30</code>."
        ),
        ReviewText.FAIR_TEST: (
            "<i>A fair test: people are split by chance into two groups, and only one group "
            "gets the idea, so the groups can be compared.</i>"
        ),
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
    *,
    note_cap: int = NOTE_CAPS[0],
) -> str:
    """Newest first: one compact line per night, then each of its notes on a line of its own
    (at most `note_cap`, the rest counted)."""
    if not nights:
        return t(ReviewText.NO_NIGHTS)
    lines = [t(ReviewText.HEADING, shown=len(nights), total=total)]
    for night in reversed(nights):
        lines.append(history_line(night, catalog, flag_titles or {}))
        lines += note_lines(night, note_cap)
    return "\n".join(lines)


def history_message(
    nights: Sequence[Night],
    catalog: Catalog,
    total: int,
    flag_titles: Mapping[str, str] | None = None,
) -> str:
    """/history in one message: every night asked for with every note when that fits; else
    fewer notes a night (the rest counted), and only then fewer nights (the latest)."""
    for cap in NOTE_CAPS:
        text = history(nights, catalog, total, flag_titles, note_cap=cap)
        if len(text) <= HISTORY_ROOM:
            return text
    shown = list(nights)
    while len(text) > HISTORY_ROOM and len(shown) > 1:
        shown = shown[len(shown) // 4 + 1 :]
        text = history(shown, catalog, total, flag_titles, note_cap=NOTE_CAPS[-1])
    return text + history_truncated(len(shown))


def history_line(night: Night, catalog: Catalog, flag_titles: Mapping[str, str]) -> str:
    """`Thu 26 Nov · legs 6/10 · Warm bath: helped a bit · slept good · entered later`."""
    parts = [f"<b>{day(night.night)}</b>"]
    if night.rating is not None:
        parts.append(t(ReviewText.LEGS, rating=night.rating))
    elif night.skipped:
        parts.append(t(ReviewText.SKIPPED))
    elif night.prompted_at is not None:
        parts.append(t(ReviewText.NO_RATING))
    if night.trial_arm is not None:
        arm = ReviewText.TRIAL_IDEA if night.trial_arm is Arm.IDEA else ReviewText.TRIAL_USUAL
        parts.append(
            t(arm) + (f" ({t(ReviewText.NOT_AS_PLANNED)})" if night.kept_plan is False else "")
        )
    if night.night_score is not None:
        parts.append(t(ReviewText.NIGHT_SCORE, score=night.night_score))
    remedy_id = night.answer_remedy
    if remedy_id is not None:
        title = catalog.title(remedy_id)
        outcome = ""
        if night.tried is False:
            outcome = t(ReviewText.NOT_TRIED)
        elif night.tried and night.helped is not None:
            outcome = t(ReviewText.HELPED, answer=helped_words(night.helped))
        parts.append(esc(cut(title, 28)) + outcome)
    if night.sleep_quality is not None:
        parts.append(t(ReviewText.SLEPT, quality=sleep_label(night.sleep_quality).lower()))
    if night.onset is not None:
        parts.append(t(ReviewText.URGE_BEGAN, onset=onset_label(night.onset).lower()))
    if night.triggers:
        parts.append(", ".join(tag_label(tag).lower() for tag in night.triggers))
    for flag in night.red_flags:
        parts.append(f"⚠️ {esc(flag_titles.get(flag, flag))}")
    if night.entered_later:
        parts.append(t(ReviewText.ENTERED_LATER))
    return " · ".join(parts)


def note_lines(night: Night, cap: int = NOTE_CAPS[0]) -> list[str]:
    """The night's notes, oldest first, one line each cut to NOTE_PREVIEW characters; beyond
    `cap`, how many more."""
    lines = [f"   “{esc(cut(note.text, NOTE_PREVIEW))}”" for note in night.notes[:cap]]
    more = len(night.notes) - cap
    if more > 0:
        lines.append(f"   {t(ReviewText.MORE_NOTES, more=count(more, 'more note'))}")
    return lines


def history_bad_count(typed: str, *, default: int, most: int) -> str:
    """/history with something that is not a number of nights from 1 to `most`."""
    asked = typed.strip()
    if asked.isascii() and asked.isdigit() and len(asked) <= 6:
        return t(ReviewText.COUNT_OUT_OF_RANGE, asked=int(asked), default=default, most=most)
    shown = f" “{esc(cut(typed, 40))}”" if typed.strip() else ""
    return t(ReviewText.BAD_COUNT, shown=shown, default=default, most=most)


def history_truncated(shown: int) -> str:
    """Footer when /history had to be shortened to fit one message."""
    return t(ReviewText.TRUNCATED, shown=shown)


def remedies_reference(catalog: Catalog, adult_topics: bool) -> str:
    """/remedies: the list of ideas with their grades, and what a "fair test" (a grade's
    words) is, in one plain sentence."""
    text = remedies_list(catalog, adult_topics)
    if "fair test" in text.casefold():
        text += "\n\n" + t(ReviewText.FAIR_TEST)
    return text
