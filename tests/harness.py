"""How tests start the real Application: the way production does, but with the scheduler held.

The JobQueue's scheduler wakes jobs by the machine's real clock, while the tests decide every
instant with a FakeClock on fixed 2026 dates. A scheduler running for even a moment would fire
every job whose fixed instant is already past in real time (the suite then passes only on the
day it was written). So the scheduler starts paused, before `start_offline` books the jobs;
jobs stay booked (with `next_t`) and a test fires one the way APScheduler would: the clock
moved to its due instant, the one-off job taken off the queue, `await job.run(app)`.
"""

from __future__ import annotations

from typing import Any

from bot.app import BotApp, start_offline


async def start_held(app: BotApp) -> None:
    """Initialise and start `app` (post_init, every job rebuilt) with the scheduler paused."""
    await app.initialize()
    assert app.job_queue is not None
    app.job_queue.scheduler.start(paused=True)
    await start_offline(app)


def collect_errors(
    app: BotApp, ignore: tuple[type[BaseException], ...] = ()
) -> list[BaseException]:
    """The errors handlers and jobs raise from now on (except those of the `ignore` types)."""
    errors: list[BaseException] = []

    async def collect(update: object, context: Any) -> None:
        if context.error is not None and not isinstance(context.error, ignore):
            errors.append(context.error)

    app.add_error_handler(collect)
    return errors
