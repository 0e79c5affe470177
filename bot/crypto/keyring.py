"""The keyring: every person's data key, wrapped by the master key, in one small file outside
DATA_DIR, written atomically (so `rekey` and `/delete` are crash-safe)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from bot.crypto.keys import (
    KEY_BYTES,
    KEYRING_FORMAT,
    KEYRING_VERSION,
    MasterKey,
    PersonKey,
    write_atomic,
)
from bot.errors import DataKeyError

_UID_BYTES = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


def _names_context(store_id: str) -> bytes:
    return b"rls keyring v1|names|" + store_id.encode("ascii")


def _person_context(store_id: str, folder: str) -> bytes:
    return b"rls keyring v1|person|" + store_id.encode("ascii") + b"|" + folder.encode("ascii")


def _read_document(path: Path) -> dict[str, Any]:
    """The keyring file as JSON, checked for shape; DataKeyError if missing or damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataKeyError(f"KEYRING_FILE: {path} does not exist") from None
    except OSError as exc:
        raise DataKeyError(f"KEYRING_FILE: cannot read {path} ({exc.strerror})") from None
    damaged = DataKeyError(
        f"KEYRING_FILE: {path} is damaged (not a keyring); restore it from a backup"
    )
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise damaged from None
    shape = {
        "format": str,
        "version": int,
        "store": str,
        "master_key": str,
        "names_key": str,
        "people": dict,
        "erasing": list,
    }
    if not isinstance(doc, dict) or any(not isinstance(doc.get(k), t) for k, t in shape.items()):
        raise damaged
    if doc["format"] != KEYRING_FORMAT or doc["version"] != KEYRING_VERSION:
        raise DataKeyError(f"KEYRING_FILE: {path} is not a keyring of this bot (version 1)")
    return doc


def _check_key(doc: dict[str, Any], path: Path, master: MasterKey) -> None:
    if doc["master_key"] != master.fingerprint:
        raise DataKeyError(
            f"wrong data key: {master.source} holds the key with fingerprint "
            f"{master.fingerprint}, but the keyring {path} needs the key with fingerprint "
            f"{doc['master_key']}; start with that key (nothing was changed)"
        )


