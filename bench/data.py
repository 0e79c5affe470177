"""Realistic people for the benchmarks: profiles and a year of nights each.

People are generated once into a template under `bench/.cache/` (a complete, encrypted
DATA_DIR, about 150 kB of nights per person, with its key `<dir>.key` and keyring
`<dir>.keyring` beside it) and reused by every run; the template is rebuilt whenever the bot's
storage code or records change (a hash of `bot/storage/`, `bot/crypto/`, the record modules
and `bot/recommend.py` names it). Everything is written through the bot's own `Store`
(`save_person`, `replace_nights`, the call `/import` uses), so the files have exactly the
production layout and format, whatever it is; only fsync is skipped while generating. There
are 500 distinct histories; person i gets a copy of history i % 500 (files of their own, the
same content, sealed under their own key), which makes generating 10,000 people take a minute
or two instead of many.

A run's DATA_DIR gets real copies of the first N people's files (not hard links: replacing a
file whose old blocks must be freed is part of a write's cost), a keyring with those N people
and fresh check-in and wake-up times, because which times are quiet during the run depends on
the wall-clock time of the run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from bot import recommend, schedule
from bot.crypto import Keyring, MasterKey, default_keyring, load_master_key, write_key_file
from bot.models import Night, Person, PromptSource
from bot.storage import STORE_ID, Store

ROOT = Path(__file__).resolve().parent.parent

# Bump when the generator changes: a template of another version is regenerated.
GEN_VERSION = 4
NIGHTS_PER_PERSON = 365
HISTORIES = 500  # distinct years of nights; person i has a copy of history i % HISTORIES
FIRST_UID = 700_000_001
# The template's last night; fixed so the template stays valid across days and machines.
LAST_NIGHT = dt.date(2026, 11, 25)

ZONES = (
    # (zone, weight): roughly where an English-language bot's users live.
    ("Europe/London", 14), ("America/New_York", 12), ("America/Chicago", 6),
    ("America/Los_Angeles", 7), ("America/Denver", 2), ("America/Toronto", 4),
    ("America/Vancouver", 2), ("Europe/Berlin", 8), ("Europe/Paris", 4),
    ("Europe/Amsterdam", 3), ("Europe/Madrid", 2), ("Europe/Dublin", 3),
    ("Europe/Stockholm", 2), ("Europe/Zurich", 1), ("Europe/Vienna", 1),
    ("Australia/Sydney", 5), ("Australia/Melbourne", 3), ("Australia/Perth", 1),
    ("Pacific/Auckland", 2), ("Asia/Kolkata", 3), ("Asia/Singapore", 1),
    ("Africa/Johannesburg", 1), ("America/Sao_Paulo", 1), ("Asia/Tokyo", 1),
)  # fmt: skip
EVENING = tuple(dt.time(h, m) for h in (20, 21, 22, 23) for m in (0, 30))
WAKE = tuple(dt.time(h, m) for h in (6, 7, 8, 9) for m in (0, 30))
TONIGHT = (
    "walking", "stretching", "massage", "warm_bath", "hot_cold_packs", "mental_activity",
    "yoga", "meditation", "music", "hobbies", "trigger_points",
)  # fmt: skip
HABITS = ("exercise", "avoid_alcohol", "avoid_caffeine", "sleep_schedule")
NOTES = (
    "Legs started buzzing around nine, worse after the long drive home.",
    "Calves fizzing again. Walked around the flat for ten minutes, that helped a bit.",
    "Quiet evening, barely noticed anything until I lay down.",
    "Woke at 3am with the urge to move, took a while to settle.",
    "Had two coffees this afternoon, maybe that's why.",
    "Stretching before bed again; I think it takes the edge off.",
    "Long flight tomorrow, worried about sitting still for eight hours.",
    "Bad one. Up and down the stairs until almost one.",
    "Warm bath then reading; fell asleep before midnight for once.",
    "Left leg only tonight, a deep crawling feeling behind the knee.",
)
REASONS = ("advised in guidelines", "helped in trials", "something new to try",
           "helped you 3 of 5 times", "helped you 1 of 2 times")  # fmt: skip


def uid(index: int) -> int:
    """The user (and chat) id of the index-th generated person."""
    return FIRST_UID + index


def key_file(data_dir: Path) -> Path:
    """The master key of a benchmark DATA_DIR: a 0600 file beside it (DATA_KEY_FILE)."""
    return data_dir.with_name(data_dir.name + ".key")


def master_key(data_dir: Path) -> MasterKey:
    return load_master_key(key_file(data_dir), None, data_dir)


def open_store(data_dir: Path, *, read_only: bool = False) -> Store:
    """The bot's Store on a benchmark DATA_DIR with its key and keyring, not opened (no lock:
    nothing else writes there while the benchmark does)."""
    return Store(data_dir, master_key(data_dir), read_only=read_only)


@contextlib.contextmanager
def no_fsync() -> Iterator[None]:
    """Generation only: skip fsync (the files are rebuilt if anything goes wrong)."""
    with mock.patch("os.fsync", lambda fd: None):
        yield


def _iso(instant: dt.datetime) -> str:
    """UTC as pydantic writes it: `2026-11-25T22:00:00Z`."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def night_docs(
    rng: random.Random, tz: str, last: dt.date = LAST_NIGHT
) -> dict[str, dict[str, Any]]:
    """One person's year of nights as TinyDB documents (doc_id = the night's ordinal).

    Realistic shape: most nights rated (symptoms on about two nights in three), an idea shown
    on most symptomatic nights (sometimes a second one after "Another idea"), a note on about
    four nights in ten, the morning follow-up answered on most rated nights.
    """
    severity = rng.uniform(2.0, 6.0)  # this person's typical rating
    docs: dict[str, dict[str, Any]] = {}
    start = last - dt.timedelta(days=NIGHTS_PER_PERSON - 1)
    for offset in range(NIGHTS_PER_PERSON):
        day = start + dt.timedelta(days=offset)
        evening = dt.datetime.combine(day, dt.time(21, rng.randint(0, 59)))  # naive UTC
        doc: dict[str, Any] = {"night": day.isoformat(), "tz": tz}
        if rng.random() < 0.08:  # no check-in sent (paused, bot down)
            docs[str(day.toordinal())] = doc
            continue
        doc["prompted_at"] = _iso(evening)
        doc["prompt_source"] = PromptSource.SCHEDULE.value
        if rng.random() < 0.07:
            doc["skipped"] = True
        else:
            rating = max(0, min(10, round(rng.gauss(severity, 2.2))))
            doc["rating"] = rating
            doc["rated_at"] = _iso(evening + dt.timedelta(minutes=rng.randint(1, 90)))
            if rating >= 1:
                pool = HABITS if offset % 3 == 0 else TONIGHT
                shown = rng.sample(pool, 2 if rng.random() < 0.15 else 1)
                suggestions = []
                for i, remedy in enumerate(shown):
                    last_one = i == len(shown) - 1
                    response = rng.choice(("try", "try", "try", None)) if last_one else "another"
                    suggestions.append(
                        {
                            "remedy_id": remedy,
                            "content_version": 2,
                            "at": _iso(evening + dt.timedelta(minutes=2 + i)),
                            "reason": rng.choice(REASONS),
                            "response": response,
                        }
                    )
                doc["suggestions"] = suggestions
                if rng.random() < 0.85:
                    doc["morning_sent_at"] = _iso(evening + dt.timedelta(hours=10))
                    doc["sleep_quality"] = rng.randint(1, 5)
                    doc["morning_remedy"] = shown[-1]
                    tried = suggestions[-1]["response"] == "try" and rng.random() < 0.8
                    doc["tried"] = tried
                    if tried:
                        doc["helped"] = rng.choice(("no", "a_bit", "a_bit", "clearly"))
        if rng.random() < 0.4:
            count = 2 if rng.random() < 0.2 else 1
            doc["notes"] = [
                {
                    "at": _iso(evening + dt.timedelta(minutes=30 * (n + 1))),
                    "text": rng.choice(NOTES),
                    "message_id": offset * 10 + n + 1,
                }
                for n in range(count)
            ]
        docs[str(day.toordinal())] = doc
    return docs


