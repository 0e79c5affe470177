"""The store of record: one folder per person, TinyDB files sealed and written atomically.

Layout under DATA_DIR (folders 0700, files 0600):
    .lock                               held by the one bot process that may write
    .store-id                           ties DATA_DIR to its keyring (no personal data)
    users/<folder>/profile.json         the Person record (small: read for everyone at start-up)
    users/<folder>/nights-YYYY-MM.json  one document per night of that month (by the night's
                                        date), doc_id = the night's date ordinal
<folder> is a keyed hash of the Telegram id (bot/crypto.py), never the id. Every file is the
TinyDB JSON sealed with AES-256-GCM under the person's own data key, which lives only in the
keyring outside DATA_DIR (`KEYRING_FILE`); TinyDB above the storage class never sees it.

Recording a reply reads and rewrites only one month of one person's nights (about 12 kB), so
its cost grows neither with the number of people nor with how long a person has used the bot.
Each write goes to a temp file that is fsynced and renamed over the target, so a kill -9 at
any moment leaves either the old or the new file, never a torn one. This is the only module
that imports tinydb.

Freeing the replaced file's blocks is the slowest part of a write on an ext4 mounted with
`discard` (about 1.8 ms of the rename, measured): so before the rename the old file gets a
second name (a temp name), which keeps the rename cheap, and a background thread unlinks that
name after the reply is safe. A crash in between leaves only a temp file, removed at start-up.

A DATA_DIR written before encryption (plain JSON in `users/<user_id>/`) is sealed person by
person on the first start with a key; a kill meanwhile is finished by the next start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage

from bot.crypto import (
    Keyring,
    MasterKey,
    Sealer,
    Unsealable,
    default_keyring,
    fsync_dir,
    is_inside,
    remove_leftovers,
    write_atomic,
)
from bot.errors import DamagedRecord, DataDirBusy, DataKeyError, StartupError
from bot.models import SCHEMA_VERSION, Night, Person

log = logging.getLogger(__name__)

TEMP_PREFIX = ".tmp-"
PROFILE = "profile.json"
_LEGACY_NIGHTS = "nights.json"  # schema 1 kept every night in one file; split on first use
_MONTH_GLOB = "nights-[0-9][0-9][0-9][0-9]-[0-9][0-9].json"
_META = "meta"
STORE_ID = ".store-id"


_Model = TypeVar("_Model", Person, Night)


def _by_night(night: Night) -> dt.date:
    return night.night


class Reaper:
    """Unlinks replaced files on a background thread, off the path of a reply."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._guard = threading.Lock()

    def unlink_later(self, path: str) -> None:
        with self._guard:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reaper")
            future = self._pool.submit(_unlink, path)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._guard:
            self._pending.discard(future)

    def drain(self) -> None:
        """Wait until every file handed over so far is gone."""
        with self._guard:
            pending = list(self._pending)
        wait(pending)

    def close(self) -> None:
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class AtomicJSONStorage(Storage):
    """TinyDB storage that seals the JSON (when given a Sealer) and replaces the whole file
    atomically on every write."""

    def __init__(
        self,
        path: str,
        *,
        create: bool = True,
        reaper: Reaper | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.path = path
        self.folder = os.path.dirname(path)
        self.name = os.path.basename(path)
        self.create = create
        self.reaper = reaper
        self.sealer = sealer

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            return None
        try:
            if self.sealer is not None:
                raw = self.sealer.open(self.name, raw)
            data = json.loads(raw)
        except Unsealable as exc:
            raise DamagedRecord(f"{self.path}: {exc}", path=self.path) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problem = f"not valid JSON ({exc.__class__.__name__})"
            raise DamagedRecord(f"{self.path}: {problem}", path=self.path) from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise DamagedRecord(f"{self.path}: not a TinyDB document", path=self.path)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if not self.create:
            raise PermissionError("this storage is read-only")
        # The format version rides along in every write, so no file can exist without it.
        data = {**data, _META: {"1": {"schema_version": SCHEMA_VERSION}}}
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if self.sealer is not None:
            raw = self.sealer.seal(self.name, raw)
        _replace(self.path, raw, reaper=self.reaper)

    def close(self) -> None:
        """Nothing stays open between operations."""


def _replace(path: str, raw: bytes, *, reaper: Reaper | None, sync_dir: bool = True) -> None:
    """Write `raw` to a temp file in the same folder, fsync it, rename it over `path`, fsync
    the folder (unless the caller does that once for many files)."""
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".json", dir=folder)
    old: str | None = None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        old = _keep_old(path) if reaper is not None else None
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        if old is not None:
            _unlink(old)
        raise
    if sync_dir:
        fsync_dir(folder)
    if old is not None and reaper is not None:
        reaper.unlink_later(old)


