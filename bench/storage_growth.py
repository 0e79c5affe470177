"""Storage growth: the cost of recording one reply as the number of stored people grows.

The bot's own use cases (`diary.notes.add`, `diary.evening.rate`, built by `open_services`
exactly as the bot builds them) run in this process against DATA_DIRs of 10, 1,000 and 10,000
people, each with a year of nights (real copies, not links: replacing a file whose old blocks
must be freed costs what it costs in production). Each repetition picks a random person in
every size (sizes in shuffled order), so all sizes share the machine's drift; the clock is
fixed on the evening of the template's last night, so the note lands on a night that already
holds a rating, a remedy and notes.

- note: `diary.notes.add` (read profile, read nights, red-flag check, atomic write + fsync).
- rating: `diary.evening.rate(6)` on a night reset (untimed) to "prompted, not rated": a first
  rating, which also chooses the remedy from the person's whole history.

What encryption costs: the same operations, for the same people, on an unencrypted copy of the
1,000-people DATA_DIR (`Store(dir, key=None)`), interleaved in the same loop.

The comparison rows use TinyDB's default layout: one `TinyDB(path)` file (JSONStorage) holding
every person's nights as documents with a `user_id`, and the same note recorded the way a plain
TinyDB program would (`get` by user and night, then `update` by doc id). TinyDB reads the whole
file for every operation and rewrites it on every write, so its cost grows with everyone's data.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import schedule
from bot.app import open_services
from bot.checkins import Diary
from bot.config import Settings
from bot.content import load_catalog
from bot.models import Night, Person
from bot.red_flags import load_red_flags
from bot.storage import Store
from tinydb import Query, TinyDB

from bench.data import LAST_NIGHT, NOTES, Template, key_file, open_store, uid
from bench.harness import CONTENT, summary

EVENING = dt.time(23, 0)
PLAIN = "unencrypted"


def _settings(data_dir: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        content_file=CONTENT,
        default_timezone="Europe/London",
        telegram_bot_token=None,
        data_key_file=key_file(data_dir),
    )


def _evening(person: Person) -> dt.datetime:
    assert person.tz is not None
    return schedule.resolve_local(LAST_NIGHT, EVENING, ZoneInfo(person.tz))


def _unsealed(data_dir: Path, seed: int) -> Diary:
    """The bot's use cases over the same Store without encryption (plain JSON files, the layout
    from before encryption): everything else as `open_services` builds it."""
    store = Store(data_dir, None)
    store.open()
    red_flags = load_red_flags(CONTENT.parent / "red_flags.toml")
    return Diary(store, load_catalog(CONTENT), random.Random(seed), red_flags)


def per_person(
    dirs: dict[int, Path],
    reps: int,
    log: Any = print,
    seed: int = 11,
    unsealed: tuple[int, Path] | None = None,
) -> dict[str, Any]:
    """Median cost of recording a note and a rating per DATA_DIR size; with `unsealed` =
    (size, folder holding the same people unencrypted), the same operations on the same people
    are also timed without encryption, interleaved with the encrypted ones."""
    opened: dict[str, Diary] = {}
    sizes = {str(size): size for size in dirs}
    try:
        for size, data_dir in dirs.items():
            opened[str(size)] = open_services(_settings(data_dir), seed=seed).diary
        if unsealed is not None:
            assert unsealed[0] in dirs
            opened[PLAIN] = _unsealed(unsealed[1], seed)
            sizes[PLAIN] = unsealed[0]
        rng = random.Random(seed)
        times: dict[str, dict[str, list[float]]] = {
            "note": {s: [] for s in sizes},
            "rating": {s: [] for s in sizes},
        }
        labels = list(sizes)
        started = time.perf_counter()
        for _ in range(reps):
            rng.shuffle(labels)
            picks = {
                s: (rng.randrange(n), rng.randrange(n), rng.choice(NOTES))
                for s, n in sizes.items()
            }
            if unsealed is not None:
                # The unencrypted copy records the same note for the same people right next to
                # its encrypted twin (either first), so the machine's drift hits both alike.
                twin = str(unsealed[0])
                picks[PLAIN] = picks[twin]
                labels.remove(PLAIN)
                at = labels.index(twin) + rng.randrange(2)
                labels.insert(at, PLAIN)
            for label in labels:
                diary = opened[label]
                noted, rated, text = picks[label]
                user_id = uid(noted)
                person = diary.require(user_id)
                now = _evening(person)
                t = time.perf_counter()
                diary.notes.add(user_id, text, now)
                times["note"][label].append((time.perf_counter() - t) * 1000)

                user_id = uid(rated)
                person = diary.require(user_id)
                now = _evening(person)
                assert person.tz is not None
                diary.store.save_night(
                    user_id, Night(night=LAST_NIGHT, tz=person.tz, prompted_at=now)
                )
                t = time.perf_counter()
                result = diary.evening.rate(user_id, LAST_NIGHT, 6, now)
                times["rating"][label].append((time.perf_counter() - t) * 1000)
                assert result.night.rating == 6
        took = time.perf_counter() - started
        log(f"  per-person files: {reps} reps x {len(labels)} DATA_DIRs in {took:.0f} s")
    finally:
        for diary in opened.values():
            diary.store.close()
    results: dict[str, Any] = {
        kind: {
            label: {**summary(v), "raw_ms": [round(x, 3) for x in v]}
            for label, v in by_label.items()
            if label != PLAIN
        }
        for kind, by_label in times.items()
    }
    if unsealed is not None:
        twin = str(unsealed[0])
        results["unencrypted"] = {
            "people": unsealed[0],
            **{
                kind: {
                    **summary(v[PLAIN]),
                    "raw_ms": [round(x, 3) for x in v[PLAIN]],
                    # Each repetition's encrypted time over its unencrypted twin's, median.
                    "paired_ratio_p50": summary(
                        [a / b for a, b in zip(v[twin], v[PLAIN], strict=True)]
                    )["p50"],
                }
                for kind, v in times.items()
            },
        }
    return results


def build_single_file(template: Template, people: int, path: Path) -> tuple[float, int, int]:
    """All of `people` persons' nights in one default-TinyDB file. Returns (s, docs, bytes)."""
    started = time.perf_counter()
    table: dict[str, dict[str, Any]] = {}
    next_id = 1
    store = open_store(template.dir, read_only=True)
    for index in range(people):
        for night in store.nights(uid(index)):
            table[str(next_id)] = {"user_id": uid(index), **night.model_dump(mode="json")}
            next_id += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        json.dump({"nights": table}, handle)
    del table
    gc.collect()
    return time.perf_counter() - started, next_id - 1, path.stat().st_size