def person_zone(index: int) -> str:
    """The index-th person's zone (deterministic, weighted)."""
    rng = random.Random(f"zone-{index}")
    zones, weights = zip(*ZONES, strict=True)
    return str(rng.choices(zones, weights)[0])


def _profile(index: int) -> Person:
    """The index-th person's profile in the template (times are set per run)."""
    rng = random.Random(f"person-{index}")
    created = dt.datetime.combine(
        LAST_NIGHT - dt.timedelta(days=NIGHTS_PER_PERSON + 3), dt.time(19), dt.UTC
    )
    return Person(
        user_id=uid(index),
        chat_id=uid(index),
        created_at=created,
        consented_at=created,
        tz=person_zone(index),
        checkin_time=dt.time(22, 0),
        wake_time=dt.time(8, 0),
        language=rng.choice(("en", "en", "en", "de", "fr", None)),
        not_for_me=frozenset(rng.sample(TONIGHT, rng.choice((0, 0, 1, 2)))),
    )


def _generate_chunk(job: tuple[Path, int, int]) -> tuple[int, int]:
    """Worker: write people `first..end-1` through the bot's own Store (any file layout).

    The first HISTORIES people get a history of their own; everyone after that gets a copy of
    person `index % HISTORIES`'s files (whatever files the store keeps) and a profile of their
    own, which is 20 times faster to make and just as costly for the bot to read and write.
    """
    folder, first, end = job
    store = open_store(folder)  # every key is in the keyring already; the workers add none
    with no_fsync():
        for index in range(first, end):
            person = _profile(index)
            if index < HISTORIES:
                docs = night_docs(random.Random(index), person_zone(index))
                nights = [Night.model_validate(doc) for doc in docs.values()]
                if "track" in Person.model_fields and hasattr(recommend, "track_record"):
                    # The bot keeps each person's track record on the profile.
                    track = recommend.track_record(nights)
                    person = person.replace(**{"track": track})
                store.save_person(person)
                store.replace_nights(person.user_id, nights)
                continue
            source = uid(index % HISTORIES)
            for name in store.file_names(source):
                document = store.document(source, name)
                assert document is not None
                store.put_document(person.user_id, name, document)
            original = store.get_person(source)
            assert original is not None
            if "track" in Person.model_fields:
                person = person.replace(**{"track": original.track})
            store.save_person(person)
    store.close()  # waits for the background unlinks of replaced files
    return first, end


