"""A process for kill -9 tests of the key and encryption commands.

    python -m tests.kill_victim [--die-at-replace N] bot ARGS...   # python -m bot ARGS
    python -m tests.kill_victim [--die-at-replace N] open DATA_DIR # open the Store (tests' key)

`bot ARGS` runs the real entry point (settings from the environment); `open DATA_DIR` opens the
Store with the tests' key, which seals a plain DATA_DIR and finishes interrupted erasures. Both
print `DONE` when they have finished. `--die-at-replace N` makes the process SIGKILL itself in
its Nth `os.replace`, after the new file is written and fsynced and before the rename: the
moment a kill is most likely to tear something, if anything can be torn.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def die_at_replace(n: int) -> None:
    real_replace = os.replace
    calls = 0

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == n:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    os.replace = replace  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--die-at-replace"]:
        die_at_replace(int(argv[1]))
        argv = argv[2:]
    if argv[0] == "bot":
        from bot.__main__ import main as bot_main

        code = bot_main(argv[1:])
    else:
        from bot.storage import Store
        from tests.keys import KEY

        store = Store(Path(argv[1]), KEY)
        store.open()
        store.close()
        code = 0
    print("DONE", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
