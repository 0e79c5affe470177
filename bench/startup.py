"""Start-up: `python -m bot` from process start to its first getUpdates, and its memory.

Each start is a fresh interpreter (`subprocess.Popen`, timed from just before the call) on the
same DATA_DIR (schedules chosen so no check-in, morning question or catch-up is due while the
benchmark runs). Once it polls, the harness sends `/help` and times the reply (the bot is
serving), then reads VmRSS/VmHWM from /proc/<pid>/status. The last start of each size then
stays up until the process is idle (whatever background start-up work it does, e.g. checking
every nights file), sending `/help` every 0.5 s meanwhile to see what people get during that
time, reads the memory again, and is stopped with SIGTERM to time a graceful shutdown. The
other starts are killed (a kill is safe for the data: every write is atomic).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.data import uid
from bench.harness import Process, TimedServer, start_bot, summary, wait_polling

CPU_TICK = 0.01


def _cpu(process: Process) -> float:
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * CPU_TICK


def _help(server: TimedServer, chat: int) -> float:
    t0, hits = server.exchange(chat, lambda api: api.send_text(chat, "/help"), timeout=120)
    server.wait_quiet(0.02)
    return (hits[0].at - t0) * 1000


def run(
    dirs: dict[int, Path], work: Path, starts: dict[int, int], log: Any = print
) -> dict[str, Any]:
    server = TimedServer("startup").start()
    results: dict[str, Any] = {}
    try:
        for size, data_dir in dirs.items():
            chat = uid(0)
            runs = []
            for index in range(starts[size]):
                last = index == starts[size] - 1
                server.reset_poll_marker()
                process = start_bot(server, data_dir, work / f"startup-{size}", f"start-{index}")
                try:
                    first_poll = wait_polling(server, process, timeout=120)
                    first_help = _help(server, chat)
                    memory = process.memory()
                    entry: dict[str, Any] = {
                        "to_first_getUpdates_s": first_poll,
                        "first_help_reply_ms": first_help,
                        "rss_kb": memory["VmRSS"],
                        "hwm_kb": memory["VmHWM"],
                    }
                    if last:
                        t_busy = time.perf_counter()
                        during: list[float] = []
                        cpu = _cpu(process)
                        while True:
                            window = time.perf_counter() + 1.0
                            while time.perf_counter() < window:
                                during.append(_help(server, chat))
                                time.sleep(0.5)
                            now_cpu = _cpu(process)
                            if now_cpu - cpu < 0.1:  # the probes themselves cost a few ms
                                break
                            cpu = now_cpu
                            if time.perf_counter() - t_busy > 300:
                                break
                        idle = process.memory()
                        t_stop = time.perf_counter()
                        code = process.stop(timeout=120)
                        entry.update(
                            busy_after_first_poll_s=time.perf_counter() - t_busy - 1.0,
                            help_during_busy_ms=summary(during),
                            help_during_busy_raw_ms=[round(x, 2) for x in during],
                            rss_idle_kb=idle["VmRSS"],
                            hwm_idle_kb=idle["VmHWM"],
                            sigterm_to_exit_s=time.perf_counter() - t_stop,
                            exit_code=code,
                        )
                finally:
                    process.kill()
                runs.append(entry)
                log(
                    f"  start {index + 1}/{starts[size]} with {size} people: first getUpdates "
                    f"after {first_poll:.2f} s, RSS {memory['VmRSS'] / 1024:.0f} MB"
                    + (
                        f"; busy {entry['busy_after_first_poll_s']:.0f} s more, "
                        f"SIGTERM->exit {entry['sigterm_to_exit_s']:.1f} s"
                        if last
                        else ""
                    )
                )
            results[str(size)] = {
                "to_first_getUpdates_s": summary([r["to_first_getUpdates_s"] for r in runs]),
                "rss_mb": summary([r["rss_kb"] / 1024 for r in runs]),
                "runs": runs,
            }
    finally:
        server.stop()
    return results
