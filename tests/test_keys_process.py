"""The key at the process level: `python -m bot` with a wrong or missing key stops in one line
with exit 2 and touches nothing; `rekey` and the first start on a plain DATA_DIR survive kill -9
at random moments (every person stays readable; running again completes the job).

KEY_KILL_ROUNDS (default 12) sets the number of random kills per test; KEY_KILL_SEED replays.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.crypto import Keyring, MasterKey, default_keyring, new_key_text, parse_key
from bot.models import Night, Note, Person
from bot.storage import Store
from tests.conftest import KEY, ROOT
from tests.fake_bot_api_server import FakeBotApiServer
from tests.plain_layout import plain_files, write_plain
from tests.test_process import TOKEN, bot_env, key_file, one_line, run_once

# Subprocesses and kill -9 rounds: run by `make test`, skipped by `make test-fast`.
pytestmark = pytest.mark.slow

ROUNDS = int(os.environ.get("KEY_KILL_ROUNDS", "12"))
NOW = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)
FIRST = 9_300_001
PLAIN_PEOPLE = 400  # 2,000 files: a first start long enough to be cut several times


def person(user_id: int) -> Person:
    return Person(user_id=user_id, chat_id=user_id, created_at=NOW, tz="Europe/Berlin")


def night(user_id: int, day: int = 25) -> Night:
    text = f"process-marker note of {user_id}"
    return Night(
        night=dt.date(2026, 11, day), tz="Europe/Berlin", rating=user_id % 11,
        notes=(Note(at=NOW, text=text),),
    )  # fmt: skip


def seed() -> int:
    return int(os.environ.get("KEY_KILL_SEED", str(random.randrange(2**32))))


def snapshot(*roots: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under the roots: bytes, mode and modification time."""
    found = {}
    for root in roots:
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file():
                info = path.stat()
                found[str(path)] = (path.read_bytes(), info.st_mode, info.st_mtime_ns)
    return found


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(token=TOKEN) as fake:
        yield fake


def stored_people(data_dir: Path, count: int) -> list[int]:
    """`count` people with a profile and a night each, written with the tests' key."""
    store = Store(data_dir, KEY)
    store.open()
    ids = list(range(FIRST, FIRST + count))
    store.add_people(ids)
    for user_id in ids:
        store.save_person(person(user_id))
        store.save_night(user_id, night(user_id))
    store.close()
    return ids


# -- a wrong or missing key -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "mode", "problem"),
    [
        ("other", 0o600, r"^error: wrong data key: DATA_KEY_FILE holds the key with fingerprint"),
        ("none", 0o600, r"^error: DATA_KEY_FILE: not set\."),
        ("right", 0o644, r"^error: DATA_KEY_FILE: .* open to other accounts .*chmod 600"),
    ],
)
def test_a_wrong_or_missing_key_stops_the_bot_in_one_line_and_touches_nothing(
    tmp_path: Path, server: FakeBotApiServer, key: str, mode: int, problem: str
) -> None:
    data_dir = tmp_path / "data"
    stored_people(data_dir, 3)
    # A file that is really damaged: with the right key it would be set aside with an apology.
    profile = data_dir / "users" / Keyring.load(default_keyring(data_dir), KEY).folder_for(FIRST)
    damaged = bytearray((profile / "profile.json").read_bytes())
    damaged[40] ^= 0x01
    (profile / "profile.json").write_bytes(bytes(damaged))
    overrides = {"DATA_KEY_FILE": ""} if key == "none" else {}
    if key == "other":
        overrides = {"DATA_KEY_FILE": str(key_file(tmp_path, new_key_text(), "other.key"))}
    env = bot_env(tmp_path, server.base_url, **overrides)
    if env["DATA_KEY_FILE"]:
        Path(env["DATA_KEY_FILE"]).chmod(mode)
    before = snapshot(data_dir, default_keyring(data_dir))
    result = run_once(tmp_path, env)
    assert result.returncode == 2, result.stderr
    line = one_line(result.stderr)
    assert re.match(problem, line), line
    assert server.calls() == []  # never reached Telegram: nobody got an apology
    assert snapshot(data_dir, default_keyring(data_dir)) == before  # nothing moved or rewritten


# -- rekey, killed ------------------------------------------------------------------------------


