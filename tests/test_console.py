"""The offline console chat, as a newcomer runs it: `python -m bot` without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CONTENT, ROOT


def run_console(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN",)}
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
    documents = list((tmp_path / "data" / "console" / "documents").glob("*.csv"))
    assert len(documents) == 1 and f"[document saved to {documents[0]}]" in out
    assert "legs buzzing" in documents[0].read_text(encoding="utf-8-sig")


def test_quit_ends_the_console_cleanly(tmp_path: Path) -> None:
    result = run_console(tmp_path, ["/help", "/quit", "/start"], "console")
    assert result.returncode == 0, result.stderr
    assert "/checkin" in result.stdout
    assert "Hello! I'm a bedtime companion" not in result.stdout
    assert "Traceback" not in result.stderr
