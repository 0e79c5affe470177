"""The one clock: everything that decides a night, a due time or a dated file name asks it.

The composition root (`bot.app`, `bot.__main__`) passes `system_clock` in; tests pass a fake
that only moves when told. Nothing else in `bot/` reads the wall clock. (The JobQueue's
scheduler wakes jobs by the real clock; what a job then does is decided with this one.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The real time, always timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)
