"""Encryption at rest: the master key, sealed files, and the keyring of per-person data keys.

AES-256-GCM (`cryptography`) throughout. Each person's files are sealed under a random data key
of their own; data keys exist only in the keyring, a small file outside DATA_DIR, each wrapped
under the master key, so erasing a person's entry makes every copy of their files unreadable.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import DataKeyError

KEY_BYTES = 32
NONCE_BYTES = 12
# The first bytes of every sealed file: format 1 = AES-256-GCM, a 12-byte random nonce, then the
# ciphertext with its 16-byte tag.
SEALED = b"RLS1"
KEYRING_FORMAT = "rls-bedtime-companion keyring"
KEYRING_VERSION = 1
KEYGEN = "python -m bot keygen FILE"
_TEMP = ".tmp-"
_UID_BYTES = 8


# -- primitives ---------------------------------------------------------------------------------


def _seal(aead: AESGCM, data: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, data, context)


def _open(aead: AESGCM, blob: bytes, context: bytes) -> bytes:
    """Raises InvalidTag when `blob` was not sealed by this key with this context."""
    return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)


def _derive(raw: bytes, purpose: bytes, length: int = KEY_BYTES) -> bytes:
    """A subkey for one purpose (HKDF-SHA256), so the master key itself is used for nothing."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=None,
        info=b"rls-bedtime-companion " + purpose,
    )
    return hkdf.derive(raw)


def fsync_dir(folder: Path | str) -> None:
    """Make a rename or unlink in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (mode 0600): a temp file in the same folder, fsync, rename,
    folder fsync. A kill at any moment leaves the old or the new file, never a torn one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{_TEMP}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def remove_leftovers(path: Path) -> int:
    """Delete temp files an interrupted `write_atomic(path, ...)` left; returns how many."""
    leftovers = list(path.parent.glob(f".{path.name}{_TEMP}*"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return len(leftovers)


def is_inside(path: Path, folder: Path) -> bool:
    """True when `path` is `folder` or anywhere below it (symlinks resolved)."""
    resolved, base = path.resolve(), folder.resolve()
    return resolved == base or base in resolved.parents


# -- the master key ---------------------------------------------------------------------------


class MasterKey:
    """The master key: it wraps the keyring's keys and nothing else; the bot never stores it."""

    def __init__(self, raw: bytes, source: str = "the key") -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError(f"a data key is {KEY_BYTES} bytes")
        self.source = source
        self._wrap = AESGCM(_derive(raw, b"keyring wrap v1"))
        # Names the key in messages and in the keyring without revealing anything about it.
        self.fingerprint = _derive(raw, b"key fingerprint v1", 8).hex()

    def __repr__(self) -> str:
        return f"MasterKey(fingerprint={self.fingerprint!r})"

    def wrap(self, secret: bytes, context: bytes) -> bytes:
        return _seal(self._wrap, secret, context)

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        """Raises InvalidTag for a blob this key did not wrap in this context."""
        return _open(self._wrap, blob, context)


def new_key_text() -> str:
    """A new random master key in the one documented format: base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_key(text: str, source: str) -> MasterKey:
    """A key from its text (one line of base64); DataKeyError naming `source` otherwise."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise DataKeyError(
            f"{source}: not a data key: expected one line of base64 encoding {KEY_BYTES} random "
            f"bytes (make one with `{KEYGEN}`)"
        )
    return MasterKey(raw, source)


def write_key_file(path: Path) -> MasterKey:
    """Write a new random key to `path` (mode 0600); FileExistsError if `path` exists."""
    text = new_key_text()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (text + "\n").encode("ascii"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    fsync_dir(path.parent)
    return parse_key(text, str(path))


def load_master_key(
    key_file: Path | None, key_text: str | None, data_dir: Path, *, name: str = "DATA_KEY_FILE"
) -> MasterKey:
    """The master key from DATA_KEY_FILE or DATA_KEY, after the checks start-up makes:
    exactly one of them is set, the file is outside DATA_DIR and private to its owner.
    `name` is how messages call the file setting."""
    if key_file is not None and key_text is not None:
        raise DataKeyError("DATA_KEY and DATA_KEY_FILE are both set; keep only one of them")
    if key_text is not None:
        return parse_key(key_text, "DATA_KEY")
    if key_file is None:
        raise DataKeyError(
            "DATA_KEY_FILE: not set. People's data is encrypted at rest with a key kept outside "
            f"DATA_DIR: make one with `{KEYGEN}` and set DATA_KEY_FILE to its path"
        )
    if is_inside(key_file, data_dir):
        raise DataKeyError(
            f"{name}: {key_file} is inside DATA_DIR; keep the key apart from the data "
            "(a copy of DATA_DIR must never carry its key)"
        )
    try:
        info = key_file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataKeyError(f"{name}: {key_file} is not a file")
        if info.st_mode & 0o077:
            mode = stat.S_IMODE(info.st_mode)
            raise DataKeyError(
                f"{name}: {key_file} is open to other accounts (mode {mode:04o}); "
                f"make it private: chmod 600 {key_file}"
            )
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise DataKeyError(
            f"{name}: {key_file} does not exist (make a key with `{KEYGEN}`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "not text"
        raise DataKeyError(f"{name}: cannot read {key_file} ({problem})") from None
    return parse_key(text, name)


# -- sealed files -----------------------------------------------------------------------------


class Unsealable(ValueError):
    """A file that does not open under its person's key: damaged, or not theirs."""


class Sealer:
    """Seals and opens the files of one person's folder with their data key. The folder and the
    file name are bound as associated data: a file moved to another person or another name (a
    different month, the profile) no longer opens."""

    __slots__ = ("_aead", "_folder")

    def __init__(self, key: bytes, folder: str) -> None:
        self._aead = AESGCM(key)
        self._folder = folder.encode("ascii")

    def _context(self, name: str) -> bytes:
        return SEALED + b"|" + self._folder + b"|" + name.encode("utf-8")

    def seal(self, name: str, data: bytes) -> bytes:
        return SEALED + _seal(self._aead, data, self._context(name))

    def open(self, name: str, blob: bytes) -> bytes:
        if not blob.startswith(SEALED):
            raise Unsealable("not a sealed file")
        try:
            return _open(self._aead, blob[len(SEALED) :], self._context(name))
        except InvalidTag:
            raise Unsealable("does not decrypt under the person's key (altered or cut)") from None


# -- the keyring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonKey:
    """One person's data key and the pseudonymous folder it belongs to."""

    user_id: int
    folder: str
    key: bytes = field(repr=False)
    wrapped: bytes = field(repr=False)

    def sealer(self) -> Sealer:
        return Sealer(self.key, self.folder)


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