class Keyring:
    """Every person's data key, wrapped by the master key, in one small file outside DATA_DIR.

    Also holds the key that turns a Telegram id into a folder name (a keyed hash, so folder
    names reveal no id) and the store id, which ties the keyring to its DATA_DIR. Every change
    is one atomic replacement of the whole file (`save`), so a kill leaves the old or the new
    keyring, under the old or the new master key after a `rekey`.
    """

    def __init__(
        self,
        path: Path,
        master: MasterKey,
        store_id: str,
        names_key: bytes,
        people: dict[int, PersonKey],
        erasing: Iterable[str] = (),
    ) -> None:
        self.path = path
        self.master = master
        self.store_id = store_id
        self._names_key = names_key
        self._wrapped_names = master.wrap(names_key, _names_context(store_id))
        self._people = people
        self._erasing = set(erasing)
        self._folders: dict[int, str] = {}

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, master: MasterKey, store_id: str | None = None) -> Keyring:
        """A new, empty keyring (in memory until `save`)."""
        return cls(path, master, store_id or secrets.token_hex(16), secrets.token_bytes(32), {})

    @staticmethod
    def fingerprint_of(path: Path) -> str:
        """The fingerprint of the master key this keyring file is wrapped under."""
        return str(_read_document(path)["master_key"])

    @staticmethod
    def check_key(path: Path, master: MasterKey) -> None:
        """DataKeyError unless the keyring file is wrapped under `master` (a quick check that
        unwraps nothing)."""
        _check_key(_read_document(path), path, master)

    @classmethod
    def load(cls, path: Path, master: MasterKey) -> Keyring:
        """Read and unwrap the keyring; DataKeyError for a wrong key or a damaged file."""
        doc = _read_document(path)
        _check_key(doc, path, master)
        store_id = doc["store"]
        people: dict[int, PersonKey] = {}
        try:
            names_key = master.unwrap(_unb64(doc["names_key"]), _names_context(store_id))
            for folder, text in doc["people"].items():
                wrapped = _unb64(text)
                secret = master.unwrap(wrapped, _person_context(store_id, folder))
                if len(secret) != KEY_BYTES + _UID_BYTES:
                    raise ValueError("not a data key and an id")
                user_id = int.from_bytes(secret[KEY_BYTES:], "big", signed=True)
                people[user_id] = PersonKey(user_id, folder, secret[:KEY_BYTES], wrapped)
            erasing = [str(folder) for folder in doc["erasing"]]
        except (InvalidTag, ValueError, UnicodeEncodeError):
            raise DataKeyError(
                f"KEYRING_FILE: {path} is damaged (an entry does not decrypt under the right "
                "key); restore it from a backup"
            ) from None
        return cls(path, master, store_id, names_key, people, erasing)

    # -- people -------------------------------------------------------------------------------

    def folder_for(self, user_id: int) -> str:
        """The person's folder name: a keyed hash of their id (stable, reveals no id)."""
        folder = self._folders.get(user_id)
        if folder is None:
            digest = hmac.new(self._names_key, b"user %d" % user_id, hashlib.sha256)
            folder = self._folders[user_id] = digest.hexdigest()[:32]
        return folder

    def person(self, user_id: int) -> PersonKey | None:
        return self._people.get(user_id)

    def people(self) -> list[PersonKey]:
        return list(self._people.values())

    def __len__(self) -> int:
        return len(self._people)

    def add(self, user_id: int) -> PersonKey:
        """A new random data key for the person (in memory until `save`)."""
        folder = self.folder_for(user_id)
        key = secrets.token_bytes(KEY_BYTES)
        secret = key + user_id.to_bytes(_UID_BYTES, "big", signed=True)
        wrapped = self.master.wrap(secret, _person_context(self.store_id, folder))
        entry = self._people[user_id] = PersonKey(user_id, folder, key, wrapped)
        return entry

    def remove(self, user_id: int) -> str | None:
        """Forget the person's data key; their folder is recorded as being erased (so an
        interrupted erasure is finished at the next start). Returns the folder name."""
        entry = self._people.pop(user_id, None)
        if entry is None:
            return None
        self._erasing.add(entry.folder)
        return entry.folder

    @property
    def erasing(self) -> list[str]:
        """Folders whose key is gone and whose files may still have to be removed."""
        return sorted(self._erasing)

    def erased(self, folder: str) -> None:
        self._erasing.discard(folder)

    # -- writing ------------------------------------------------------------------------------

    def rewrap(self, master: MasterKey) -> None:
        """Wrap every key under `master` instead (in memory until `save`)."""
        self._wrapped_names = master.wrap(self._names_key, _names_context(self.store_id))
        for user_id, entry in self._people.items():
            secret = entry.key + user_id.to_bytes(_UID_BYTES, "big", signed=True)
            wrapped = master.wrap(secret, _person_context(self.store_id, entry.folder))
            self._people[user_id] = PersonKey(user_id, entry.folder, entry.key, wrapped)
        self.master = master

    def subset(self, user_ids: Iterable[int], path: Path) -> Keyring:
        """A keyring for the same store with only these people (benchmark data)."""
        people = {uid: self._people[uid] for uid in user_ids}
        return Keyring(path, self.master, self.store_id, self._names_key, people)

    def save(self) -> None:
        """Replace the keyring file atomically (mode 0600)."""
        doc = {
            "format": KEYRING_FORMAT,
            "version": KEYRING_VERSION,
            "store": self.store_id,
            "master_key": self.master.fingerprint,
            "names_key": _b64(self._wrapped_names),
            "people": {entry.folder: _b64(entry.wrapped) for entry in self._people.values()},
            "erasing": sorted(self._erasing),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(self.path, json.dumps(doc, separators=(",", ":")).encode("ascii"))


def default_keyring(data_dir: Path) -> Path:
    """Where the keyring lives unless KEYRING_FILE says otherwise: beside DATA_DIR."""
    folder = data_dir.resolve()
    if not folder.name:
        raise DataKeyError("KEYRING_FILE: must be set when DATA_DIR is the root folder")
    return folder.with_name(folder.name + ".keyring")
