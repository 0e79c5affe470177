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
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import TinyDB

from bot.crypto import (
    Sealer,
    fsync_dir,
)
from bot.errors import DamagedRecord
from bot.models import Night, Person
from bot.storage.files import (
    _LEGACY_NIGHTS,
    _META,
    _MONTH_GLOB,
    PROFILE,
    TEMP_PREFIX,
    AtomicJSONStorage,
    _by_night,
    _Model,
    _put,
)
from bot.storage.vault import Vault

log = logging.getLogger(__name__)


class Store(Vault):
    """Profiles and nights of every person; one process writes, any number may read.

    `key` is the master key (bot/crypto.py); the keyring lives at `keyring` (default: beside
    DATA_DIR). `key=None` keeps plain JSON in `users/<user_id>/`, the layout from before
    encryption: only the benchmark uses it, to measure what sealing costs; the bot never does.
    """

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
