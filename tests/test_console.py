"""The offline console chat, as a newcomer runs it: `python -m bot` without a token."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT


def run_console(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    ignored = ("TELEGRAM_BOT_TOKEN", "DATA_KEY", "DATA_KEY_FILE", "KEYRING_FILE")
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(
        PYTHONPATH=str(ROOT),
        DATA_DIR=str(tmp_path / "data"),
        CONTENT_FILE=str(CONTENT),
        DEFAULT_TIMEZONE="Europe/Berlin",
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_without_a_token_the_bot_runs_as_a_console_chat(tmp_path: Path) -> None:
    result = run_console(
        tmp_path,
        ["/start", "1", "Europe/Berlin", "22:00", "/checkin", "6", "legs buzzing", "/export"],
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[1] I understand, let's start" in out
    assert "Time zone set to Europe/Berlin" in out
    assert "[0] 0  [1] 1" in out and "[11] Snooze 30 min  [12] Skip tonight" in out
    assert "Evidence: " in out
    assert "[1] I'll try it  [2] Another idea  [3] Not for me" in out
    assert "Saved your note" in out
    documents = list((tmp_path / "data" / "console-documents").glob("*.csv"))
    assert len(documents) == 1 and f"[document saved to {documents[0]}]" in out
    assert "legs buzzing" in documents[0].read_text(encoding="utf-8-sig")


@pytest.mark.slow
def test_the_console_makes_its_own_key_once_and_keeps_its_diary_encrypted(
    tmp_path: Path,
) -> None:
    first = run_console(tmp_path, ["/start", "1", "Europe/Berlin", "22:00", "legs buzzing"])
    assert first.returncode == 0, first.stderr
    key = tmp_path / "data" / "console.key"
    assert f"Made a data key for the console's encrypted diary: {key}" in first.stdout
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    stored = [p for p in (tmp_path / "data" / "console").rglob("*") if p.is_file()]
    assert stored and not any(b"legs buzzing" in p.read_bytes() for p in stored)
    again = run_console(tmp_path, ["/history"])
    assert again.returncode == 0, again.stderr
    assert "Made a data key" not in again.stdout
    assert "legs buzzing" in again.stdout


@pytest.mark.slow
def test_quit_ends_the_console_cleanly(tmp_path: Path) -> None:
    result = run_console(tmp_path, ["/help", "/quit", "/start"], "console")
    assert result.returncode == 0, result.stderr
    assert "/checkin" in result.stdout
    assert "Hello! I'm a bedtime companion" not in result.stdout
    assert "Traceback" not in result.stderr


SET_UP = ["/start", "1", "Europe/Berlin", "22:00"]


@pytest.mark.slow
def test_a_typed_digit_presses_only_the_newest_messages_buttons(tmp_path: Path) -> None:
    # /settings shows buttons; the note's confirmation comes after it and has none.
    result = run_console(tmp_path, [*SET_UP, "/settings", "legs calm", "2", "/settings"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Saved your note" in out
    # "2" was a note (there was no check-in to rate), not the settings' second button.
    assert out.count("Saved your note") + out.count("Saved as a note") == 2
    assert out.rstrip().count("22:00") >= 2, "the check-in time is unchanged"


@pytest.mark.slow
def test_documents_keep_a_name_and_extension_and_are_never_overwritten(tmp_path: Path) -> None:
    result = run_console(tmp_path, [*SET_UP, "/checkin", "6", "/report", "/report"])
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "data" / "console-documents"
    charts = sorted(p.name for p in folder.glob("*.png"))
    assert len(charts) == 2, sorted(p.name for p in folder.iterdir())
    assert all(name.startswith("rls-report") for name in charts)
    assert not list(folder.glob("*.octet-stream"))


@pytest.mark.slow
def test_send_sends_a_file_so_an_export_can_be_imported(tmp_path: Path) -> None:
    first = run_console(tmp_path, [*SET_UP, "/checkin", "6", "a night to carry over", "/export"])
    assert first.returncode == 0, first.stderr
    [exported] = (tmp_path / "data" / "console-documents").glob("*.json")
    diary = tmp_path / "diary.json"
    diary.write_bytes(exported.read_bytes())
    shutil.rmtree(tmp_path / "data")  # a new console: the note can only come from the file
    again = run_console(
        tmp_path, [*SET_UP, "/import", f"/send {diary}", "1", "/history", "/send /no/such/file"]
    )
    assert again.returncode == 0, again.stderr
    assert "a night to carry over" in again.stdout
    assert "cannot read /no/such/file" in again.stdout
