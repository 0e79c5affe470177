"""Encryption at rest: the master key, sealed files, the keyring, erasure, the first start on a
plain DATA_DIR and key rotation, on real files."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.crypto import (
    Keyring,
    Sealer,
    Unsealable,
    load_master_key,
    new_key_text,
    parse_key,
    write_key_file,
)
from bot.errors import DamagedRecord, DataDirBusy, DataKeyError
from bot.models import Night, Note, Person
from bot.storage import Store
from tests.conftest import CONTENT, KEY, KEY_TEXT
from tests.plain_layout import plain_files, write_plain

NOW = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)
ANN, BEN = 731_942_605, 846_201_337
NOTE = "encryption-marker my calves felt like fizzing soda"
OTHER = parse_key(new_key_text(), "DATA_KEY")


def person(user_id: int) -> Person:
    return Person(user_id=user_id, chat_id=user_id, created_at=NOW, tz="Europe/Berlin")


def nights(user_id: int) -> list[Night]:
    """Two months of nights, with a note naming the person."""
    return [
        Night(night=dt.date(2026, 10, 30), tz="Europe/Berlin", rating=4),
        Night(
            night=dt.date(2026, 11, 25),
            tz="Europe/Berlin",
            rating=7,
            notes=(Note(at=NOW, text=f"{NOTE} ({user_id})"),),
        ),
    ]


def fill(store: Store, *user_ids: int) -> None:
    for user_id in user_ids:
        store.save_person(person(user_id))
        store.replace_nights(user_id, nights(user_id))
    store.settle()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "data", KEY)
    s.open()
    yield s
    s.close()


def folder_of(store: Store, user_id: int) -> Path:
    return store.users_dir / store.keyring.folder_for(user_id)


def everything(*roots: Path) -> dict[Path, bytes]:
    """Every file under the roots (folders) or the root itself (a file), with its bytes."""
    found: dict[Path, bytes] = {}
    for root in roots:
        paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        found.update({p: p.read_bytes() for p in paths})
    return found


# -- the master key ---------------------------------------------------------------------------


def test_keygen_writes_one_line_of_base64_for_32_random_bytes_private_to_its_owner(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "one.key", tmp_path / "two.key"
    key = write_key_file(first)
    write_key_file(second)
    text = first.read_text()
    assert text.endswith("\n") and len(text.splitlines()) == 1
    assert len(base64.b64decode(text.strip(), validate=True)) == 32
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert parse_key(text, "DATA_KEY").fingerprint == key.fingerprint
    assert first.read_text() != second.read_text()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`python -m bot` settings in the environment (no .env): DATA_DIR under tmp_path."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATA_KEY", "DATA_KEY_FILE", "KEYRING_FILE", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CONTENT_FILE", str(CONTENT))
    return tmp_path / "data"


def test_the_keygen_command_never_overwrites_a_key_nor_writes_one_into_data_dir(
    environment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.key"
    assert main(["keygen", str(path)]) == 0
    out = capsys.readouterr().out
    fingerprint = parse_key(path.read_text(), "key").fingerprint
    assert f"wrote a new data key to {path} (mode 0600, fingerprint {fingerprint})" in out
    before = path.read_bytes()
    assert main(["keygen", str(path)]) == 2
    assert "already exists; it is never overwritten" in capsys.readouterr().err
    assert path.read_bytes() == before
    environment.mkdir()
    assert main(["keygen", str(environment / "bot.key")]) == 2
    assert "is inside DATA_DIR" in capsys.readouterr().err
    assert not (environment / "bot.key").exists()


@pytest.mark.parametrize(
    ("mode", "accepted"), [(0o600, True), (0o400, True), (0o640, False), (0o604, False)]
)
def test_a_key_file_must_be_private_to_its_owner(
    tmp_path: Path, mode: int, accepted: bool
) -> None:
    path = tmp_path / "bot.key"
    path.write_text(KEY_TEXT + "\n")
    path.chmod(mode)
    if accepted:
        assert load_master_key(path, None, tmp_path / "data").fingerprint == KEY.fingerprint
    else:
        with pytest.raises(DataKeyError, match=rf"open to other accounts .*chmod 600 {path}"):
            load_master_key(path, None, tmp_path / "data")


@pytest.mark.parametrize(
    ("file", "text", "problem"),
    [
        (None, None, r"^DATA_KEY_FILE: not set\. .*python -m bot keygen FILE"),
        ("bot.key", KEY_TEXT, r"^DATA_KEY and DATA_KEY_FILE are both set"),
        ("data/bot.key", None, r"^DATA_KEY_FILE: .* is inside DATA_DIR"),
        ("missing.key", None, r"^DATA_KEY_FILE: .*missing.key does not exist"),
        (None, "c2hvcnQ=", r"^DATA_KEY: not a data key: expected one line of base64"),
        (None, "not base64 at all!", r"^DATA_KEY: not a data key"),
    ],
)
def test_start_up_refuses_a_missing_misplaced_or_malformed_key_in_one_line(
    tmp_path: Path, file: str | None, text: str | None, problem: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("bot.key", "data/bot.key"):
        (tmp_path / name).write_text(KEY_TEXT)
        (tmp_path / name).chmod(0o600)
    with pytest.raises(DataKeyError, match=problem) as caught:
        load_master_key(None if file is None else tmp_path / file, text, data_dir)
    assert "\n" not in str(caught.value) and KEY_TEXT not in str(caught.value)


# -- sealed files -------------------------------------------------------------------------------


def test_names_on_disk_reveal_no_telegram_id_and_files_no_note_id_or_field_name(
    store: Store,
) -> None:
    fill(store, ANN, BEN)
    files = everything(store.data_dir, store.keyring.path)
    assert {p.name for p in files} >= {"profile.json", "nights-2026-10.json", ".store-id"}
    plain = store.document(ANN, "nights-2026-11.json")
    assert plain is not None and NOTE in str(plain)  # the search below could find it
    secrets = [NOTE.encode(), *(str(uid).encode() for uid in (ANN, BEN))]
    secrets += [f'"{name}":'.encode() for name in (*Person.model_fields, *Night.model_fields)]
    for path, data in files.items():
        assert not any(str(uid) in str(path) for uid in (ANN, BEN)), path
        for secret in secrets:
            assert secret not in data, (path, secret)


@pytest.mark.parametrize("position", [0, 3, 4, 15, 16, 200, -17, -1])
def test_a_flipped_byte_anywhere_in_a_sealed_file_is_damage_to_that_file_alone(
    store: Store, position: int
) -> None:
    fill(store, ANN, BEN)
    path = folder_of(store, ANN) / "nights-2026-11.json"
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedRecord, match=r"^user 731942605: nights-2026-11.json: ") as caught:
        store.nights(ANN)
    assert (caught.value.user_id, caught.value.path) == (ANN, str(path))
    assert store.get_person(ANN) == person(ANN)  # the rest of the person is fine
    assert store.nights(BEN) == nights(BEN)  # and so is everyone else


def test_a_file_moved_to_another_person_or_another_name_does_not_open(store: Store) -> None:
    fill(store, ANN, BEN)
    ann, ben = folder_of(store, ANN), folder_of(store, BEN)
    shutil.copyfile(ann / "nights-2026-11.json", ben / "nights-2026-11.json")
    with pytest.raises(DamagedRecord, match="does not decrypt under the person's key"):
        store.get_night(BEN, dt.date(2026, 11, 25))
    shutil.copyfile(ann / "nights-2026-10.json", ann / "nights-2026-11.json")
    with pytest.raises(DamagedRecord, match="does not decrypt under the person's key"):
        store.get_night(ANN, dt.date(2026, 11, 25))
    assert store.get_night(ANN, dt.date(2026, 10, 30)) == nights(ANN)[0]


# -- a wrong key, a missing or foreign keyring ------------------------------------------------


def test_a_wrong_key_stops_start_up_in_one_line_and_touches_nothing(tmp_path: Path) -> None:
    first = Store(tmp_path / "data", KEY)
    first.open()
    fill(first, ANN, BEN)
    first.close()
    leftover = folder_of(first, ANN) / ".tmp-interrupted.json"  # a crash would clear it
    leftover.write_bytes(b"{half")
    before = everything(tmp_path)
    wrong = Store(tmp_path / "data", OTHER)
    with pytest.raises(DataKeyError) as caught:
        wrong.open()
    message = str(caught.value)
    assert message.startswith(
        f"wrong data key: DATA_KEY holds the key with fingerprint {OTHER.fingerprint}"
    )
    assert f"needs the key with fingerprint {KEY.fingerprint}" in message and "\n" not in message
    assert everything(tmp_path) == before  # nothing quarantined, cleaned or rewritten
    right = Store(tmp_path / "data", KEY)  # and the lock was given back
    right.open()
    assert right.nights(ANN) == nights(ANN)
    right.close()


def test_a_missing_keyring_stops_start_up_when_data_dir_holds_encrypted_data(
    tmp_path: Path,
) -> None:
    first = Store(tmp_path / "data", KEY)
    first.open()
    fill(first, ANN)
    first.close()
    first.keyring.path.rename(tmp_path / "elsewhere.keyring")
    before = everything(tmp_path)
    with pytest.raises(
        DataKeyError, match=r"does not exist, but DATA_DIR .* holds encrypted data"
    ):
        Store(tmp_path / "data", KEY).open()
    assert everything(tmp_path) == before  # above all, no new empty keyring
    moved = Store(tmp_path / "data", KEY, keyring=tmp_path / "elsewhere.keyring")
    moved.open()
    assert moved.get_person(ANN) == person(ANN)
    moved.close()


def test_a_keyring_inside_data_dir_or_of_another_data_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataKeyError, match="is inside DATA_DIR"):
        Store(tmp_path / "data", KEY, keyring=tmp_path / "data" / "keys").open()
    one, two = Store(tmp_path / "one", KEY), Store(tmp_path / "two", KEY)
    for s in (one, two):
        s.open()
        fill(s, ANN)
        s.close()
    foreign = Store(tmp_path / "two", KEY, keyring=one.keyring.path)
    with pytest.raises(DataKeyError, match="is the keyring of another data folder"):
        foreign.open()


def test_a_damaged_keyring_stops_start_up_and_says_to_restore_it(tmp_path: Path) -> None:
    first = Store(tmp_path / "data", KEY)
    first.open()
    fill(first, ANN)
    first.close()
    path = first.keyring.path
    text = path.read_text()
    entry = text.index('"people":{"') + len('"people":{"') + 32 + 3  # inside a wrapped key
    flipped = "A" if text[entry + 5] != "A" else "B"
    path.write_text(text[: entry + 5] + flipped + text[entry + 6 :])
    with pytest.raises(DataKeyError, match=r"is damaged .* restore it from a backup"):
        Store(tmp_path / "data", KEY).open()
    path.write_text("{not json")
    with pytest.raises(DataKeyError, match=r"is damaged .*restore it from a backup"):
        Store(tmp_path / "data", KEY).open()


# -- erasure ----------------------------------------------------------------------------------


def test_after_delete_a_copy_of_data_dir_from_before_cannot_be_read_with_the_master_key(
    store: Store, tmp_path: Path
) -> None:
    fill(store, ANN, BEN)
    backup = tmp_path / "backup"
    shutil.copytree(store.data_dir, backup, ignore=shutil.ignore_patterns(".lock"))
    folder = store.keyring.folder_for(ANN)
    copied = {p.name: p.read_bytes() for p in (backup / "users" / folder).iterdir()}

    def opened_by_the_keyring() -> set[str]:
        """The copied files that any data key in the keyring (as the master key unwraps it
        now) opens."""
        ring = Keyring.load(store.keyring.path, KEY)
        opened = set()
        for name, blob in copied.items():
            for entry in ring.people():
                try:
                    Sealer(entry.key, folder).open(name, blob)
                except Unsealable:
                    continue
                opened.add(name)
        return opened

    assert opened_by_the_keyring() == set(copied) == {"profile.json", *{
        "nights-2026-10.json", "nights-2026-11.json"}}  # fmt: skip
    store.delete_person(ANN)
    assert opened_by_the_keyring() == set()
    copy = Store(backup, KEY, keyring=store.keyring.path, read_only=True)
    copy.open()
    assert copy.user_ids() == [BEN]
    assert copy.get_person(ANN) is None and copy.nights(ANN) == []
    assert copy.nights(BEN) == nights(BEN)  # the rest of the copy still reads
    assert folder.encode() not in store.keyring.path.read_bytes()


def test_delete_destroys_the_key_first_and_an_interrupted_delete_is_finished_at_start(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store, ANN, BEN)
    folder = folder_of(store, ANN)

    def cut_off(path: object) -> None:
        raise KeyboardInterrupt  # stands in for a kill right after the keyring was written

    monkeypatch.setattr(shutil, "rmtree", cut_off)
    with pytest.raises(KeyboardInterrupt):
        store.delete_person(ANN)
    monkeypatch.undo()
    store.close()
    assert folder.is_dir()  # the files are still there, but their key is not
    assert Keyring.load(store.keyring.path, KEY).person(ANN) is None
    again = Store(store.data_dir, KEY)
    again.open()
    assert not folder.exists() and again.keyring.erasing == []
    assert again.user_ids() == [BEN]
    again.close()


def test_someone_who_comes_back_after_delete_starts_afresh_with_a_new_key(store: Store) -> None:
    fill(store, ANN)
    old_key = store.keyring.person(ANN)
    store.delete_person(ANN)
    store.save_person(person(ANN))
    new_key = store.keyring.person(ANN)
    assert old_key is not None and new_key is not None and new_key.key != old_key.key
    assert store.get_person(ANN) == person(ANN) and store.nights(ANN) == []


# -- the first start on a DATA_DIR from before encryption -------------------------------------

PEOPLE = {
    501: {"nights": 2, "one_file": False},
    502: {"nights": 2, "one_file": True},  # schema 1: every night in nights.json
    503: {"nights": 0, "one_file": False},
}


def plain_data_dir(data_dir: Path) -> dict[int, dict[str, bytes]]:
    """Three people as the bot stored them before encryption (one with a damaged month)."""
    written = {}
    for user_id, shape in PEOPLE.items():
        own = nights(user_id)[: int(shape["nights"])]
        files = plain_files(person(user_id), own, one_file=bool(shape["one_file"]))
        written[user_id] = files
        write_plain(data_dir, user_id, files)
    damaged = data_dir / "users" / "503" / "nights-2026-09.json"
    damaged.write_bytes(b'{"nights": {"7397')
    written[503]["nights-2026-09.json"] = damaged.read_bytes()
    (data_dir / "users" / "501" / ".tmp-leftover.json").write_bytes(b"{half")
    return written


def assert_sealed_and_complete(data_dir: Path, written: dict[int, dict[str, bytes]]) -> None:
    """No plain file is left, and every person reads back exactly as before."""
    store = Store(data_dir, KEY, read_only=True)
    store.open()
    assert sorted(store.user_ids()) == sorted(written)
    assert not [p for p in (data_dir / "users").iterdir() if p.name.isdigit()]
    for path, data in everything(data_dir, store.keyring.path).items():
        assert NOTE.encode() not in data and b'"rating":' not in data, path
        assert data.startswith(b"RLS1") or (data.isascii() and b"users/" not in path.name.encode())
    for path, data in everything(data_dir / "users").items():
        assert data.startswith(b"RLS1"), path  # sealed, every one
    for user_id, shape in PEOPLE.items():
        assert store.get_person(user_id) == person(user_id)
        if user_id == 503:
            with pytest.raises(DamagedRecord, match=r"nights-2026-09\.json: not valid JSON"):
                store.nights(user_id)
        else:
            assert store.nights(user_id) == nights(user_id)[: int(shape["nights"])]
        for name in written[user_id]:
            if name != "nights.json":  # split into months on the first write
                assert name in store.file_names(user_id)


def test_a_data_dir_from_before_encryption_is_sealed_at_the_first_start_with_a_key(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    written = plain_data_dir(data_dir)
    store = Store(data_dir, KEY)
    store.open()
    for user_id in PEOPLE:
        entry = store.keyring.person(user_id)
        assert entry is not None
        for name, data in written[user_id].items():
            sealed = (store.users_dir / entry.folder / name).read_bytes()
            assert entry.sealer().open(name, sealed) == data  # the very bytes, sealed
    store.nights(502)  # schema 1's nights.json is split into months on first use
    store.close()
    assert_sealed_and_complete(data_dir, written)


class Interrupted(BaseException):
    """Stands in for a kill in the middle of the first start."""


# The first start here makes 10 atomic writes: the keyring, the store id, the keyring with
# everyone's key, then 7 sealed files; a cut before each, and one while removing a plain folder.
@pytest.mark.parametrize("at", [*range(1, 11), "removal"])
def test_sealing_interrupted_at_any_write_is_completed_by_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int | str
) -> None:
    data_dir = tmp_path / "data"
    written = plain_data_dir(data_dir)
    if at == "removal":  # half of a plain folder removed, then the cut
        real_rmtree = shutil.rmtree

        def half(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
            first = sorted(Path(path).iterdir())[0]
            first.unlink()
            monkeypatch.setattr(shutil, "rmtree", real_rmtree)
            raise Interrupted

        monkeypatch.setattr(shutil, "rmtree", half)
    else:
        real_replace, calls = os.replace, 0

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
            nonlocal calls
            calls += 1
            if calls == at:
                raise Interrupted
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", replace)
    cut = Store(data_dir, KEY)
    with pytest.raises(Interrupted):
        cut.open()
    cut.close()
    monkeypatch.undo()
    again = Store(data_dir, KEY)
    again.open()
    again.close()
    assert_sealed_and_complete(data_dir, written)


def test_the_operator_tools_wait_for_the_bot_to_seal_a_plain_data_dir(tmp_path: Path) -> None:
    plain_data_dir(tmp_path / "data")
    before = everything(tmp_path)
    with pytest.raises(DataKeyError, match="is not encrypted yet; start the bot once"):
        Store(tmp_path / "data", KEY, read_only=True).open()
    assert everything(tmp_path) == before


# -- key rotation -----------------------------------------------------------------------------


def test_rekey_rewraps_every_key_and_leaves_every_data_file_as_it_was(store: Store) -> None:
    fill(store, ANN, BEN)
    data_before = everything(store.users_dir)
    assert store.rekey(OTHER) == 2
    store.close()
    assert everything(store.users_dir) == data_before
    with pytest.raises(DataKeyError, match="wrong data key"):
        Store(store.data_dir, KEY).open()
    after = Store(store.data_dir, OTHER)
    after.open()
    assert [after.nights(uid) for uid in (ANN, BEN)] == [nights(ANN), nights(BEN)]
    after.close()


def test_the_rekey_command_rotates_the_key_and_a_second_run_says_it_is_done(
    environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    first = Store(environment, KEY)
    first.open()
    fill(first, ANN, BEN)
    first.close()
    new_file = tmp_path / "new.key"
    new = write_key_file(new_file)
    monkeypatch.setenv("DATA_KEY", KEY_TEXT)
    assert main(["rekey", "--new-key-file", str(new_file)]) == 0
    out = capsys.readouterr().out
    assert (
        f"re-wrapped the data keys of 2 people under the new key (fingerprint {new.fingerprint}"
        in out
    )
    assert Keyring.fingerprint_of(first.keyring.path) == new.fingerprint
    assert main(["rekey", "--new-key-file", str(new_file)]) == 0  # e.g. after a kill
    assert "already under the new key" in capsys.readouterr().out
    monkeypatch.delenv("DATA_KEY")
    monkeypatch.setenv("DATA_KEY_FILE", str(new_file))
    assert main(["review", "--since", "3660d"]) == 0
    assert "4 nights from 2 people." in capsys.readouterr().out


def test_rekey_waits_for_the_bot_to_stop(
    store: Store, environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert environment == store.data_dir
    monkeypatch.setenv("DATA_KEY", KEY_TEXT)
    new_file = tmp_path / "new.key"
    write_key_file(new_file)
    with pytest.raises(DataDirBusy):
        Store(store.data_dir, KEY).open()
    assert main(["rekey", "--new-key-file", str(new_file)]) == 2
    assert "in use by another bot process" in capsys.readouterr().err
    assert Keyring.fingerprint_of(store.keyring.path) == KEY.fingerprint
