"""A calm person's reply latency while another person floods, against the same without it.

`python -m bot` runs against the fake Bot API over HTTP with Telegram's limits switched on
(the same scenario as tests/test_fairness.py). Calm people, set up days before, each do one
full check-in (/checkin, a rating until the idea's card, I'll try it, a note, /history): first
on a quiet bot, then once a second while another person sends 15 messages a second with
button presses mixed in. Latency: from handing the update to the fake until the fake recorded
the bot's last request of the answer.
"""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fake_bot_api_server import FakeBotApiServer
from tests.flood import Flood, calm_check_in, prepare
from tests.test_process import TOKEN, BotProcess, bot_env

from bench.harness import summary

FLOODER = 6000
FIRST_CALM = 6001


def _start(work: Path, server: FakeBotApiServer) -> BotProcess:
    process = BotProcess(work, bot_env(work, server.base_url), name="flood-bot")
    server.wait_for_call("getUpdates", 60.0)
    return process


def _rounds(server: FakeBotApiServer, calm: list[int], flood: Flood | None) -> list[float]:
    latencies: list[float] = []
    if flood is not None:
        flood.start()
    for chat in calm:
        started = time.monotonic()
        latencies += calm_check_in(server, chat)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
    if flood is not None:
        flood.join()
    return latencies


def run(work: Path, rounds: int = 8, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Both cases, each on a fresh bot and DATA_DIR; times in milliseconds."""
    results: dict[str, Any] = {"rounds": rounds}
    for case in ("quiet", "flood"):
        folder = work / f"flood-{case}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        calm = list(range(FIRST_CALM, FIRST_CALM + rounds))
        prepare(folder / "data", FLOODER, *calm)
        with FakeBotApiServer(token=TOKEN) as server:
            server.enforce_telegram_limits()
            bot = _start(folder, server)
            try:
                flood = Flood(server, FLOODER) if case == "flood" else None
                latencies = _rounds(server, calm, flood)
                refused = sum(r.status == 429 for r in server.requests())
            finally:
                code = bot.stop(signal.SIGTERM, timeout=10.0)
        results[case] = {
            "calm_ms": summary([s * 1000 for s in latencies]),
            "answers_429": refused,
            "exit_code": code,
        }
        log(
            f"  {case}: calm p50 {results[case]['calm_ms']['p50']:.1f} ms, "
            f"p95 {results[case]['calm_ms']['p95']:.1f} ms, {refused} answers of 429"
        )
    return results
