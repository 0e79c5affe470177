"""DATA_DIR as a whole: the writer lock, the master key and the keyring, leftover temp files,
erasures to finish, rekeying, and sealing a DATA_DIR written before encryption."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bot.crypto import (
    Keyring,
    MasterKey,
    Sealer,
    default_keyring,
    fsync_dir,
    is_inside,
    remove_leftovers,
    write_atomic,
)
from bot.errors import DataDirBusy, DataKeyError, StartupError
from bot.storage.files import (
    STORE_ID,
    TEMP_PREFIX,
    Reaper,
    _replace,
)

log = logging.getLogger(__name__)


class Vault:
    """The folder, its lock and its keys; `Store` adds people and nights on top."""

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
