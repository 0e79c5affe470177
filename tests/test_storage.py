"""Storage on real files: round trips, permissions, the writer lock, erasure."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import DamagedRecord, DataDirBusy, StartupError
from bot.models import Night, Note, Person
from bot.storage import Store
from tests.conftest import KEY

NOW = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)


def folder_of(store: Store, user_id: int) -> Path:
    """The person's folder (its name is a keyed hash of the id)."""
    return store.users_dir / store.keyring.folder_for(user_id)


def person(user_id: int = 42) -> Person:
    return Person(user_id=user_id, chat_id=user_id, created_at=NOW, tz="Europe/Berlin")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "data", KEY)
    s.open()
    yield s
    s.close()


def test_a_person_and_their_nights_round_trip(store: Store) -> None:
    store.save_person(person())
    night = Night(night=dt.date(2026, 11, 26), tz="Europe/Berlin", rating=6,
                  notes=(Note(at=NOW, text="crawling ✓ <&>"),))  # fmt: skip
    store.save_night(42, night)
    store.save_night(42, Night(night=dt.date(2026, 11, 25), tz="Europe/Berlin", rating=2))
    assert store.get_person(42) == person()
    assert store.get_night(42, dt.date(2026, 11, 26)) == night
    assert [n.night.day for n in store.nights(42)] == [25, 26]
    assert store.get_night(42, dt.date(2026, 1, 1)) is None
    assert store.get_person(43) is None and store.nights(43) == []


def test_saving_a_night_again_replaces_it(store: Store) -> None:
    key = dt.date(2026, 11, 26)
    store.save_night(42, Night(night=key, tz="UTC", rating=3))
    store.save_night(42, Night(night=key, tz="UTC", rating=8))
    assert [n.rating for n in store.nights(42)] == [8]


def test_replaced_files_are_removed_in_the_background_and_close_waits_for_it(
    tmp_path: Path,
) -> None:
    s = Store(tmp_path / "data", KEY)
    s.open()
    key = dt.date(2026, 11, 26)
    for rating in range(10):
        s.save_night(42, Night(night=key, tz="UTC", rating=rating))
    s.close()
    folder = folder_of(s, 42)
    assert sorted(p.name for p in folder.iterdir()) == ["nights-2026-11.json"]
    # The file is the last version, and it has one name (no link left to an older one).
    assert (folder / "nights-2026-11.json").stat().st_nlink == 1
    assert [n.rating for n in Store(tmp_path / "data", KEY, read_only=True).nights(42)] == [9]


