"""How every test starts the real Application: the way production does, scheduler held.

The JobQueue's scheduler wakes jobs by the machine's real clock, while the tests decide every
instant with a FakeClock on fixed 2026 dates. A scheduler running for even a moment would fire
every job whose fixed instant is already past in real time (the suite then passes only on the
day it was written). So the scheduler starts paused, before `start_offline` books the jobs;
jobs stay booked (with `next_t`) and a test fires one the way APScheduler would (`fire`): the
clock moved to its due instant, the one-off job taken off the queue, `await job.run(app)`.

`started` runs an Application over given services and transport; `process` is a whole bot
process on a data folder (services opened, and closed at the end). Which jobs are booked is
read from the JobQueue itself (`booked`, `job_names`), as the bot does.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from telegram.ext import Job
from telegram.request import BaseRequest

from bot import booking
from bot.app import BotApp, build_application, open_services, start_offline
from bot.booking import JobKind
from bot.config import Settings
from bot.context import Services


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


@contextlib.asynccontextmanager
async def started(
    services: Services,
    request: BaseRequest,
    *,
    token: str | None = None,
    rate_limit: bool = False,
    ignore: tuple[type[BaseException], ...] = (),
) -> AsyncIterator[tuple[BotApp, list[BaseException]]]:
    """The real Application over `request`, started held; yields it and the errors its
    handlers and jobs raise (the caller decides which may occur). Stopped at the end."""
    app = build_application(services, request=request, token=token, rate_limit=rate_limit)
    errors = collect_errors(app, ignore)
    await start_held(app)
    try:
        yield app, errors
    finally:
        await app.stop()
        await app.shutdown()


@contextlib.asynccontextmanager
async def process(
    settings: Settings,
    clock: Callable[[], Any],
    request: BaseRequest,
    *,
    seed: int,
    rate_limit: bool = False,
    ignore: tuple[type[BaseException], ...] = (),
    before_start: Callable[[Services], None] | None = None,
) -> AsyncIterator[tuple[BotApp, Services, list[BaseException]]]:
    """A whole bot process on `settings.data_dir`: services opened (then `before_start`, e.g.
    people stored before the restart), the Application started held, used, shut down."""
    services = open_services(settings, clock=clock, seed=seed)
    try:
        if before_start is not None:
            before_start(services)
        async with started(services, request, rate_limit=rate_limit, ignore=ignore) as (
            app,
            errors,
        ):
            yield app, services, errors
    finally:
        services.diary.store.close()


def booked(app: BotApp, kind: JobKind, user_id: int) -> Job[Any] | None:
    """The person's job of this kind, as the JobQueue holds it (None: not booked)."""
    return booking.booked(app.job_queue, kind, user_id)


def job(app: BotApp, kind: JobKind, user_id: int) -> Job[Any]:
    """The person's booked job of this kind (the test fails when there is none)."""
    found = booked(app, kind, user_id)
    assert found is not None, f"no {kind.value} job booked for {user_id}"
    return found


def job_names(app: BotApp) -> set[str]:
    """The names of every booked job."""
    assert app.job_queue is not None
    return {j.name for j in app.job_queue.jobs() if j.name is not None}


async def fire(app: BotApp, clock: Any, job: Job[Any]) -> None:
    """Run a booked job as the scheduler would: at its run time (or now, if that has passed),
    taken off the queue first like a one-off job APScheduler fires."""
    assert job.next_t is not None
    clock.set(max(clock(), job.next_t))
    with contextlib.suppress(LookupError):  # already off the queue (fired before)
        job.job.remove()
    await job.run(app)
