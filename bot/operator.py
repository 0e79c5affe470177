"""Read-only tools for whoever runs the bot: a review table of recent nights and CSV exports.

They work on a `Store(data_dir, read_only=True)` while the bot holds the writer lock: they
never lock, create or change anything in DATA_DIR. The table never shows what people wrote
(only how many notes), and hides Telegram ids behind per-run pseudonyms unless one person is
asked for by id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.errors import DamagedRecord
from bot.export import nights_csv
from bot.models import Catalog, Night
from bot.storage import Store

log = logging.getLogger(__name__)

COLUMNS = (
    "person",
    "night",
    "rating",
    "remedy",
    "response",
    "tried/helped",
    "sleep",
    "notes",
    "red flags",
)
_SINCE = re.compile(r"^\s*(\d{1,6})\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
MAX_SINCE = dt.timedelta(days=3660)
GONE = "*"
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def parse_since(text: str) -> dt.timedelta:
    """`24h`, `7d` or `2w` as a timedelta (ValueError with a clear message otherwise)."""
    match = _SINCE.match(text)
    if match is None:
        raise ValueError(
            f"--since: cannot read {text!r}; use a number and a unit, for example 24h, 7d or 2w"
        )
    amount = int(match.group(1))
    delta = dt.timedelta(**{_UNITS[match.group(2).lower()]: amount})
    if amount == 0 or delta > MAX_SINCE:
        raise ValueError(f"--since: {text.strip()!r} must be between 1h and 3660d")
    return delta


class _Pseudonyms:
    """Stable short names for user ids within one run, from a random per-run salt."""

    def __init__(self) -> None:
        self._salt = secrets.token_bytes(16)

    def __call__(self, user_id: int) -> str:
        digest = hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()
        return f"p-{digest[:8]}"


def _clean(text: str, limit: int = 24) -> str:
    """Stored ids shown as printable ASCII only (a damaged or edited file must not inject
    terminal control sequences into the operator's screen)."""
    text = _UNPRINTABLE.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "~"


def _tried_helped(night: Night) -> str:
    if night.tried is None:
        return ""
    if not night.tried:
        return "no"
    return f"yes/{night.helped.value}" if night.helped else "yes/?"


def _row(person: str, night: Night, catalog: Catalog) -> list[str]:
    current = night.answer_suggestion
    remedy = ""
    if current is not None:
        remedy = _clean(current.remedy_id) + ("" if catalog.get(current.remedy_id) else GONE)
    return [
        person,
        night.night.isoformat(),
        "skip" if night.rating is None and night.skipped else _text(night.rating),
        remedy,
        current.response.value if current and current.response else "",
        _tried_helped(night),
        _text(night.sleep_quality),
        str(len(night.notes)),
        _clean(",".join(night.red_flags), 40),
    ]


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def review_table(
    store: Store, catalog: Catalog, *, since: dt.date, user_id: int | None, now: dt.datetime
) -> str:
    """Plain-text table of nights from `since` on, across people (or one person by id).

    Shows ratings, remedy ids (starred when the catalog no longer has them), answers, sleep,
    note counts and red-flag ids; never note text.
    """
    who = "one person" if user_id is not None else "people pseudonymised for this run only"
    header = f"Nights since {since.isoformat()} (as of {now.isoformat(timespec='minutes')}; {who})"
    name: Callable[[int], str] = str if user_id is not None else _Pseudonyms()
    stored = store.user_ids()
    ids = [user_id] if user_id is not None else stored
    if user_id is not None and user_id not in stored:
        return f"{header}\nNothing is stored for user {user_id}."
    rows: list[list[str]] = []
    remarks: list[str] = []
    people = 0
    for uid in ids:
        try:
            nights = store.nights(uid)
        except DamagedRecord as exc:
            # The message names the file (and so the id): show it only when asked by id.
            detail = f": {exc}" if user_id is not None else ""
            remarks.append(f"{name(uid)}: skipped, the stored files are damaged{detail}")
            continue
        recent = [n for n in nights if n.night >= since]
        people += bool(recent)
        rows.extend(_row(name(uid), n, catalog) for n in recent)
    # Sorted by pseudonym, so not even the order of the Telegram ids shows through.
    rows.sort(key=lambda r: (r[0], r[1]))
    lines = [header]
    if rows:
        lines.extend(_table([list(COLUMNS), *rows]))
        if any(r[3].endswith(GONE) for r in rows):
            lines.append(f"{GONE} not in the current content file")
    else:
        lines.append("No nights in this period." if stored else "No people stored.")
    nights_word = "night" if len(rows) == 1 else "nights"
    people_word = "person" if people == 1 else "people"
    lines.append(f"{len(rows)} {nights_word} from {people} {people_word}.")
    lines.extend(sorted(remarks))
    return "\n".join(lines)


def export_all(
    store: Store,
    catalog: Catalog,
    out_dir: Path,
    *,
    report: Callable[[str], None] | None = None,
) -> int:
    """Write `<out_dir>/<user_id>.csv` for each person (folder 0700, files 0600).

    Returns how many files were written. People whose files are damaged are skipped and
    named through `report` (default: a warning in the log). `out_dir` must be outside DATA_DIR.
    """
    say = report or log.warning
    data_dir = store.data_dir.resolve()
    target = out_dir.resolve()
    if target == data_dir or data_dir in target.parents:
        raise ValueError(f"{out_dir}: the export folder must be outside DATA_DIR")
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out_dir, 0o700)
    written = 0
    for uid in store.user_ids():
        try:
            nights = store.nights(uid)
        except DamagedRecord as exc:
            say(f"skipped user {uid}: {exc}")
            continue
        _write_private(out_dir / f"{uid}.csv", nights_csv(nights, catalog))
        written += 1
    return written


def _write_private(path: Path, data: bytes) -> None:
    """Write via a 0600 temp file renamed into place (never through an existing symlink)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