def single_file(
    template: Template, work: Path, sizes: dict[int, int], log: Any = print, seed: int = 13
) -> dict[str, Any]:
    """`sizes`: people -> repetitions."""
    results: dict[str, Any] = {}
    rng = random.Random(seed)
    for people, reps in sizes.items():
        path = work / f"single-file-{people}.json"
        built, docs, size_bytes = build_single_file(template, people, path)
        db = TinyDB(str(path))  # the default: JSONStorage, whole file read and written per op
        table = db.table("nights")
        night = Query()
        key = LAST_NIGHT.isoformat()
        times = []
        for _ in range(reps):
            user_id = uid(rng.randrange(people))
            note = {"at": "2026-11-25T22:30:00Z", "text": rng.choice(NOTES), "message_id": 1}
            t = time.perf_counter()
            doc = table.get((night.user_id == user_id) & (night.night == key))
            assert doc is not None
            table.update({"notes": [*doc.get("notes", []), note]}, doc_ids=[doc.doc_id])
            times.append((time.perf_counter() - t) * 1000)
        db.close()
        path.unlink()
        gc.collect()
        log(
            f"  single TinyDB file, {people} people ({size_bytes / 1e6:.0f} MB): "
            f"median {summary(times)['p50']:.0f} ms over {reps} reps"
        )
        results[str(people)] = {
            **summary(times),
            "raw_ms": [round(x, 3) for x in times],
            "documents": docs,
            "file_bytes": size_bytes,
            "build_s": built,
        }
    return results
