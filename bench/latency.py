"""Reply latency: the real bot (`python -m bot`) and a bare echo bot, side by side.

Four subprocesses run at once, each long-polling its own `FakeBotApiServer` (real HTTP on
loopback), each with its own interpreter and GIL as in production: the bot on the 10-people
DATA_DIR, the bot on the 10,000-people DATA_DIR, the echo bot, and (rating case only) an echo
bot that answers a press with the same three calls the bot makes. Every round takes one sample
of every case from each of them, one at a time, and who goes first rotates, so drift on the
machine (this VM's speed varies) hits them all alike.

Per sample: the server notes `t0` just before it queues the update (a waiting long poll returns
it at once), and `t1` when the reply request arrives. Between samples the harness waits until
the bot has sent nothing for 50 ms, so every sample starts with an idle bot waiting in
`getUpdates` (and the other two are idle too).

Cases:
- `/help`: a command answered from constant text (framework + routing cost).
- rating: the person presses `6` under tonight's check-in. Before each sample (untimed) the
  harness resets that person's tonight to "not rated" in storage and sends `/checkin`, so every
  press is a first rating with a real remedy card. The bot answers the callback, edits the
  question ("Noted: 6/10") and sends the card; latency is to the card's `sendMessage` (the
  edit is recorded as `first_reply`). The echo bot answers the same press with one message.
- note: free text kept as a note on tonight (read profile + nights, red-flag check, atomic
  write of the nights file with fsync), answered "Saved your note".
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import keyboards
from bot.checkins import Diary
from bot.content import load_catalog
from bot.fake_telegram import FakeBotAPI
from bot.models import Night

from bench.data import NOTES, open_store, uid
from bench.harness import (
    CONTENT,
    Hit,
    Process,
    TimedServer,
    start_bot,
    start_echo,
    summary,
    wait_polling,
)

CASES = ("help", "rating", "note")
QUIET = 0.05


def wait_idle(
    process: Process, *, window: float = 1.0, busy: float = 0.05, timeout: float = 180.0
) -> float:
    """Wait until the process used less than `busy` CPU seconds in the last `window` seconds
    (start-up jobs such as scanning every nights file run in the background after the first
    getUpdates). Returns the seconds waited."""
    started = time.perf_counter()

    def cpu() -> float:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, clock ticks

    last = cpu()
    while True:
        time.sleep(window)
        now = cpu()
        if now - last < busy:
            return time.perf_counter() - started
        last = now
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{process.name} never went idle")


@dataclass
class Target:
    """One bot under test: its server, its process, and (for the real bot) its storage."""

    kind: str  # "bot" or "echo"
    server: TimedServer
    process: Process
    diary: Diary  # harness-side view of a DATA_DIR (computing tonight, resets for the bot)
    subjects: list[int]
    seed: int
    busy_after_poll: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CASES})
    first_reply: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CASES})
    unexpected: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # every bot gets the same sequence of notes


def _expect(target: Target, case: str, hit: Hit) -> None:
    if target.kind != "bot":
        return
    ok = {
        "help": "/checkin" in hit.text,
        "rating": "Evidence:" in hit.text,
        "note": "note" in hit.text.lower(),
    }[case]
    if not ok:
        target.unexpected.append(f"{case}: {hit.text[:80]!r}")


def _sent_by(hits: list[Hit]) -> bool:
    return any(h.method == "sendMessage" for h in hits)


def sample(target: Target, case: str, chat: int, rng: random.Random, record: bool) -> None:
    server = target.server
    if case == "help":
        t0, hits = server.exchange(chat, lambda api: api.send_text(chat, "/help"))
        reply = hits[0]
    elif case == "note":
        text = rng.choice(NOTES)
        t0, hits = server.exchange(chat, lambda api: api.send_text(chat, text))
        reply = hits[0]
    else:
        key = _open_tonight(target, chat)
        server.exchange(chat, lambda api: api.send_text(chat, "/checkin"))
        server.wait_quiet(QUIET)
        data = keyboards.encode(keyboards.Action.RATE, key, "6")

        def press(api: FakeBotAPI) -> Any:
            message = api.last(chat)
            if target.kind == "bot":
                buttons = dict(message.buttons)
                assert buttons.get("6") == data, (buttons, data)
            return api.press(message, data)

        methods = frozenset({"sendMessage", "editMessageText"})
        count = 1 if target.kind == "echo" else 2  # the bot and echo-same edit and send
        t0, hits = server.exchange(chat, press, methods=methods, count=count)
        reply = next(h for h in hits if h.method == "sendMessage") if _sent_by(hits) else hits[-1]
        if record and target.kind != "echo":
            target.first_reply[case].append((hits[0].at - t0) * 1000)
    server.wait_quiet(QUIET)
    if record:
        target.samples[case].append((reply.at - t0) * 1000)
        _expect(target, case, reply)


def _open_tonight(target: Target, chat: int) -> dt.date:
    """Untimed: make tonight unrated again (bot), so the press is a first rating."""
    diary = target.diary
    person = diary.require(chat)
    now = dt.datetime.now(dt.UTC)
    key = diary.core.checkin_night(person, now)
    if target.kind == "bot":
        assert person.tz is not None
        diary.store.save_night(chat, Night(night=key, tz=person.tz))
    return key


def run(
    dirs: dict[int, Path],
    work: Path,
    samples: int,
    warmup: int,
    log: Any = print,
    seed: int = 7,
) -> dict[str, Any]:
    """One bot per size and the echo bot, all running at once, samples interleaved."""
    results: dict[str, Any] = {"samples_per_case": samples, "warmup_per_case": warmup, "sizes": {}}
    catalog = load_catalog(CONTENT)
    echo_server = TimedServer("echo").start()
    same_server = TimedServer("echo-same").start()
    servers = {size: TimedServer(f"bot-{size}").start() for size in dirs}
    echo = start_echo(echo_server, work / "echo")
    same = start_echo(same_server, work / "echo-same", "echo-same", calls="same")
    processes = {
        size: start_bot(servers[size], data_dir, work / f"latency-{size}-proc", "bot")
        for size, data_dir in dirs.items()
    }
    codes: dict[int, int] = {}
    try:
        wait_polling(echo_server, echo)
        wait_polling(same_server, same)
        bots: dict[int, Target] = {}
        started: dict[int, float] = {}
        for size in dirs:
            started[size] = wait_polling(servers[size], processes[size], timeout=120)
        for size, data_dir in dirs.items():
            idle = wait_idle(processes[size])
            subjects = [uid(i) for i in range(min(size, 10))]  # the same people in every size
            view = Diary(open_store(data_dir), catalog, random.Random(0))
            bots[size] = Target("bot", servers[size], processes[size], view, subjects, seed)
            log(f"  {size} people: bot polling after {started[size]:.1f} s, idle {idle:.1f} s on")
            bots[size].busy_after_poll = idle
        largest = bots[max(bots)]
        echo_target = Target("echo", echo_server, echo, largest.diary, largest.subjects, seed)
        # The echo bot making the bot's three calls for a button press: rating case only.
        same_target = Target("echo-same", same_server, same, largest.diary, largest.subjects, seed)
        targets = [*bots.values(), echo_target, same_target]
        t_phase = time.perf_counter()
        for round_no in range(warmup + samples):
            record = round_no >= warmup
            shift = round_no % len(targets)
            order = targets[shift:] + targets[:shift]  # who goes first rotates
            for case in CASES:
                for target in order:
                    if target is same_target and case != "rating":
                        continue
                    chat = target.subjects[(round_no + CASES.index(case)) % len(target.subjects)]
                    sample(target, case, chat, target.rng, record)
        took = time.perf_counter() - t_phase
        rounds = warmup + samples
        log(f"  {rounds} rounds x {len(CASES)} cases x {len(targets)} bots in {took:.0f} s")
    finally:
        for size, process in processes.items():
            codes[size] = process.stop(timeout=60)
        echo.stop()
        same.stop()
        echo_server.stop()
        same_server.stop()
        for server in servers.values():
            server.stop()
    for size, bot in bots.items():
        entry: dict[str, Any] = {
            "bot_startup_to_first_poll_s": started[size],
            "bot_busy_after_first_poll_s": bot.busy_after_poll,
            "bot_exit_code": codes.get(size),
            "subjects": bot.subjects,
            "unexpected_replies": bot.unexpected,
            "cases": {},
        }
        for case in CASES:
            b, e = bot.samples[case], echo_target.samples[case]
            bs, es = summary(b), summary(e)
            entry["cases"][case] = {
                "bot_ms": bs,
                "echo_ms": es,
                "ratio_p50": bs["p50"] / es["p50"],
                "ratio_p95": bs["p95"] / es["p95"],
                "bot_raw_ms": [round(x, 3) for x in b],
                "echo_raw_ms": [round(x, 3) for x in e],
            }
            if bot.first_reply[case]:
                entry["cases"][case]["bot_first_reply_ms"] = summary(bot.first_reply[case])
            if same_target.samples[case]:
                ss = summary(same_target.samples[case])
                entry["cases"][case]["echo_same_calls_ms"] = ss
                entry["cases"][case]["echo_same_calls_raw_ms"] = [
                    round(x, 3) for x in same_target.samples[case]
                ]
                entry["cases"][case]["ratio_same_calls_p50"] = bs["p50"] / ss["p50"]
        results["sizes"][str(size)] = entry
    return results
