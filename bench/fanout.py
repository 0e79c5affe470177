"""Fanout: N people due at the same minute, against a server that enforces 30 messages/s.

The real Application is built in this process exactly as `python -m bot` builds it
(`open_services` + `build_application`: python-telegram-bot's default `HTTPXRequest` to the
fake server over real HTTP, and the bot's `AIORateLimiter`), with an injected clock. After
start-up has rebuilt everyone's jobs from storage (the scheduler held paused from the first
moment, as in the tests), with the clock set to the shared due instant, all N evening jobs
are run concurrently with
`asyncio.gather(*(job.run(app) ...))`, which is how the JobQueue fires due jobs (one task
each). The server answers more than 30 sendMessage calls in any 1-second window with 429
`retry_after=1`, like Telegram.

Reported: time from the due instant to the last check-in accepted by the server, against the
floor N/30 s; check-ins per chat at the server (lost: 0, duplicates: >1); 429 answers; sends
the bot gave up on and booked for a retry a minute later (the scheduler is paused, so those
count as not delivered in the window, and are listed).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import schedule
from bot.app import build_application, open_services
from bot.booking import Due, JobKind, booked
from bot.config import Settings
from tests.harness import start_held

from bench.data import LAST_NIGHT, Template, build_data_dir, key_file
from bench.harness import CONTENT, TOKEN, TimedServer

ZONE = "Europe/Berlin"
AT = dt.time(22, 0)
RATE = 30


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: collections.Counter[str] = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages[record.getMessage().split(".")[0][:60]] += 1


async def _fire(data_dir: Path, ids: list[int], server: TimedServer, log: Any) -> dict[str, Any]:
    due = schedule.resolve_local(LAST_NIGHT + dt.timedelta(days=1), AT, ZoneInfo(ZONE))
    clock = FakeClock(due - dt.timedelta(minutes=5))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        content_file=CONTENT,
        default_timezone=ZONE,
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]  # validated from str
        telegram_api_base_url=server.base_url,
        log_level="WARNING",
        data_key_file=key_file(data_dir),
    )
    services = open_services(settings, clock=clock, seed=5)
    app = build_application(services)  # the production transport and rate limiter
    counter = _Count()
    logging.getLogger("telegram.ext").addHandler(counter)
    logging.getLogger("bot").addHandler(counter)
    try:
        t_start = time.perf_counter()
        # The scheduler is held from the first moment (as the tests hold it): it wakes jobs by
        # the machine's clock, which would fire (or skip) the fixed 2026 instants by itself.
        await start_held(app)
        restore_s = time.perf_counter() - t_start
        assert app.job_queue is not None
        found = [booked(app.job_queue, JobKind.EVENING, user_id) for user_id in ids]
        jobs = [j for j in found if j is not None]
        assert len(jobs) == len(ids)
        assert all(isinstance(j.data, Due) and j.data.when == due for j in jobs)
        server.server.enforce_rate(RATE, 1.0)
        server.hits.clear()
        clock.now = due

        async def fire(job: Any) -> None:
            with contextlib.suppress(LookupError):  # as APScheduler does: off the queue first
                job.job.remove()
            await job.run(app)

        stalls: list[float] = []

        async def watch_loop() -> None:
            """How long the event loop goes without running anything else (an update that
            arrives meanwhile waits at least that long for its reply)."""
            while True:
                tick = time.perf_counter()
                await asyncio.sleep(0.01)
                stalls.append(time.perf_counter() - tick - 0.01)

        watcher = asyncio.create_task(watch_loop())
        await asyncio.sleep(0.05)
        t0 = time.perf_counter()
        await asyncio.gather(*(fire(job) for job in jobs))
        t_gather = time.perf_counter() - t0
        watcher.cancel()
        await asyncio.sleep(0.5)  # anything still in flight
        retries = sorted(
            str(j.name)
            for j in app.job_queue.jobs()
            if str(j.name).startswith(JobKind.CATCH_UP_EVENING.value)
        )
    finally:
        await app.stop()
        await app.shutdown()
        logging.getLogger("telegram.ext").removeHandler(counter)
        logging.getLogger("bot").removeHandler(counter)
    sends = [h for h in server.hits if h.method == "sendMessage"]
    per_chat = collections.Counter(h.chat_id for h in sends)
    delivered = server.server.call(lambda api: collections.Counter(s.chat_id for s in api.history))
    statuses = collections.Counter(
        (r.method, r.status) for r in server.server.requests() if r.method == "sendMessage"
    )
    arrivals = sorted(h.at - t0 for h in sends)
    last = arrivals[-1] if arrivals else float("nan")
    lost = [i for i in ids if delivered.get(i, 0) == 0]
    duplicates = sum(max(0, delivered.get(i, 0) - 1) for i in ids)
    floor = len(ids) / RATE
    per_second = collections.Counter(int(a) for a in arrivals)
    return {
        "people": len(ids),
        "floor_s": floor,
        "deliver_all_s": last,
        "over_floor": last / floor - 1,
        "gather_s": t_gather,
        "longest_loop_stall_s": max(stalls) if stalls else float("nan"),
        "loop_stalls_over_100ms": sum(1 for s in stalls if s > 0.1),
        "startup_restore_s": restore_s,
        "delivered_chats": sum(1 for i in ids if delivered.get(i, 0) > 0),
        "lost": len(lost),
        "lost_sample": lost[:20],
        "duplicates": duplicates,
        "server_accepted_sendMessage": len(sends),
        "max_accepted_per_chat": max(per_chat.values()) if per_chat else 0,
        "sendMessage_statuses": {f"{m} {s}": n for (m, s), n in sorted(statuses.items())},
        "retries_booked": len(retries),
        "retries_sample": retries[:20],
        "log_messages": dict(counter.messages.most_common(10)),
        "accepted_per_second": [per_second.get(s, 0) for s in range(int(last) + 1)]
        if arrivals
        else [],
    }


def run(template: Template, work: Path, people: int, log: Any = print) -> dict[str, Any]:
    data_dir = work / f"fanout-{people}"
    now = dt.datetime.now(dt.UTC)
    ids = build_data_dir(template, data_dir, people, now=now, same_time=(ZONE, AT))
    server = TimedServer("fanout").start()
    try:
        result = asyncio.run(_fire(data_dir, ids, server, log))
    finally:
        server.stop()
    log(
        f"  fanout {people}: all delivered after {result['deliver_all_s']:.1f} s "
        f"(floor {result['floor_s']:.1f} s), lost {result['lost']}, "
        f"duplicates {result['duplicates']}, 429s {result['sendMessage_statuses']}"
    )
    return result
