"""Where the time goes: cProfile of the code paths behind the benchmark's rows.

    python -m bench.profile note        # diary.notes.add, a person with a year of nights
    python -m bench.profile rating      # diary.evening.rate (a first rating: remedy chosen)
    python -m bench.profile evening     # a scheduled check-in's storage work (the fanout job)
    python -m bench.profile startup     # imports, profiles, rebuilding 10,000 people's jobs

Uses the benchmark's cached people (bench/.cache; generated on first use). Prints the
functions with the most own time, then the bot's own functions by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import inspect
import io
import pstats
import random
import shutil
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.data import LAST_NIGHT, NOTES, Template, build_data_dir, key_file, uid

HERE = Path(__file__).resolve().parent


def _report(profile: cProfile.Profile, top: int, per_call: float | None, label: str) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"/bot/", top)
    if per_call is not None:
        print(f"{label}: {per_call:.2f} ms per call without the profiler")
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("what", choices=("note", "rating", "evening", "startup"))
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args(argv)

    people = 10_000 if args.what == "startup" else 200
    template = Template(args.cache, max(people, 10))
    template.ensure()
    data_dir = args.cache / "profile" / f"people-{people}"
    now = dt.datetime.now(dt.UTC)
    build_data_dir(template, data_dir, people, now=now)
    profile = cProfile.Profile()
    try:
        if args.what == "startup":
            started = time.perf_counter()
            profile.enable()
            from bot.app import build_application, open_services
            from bot.booking import restore_all
            from bot.config import Settings

            from bench.harness import TOKEN

            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                data_dir=data_dir,
                content_file=HERE.parent / "content" / "remedies.toml",
                telegram_bot_token=TOKEN,  # type: ignore[arg-type]
                data_key_file=key_file(data_dir),
            )
            services = open_services(settings)
            app = build_application(services)
            booked = restore_all(services, app.job_queue, services.clock())
            if inspect.isawaitable(booked):  # restore_all became a coroutine at some point

                async def finish() -> None:
                    await booked

                asyncio.run(finish())
            profile.disable()
            total = (time.perf_counter() - started) * 1000
            services.diary.store.close()
            _report(
                profile, args.top, total, "imports + open_services + restore_all (with profiler)"
            )
            return 0

        from bot.app import open_services
        from bot.models import Night, PromptSource
        from bot.schedule import resolve_local

        from bench.storage_growth import _settings

        services = open_services(_settings(data_dir), seed=1)
        diary = services.diary
        rng = random.Random(1)
        tonight = LAST_NIGHT + dt.timedelta(days=1)

        def one(index: int, profiled: bool) -> float:
            user_id = uid(index % people)
            person = diary.require(user_id)
            assert person.tz is not None
            zone = ZoneInfo(person.tz)
            if args.what == "note":
                at = resolve_local(LAST_NIGHT, dt.time(23), zone)
                t = time.perf_counter()
                if profiled:
                    profile.enable()
                diary.notes.add(user_id, rng.choice(NOTES), at)
            elif args.what == "rating":
                at = resolve_local(LAST_NIGHT, dt.time(23), zone)
                diary.store.save_night(
                    user_id, Night(night=LAST_NIGHT, tz=person.tz, prompted_at=at)
                )
                t = time.perf_counter()
                if profiled:
                    profile.enable()
                diary.evening.rate(user_id, LAST_NIGHT, 6, at)
            else:  # what send_evening does before it sends, on a night not yet stored
                key = tonight + dt.timedelta(days=index // people)
                at = resolve_local(key, person.checkin_time or dt.time(22), zone)
                t = time.perf_counter()
                if profiled:
                    profile.enable()
                diary.person(user_id)
                diary.evening.due(user_id, at, PromptSource.SCHEDULE, at)
            profile.disable()
            return (time.perf_counter() - t) * 1000

        # Timings without the profiler first (for scale), then the profiled runs.
        times = [one(index + args.reps, profiled=False) for index in range(args.reps)]
        for index in range(args.reps):
            one(index, profiled=True)
        services.diary.store.close()
        times.sort()
        _report(profile, args.top, times[len(times) // 2], f"{args.what} (median)")
    finally:
        shutil.rmtree(args.cache / "profile", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
