"""The cost of a reply against the length of the diary: 1 month vs 3 years of nights.

    python -m bench.reply_cost          # just these rows (about half a minute)

One person with 31 nights, one with 1,096 (three years), each in its own DATA_DIR, through the
bot's own use cases (`open_services`, as the bot builds them). Both diaries are made alike: a
rating, an idea tried and a morning answer on most nights, a note on some. The clock is fixed
on the morning after the last night, so both replies land on that night:

- helped: `diary.morning.record_helped` on the last night, alternating "a bit" and "clearly"
  (each answer changes the track record, so the profile is written too);
- note: `diary.notes.add`.

The two diaries are measured side by side (alternating, the order shuffled per repetition),
so both share the machine's drift. For comparison, the row "full recount" times what a
"helped" answer used to add: reading every month file of the person to recount the track
record (`recommend.track_record(store.nights(uid))`). Target: the three-year reply costs at
most 1.5x the one-month reply.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot import recommend
from bot.app import open_services
from bot.config import Settings
from bot.context import Services
from bot.crypto import write_key_file
from bot.models import Helped, Night, Note, Person, SuggestionRecord

from bench.data import key_file
from bench.harness import CONTENT, summary

RATIO = 1.5
HISTORIES = {"1 month": 31, "3 years": 1096}
UID = 7
LAST_NIGHT = dt.date(2026, 11, 25)
MORNING = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)  # UTC person: 09:00 next morning


def _settings(data_dir: Path) -> Settings:
    """A fresh DATA_DIR's settings, with a new master key beside it (DATA_KEY_FILE)."""
    if not key_file(data_dir).exists():
        write_key_file(key_file(data_dir))
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        content_file=CONTENT,
        default_timezone="UTC",
        telegram_bot_token=None,
        data_key_file=key_file(data_dir),
    )


def _diary(services: Services, nights: int, rng: random.Random) -> None:
    """A person set up in UTC with `nights` nights ending on LAST_NIGHT."""
    ids = [r.id for r in services.diary.catalog.remedies if r.kind.value == "tonight"][:4]
    history = []
    for back in range(nights - 1, -1, -1):
        key = LAST_NIGHT - dt.timedelta(days=back)
        at = dt.datetime.combine(key, dt.time(22), tzinfo=dt.UTC)
        remedy = rng.choice(ids)
        answered = back > 0 and rng.random() < 0.7
        history.append(
            Night(
                night=key,
                tz="UTC",
                prompted_at=at,
                rating=rng.randint(1, 8),
                rated_at=at,
                suggestions=(
                    SuggestionRecord(remedy_id=remedy, content_version=1, at=at, reason="r"),
                ),
                notes=(Note(at=at, text="restless again"),) if rng.random() < 0.4 else (),
                morning_sent_at=at + dt.timedelta(hours=10),
                morning_remedy=remedy,
                sleep_quality=rng.randint(1, 5) if answered else None,
                tried=True if answered else None,
                helped=rng.choice(list(Helped)) if answered else None,
            )
        )
    created = dt.datetime.combine(history[0].night, dt.time(12), tzinfo=dt.UTC)
    person = Person(
        user_id=UID,
        chat_id=UID,
        created_at=created,
        consented_at=created,
        tz="UTC",
        checkin_time=dt.time(22),
        track=recommend.track_record(history),
    )
    services.diary.store.save_person(person)
    services.diary.store.replace_nights(UID, history)


def run(reps: int = 200, log: Callable[[str], object] = print) -> dict[str, Any]:
    """Time a "helped" answer and a note for each diary length, side by side."""
    rng = random.Random(16)
    work = Path(tempfile.mkdtemp(prefix="reply-cost-"))
    opened: dict[str, Services] = {}
    try:
        for name, nights in HISTORIES.items():
            services = open_services(_settings(work / name.replace(" ", "-")), seed=3)
            _diary(services, nights, rng)
            opened[name] = services
        times: dict[str, dict[str, list[float]]] = {
            case: {name: [] for name in HISTORIES} for case in ("helped", "note", "recount")
        }
        answers = (Helped.A_BIT, Helped.CLEARLY)
        warmup = max(3, reps // 10)
        for rep in range(warmup + reps):
            order = list(opened.items())
            rng.shuffle(order)
            for name, services in order:
                diary = services.diary
                gc.collect()
                t0 = time.perf_counter()
                diary.morning.record_helped(UID, LAST_NIGHT, answers[rep % 2], MORNING)
                t1 = time.perf_counter()
                diary.notes.add(UID, "legs calmer after the bath", MORNING)
                t2 = time.perf_counter()
                recommend.track_record(diary.store.nights(UID))
                t3 = time.perf_counter()
                if rep >= warmup:
                    times["helped"][name].append((t1 - t0) * 1000)
                    times["note"][name].append((t2 - t1) * 1000)
                    times["recount"][name].append((t3 - t2) * 1000)
        log(f"  reply cost: {reps} reps x {len(HISTORIES)} diaries")
        return {
            "reps": reps,
            "nights": dict(HISTORIES),
            "cases": {
                case: {name: summary(values) for name, values in by_name.items()}
                for case, by_name in times.items()
            },
            "samples": times,
        }
    finally:
        for services in opened.values():
            services.diary.store.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    result = run(reps=int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    for case, by_name in result["cases"].items():
        short, long = by_name["1 month"]["p50"], by_name["3 years"]["p50"]
        print(f"{case}: 1 month {short:.2f} ms, 3 years {long:.2f} ms = {long / short:.2f}x")
