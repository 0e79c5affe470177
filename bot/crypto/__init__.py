"""Encryption at rest: the master key, sealed files, and the keyring of per-person data keys.

AES-256-GCM (`cryptography`) throughout. Each person's files are sealed under a random data key
of their own; data keys exist only in the keyring, a small file outside DATA_DIR, each wrapped
under the master key, so erasing a person's entry makes every copy of their files unreadable.
`keys` holds the master key and sealing; `keyring` the keyring.
"""

from bot.crypto.keyring import Keyring, default_keyring
from bot.crypto.keys import (
    KEY_BYTES,
    NONCE_BYTES,
    SEALED,
    MasterKey,
    PersonKey,
    Sealer,
    Unsealable,
    fsync_dir,
    is_inside,
    load_master_key,
    new_key_text,
    parse_key,
    remove_leftovers,
    write_atomic,
    write_key_file,
)

__all__ = [
    "KEY_BYTES",
    "NONCE_BYTES",
    "SEALED",
    "Keyring",
    "MasterKey",
    "PersonKey",
    "Sealer",
    "Unsealable",
    "default_keyring",
    "fsync_dir",
    "is_inside",
    "load_master_key",
    "new_key_text",
    "parse_key",
    "remove_leftovers",
    "write_atomic",
    "write_key_file",
]
