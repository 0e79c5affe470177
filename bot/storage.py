"""The store of record: one folder per person, TinyDB files written atomically.

Layout under DATA_DIR (folders 0700, files 0600):
    .lock                                held by the one bot process that may write
    users/<user_id>/profile.json         the Person record (small: read for everyone at start-up)
    users/<user_id>/nights-YYYY-MM.json  one document per night of that month (by the night's
                                         date), doc_id = the night's date ordinal

Recording a reply reads and rewrites only one month of one person's nights (about 12 kB), so
its cost grows neither with the number of people nor with how long a person has used the bot.
Each write goes to a temp file that is fsynced and renamed over the target, so a kill -9 at
any moment leaves either the old or the new file, never a torn one. This is the only module
that imports tinydb.

Freeing the replaced file's blocks is the slowest part of a write on an ext4 mounted with
`discard` (about 1.8 ms of the rename, measured): so before the rename the old file gets a
second name (a temp name), which keeps the rename cheap, and a background thread unlinks that
name after the reply is safe. A crash in between leaves only a temp file, removed at start-up.
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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage

from bot.errors import DamagedRecord, DataDirBusy, StartupError
from bot.models import SCHEMA_VERSION, Night, Person

log = logging.getLogger(__name__)

TEMP_PREFIX = ".tmp-"
_PROFILE = "profile.json"
_LEGACY_NIGHTS = "nights.json"  # schema 1 kept every night in one file; split on first use
_MONTH_GLOB = "nights-[0-9][0-9][0-9][0-9]-[0-9][0-9].json"
_META = "meta"


_Model = TypeVar("_Model", Person, Night)


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
    """TinyDB storage that replaces the whole file atomically on every write."""

    def __init__(self, path: str, *, create: bool = True, reaper: Reaper | None = None) -> None:
        self.path = path
        self.folder = os.path.dirname(path)
        self.create = create
        self.reaper = reaper

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return None
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
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".json", dir=self.folder)
        old: str | None = None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
                handle.flush()
                os.fsync(handle.fileno())
            old = self._keep_old()
            os.replace(tmp, self.path)
        except BaseException:
            _unlink(tmp)
            if old is not None:
                _unlink(old)
            raise
        _fsync_dir(self.folder)
        if old is not None and self.reaper is not None:
            self.reaper.unlink_later(old)

    def _keep_old(self) -> str | None:
        """Give the file about to be replaced a temp name, so the rename frees nothing."""
        if self.reaper is None:
            return None
        old = os.path.join(self.folder, f"{TEMP_PREFIX}{os.urandom(6).hex()}.old")
        try:
            os.link(self.path, old)
        except OSError:  # no file yet, or a file system without hard links: rename as usual
            return None
        return old

    def close(self) -> None:
        """Nothing stays open between operations."""


def _put(db: TinyDB, table_name: str, doc_id: int, payload: dict[str, Any]) -> None:
    """Insert or replace one document with one read and one write of the file.

    This is TinyDB's own read-modify-write (`Table._update_table`) done through the public
    storage: `Table.upsert` writes the file twice for a new document, and `Table.update`
    after `Table.contains` reads it twice.
    """
    data = db.storage.read() or {}
    data.setdefault(table_name, {})[str(doc_id)] = payload
    db.storage.write(data)


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """Profiles and nights of every person; one process writes, any number may read."""

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.data_dir = data_dir
        self.users_dir = data_dir / "users"
        self.read_only = read_only
        self._lock_fd: int | None = None
        self._reaper = Reaper()

    # -- lifecycle ------------------------------------------------------------------------

    def open(self) -> None:
        """Create the folders, take the writer lock and clear temp files left by a crash."""
        if self.read_only:
            if not self.users_dir.is_dir():
                raise StartupError(f"DATA_DIR: {self.data_dir} holds no bot data")
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
        removed = 0
        leftovers = [
            *self.data_dir.glob(f"{TEMP_PREFIX}*"),
            *self.users_dir.glob(f"*/{TEMP_PREFIX}*"),
        ]
        for tmp in leftovers:
            tmp.unlink(missing_ok=True)
            removed += 1
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

    # -- paths ----------------------------------------------------------------------------

    def _folder(self, user_id: int) -> Path:
        return self.users_dir / str(int(user_id))

    def _db(self, user_id: int, name: str) -> TinyDB:
        folder = self._folder(user_id)
        if not self.read_only:
            folder.mkdir(mode=0o700, exist_ok=True)
        return TinyDB(
            str(folder / name),
            storage=AtomicJSONStorage,
            create=not self.read_only,
            reaper=self._reaper,
        )

    # -- people ---------------------------------------------------------------------------

    def get_person(self, user_id: int) -> Person | None:
        """The person's profile, or None if the bot has never stored anything about them."""
        path = self._folder(user_id) / _PROFILE
        # Read through the storage alone: start-up reads every profile, and TinyDB's table
        # machinery would double the cost of this one-document file.
        data = AtomicJSONStorage(str(path), create=False).read()
        if data is None:
            return None
        with self._shape(user_id, _PROFILE):
            doc = data.get("profile", {}).get("1")
        if doc is None:
            return None
        return self._validate(Person, doc, user_id, _PROFILE)

    def save_person(self, person: Person) -> None:
        """Write the profile (creating the person's folder on first use)."""
        payload = person.model_dump(mode="json")
        with self._db(person.user_id, _PROFILE) as db:
            _put(db, "profile", 1, payload)

    def user_ids(self) -> list[int]:
        """Every person with a folder, in id order."""
        if not self.users_dir.is_dir():
            return []
        return sorted(int(p.name) for p in self.users_dir.iterdir() if p.name.isdigit())

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
        """Erase every file stored about this person."""
        folder = self._folder(user_id)
        self.settle()
        if folder.exists():
            shutil.rmtree(folder)
            _fsync_dir(str(self.users_dir))

    # -- nights ---------------------------------------------------------------------------

    @staticmethod
    def _month(night: dt.date) -> str:
        return f"nights-{night:%Y-%m}.json"

    def _months(self, user_id: int) -> list[str]:
        """The person's month files, oldest first."""
        self._split_legacy(user_id)
        folder = self._folder(user_id)
        return sorted(p.name for p in folder.glob(_MONTH_GLOB)) if folder.is_dir() else []

    def get_night(self, user_id: int, night: dt.date) -> Night | None:
        """One night's record, or None."""
        self._split_legacy(user_id)
        name = self._month(night)
        if not (self._folder(user_id) / name).exists():
            return None
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
        records: list[Night] = []
        for name in self._months(user_id):
            if first is not None and name < first:
                continue
            with self._db(user_id, name) as db, self._shape(user_id, name):
                docs = db.table("nights", cache_size=0).all()
            records += [self._validate(Night, doc, user_id, name) for doc in docs]
        if since is not None:
            records = [n for n in records if n.night >= since]
        return sorted(records, key=lambda n: n.night)

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
        for name in old - by_month.keys():
            (self._folder(user_id) / name).unlink(missing_ok=True)
        _fsync_dir(str(self._folder(user_id)))

    def _split_legacy(self, user_id: int) -> None:
        """Schema 1 kept all nights in one `nights.json`: split it into month files once."""
        legacy = self._folder(user_id) / _LEGACY_NIGHTS
        if self.read_only or not legacy.exists():
            return
        data = AtomicJSONStorage(str(legacy), create=False).read() or {}
        by_month: dict[str, dict[str, Any]] = {}
        for doc_id, doc in data.get("nights", {}).items():
            name = self._month(dt.date.fromordinal(int(doc_id)))
            by_month.setdefault(name, {})[doc_id] = doc
        for name, table in by_month.items():
            with self._db(user_id, name) as db:
                db.storage.write({"nights": table})
        legacy.unlink()
        _fsync_dir(str(legacy.parent))
        log.info("user %s: split nights.json into %d month files", user_id, len(by_month))

    @contextlib.contextmanager
    def _shape(self, user_id: int, name: str) -> Iterator[None]:
        """Valid JSON of the wrong shape makes TinyDB fail oddly; report it as damage instead."""
        try:
            yield
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            problem = f"not a TinyDB table ({exc.__class__.__name__})"
            path = str(self._folder(user_id) / name)
            raise DamagedRecord(f"users/{user_id}/{name}: {problem}", path=path) from None

    def _validate(self, model: type[_Model], doc: dict[str, Any], uid: int, name: str) -> _Model:
        try:
            return model.model_validate(dict(doc))
        except ValidationError as exc:
            problem = f"unexpected content ({exc.error_count()} errors)"
            path = str(self._folder(uid) / name)
            raise DamagedRecord(f"users/{uid}/{name}: {problem}", path=path) from None

    # -- damage -----------------------------------------------------------------------------

    def check_nights(self, user_id: int, since: dt.date | None = None) -> None:
        """Parse the nights files (from `since`'s month on, if given; JSON and TinyDB shape
        only, no record validation) and raise DamagedRecord for the first that is unreadable."""
        first = "" if since is None else self._month(since)
        for name in self._months(user_id):
            if name >= first:
                AtomicJSONStorage(str(self._folder(user_id) / name), create=False).read()

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
        _fsync_dir(str(source.parent))
        return target
