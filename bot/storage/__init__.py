"""The store of record (the only package that imports tinydb): `store` (people and nights),
`vault` (DATA_DIR, its lock and keys), `files` (atomic, sealed TinyDB files)."""

from bot.storage.files import PROFILE, STORE_ID, TEMP_PREFIX, AtomicJSONStorage, Reaper
from bot.storage.store import Store

__all__ = ["PROFILE", "STORE_ID", "TEMP_PREFIX", "AtomicJSONStorage", "Reaper", "Store"]