def test_writes_work_where_the_file_system_has_no_hard_links(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    key = dt.date(2026, 11, 26)
    store.save_night(42, Night(night=key, tz="UTC", rating=3))
    store.save_night(42, Night(night=key, tz="UTC", rating=8))
    assert [n.rating for n in store.nights(42)] == [8]
    assert sorted(p.name for p in folder_of(store, 42).iterdir()) == ["nights-2026-11.json"]


def test_files_are_private_to_the_bot_account(store: Store) -> None:
    store.save_person(person())
    store.save_night(42, Night(night=dt.date(2026, 11, 26), tz="UTC"))
    assert stat.S_IMODE(store.data_dir.stat().st_mode) == 0o700
    folder = folder_of(store, 42)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("profile.json", "nights-2026-11.json"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


def test_every_file_records_its_schema_version(store: Store) -> None:
    store.save_person(person())
    store.save_night(42, Night(night=dt.date(2026, 11, 26), tz="UTC"))
    for name in ("profile.json", "nights-2026-11.json"):
        data = store.document(42, name)
        assert data is not None and data["meta"]["1"] == {"schema_version": 1}


def test_a_second_writer_is_refused(store: Store) -> None:
    other = Store(store.data_dir, KEY)
    with pytest.raises(DataDirBusy, match="in use by another bot process"):
        other.open()


def test_readers_never_take_the_lock_or_write(store: Store) -> None:
    store.save_person(person())
    reader = Store(store.data_dir, KEY, read_only=True)
    reader.open()
    assert reader.get_person(42) == person()
    with pytest.raises(PermissionError):
        reader.save_person(person(43))
    assert reader.get_person(43) is None


def test_an_unwritable_data_dir_is_a_startup_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StartupError, match="DATA_DIR"):
        Store(blocker / "data", KEY).open()


def test_delete_removes_every_file_of_the_person(store: Store) -> None:
    store.save_person(person(42))
    store.save_person(person(43))
    store.save_night(42, Night(night=dt.date(2026, 11, 26), tz="UTC",
                               notes=(Note(at=NOW, text="secret"),)))  # fmt: skip
    store.delete_person(42)
    assert store.user_ids() == [43]
    for path in store.data_dir.rglob("*"):
        if path.is_file():
            assert b"secret" not in path.read_bytes()


def test_leftover_temp_files_are_removed_at_start(tmp_path: Path) -> None:
    first = Store(tmp_path / "data", KEY)
    first.open()
    first.save_person(person())
    first.close()
    leftover = folder_of(first, 42) / ".tmp-abc.json"
    leftover.write_text("{half")
    second = Store(tmp_path / "data", KEY)
    second.open()
    assert not leftover.exists()
    assert second.get_person(42) == person()
    second.close()


def test_garbage_in_a_file_is_reported_as_damage_naming_the_person(store: Store) -> None:
    store.save_person(person())
    (folder_of(store, 42) / "profile.json").write_text('{"profile": {"1": {"user_id": "x"')
    with pytest.raises(DamagedRecord) as caught:
        store.get_person(42)
    assert caught.value.user_id == 42
    assert caught.value.path == str(folder_of(store, 42) / "profile.json")
    assert list(store.people()) == []


def test_nights_live_in_one_small_file_per_month(store: Store) -> None:
    for day in (dt.date(2026, 10, 31), dt.date(2026, 11, 1), dt.date(2026, 11, 26)):
        store.save_night(42, Night(night=day, tz="UTC", rating=day.day % 11))
    store.settle()
    names = sorted(p.name for p in folder_of(store, 42).iterdir())
    assert names == ["nights-2026-10.json", "nights-2026-11.json"]
    assert [n.night.day for n in store.nights(42)] == [31, 1, 26]
    assert store.get_night(42, dt.date(2026, 10, 31)) is not None


def test_a_schema_1_nights_file_is_encrypted_then_split_into_months_on_first_use(
    tmp_path: Path,
) -> None:
    old = {
        "nights": {
            str(dt.date(2026, 10, 30).toordinal()): {"night": "2026-10-30", "tz": "UTC"},
            str(dt.date(2026, 11, 2).toordinal()): {"night": "2026-11-02", "tz": "UTC"},
        },
        "meta": {"1": {"schema_version": 1}},
    }
    plain = tmp_path / "data" / "users" / "42"
    plain.mkdir(parents=True, mode=0o700)
    (plain / "nights.json").write_text(json.dumps(old))
    store = Store(tmp_path / "data", KEY)
    store.open()  # seals the plain folder, file by file
    folder = folder_of(store, 42)
    assert not plain.exists() and [p.name for p in folder.iterdir()] == ["nights.json"]
    assert [n.night.isoformat() for n in store.nights(42)] == ["2026-10-30", "2026-11-02"]
    store.settle()
    assert sorted(p.name for p in folder.iterdir()) == [
        "nights-2026-10.json",
        "nights-2026-11.json",
    ]
    store.close()


def test_import_replaces_every_month(store: Store) -> None:
    store.save_night(42, Night(night=dt.date(2026, 9, 1), tz="UTC", rating=1))
    store.replace_nights(42, [Night(night=dt.date(2026, 11, 1), tz="UTC", rating=2)])
    store.settle()
    assert [(n.night.month, n.rating) for n in store.nights(42)] == [(11, 2)]
    assert [p.name for p in folder_of(store, 42).iterdir()] == ["nights-2026-11.json"]
