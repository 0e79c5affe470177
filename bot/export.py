"""The person's nights as CSV: one row per night, stable columns (docs/looking-back.md, "Export
format"; the trial columns also in docs/trials.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.models import Catalog, Night
from bot.texts import sleep_label
from bot.trial_plan import Arm

# Column order is part of the export format: append new columns, never reorder or rename.
CSV_COLUMNS = (
    "night_date",
    "timezone",
    "checkin_sent_utc",
    "symptom_rating",
    "rated_at_utc",
    "skipped",
    "remedies_shown",
    "remedy",
    "remedy_title",
    "remedy_response",
    "content_version",
    "remedy_tried",
    "remedy_helped",
    "sleep_quality",
    "sleep_quality_score",
    "notes",
    "red_flags",
    "entered_later",
    "trial_evening",
    "night_score",
    "kept_plan",
)
# A trial evening's kind in words.
TRIAL_EVENINGS = {Arm.IDEA: "idea", Arm.USUAL: "usual"}


FORMULA_STARTS = frozenset("=+-@\t\r")


def _iso(value: object) -> str:
    return "" if value is None else value.isoformat()  # type: ignore[attr-defined]


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _text_cell(text: str) -> str:
    """The person's own words in a cell a spreadsheet will not run: a cell that starts with
    =, +, -, @ (or a tab or carriage return) would be read as a formula
    ('=HYPERLINK("http://…")'), so it gets a leading apostrophe, as OWASP advises."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def night_row(night: Night, catalog: Catalog) -> dict[str, str]:
    """One CSV row."""
    current = night.answer_suggestion
    remedy = catalog.get(current.remedy_id) if current else None
    return {
        "night_date": night.night.isoformat(),
        "timezone": night.tz,
        "checkin_sent_utc": _iso(night.prompted_at),
        "symptom_rating": "" if night.rating is None else str(night.rating),
        "rated_at_utc": _iso(night.rated_at),
        "skipped": _flag(night.skipped),
        "remedies_shown": ";".join(s.remedy_id for s in night.suggestions),
        "remedy": current.remedy_id if current else "",
        "remedy_title": remedy.title if remedy else "",
        "remedy_response": current.response.value if current and current.response else "",
        "content_version": str(current.content_version) if current else "",
        "remedy_tried": _flag(night.tried),
        "remedy_helped": night.helped.value if night.helped else "",
        "sleep_quality": (sleep_label(night.sleep_quality).lower() if night.sleep_quality else ""),
        "sleep_quality_score": "" if night.sleep_quality is None else str(night.sleep_quality),
        "notes": _text_cell(" | ".join(n.text for n in night.notes)),
        "red_flags": ";".join(night.red_flags),
        "entered_later": "yes" if night.entered_later else "",
        "trial_evening": TRIAL_EVENINGS[night.trial_arm] if night.trial_arm else "",
        "night_score": "" if night.night_score is None else str(night.night_score),
        "kept_plan": _flag(night.kept_plan),
    }


def nights_csv(nights: Sequence[Night], catalog: Catalog) -> bytes:
    """UTF-8 CSV with a header row (with BOM, so spreadsheet apps pick the right encoding)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for night in nights:
        writer.writerow(night_row(night, catalog))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
