"""Sentences of /import: asking for the file, confirming, and every reason a file is refused
(bot/transfer.py says which, as a `Rejection` and a `RecordFlaw`)."""

from __future__ import annotations

from enum import auto

from bot.texts.base import TextKey, catalog, count, esc, t
from bot.transfer import Flaw, ImportRejected, RecordFlaw, Rejection


class TransferText(TextKey):
    """Keys of the import sentences."""

    IMPORT_ASK = auto()
    IMPORT_HINT = auto()
    CONFIRM = auto()
    CONFIRM_BUTTON = auto()
    CANCEL_BUTTON = auto()
    CANCELLED = auto()
    DONE = auto()
    REJECTED = auto()
    FILE_TOO_LARGE = auto()
    TOO_LARGE = auto()
    NOT_AN_EXPORT = auto()
    UNKNOWN_FORMAT = auto()
    VERSION = auto()
    NO_VERSION = auto()
    MISSING_PARTS = auto()
    TOO_MANY_NIGHTS = auto()
    NIGHT_TWICE = auto()
    BAD_SETTINGS = auto()
    BAD_NIGHT = auto()
    BAD_NIGHT_NUMBER = auto()
    OUT_OF_RANGE = auto()
    MISSING = auto()
    UNKNOWN_FIELD = auto()
    INVALID = auto()
    THE_ENTRY = auto()
    UNKNOWN_ZONE = auto()
    NAIVE_TIME = auto()
    FIELD_RATING = auto()
    FIELD_SLEEP_QUALITY = auto()
    FIELD_WEEKLY_DAY = auto()


SENTENCES = catalog(
    TransferText,
    {
        TransferText.IMPORT_ASK: (
            "Send me a diary file that this bot made with /export (a .json file), and I'll "
            "check it before anything changes."
        ),
        TransferText.IMPORT_HINT: "To load a diary file made by /export, send /import first.",
        TransferText.CONFIRM: (
            "The file looks good: it holds {in_file} and your settings. Loading it "
            "<b>replaces</b> what I store about you now ({now}). This cannot be undone.\n\n"
            "Replace your diary with the file?"
        ),
        TransferText.CONFIRM_BUTTON: "Yes, replace my diary",
        TransferText.CANCEL_BUTTON: "Cancel",
        TransferText.CANCELLED: "Cancelled. Nothing was changed.",
        TransferText.DONE: "Done. Your diary now holds the {nights} from the file.",
        TransferText.REJECTED: "I couldn't use that file. {reason} Nothing was changed.",
        TransferText.FILE_TOO_LARGE: "The file is too large.",
        TransferText.TOO_LARGE: "The file is too large (the limit is {limit}).",
        TransferText.NOT_AN_EXPORT: "This file is not a diary export from this bot.",
        TransferText.UNKNOWN_FORMAT: (
            "This diary export is in a format this bot does not know ({version}); it may come "
            "from a newer version of the bot."
        ),
        TransferText.VERSION: "version {version}",
        TransferText.NO_VERSION: "no version number",
        TransferText.MISSING_PARTS: (
            "This file is not a diary export from this bot: its settings or nights are missing."
        ),
        TransferText.TOO_MANY_NIGHTS: "The file holds more than {limit} nights.",
        TransferText.NIGHT_TWICE: "Night {night} appears twice in the file.",
        TransferText.BAD_SETTINGS: "The settings in the file are not valid: {flaw}.",
        TransferText.BAD_NIGHT: "Night {night} is not valid: {flaw}.",
        TransferText.BAD_NIGHT_NUMBER: "Night number {index} in the file is not valid: {flaw}.",
        TransferText.OUT_OF_RANGE: "{field} must be between {low} and {high}",
        TransferText.MISSING: "{where} is missing",
        TransferText.UNKNOWN_FIELD: "{where} is not a field this bot knows",
        TransferText.INVALID: "{where}: {detail}",
        TransferText.THE_ENTRY: "the entry",
        TransferText.UNKNOWN_ZONE: "unknown time zone {zone}",
        TransferText.NAIVE_TIME: "the time in {where} has no time zone",
        TransferText.FIELD_RATING: "rating",
        TransferText.FIELD_SLEEP_QUALITY: "sleep quality",
        TransferText.FIELD_WEEKLY_DAY: "weekly summary day",
    },
)