def victim(tmp_path: Path, env: dict[str, str], *argv: str) -> subprocess.Popen[bytes]:
    out = tmp_path / "victim.out"
    with out.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.kill_victim", *argv],
            cwd=tmp_path / "cwd",
            env={**env, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def run_or_kill(proc: subprocess.Popen[bytes], after: float | None) -> bool:
    """Kill the process `after` seconds from now (None: let it finish); True if it finished
    its work (exit code 0) before that."""
    try:
        proc.wait(after if after is not None else 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return proc.returncode == 0


def readable_with(data_dir: Path, key: MasterKey, ids: list[int]) -> None:
    """Every person reads back in full with `key` (a reader: no lock, nothing written)."""
    store = Store(data_dir, key, read_only=True)
    store.open()
    assert store.user_ids() == ids
    for user_id in ids:
        assert store.get_person(user_id) == person(user_id)
        assert store.nights(user_id) == [night(user_id)]


def test_rekey_killed_at_random_moments_leaves_everyone_readable_and_a_rerun_completes(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    rng = random.Random(replay := seed())
    data_dir = tmp_path / "data"
    ids = stored_people(data_dir, 400)
    keys = {"a": KEY, "b": parse_key(key_file(tmp_path, new_key_text(), "b.key").read_text(), "b")}
    files = {"a": key_file(tmp_path), "b": tmp_path / "b.key"}
    keyring = default_keyring(data_dir)
    (tmp_path / "cwd").mkdir(exist_ok=True)

    def rekey(current: str, kill_after: float | None, *extra: str) -> tuple[bool, str]:
        """One `rekey` run from `current` to the other key; returns (finished, which key the
        keyring is under afterwards), after checking that everyone reads with that key."""
        target = "b" if current == "a" else "a"
        env = bot_env(tmp_path, server.base_url, DATA_KEY_FILE=str(files[current]))
        proc = victim(tmp_path, env, *extra, "bot", "rekey", "--new-key-file", str(files[target]))
        finished = run_or_kill(proc, kill_after)
        under = next(
            k for k, key in keys.items() if key.fingerprint == Keyring.fingerprint_of(keyring)
        )
        readable_with(data_dir, keys[under], ids)
        return finished, under

    started = time.monotonic()
    finished, current = rekey("a", None)
    full = time.monotonic() - started
    assert finished and current == "b", (tmp_path / "victim.out").read_text()
    # Killed inside the rename of the new keyring: the old one stays, whole.
    finished, under = rekey(current, None, "--die-at-replace", "1")
    assert not finished and under == current
    outcomes = []
    for round_ in range(ROUNDS):
        try:
            finished, under = rekey(current, rng.uniform(0.4, 1.1) * full)
        except AssertionError as exc:
            raise AssertionError(f"round {round_} (KEY_KILL_SEED={replay}): {exc}") from exc
        outcomes.append((finished, under != current))
        current = under
    finished, under = rekey(current, None)
    assert finished and under != current
    assert not list(keyring.parent.glob(f".{keyring.name}.tmp-*")), "temp keyrings left behind"
    print(f"rekey: {ROUNDS} random kills (changed the key: {sum(c for _, c in outcomes)})")


# -- the first start on a plain DATA_DIR, killed -----------------------------------------------


def plain_data_dir(data_dir: Path, count: int) -> dict[int, dict[str, bytes]]:
    written = {}
    for user_id in range(FIRST, FIRST + count):
        nights = [night(user_id, day) for day in (3, 14, 25)]
        nights += [night(user_id, 30).replace(night=dt.date(2026, 9, 30))]
        written[user_id] = plain_files(person(user_id), nights, one_file=user_id % 7 == 0)
        write_plain(data_dir, user_id, written[user_id])
    return written


def each_file_in_one_layout(data_dir: Path, written: dict[int, dict[str, bytes]]) -> None:
    """Every file of every person is there, whole: plain as it was, or sealed under the key the
    keyring holds for them (a plain file goes only once its sealed copy is on disk)."""
    keyring = default_keyring(data_dir)
    ring = Keyring.load(keyring, KEY) if keyring.exists() else None
    for user_id, files in written.items():
        entry = ring.person(user_id) if ring is not None else None
        for name, data in files.items():
            plain = data_dir / "users" / str(user_id) / name
            if plain.exists():
                assert plain.read_bytes() == data, plain
                continue
            assert entry is not None, f"user {user_id}: {name} is gone in both layouts"
            sealed = (data_dir / "users" / entry.folder / name).read_bytes()
            assert entry.sealer().open(name, sealed) == data, (user_id, name)


def test_sealing_a_plain_data_dir_killed_at_random_moments_completes_on_the_next_start(
    tmp_path: Path,
) -> None:
    rng = random.Random(replay := seed())
    (tmp_path / "cwd").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_KEY", "DATA_KEY_FILE")}
    # How long a whole first start takes here, on a copy, and a start with nothing to seal.
    plain_data_dir(tmp_path / "trial", PLAIN_PEOPLE)
    timings = []
    for _ in range(2):
        started = time.monotonic()
        assert run_or_kill(victim(tmp_path, env, "open", str(tmp_path / "trial")), None)
        timings.append(time.monotonic() - started)
    full, idle = timings
    work = max(full - idle, 0.1)

    data_dir = tmp_path / "data"
    written = plain_data_dir(data_dir, PLAIN_PEOPLE)
    kills = 0
    for round_ in range(ROUNDS * 3):
        proc = victim(tmp_path, env, "open", str(data_dir))
        # Each kill lands within the first fifth of the work: several kills mid-way.
        done = run_or_kill(proc, idle + rng.uniform(0.0, 0.2) * work)
        try:
            each_file_in_one_layout(data_dir, written)
        except AssertionError as exc:
            raise AssertionError(f"round {round_} (KEY_KILL_SEED={replay}): {exc}") from exc
        if done:
            break
        kills += 1
    else:
        assert run_or_kill(victim(tmp_path, env, "open", str(data_dir)), None)
    assert kills >= 2, "hardly any kill landed before the first start finished"
    assert not [p for p in (data_dir / "users").iterdir() if p.name.isdigit()]
    store = Store(data_dir, KEY)
    store.open()
    assert not list(data_dir.rglob(".tmp-*"))
    for user_id, files in written.items():
        assert store.get_person(user_id) == person(user_id)
        assert len(store.nights(user_id)) == 4
        for path in (store.users_dir / store.keyring.folder_for(user_id)).iterdir():
            assert b"process-marker" not in path.read_bytes()
        assert set(files) - {"nights.json"} <= set(store.file_names(user_id))
    store.close()
    print(f"sealing: {kills} kills before a start completed ({full:.1f} s for a whole one)")