def _keep_old(path: str) -> str | None:
    """Give the file about to be replaced a temp name, so the rename frees nothing."""
    old = os.path.join(os.path.dirname(path), f"{TEMP_PREFIX}{os.urandom(6).hex()}.old")
    try:
        os.link(path, old)
    except OSError:  # no file yet, or a file system without hard links: rename as usual
        return None
    return old


def _put(db: TinyDB, table_name: str, doc_id: int, payload: dict[str, Any]) -> None:
    """Insert or replace one document with one read and one write of the file.

    This is TinyDB's own read-modify-write (`Table._update_table`) done through the public
    storage: `Table.upsert` writes the file twice for a new document, and `Table.update`
    after `Table.contains` reads it twice.
    """
    data = db.storage.read() or {}
    data.setdefault(table_name, {})[str(doc_id)] = payload
    db.storage.write(data)


class Store:
    """Profiles and nights of every person; one process writes, any number may read.

    `key` is the master key (bot/crypto.py); the keyring lives at `keyring` (default: beside
    DATA_DIR). `key=None` keeps plain JSON in `users/<user_id>/`, the layout from before
    encryption: only the benchmark uses it, to measure what sealing costs; the bot never does.
    """

    def __init__(
        self,
        data_dir: Path,
        key: MasterKey | None,
        *,
        keyring: Path | None = None,
        read_only: bool = False,
    ) -> None:
        self.data_dir = data_dir
        self.users_dir = data_dir / "users"
        self.read_only = read_only
        self.key = key
        self.keyring_path = (keyring or default_keyring(data_dir)) if key is not None else None
        self._ring: Keyring | None = None
        self._sealers: dict[int, Sealer] = {}  # by user id: one AES context per person
        self._lock_fd: int | None = None
        self._reaper = Reaper()

    # -- lifecycle ------------------------------------------------------------------------

    def open(self) -> None:
        """Check the key, take the writer lock, clear temp files left by a crash, finish an
        interrupted erasure and seal a DATA_DIR written before encryption.

        A wrong key or a misplaced keyring (DataKeyError) stops here, before anything is
        created, locked or changed.
        """
        if self.key is not None:
            self._check_key()
        if self.read_only:
            if not self.users_dir.is_dir():
                raise StartupError(f"DATA_DIR: {self.data_dir} holds no bot data")
            if self.key is not None:
                if self._legacy_ids():
                    raise DataKeyError(
                        f"DATA_DIR: {self.data_dir} is not encrypted yet; start the bot once "
                        "with its key, which encrypts it"
                    )
                self._ring = self._load_keyring(create=False)
            return
        try:
            self.users_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.data_dir, 0o700)
            os.chmod(self.users_dir, 0o700)
            probe = tempfile.NamedTemporaryFile(dir=self.data_dir, prefix=TEMP_PREFIX)  # noqa: SIM115
            probe.close()
        except OSError as exc:
            raise StartupError(
                f"DATA_DIR: {self.data_dir} is not writable ({exc.strerror})"
            ) from None
        fd = os.open(self.data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirBusy(
                f"DATA_DIR: {self.data_dir} is in use by another bot process; stop it first"
            ) from None
        self._lock_fd = fd
        try:
            if self.key is not None:
                self._ring = self._load_keyring(create=True)
        except BaseException:
            self.close()
            raise
        self._remove_leftovers()
        if self._ring is not None:
            self._finish_erasures(self._ring)
            self._seal_legacy(self._ring)

    def _remove_leftovers(self) -> None:
        removed = 0
        leftovers = [
            *self.data_dir.glob(f"{TEMP_PREFIX}*"),
            *self.users_dir.glob(f"*/{TEMP_PREFIX}*"),
        ]
        for tmp in leftovers:
            tmp.unlink(missing_ok=True)
            removed += 1
        if self.keyring_path is not None:
            removed += remove_leftovers(self.keyring_path)
            removed += remove_leftovers(self.data_dir / STORE_ID)
        if removed:
            log.info("removed %d temporary files left by an interrupted write", removed)

    @property
    def holds_lock(self) -> bool:
        """True while this process holds the writer lock on DATA_DIR."""
        return self._lock_fd is not None

    def settle(self) -> None:
        """Wait until every replaced file is unlinked: the folders then hold records only."""
        self._reaper.drain()

    def close(self) -> None:
        """Finish removing replaced files, then release the writer lock."""
        self._reaper.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- keys -----------------------------------------------------------------------------

    @property
    def keyring(self) -> Keyring:
        """The keyring (read on first use by a store that was never opened)."""
        if self._ring is None:
            assert self.key is not None and self.keyring_path is not None
            self._ring = Keyring.load(self.keyring_path, self.key)
        return self._ring

    def _check_key(self) -> None:
        """The keyring is outside DATA_DIR and (if it exists) wrapped under this key."""
        assert self.key is not None and self.keyring_path is not None
        path = self.keyring_path
        if is_inside(path, self.data_dir):
            raise DataKeyError(
                f"KEYRING_FILE: {path} is inside DATA_DIR; keep the keyring apart from the data"
            )
        if path.exists():
            Keyring.check_key(path, self.key)

    def _load_keyring(self, *, create: bool) -> Keyring:
        """Load the keyring and check that it belongs to this DATA_DIR; a writer creates it
        for a DATA_DIR that has no encrypted data yet."""
        assert self.key is not None and self.keyring_path is not None
        path = self.keyring_path
        marker = self.data_dir / STORE_ID
        stored_id = marker.read_text().strip() if marker.exists() else None
        if path.exists():
            ring = Keyring.load(path, self.key)
            if stored_id is None and len(ring) == 0 and create:
                write_atomic(marker, ring.store_id.encode() + b"\n")  # a first start cut short
            elif stored_id != ring.store_id:
                raise DataKeyError(
                    f"KEYRING_FILE: {path} is the keyring of another data folder, not of "
                    f"DATA_DIR {self.data_dir}"
                )
            return ring
        if self._sealed_folders():
            raise DataKeyError(
                f"KEYRING_FILE: {path} does not exist, but DATA_DIR {self.data_dir} holds "
                "encrypted data; restore the keyring from a backup or point KEYRING_FILE at it"
            )
        if not create:
            raise DataKeyError(f"KEYRING_FILE: {path} does not exist")
        ring = Keyring.create(path, self.key)
        ring.save()
        write_atomic(marker, ring.store_id.encode() + b"\n")
        log.info("created the keyring %s", path)
        return ring

    def rekey(self, new_key: MasterKey) -> int:
        """Wrap every person's data key under `new_key` (one atomic write of the keyring; the
        data files stay as they are). Returns how many people's keys were re-wrapped."""
        if self.read_only or self._lock_fd is None:
            raise PermissionError("rekey needs the opened writer store")
        ring = self.keyring
        ring.rewrap(new_key)
        ring.save()
        self.key = new_key
        return len(ring)

    def add_people(self, user_ids: Iterable[int]) -> None:
        """Give these people data keys, with one keyring write (first start, benchmark data)."""
        if self.key is None:
            return
        ring = self.keyring
        new = [uid for uid in user_ids if ring.person(uid) is None]
        for uid in new:
            ring.add(uid)
        if new:
            ring.save()

    # -- paths ----------------------------------------------------------------------------

    def _where(self, user_id: int, *, create: bool = False) -> tuple[Path, Sealer | None] | None:
        """The person's folder and sealer; None when nothing can be stored for them yet.

        With `create`, a newcomer gets a data key (saved in the keyring before any file of
        theirs is written) and a folder.
        """
        if self.key is None:
            folder = self.users_dir / str(int(user_id))
            sealer = None
        else:
            entry = self.keyring.person(user_id)
            if entry is None:
                if not create:
                    return None
                if self.read_only:
                    raise PermissionError("this storage is read-only")
                entry = self.keyring.add(user_id)
                self.keyring.save()
            folder = self.users_dir / entry.folder
            sealer = self._sealers.get(user_id)
            if sealer is None:
                sealer = self._sealers[user_id] = entry.sealer()
        if create and not self.read_only:
            folder.mkdir(mode=0o700, exist_ok=True)
        return folder, sealer

    def _storage(self, user_id: int, name: str) -> AtomicJSONStorage | None:
        """Read-only access to one of the person's files (None when they have no key)."""
        where = self._where(user_id)
        if where is None:
            return None
        folder, sealer = where
        return AtomicJSONStorage(str(folder / name), create=False, sealer=sealer)

    def _db(self, user_id: int, name: str) -> TinyDB:
        where = self._where(user_id, create=not self.read_only)
        if where is None:  # readers look before they open; this is a write
            raise PermissionError("this storage is read-only")
        folder, sealer = where
        return TinyDB(
            str(folder / name),
            storage=AtomicJSONStorage,
            create=not self.read_only,
            reaper=self._reaper,
            sealer=sealer,
        )

    def _folder(self, user_id: int) -> Path | None:
        where = self._where(user_id)
        return None if where is None else where[0]

    # -- people ---------------------------------------------------------------------------

    def get_person(self, user_id: int) -> Person | None:
        """The person's profile, or None if the bot has never stored anything about them."""
        # Read through the storage alone: start-up reads every profile, and TinyDB's table
        # machinery would double the cost of this one-document file.
        storage = self._storage(user_id, PROFILE)
        if storage is None:
            return None
        with self._shape(user_id, PROFILE):
            data = storage.read()
            if data is None:
                return None
            doc = data.get("profile", {}).get("1")
        if doc is None:
            return None
        return self._validate(Person, doc, user_id, PROFILE)

    def save_person(self, person: Person) -> None:
        """Write the profile (creating the person's key and folder on first use)."""
        payload = person.model_dump(mode="json")
        with self._db(person.user_id, PROFILE) as db:
            _put(db, "profile", 1, payload)

    def user_ids(self) -> list[int]:
        """Every person with a folder, in id order."""
        if not self.users_dir.is_dir():
            return []
        if self.key is None:
            return sorted(int(p.name) for p in self.users_dir.iterdir() if p.name.isdigit())
        present = set(os.listdir(self.users_dir))
        return sorted(e.user_id for e in self.keyring.people() if e.folder in present)

    def people(self, on_damage: Callable[[DamagedRecord], None] | None = None) -> Iterator[Person]:
        """Every stored person; an unreadable profile goes to `on_damage` (default: logged)."""
        for user_id in self.user_ids():
            try:
                person = self.get_person(user_id)
            except DamagedRecord as exc:
                if on_damage is None:
                    log.error("skipping a damaged profile: %s", exc)
                else:
                    on_damage(exc)
                continue
            if person is not None:
                yield person

    def delete_person(self, user_id: int) -> None:
        """Erase everything stored about this person: their data key first (so every copy of
        their files, backups included, can no longer be read), then their folder."""
        if self.read_only:
            raise PermissionError("this storage is read-only")
        self.settle()
        if self.key is None:
            self._remove_folder(self.users_dir / str(int(user_id)))
            return
        ring = self.keyring
        self._sealers.pop(user_id, None)
        folder = ring.remove(user_id)
        if folder is None:
            self._remove_folder(self.users_dir / ring.folder_for(user_id))
            return
        ring.save()  # the key is gone, durably, before any file is touched
        self._remove_folder(self.users_dir / folder)
        ring.erased(folder)
        ring.save()

    def _remove_folder(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
            fsync_dir(self.users_dir)

    def _finish_erasures(self, ring: Keyring) -> None:
        """A /delete interrupted after the key was destroyed: remove the folder now."""
        pending = ring.erasing
        for folder in pending:
            self._remove_folder(self.users_dir / folder)
            ring.erased(folder)
        if pending:
            ring.save()
            log.info("finished erasing %d people whose erasure was interrupted", len(pending))

    # -- nights ---------------------------------------------------------------------------

    @staticmethod
    def _month(night: dt.date) -> str:
        return f"nights-{night:%Y-%m}.json"

    def _months(self, user_id: int) -> list[str]:
        """The person's month files, oldest first (then schema 1's nights.json, which only a
        reader can find: a writer splits it first)."""
        self._split_legacy(user_id)
        folder = self._folder(user_id)
        if folder is None or not folder.is_dir():
            return []
        names = sorted(p.name for p in folder.glob(_MONTH_GLOB))
        if (folder / _LEGACY_NIGHTS).exists():
            names.append(_LEGACY_NIGHTS)
        return names

    def get_night(self, user_id: int, night: dt.date) -> Night | None:
        """One night's record, or None."""
        self._split_legacy(user_id)
        name = self._month(night)
        folder = self._folder(user_id)
        if folder is None:
            return None
        if not (folder / name).exists():
            if not (folder / _LEGACY_NIGHTS).exists():
                return None
            name = _LEGACY_NIGHTS  # a reader, before the writer split it
        with self._db(user_id, name) as db, self._shape(user_id, name):
            doc = db.table("nights", cache_size=0).get(doc_id=night.toordinal())
        return None if doc is None else self._validate(Night, doc, user_id, name)

    def save_night(self, user_id: int, night: Night) -> None:
        """Insert or replace the record of `night.night`."""
        self._split_legacy(user_id)
        payload = night.model_dump(mode="json")
        with self._db(user_id, self._month(night.night)) as db:
            _put(db, "nights", night.night.toordinal(), payload)

    def nights(self, user_id: int, since: dt.date | None = None) -> list[Night]:
        """Every night of this person (from `since` on, if given), oldest first.

        With `since`, only the month files that can hold such nights are read.
        """
        first = None if since is None else self._month(since)
        records: dict[dt.date, Night] = {}
        for name in self._months(user_id):
            if first is not None and name < first:
                continue
            with self._db(user_id, name) as db, self._shape(user_id, name):
                docs = db.table("nights", cache_size=0).all()
            for doc in docs:
                # A split cut short by a crash leaves a night in both files: the same record.
                record = self._validate(Night, doc, user_id, name)
                records.setdefault(record.night, record)
        if since is not None:
            return sorted((n for n in records.values() if n.night >= since), key=_by_night)
        return sorted(records.values(), key=_by_night)

    def replace_nights(self, user_id: int, nights: list[Night]) -> None:
        """Replace all of a person's nights (used by /import): each month in one atomic write,
        then months the new nights do not have are removed."""
        by_month: dict[str, dict[str, Any]] = {}
        for night in nights:
            table = by_month.setdefault(self._month(night.night), {})
            table[str(night.night.toordinal())] = night.model_dump(mode="json")
        old = set(self._months(user_id))
        for name, table in by_month.items():
            with self._db(user_id, name) as db:
                db.storage.write({"nights": table})
        folder = self._folder(user_id)
        if folder is None or not folder.is_dir():
            return
        for name in old - by_month.keys():
            (folder / name).unlink(missing_ok=True)
        fsync_dir(folder)

    def _split_legacy(self, user_id: int) -> None:
        """Schema 1 kept all nights in one `nights.json`: split it into month files once."""
        if self.read_only:
            return
        folder = self._folder(user_id)
        if folder is None or not (folder / _LEGACY_NIGHTS).exists():
            return
        storage = self._storage(user_id, _LEGACY_NIGHTS)
        assert storage is not None
        with self._shape(user_id, _LEGACY_NIGHTS):
            data = storage.read() or {}
        by_month: dict[str, dict[str, Any]] = {}
        for doc_id, doc in data.get("nights", {}).items():
            name = self._month(dt.date.fromordinal(int(doc_id)))
            by_month.setdefault(name, {})[doc_id] = doc
        for name, table in by_month.items():
            with self._db(user_id, name) as db:
                db.storage.write({"nights": table})
        (folder / _LEGACY_NIGHTS).unlink()
        fsync_dir(folder)
        log.info("user %s: split nights.json into %d month files", user_id, len(by_month))

    @contextlib.contextmanager
    def _shape(self, user_id: int, name: str) -> Iterator[None]:
        """Name the person on damage; valid JSON of the wrong shape makes TinyDB fail oddly,
        so that is reported as damage too."""
        try:
            yield
        except DamagedRecord as exc:
            raise DamagedRecord(
                f"user {user_id}: {name}: {str(exc).rsplit(': ', 1)[-1]}",
                path=exc.path,
                user_id=user_id,
            ) from None
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            problem = f"not a TinyDB table ({exc.__class__.__name__})"
            path = self._path(user_id, name)
            raise DamagedRecord(
                f"user {user_id}: {name}: {problem}", path=path, user_id=user_id
            ) from None

    def _path(self, user_id: int, name: str) -> str | None:
        folder = self._folder(user_id)
        return None if folder is None else str(folder / name)

    def _validate(self, model: type[_Model], doc: dict[str, Any], uid: int, name: str) -> _Model:
        try:
            return model.model_validate(dict(doc))
        except ValidationError as exc:
            problem = f"unexpected content ({exc.error_count()} errors)"
            raise DamagedRecord(
                f"user {uid}: {name}: {problem}", path=self._path(uid, name), user_id=uid
            ) from None

    # -- whole files (tests, benchmark data) ----------------------------------------------------

    def file_names(self, user_id: int) -> list[str]:
        """The names of the person's record files."""
        folder = self._folder(user_id)
        if folder is None or not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith(TEMP_PREFIX))

    def document(self, user_id: int, name: str) -> dict[str, Any] | None:
        """One of the person's files as TinyDB stores it (decrypted), or None."""
        storage = self._storage(user_id, name)
        if storage is None:
            return None
        with self._shape(user_id, name):
            return storage.read()

    def put_document(self, user_id: int, name: str, data: dict[str, Any]) -> None:
        """Write one of the person's files whole (sealed like any other write)."""
        with self._db(user_id, name) as db:
            db.storage.write({k: v for k, v in data.items() if k != _META})

    # -- damage -----------------------------------------------------------------------------

    def check_nights(self, user_id: int, since: dt.date | None = None) -> None:
        """Open the nights files (from `since`'s month on, if given; decryption, JSON and TinyDB
        shape only, no record validation) and raise DamagedRecord for the first unreadable."""
        first = "" if since is None else self._month(since)
        for name in self._months(user_id):
            if name >= first:
                self.document(user_id, name)

    def quarantine(self, path: str, now: dt.datetime) -> Path | None:
        """Move a damaged file aside (`<name>.damaged-<UTC time now>`), so the person can start
        afresh while the operator keeps a copy; /delete removes it with the rest."""
        source = Path(path).resolve()
        if self.read_only or source.parent.parent != self.users_dir.resolve():
            return None
        stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = source.with_name(f"{source.name}.damaged-{stamp}")
        try:
            os.replace(source, target)
        except FileNotFoundError:
            return None
        fsync_dir(source.parent)
        return target

    # -- data from before encryption ----------------------------------------------------------

    def _legacy_ids(self) -> list[int]:
        """People still in the plain layout (`users/<user_id>/`, written before encryption)."""
        if not self.users_dir.is_dir():
            return []
        return sorted(int(p.name) for p in self.users_dir.iterdir() if p.name.isdigit())

    def _sealed_folders(self) -> bool:
        if not self.users_dir.is_dir():
            return False
        return any(
            not p.name.isdigit() and not p.name.startswith(TEMP_PREFIX)
            for p in self.users_dir.iterdir()
        )

    def _seal_legacy(self, ring: Keyring) -> None:
        """Encrypt every person still in the plain layout: keys first (one keyring write), then
        person by person their files are sealed into their new folder (each write atomic and
        fsynced) and only then the plain folder is removed. A kill at any moment leaves each
        person complete in one layout or the other (the plain one wins until it is removed);
        the next start carries on."""
        legacy = self._legacy_ids()
        if not legacy:
            return
        log.info("encrypting the stored data of %d people (first start with a key)", len(legacy))
        self.add_people(legacy)
        for done, user_id in enumerate(legacy, start=1):
            self._seal_person(ring, user_id)
            if done % 1000 == 0:
                log.info("encrypted %d of %d people", done, len(legacy))
        log.info("encrypted the stored data of %d people; no plain file is left", len(legacy))

    def _seal_person(self, ring: Keyring, user_id: int) -> None:
        entry = ring.person(user_id)
        assert entry is not None
        plain = self.users_dir / str(user_id)
        folder = self.users_dir / entry.folder
        folder.mkdir(mode=0o700, exist_ok=True)
        sealer = entry.sealer()
        for path in sorted(plain.iterdir()):
            if path.name.startswith(TEMP_PREFIX) or not path.is_file():
                continue
            # The bytes as they are: a file that was damaged stays damaged (and is handled as
            # such when read), rather than stopping the migration.
            sealed = sealer.seal(path.name, path.read_bytes())
            _replace(str(folder / path.name), sealed, reaper=None, sync_dir=False)
        fsync_dir(folder)  # every sealed file is durable before the plain ones go
        shutil.rmtree(plain)
        fsync_dir(self.users_dir)
