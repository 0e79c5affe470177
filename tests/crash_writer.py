"""The victim of the storage crash test: records replies as fast as it can until killed.

    python -m tests.crash_writer DATA_DIR ROUND PEOPLE [--die-in-op N [--at-replace K]]

It opens the real `Store` (taking the DATA_DIR lock), makes sure PEOPLE people are set up,
prints `READY`, then performs operations 0, 1, 2, ... for round ROUND: mostly a note through
`Diary.add_note` (a read-modify-write of a growing nights file), sometimes a profile write.
`ACK <op>` is printed and flushed only after the call returned, the moment the bot would
acknowledge the reply. `--die-in-op N` makes it SIGKILL itself inside the Kth `os.replace`
(default the first) of operation N: after the temp file is written and fsynced, before the
rename. Operations are a pure function of (round, op), so the test can tell what each one wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.checkins import Diary
from bot.content import load_catalog
from bot.storage import Store
from tests.keys import KEY

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "remedies.toml"
FIRST_USER = 9100
PROFILE_EVERY = 4
BASE = dt.datetime(2026, 1, 5, 18, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Op:
    """One acknowledged-or-not reply of the writer."""

    round: int
    index: int
    user_id: int
    kind: Literal["note", "profile"]
    text: str
    at: dt.datetime


def op(round_: int, index: int, people: int) -> Op:
    """What operation `index` of round `round_` writes."""
    kind: Literal["note", "profile"] = "profile" if index % PROFILE_EVERY == 3 else "note"
    # Every round starts on fresh nights; within a round a new night begins every ~12 notes.
    at = BASE + dt.timedelta(days=40 * round_, minutes=100 * index)
    return Op(round_, index, FIRST_USER + index % people, kind, f"r{round_}-op{index}", at)


def set_up(diary: Diary, people: int) -> None:
    """Consent, zone and check-in time for everyone (skipped when already done)."""
    for user_id in range(FIRST_USER, FIRST_USER + people):
        person = diary.person(user_id)
        if person is not None and person.ready:
            continue
        diary.people.consent(user_id, user_id, None, BASE)
        diary.people.set_timezone(user_id, "Europe/Berlin", now=BASE)
        diary.people.set_checkin_time(user_id, "22:00", now=BASE)


def perform(diary: Diary, step: Op) -> None:
    """Record one reply; returns only once it is stored."""
    if step.kind == "note":
        diary.notes.add(step.user_id, step.text, step.at, message_id=step.index)
        return
    person = diary.store.get_person(step.user_id)
    assert person is not None
    diary.store.save_person(person.replace(**{"language": step.text}))


def die_in_replace(n: int) -> None:
    """From now on, SIGKILL this process inside the nth os.replace call (a precise crash)."""
    real_replace = os.replace
    calls = 0

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == n:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    os.replace = replace  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crash_writer")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("round", type=int)
    parser.add_argument("people", type=int)
    parser.add_argument("--die-in-op", type=int, default=-1)
    parser.add_argument("--at-replace", type=int, default=1)
    args = parser.parse_args(argv)

    store = Store(args.data_dir, KEY)
    store.open()
    diary = Diary(store, load_catalog(CONTENT), random.Random(args.round))
    set_up(diary, args.people)
    print("READY", flush=True)
    index = 0
    while True:
        if index == args.die_in_op:
            die_in_replace(args.at_replace)
        perform(diary, op(args.round, index, args.people))
        sys.stdout.write(f"ACK {index}\n")
        sys.stdout.flush()
        index += 1


if __name__ == "__main__":
    sys.exit(main())
