"""Keys and sealing for encryption at rest: the master key (its file, its checks), AES-256-GCM
sealing of files, and the small file helpers both the keyring and storage use."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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
