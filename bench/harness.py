"""Shared pieces: the timed fake Bot API server, bot processes, statistics, machine info.

All timestamps are `time.perf_counter()` (CLOCK_MONOTONIC on Linux: one clock for every
thread and process of the machine). Reply latencies are taken on the fake server's own thread:
`t0` just before an update is queued (the moment a waiting long poll can return it), `t1` when a
reply request (`sendMessage`, `editMessageText`, ...) has arrived and its form has been read,
before the fake answers it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.fake_telegram import FakeBotAPI
from tests.fake_bot_api_server import FakeBotApiServer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "remedies.toml"
# Well-formed (digits, colon, 30+ URL-safe characters) and obviously fake.
TOKEN = "424242424:AAFakeTokenForTheBenchmarkSuite_0123xyz"
REPLY_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery",
     "sendDocument", "sendPhoto"}
)  # fmt: skip


@dataclasses.dataclass
class Hit:
    """One reply request as the server saw it."""

    at: float
    method: str
    chat_id: int | None
    text: str


class _Watch:
    def __init__(self, chat_id: int, methods: frozenset[str], count: int) -> None:
        self.chat_id = chat_id
        self.methods = methods
        self.count = count
        self.hits: list[Hit] = []
        self.done = threading.Event()


class TimedServer:
    """A `FakeBotApiServer` plus a before-call hook that timestamps what the bot sends.

    Only public parts of the server are used (`set_before_call`, `call`, `requests`), so the
    test-suite's server can change underneath without breaking the benchmark.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.server = FakeBotApiServer(token=TOKEN)
        self.hits: list[Hit] = []
        self.first_poll: float | None = None
        self.polled = threading.Event()
        self.last_activity = 0.0
        self._watch: _Watch | None = None
        self._keep_hits = True

    def start(self) -> TimedServer:
        self.server.start()
        self.server.set_before_call(self._hook)
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def api(self) -> FakeBotAPI:
        return self.server.api

    async def _hook(self, method: str, params: dict[str, Any]) -> None:
        now = time.perf_counter()
        if method == "getUpdates":
            if self.first_poll is None:
                self.first_poll = now
                self.polled.set()
            return
        self.last_activity = now
        if method not in REPLY_METHODS:
            return
        chat = params.get("chat_id")
        chat_id = (
            int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else None
        )
        hit = Hit(now, method, chat_id, str(params.get("text") or params.get("caption") or ""))
        if self._keep_hits:
            self.hits.append(hit)
        watch = self._watch
        if watch is not None and chat_id == watch.chat_id and method in watch.methods:
            watch.hits.append(hit)
            if len(watch.hits) >= watch.count:
                watch.done.set()

    def reset_poll_marker(self) -> None:
        self.first_poll = None
        self.polled.clear()

    def exchange(
        self,
        chat_id: int,
        push: Callable[[FakeBotAPI], object],
        *,
        methods: frozenset[str] = frozenset({"sendMessage"}),
        count: int = 1,
        timeout: float = 15.0,
    ) -> tuple[float, list[Hit]]:
        """Queue an update (built by `push(api)` on the server's loop) and wait for `count`
        reply requests of `methods` to this chat. Returns (t0, hits)."""
        watch = _Watch(chat_id, methods, count)
        self._watch = watch

        def queue(api: FakeBotAPI) -> float:
            started = time.perf_counter()
            push(api)
            return started

        t0 = self.server.call(queue)
        try:
            if not watch.done.wait(timeout):
                raise TimeoutError(
                    f"{self.name}: no reply to chat {chat_id} within {timeout} s "
                    f"(got {[h.method for h in watch.hits]})"
                )
        finally:
            self._watch = None
        return t0, watch.hits

    def wait_quiet(self, quiet: float = 0.05, timeout: float = 10.0) -> None:
        """Wait until the bot has sent nothing (but long polls) for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while True:
            idle = time.perf_counter() - self.last_activity
            if idle >= quiet:
                return
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.name}: the bot never went quiet")
            time.sleep(quiet - idle + 0.001)


# -- processes --------------------------------------------------------------------------------

SETTING_NAMES = {
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATA_DIR", "CONTENT_FILE",
    "DEFAULT_TIMEZONE", "LOG_LEVEL", "DATA_KEY", "DATA_KEY_FILE", "KEYRING_FILE",
}  # fmt: skip


def bot_env(base_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATA_DIR=str(data_dir.resolve()),
        CONTENT_FILE=str(CONTENT),
        DEFAULT_TIMEZONE="Europe/London",
        LOG_LEVEL="INFO",
        # The key beside the benchmark's DATA_DIR (bench/data.py); the keyring is the default.
        DATA_KEY_FILE=str(data_dir.resolve().with_name(data_dir.name + ".key")),
    )
    env.update(extra)
    return env


class Process:
    """A bot subprocess with its output in files (a chatty bot can never block on a pipe)."""

    def __init__(self, argv: list[str], env: dict[str, str], workdir: Path, name: str) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.stderr_path = workdir / f"{name}.stderr"
        self.cwd = workdir / "cwd"  # empty: no .env can leak in
        self.cwd.mkdir(exist_ok=True)
        with (workdir / f"{name}.stdout").open("wb") as out, self.stderr_path.open("wb") as err:
            self.started = time.perf_counter()
            self.proc = subprocess.Popen(
                argv, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM in kB, from /proc/<pid>/status."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
        return values

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_bot(server: TimedServer, data_dir: Path, workdir: Path, name: str) -> Process:
    return Process(
        [sys.executable, "-m", "bot"], bot_env(server.base_url, data_dir), workdir, name
    )


def start_echo(
    server: TimedServer, workdir: Path, name: str = "echo", calls: str = "one"
) -> Process:
    script = Path(__file__).with_name("echo_bot.py")
    env = bot_env(server.base_url, workdir / "unused", ECHO_CALLS=calls)
    return Process([sys.executable, str(script)], env, workdir, name)


def wait_polling(server: TimedServer, process: Process, timeout: float = 60.0) -> float:
    """Seconds from process start to its first getUpdates."""
    deadline = time.perf_counter() + timeout
    while not server.polled.wait(0.05):
        if process.proc.poll() is not None:
            raise RuntimeError(f"{process.name} exited early:\n{process.stderr()[-3000:]}")
        if time.perf_counter() > deadline:
            process.kill()
            raise TimeoutError(f"{process.name} never polled:\n{process.stderr()[-3000:]}")
    assert server.first_poll is not None
    return server.first_poll - process.started


# -- statistics and machine -------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), like numpy's default."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": statistics.fmean(values) if values else float("nan"),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def _machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine since boot (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    steal = fields[7] if len(fields) > 7 else 0
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields[:8]) - idle - steal) / tick, steal / tick


_PROBE: str | None = None


def cpu_probe() -> float:
    """Median ms of one fixed piece of work (parsing a year of one person's nights as JSON):
    the same code takes up to 2x longer on this virtual machine at times, whatever the load
    inside it; comparing this figure between runs tells whether the machine was slower."""
    global _PROBE
    if _PROBE is None:
        import json
        import random

        from bench.data import night_docs

        _PROBE = json.dumps({"nights": night_docs(random.Random(0), "Europe/Berlin")})
    import json

    times = []
    for _ in range(15):
        started = time.perf_counter()
        json.loads(_PROBE)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuWatch:
    """How busy the machine was during a phase, and how much of that was someone else.

    `foreign_cores` is the CPU used by processes other than this one and the bots it started
    (and waited for), per second of wall time: anything well above 0 means the figures of that
    phase were taken on a shared, busy machine.
    """

    def __init__(self) -> None:
        self.probe = cpu_probe()
        self.wall = time.perf_counter()
        self.busy, self.steal = _machine_cpu()
        self.own = _own_cpu()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        busy, steal = _machine_cpu()
        busy -= self.busy
        own = _own_cpu() - self.own
        return {
            "wall_s": round(wall, 1),
            "machine_busy_cores": round(busy / wall, 2),
            "foreign_cores": round(max(0.0, busy - own) / wall, 2),
            "stolen_cores": round((steal - self.steal) / wall, 2),
            "loadavg_1min_at_end": float(Path("/proc/loadavg").read_text().split()[0]),
            "cpu_probe_ms_start": self.probe,
            "cpu_probe_ms_end": cpu_probe(),
        }


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions = {}
    for module in ("telegram", "tinydb", "aiohttp", "httpx", "apscheduler", "pydantic"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "?"
    commit = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if dirty:
            commit += " (bot/ has uncommitted changes)"
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "packages": versions,
    }
