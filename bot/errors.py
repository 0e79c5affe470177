"""Domain exceptions; handlers translate them into friendly messages at the edge."""

from enum import StrEnum


class BotError(Exception):
    """Base class for every error this package raises on purpose."""


class StartupError(BotError):
    """A setting or resource makes start-up impossible; the message is one clear line."""


class ConfigError(StartupError):
    """A configuration variable has a bad value."""


class ContentError(StartupError):
    """The content file is missing or invalid."""


class DataDirBusy(StartupError):
    """Another bot process already holds DATA_DIR."""


class DataKeyError(StartupError):
    """The master key or the keyring is missing, unreadable or not the one the data needs.

    Never a reason to treat people's files as damaged: start-up stops, nothing is touched.
    """


class Problem(StrEnum):
    """What was wrong with the input; each has its own correction in bot/texts."""

    TIMEZONE = "timezone"
    ZONE_ABBREVIATION = "zone_abbreviation"  # CET, UTC: a zone that is no place
    CHECKIN_TIME = "time"
    WAKE_TIME = "wake"
    PAUSE = "pause"
    NEED_TIMEZONE = "need_timezone"
    RATING = "rating"
    SLEEP_QUALITY = "quality"
    SETTING = "setting"
    WEEKDAY = "weekday"
    TRIAL = "trial"  # a trial length or block size out of range


class BadInput(BotError):
    """The person typed something the bot cannot use; `problem` says what, and the message
    made from it says how to fix it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class DamagedRecord(BotError):
    """A stored file could not be read back (truncated, garbage or the wrong shape)."""

    def __init__(
        self, message: str, *, path: str | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.user_id = user_id
