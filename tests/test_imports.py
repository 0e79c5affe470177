"""Every module imports on its own, first, in a fresh interpreter (no import cycles)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import bot
from tests.conftest import ROOT

SCRIPT = """
import importlib, multiprocessing, sys

def load(name):
    importlib.import_module(name)

if __name__ == "__main__":
    # Third-party libraries load once here; each child then imports one of our modules first.
    import httpx, pydantic, pydantic_settings, telegram, telegram.ext, tinydb, matplotlib, fpdf
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
