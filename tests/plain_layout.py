"""DATA_DIR as the bot wrote it before encryption: a frozen copy of that on-disk format, so the
tests can prove that the first start with a key seals it.

`users/<user_id>/profile.json` and one `nights-YYYY-MM.json` per month (schema 1: all nights in
`nights.json`), TinyDB JSON as `json.dumps(data, ensure_ascii=False, separators=(",", ":"))`
with a `meta` table, folders 0700, files 0600: byte for byte what `Store` of commit 34e89bf
writes for the same records.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bot.models import Night, Person

META = {"1": {"schema_version": 1}}


def _dump(data: dict[str, Any]) -> bytes:
    document = {**data, "meta": META}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def plain_files(
    person: Person, nights: list[Night], *, one_file: bool = False
) -> dict[str, bytes]:
    """The files of one person: name -> bytes (`one_file`: schema 1's single nights.json)."""
    files = {"profile.json": _dump({"profile": {"1": person.model_dump(mode="json")}})}
    by_month: dict[str, dict[str, Any]] = {}
    for night in nights:
        name = "nights.json" if one_file else f"nights-{night.night:%Y-%m}.json"
        table = by_month.setdefault(name, {})
        table[str(night.night.toordinal())] = night.model_dump(mode="json")
    for name, table in by_month.items():
        files[name] = _dump({"nights": table})
    return files


def write_plain(data_dir: Path, user_id: int, files: dict[str, bytes]) -> Path:
    """Write one person's plain folder; returns it."""
    folder = data_dir / "users" / str(user_id)
    folder.mkdir(parents=True, mode=0o700)
    for name, data in files.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    return folder
