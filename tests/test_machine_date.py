"""The `--machine-date` switch really moves the machine's clock (so the moved-date runs in
`make test` prove something), and the bot's clock is the only one its code reads."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from bot.clock import system_clock


def test_a_moved_machine_date_is_what_every_wall_clock_read_sees(
    request: pytest.FixtureRequest,
) -> None:
    when = request.config.getoption("--machine-date")
    if when is None:
        pytest.skip("only meaningful under --machine-date (make test runs it so)")
    destination = dt.datetime.fromisoformat(when)
    for seen in (
        dt.datetime.now(dt.UTC),
        dt.datetime.fromtimestamp(time.time(), dt.UTC),
        system_clock(),
    ):
        assert dt.timedelta(0) <= seen - destination < dt.timedelta(minutes=30), seen