def _code_version() -> str:
    """Changes whenever the storage code or the records change: the cache is then rebuilt."""
    digest = hashlib.sha256()
    sources = [ROOT / "bot" / name for name in CODE_FILES]
    for folder in CODE_FOLDERS:
        sources += sorted((ROOT / "bot" / folder).glob("*.py"))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# What the generated files depend on: storage and crypto (packages) and the records.
CODE_FILES = ("models.py", "record.py", "trial_plan.py", "recommend.py")
CODE_FOLDERS = ("storage", "crypto")


class Template:
    """Up to `people` generated persons with a year of nights each: a complete DATA_DIR
    written by the bot's own Store, cached until the storage code changes."""

    def __init__(self, root: Path, people: int) -> None:
        self.root = root
        self.people = people
        self.dir = root / f"people-v{GEN_VERSION}-{_code_version()}"
        self.done = self.dir / "complete.json"

    @property
    def keyring(self) -> Path:
        return default_keyring(self.dir)

    def ready(self) -> bool:
        if not self.done.exists():
            return False
        info = json.loads(self.done.read_text())
        return int(info.get("people", 0)) >= self.people

    def ensure(self, log: Callable[[str], object] = print) -> float:
        """Generate what is missing; returns seconds spent (0 when cached)."""
        if self.ready():
            return 0.0
        started = time.perf_counter()
        have = 0
        if self.done.exists():
            have = int(json.loads(self.done.read_text()).get("people", 0))
        elif self.dir.exists():
            shutil.rmtree(self.dir)
        for stale in self.root.glob("people-v*"):  # templates of older storage code
            if stale.is_dir() and stale != self.dir:
                shutil.rmtree(stale)
            elif stale.is_file() and stale not in (key_file(self.dir), self.keyring):
                stale.unlink()
        for stale in self.root.glob("nights-v*"):
            shutil.rmtree(stale)
        log(f"generating people {have}..{self.people - 1} with a year of nights in {self.dir}")
        if have == 0:
            self.root.mkdir(parents=True, exist_ok=True)
            key_file(self.dir).unlink(missing_ok=True)
            self.keyring.unlink(missing_ok=True)
            write_key_file(key_file(self.dir))
        # The keys first, by one writer (the keyring is one file); the workers only use them.
        keys = Store(self.dir, master_key(self.dir))
        keys.open()
        keys.add_people(uid(index) for index in range(have, self.people))
        keys.close()
        # Own histories first, then the people who copy one (they need theirs to exist).
        unique = min(self.people, HISTORIES)
        passes = [(have, unique, 50), (max(have, unique), self.people, 500)]
        workers = os.cpu_count() or 1
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for first, end, step in passes:
                chunks = [(self.dir, i, min(i + step, end)) for i in range(first, end, step)]
                for _ in pool.imap_unordered(_generate_chunk, chunks):
                    pass
                if end > first:
                    log(f"  {end} people ({time.perf_counter() - started:.0f} s)")
        self._check_sample()
        self.done.write_text(json.dumps({"people": self.people, "nights": NIGHTS_PER_PERSON}))
        return time.perf_counter() - started

    def _check_sample(self) -> None:
        """Read a few people back through the bot's own Store: everything must validate."""
        store = open_store(self.dir, read_only=True)
        for index in (0, self.people // 2, self.people - 1):
            assert store.get_person(uid(index)) is not None, index
            nights = store.nights(uid(index))
            assert len(nights) == NIGHTS_PER_PERSON, (index, len(nights))


# -- one run's DATA_DIR ----------------------------------------------------------------------


@functools.cache
def quiet_times(
    zone: str, now: dt.datetime, ahead: dt.timedelta, behind: dt.timedelta
) -> tuple[tuple[dt.time, ...], tuple[dt.time, ...]]:
    """The realistic evening and wake times in `zone` that neither come due within `ahead` of
    `now` nor lie within `behind` before it (so no check-in, morning question or start-up
    catch-up fires while the benchmark runs)."""

    def quiet(at: dt.time) -> bool:
        upcoming = schedule.next_occurrence(at, zone, now)
        previous = schedule.previous_occurrence(at, zone, now)
        return upcoming - now > ahead and now - previous > behind

    evenings = tuple(t for t in EVENING if quiet(t))
    wakes = tuple(t for t in WAKE if quiet(t))
    if not evenings or not wakes:
        raise RuntimeError(f"no quiet schedule for {zone} at {now}")
    return evenings, wakes


def build_data_dir(
    template: Template,
    target: Path,
    people: int,
    *,
    now: dt.datetime,
    quiet_for: dt.timedelta = dt.timedelta(minutes=45),
    same_time: tuple[str, dt.time] | None = None,
) -> list[int]:
    """A DATA_DIR with the template's first `people` people (real copies of their files),
    with check-in and wake-up times set for this run. Returns their user ids.

    By default every person's times are realistic but quiet during the run (see
    `quiet_times`); `same_time=(zone, time)` instead makes everyone due at the same instant
    (the fanout). Everyone's last "consider seeing a doctor" message is a few days old (it
    comes at most once a fortnight), so a rating measured here is answered with the remedy card
    alone and costs the same for every person.
    """
    assert people <= template.people
    if target.exists():
        shutil.rmtree(target)
    users = target / "users"
    users.mkdir(parents=True, mode=0o700)
    ids = [uid(index) for index in range(people)]
    key = master_key(template.dir)
    ring = Keyring.load(template.keyring, key)
    folders = [template.dir / "users" / ring.folder_for(user_id) for user_id in ids]
    for first in range(0, people, 1000):  # real copies: a write must free the old blocks
        sources = [str(folder) for folder in folders[first : first + 1000]]
        subprocess.run(["cp", "-a", *sources, str(users)], check=True)
    # The same key, the template's store id, a keyring with these people only.
    key_file(target).unlink(missing_ok=True)
    shutil.copy2(key_file(template.dir), key_file(target))
    shutil.copy2(template.dir / STORE_ID, target / STORE_ID)
    ring.subset(ids, default_keyring(target)).save()
    store = open_store(target)
    with no_fsync():
        for index, user_id in enumerate(ids):
            person = store.get_person(user_id)
            assert person is not None
            rng = random.Random(f"times-{index}")
            if same_time is not None:
                zone, checkin = same_time
                wake = dt.time(8, 0)
            else:
                zone = person_zone(index)
                evenings, wakes = quiet_times(
                    zone, now, quiet_for, schedule.CATCH_UP_WINDOW + quiet_for
                )
                checkin, wake = rng.choice(evenings), rng.choice(wakes)
            update = {
                "tz": zone,
                "checkin_time": checkin,
                "wake_time": wake,
                "doctor_prompt_at": now - dt.timedelta(days=rng.randint(1, 6)),
            }
            store.save_person(person.replace(**update))
    store.close()  # the replaced profiles are unlinked before the bot is measured
    return ids


def build_unencrypted_copy(source: Path, target: Path, people: int) -> Path:
    """The first `people` people of the run DATA_DIR `source`, with the same records written
    by the same Store without encryption (`Store(..., key=None)`: plain JSON in
    `users/<user_id>/`): the figure that encryption's cost is measured against."""
    if target.exists():
        shutil.rmtree(target)
    sealed = open_store(source, read_only=True)
    (target / "users").mkdir(parents=True, mode=0o700)
    plain = Store(target, None)
    with no_fsync():
        for index in range(people):
            user_id = uid(index)
            for name in sealed.file_names(user_id):
                document = sealed.document(user_id, name)
                assert document is not None
                plain.put_document(user_id, name, document)
    plain.close()
    return target