FIELD_WORDS = {
    "rating": TransferText.FIELD_RATING,
    "sleep_quality": TransferText.FIELD_SLEEP_QUALITY,
    "weekly_day": TransferText.FIELD_WEEKLY_DAY,
}


def import_confirm(nights_in_file: int, nights_now: int) -> str:
    """Asked once the file checked out, before anything is replaced."""
    in_file, now = count(nights_in_file, "night"), count(nights_now, "night")
    return t(TransferText.CONFIRM, in_file=in_file, now=now)


def import_done(nights: int) -> str:
    """After a successful import."""
    return t(TransferText.DONE, nights=count(nights, "night"))


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1000:g} kB"


def flaw_words(flaw: RecordFlaw) -> str:
    """What is wrong with one record, in words a person can act on (not yet escaped)."""
    if flaw.flaw is Flaw.OUT_OF_RANGE:
        field = t(FIELD_WORDS[flaw.where]) if flaw.where in FIELD_WORDS else flaw.where
        return t(TransferText.OUT_OF_RANGE, field=field, low=flaw.low, high=flaw.high)
    if flaw.flaw is Flaw.MISSING:
        return t(TransferText.MISSING, where=flaw.where)
    if flaw.flaw is Flaw.UNKNOWN_FIELD:
        return t(TransferText.UNKNOWN_FIELD, where=flaw.where)
    if flaw.flaw is Flaw.UNKNOWN_ZONE:
        return t(TransferText.UNKNOWN_ZONE, zone=repr(flaw.detail))
    if flaw.flaw is Flaw.NAIVE_TIME:
        return t(TransferText.NAIVE_TIME, where=flaw.where)
    where = flaw.where or t(TransferText.THE_ENTRY)
    return t(TransferText.INVALID, where=where, detail=flaw.detail)


def reason(rejected: ImportRejected) -> str:
    """Why the file was refused, in one plain sentence (not yet escaped)."""
    flaw = flaw_words(rejected.flaw) if rejected.flaw is not None else ""
    match rejected.rejection:
        case Rejection.TOO_LARGE:
            return t(TransferText.TOO_LARGE, limit=_size(rejected.limit))
        case Rejection.UNKNOWN_FORMAT:
            version = (
                t(TransferText.NO_VERSION)
                if rejected.version is None
                else t(TransferText.VERSION, version=rejected.version)
            )
            return t(TransferText.UNKNOWN_FORMAT, version=version)
        case Rejection.TOO_MANY_NIGHTS:
            return t(TransferText.TOO_MANY_NIGHTS, limit=rejected.limit)
        case Rejection.NIGHT_TWICE:
            return t(TransferText.NIGHT_TWICE, night=rejected.night)
        case Rejection.BAD_SETTINGS:
            return t(TransferText.BAD_SETTINGS, flaw=flaw)
        case Rejection.BAD_NIGHT:
            return t(TransferText.BAD_NIGHT, night=rejected.night, flaw=flaw)
        case Rejection.BAD_NIGHT_NUMBER:
            return t(TransferText.BAD_NIGHT_NUMBER, index=rejected.index, flaw=flaw)
        case Rejection.FILE_TOO_LARGE:
            return t(TransferText.FILE_TOO_LARGE)
        case Rejection.MISSING_PARTS:
            return t(TransferText.MISSING_PARTS)
        case _:
            return t(TransferText.NOT_AN_EXPORT)


def import_rejected(rejected: ImportRejected) -> str:
    """The file was refused: why, and that nothing changed."""
    return t(TransferText.REJECTED, reason=esc(reason(rejected)))
