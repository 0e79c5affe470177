"""`make bench`: every benchmark in one run, one table, raw numbers in bench/results.json.

    python -m bench.run                 # the default run (6-7 minutes)
    python -m bench.run --fanout 10000  # fanout with 10,000 people instead of 1,000 (+7-10 min)
    python -m bench.run --quick         # a smoke run with few samples (numbers not meaningful)

See bench/README.md for what each row means and how it is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import fanout, flood, latency, red_flags, reply_cost, startup, storage_growth
from bench.data import NIGHTS_PER_PERSON, Template, build_data_dir, build_unencrypted_copy
from bench.harness import ROOT, CpuWatch, machine_info

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
LATENCY_RATIO = 1.3
STORAGE_RATIO = 1.5
STORAGE_MS = 5.0
ENCRYPTION_OVERHEAD = 0.10
UNENCRYPTED = 1000  # people in the DATA_DIR measured with and without encryption
FANOUT_SLACK = 0.10
STARTUP_S = 3.0
RSS_MB = 150.0
BIG = 10_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--fanout", type=int, default=1000, help="people due at once (default 1000)"
    )
    parser.add_argument("--samples", type=int, default=60, help="latency samples per case (60)")
    parser.add_argument("--warmup", type=int, default=10, help="latency warm-up samples (10)")
    parser.add_argument("--reps", type=int, default=200, help="storage repetitions per size (200)")
    parser.add_argument(
        "--single-file",
        default="10:30,1000:3",
        help="single-TinyDB-file comparison, people:reps,... (default 10:30,1000:3; "
        "10000 needs a 1.7 GB file and minutes per write)",
    )
    parser.add_argument("--starts", type=int, default=5, help="start-ups per size (5)")
    parser.add_argument(
        "--flood-rounds", type=int, default=8, help="calm check-ins per flood case (8)"
    )
    parser.add_argument(
        "--only",
        default="startup,latency,storage,replycost,fanout,redflags,flood",
        help="comma-separated phases to run (default: all): startup, latency, storage, "
        "replycost, fanout, redflags, flood",
    )
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke test")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="data cache folder")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser


# -- the table --------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _people(n: int) -> str:
    return f"{n:,}"


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(
        self, measurement: str, value: str, target: str = "-", met: bool | None = None
    ) -> None:
        verdict = "-" if met is None else ("met" if met else "MISSED")
        self.rows.append(
            {"measurement": measurement, "value": value, "target": target, "met": verdict}
        )

    def render(self) -> str:
        heads = ("measurement", "value", "target", "met")
        widths = [max(len(h), *(len(r[h]) for r in self.rows)) for h in heads]
        line = "| " + " | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + " |"
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        body = [
            "| " + " | ".join(r[h].ljust(w) for h, w in zip(heads, widths, strict=True)) + " |"
            for r in self.rows
        ]
        return "\n".join([line, rule, *body])


def latency_rows(table: Table, res: dict[str, Any]) -> None:
    labels = {"help": "/help", "rating": "rating button (0-10) -> remedy card", "note": "note"}
    for size, entry in res["sizes"].items():
        people = int(size)
        big = people >= BIG
        for case, c in entry["cases"].items():
            for q in ("p50", "p95"):
                ratio = c[f"ratio_{q}"]
                table.add(
                    f"reply latency {q}, {labels[case]}, {_people(people)} people: bot vs echo",
                    f"{_ms(c['bot_ms'][q])} vs {_ms(c['echo_ms'][q])} = {ratio:.2f}x",
                    f"<= {LATENCY_RATIO}x echo" if big else "- (reference)",
                    ratio <= LATENCY_RATIO if big else None,
                )
            if "echo_same_calls_ms" in c:
                same = c["echo_same_calls_ms"]["p50"]
                table.add(
                    f"  the same p50 vs an echo bot making the bot's 3 calls ({_people(people)})",
                    f"{_ms(c['bot_ms']['p50'])} vs {_ms(same)} = {c['ratio_same_calls_p50']:.2f}x",
                    "- (diagnosis)",
                )
        if entry["unexpected_replies"]:
            table.add(
                f"unexpected replies ({_people(people)} people)",
                f"{len(entry['unexpected_replies'])}",
                "0",
                False,
            )


def storage_rows(table: Table, res: dict[str, Any], single: dict[str, Any] | None) -> None:
    labels = {
        "note": "record a note (diary.notes.add)",
        "rating": "record a rating (diary.evening.rate)",
    }
    plain = res.get("unencrypted")
    for kind in ("note", "rating"):
        by_size = res[kind]
        sizes = sorted(by_size, key=int)
        base = by_size[sizes[0]]["p50"]
        for size in sizes:
            p50 = by_size[size]["p50"]
            label = (
                f"{labels[kind]}, {_people(int(size))} people x {NIGHTS_PER_PERSON} nights, median"
            )
            if int(size) >= BIG:
                ratio = p50 / base
                table.add(
                    label,
                    f"{_ms(p50)} = {ratio:.2f}x the {sizes[0]}-people figure",
                    f"<= {STORAGE_RATIO}x and < {STORAGE_MS:.0f} ms",
                    ratio <= STORAGE_RATIO and p50 < STORAGE_MS,
                )
            else:
                table.add(label, f"{_ms(p50)} (p95 {_ms(by_size[size]['p95'])})", "- (reference)")
        if plain is not None:
            people = str(plain["people"])
            sealed, unsealed = by_size[people]["p50"], plain[kind]["p50"]
            extra = sealed / unsealed - 1
            table.add(
                f"  the same, {_people(int(people))} people: encrypted vs the same code without",
                f"{_ms(sealed)} vs {_ms(unsealed)} = {extra:+.1%} "
                f"(paired: {plain[kind]['paired_ratio_p50'] - 1:+.1%})",
                f"<= +{ENCRYPTION_OVERHEAD:.0%}",
                extra <= ENCRYPTION_OVERHEAD,
            )
    if single is None:
        return
    measured = {int(k) for k in single}
    for size, s in sorted(single.items(), key=lambda kv: int(kv[0])):
        table.add(
            f"same note, TinyDB default single file, {_people(int(size))} people",
            f"{_ms(s['p50'])} (median of {s['n']}; {s['file_bytes'] / 1e6:.0f} MB file)",
            "- (comparison)",
        )
    if BIG not in measured and max(measured, default=0) >= 1000:
        top = max(measured)
        estimate = single[str(top)]["p50"] * BIG / top / 1000
        table.add(
            f"same note, TinyDB default single file, {_people(BIG)} people",
            f"not measured: ~{single[str(top)]['file_bytes'] * BIG / top / 1e9:.1f} GB file, "
            f"~{estimate / 60:.0f} min per write by linear extrapolation",
            "- (comparison)",
        )


def reply_cost_rows(table: Table, res: dict[str, Any]) -> None:
    labels = {
        "helped": 'a "helped" morning answer (track record updated)',
        "note": "a note",
    }
    cases = res["cases"]
    for case, label in labels.items():
        short, long = cases[case]["1 month"]["p50"], cases[case]["3 years"]["p50"]
        ratio = long / short
        table.add(
            f"reply cost, {label}: 1 month vs 3 years of nights stored, median",
            f"{_ms(short)} vs {_ms(long)} = {ratio:.2f}x",
            f"<= {reply_cost.RATIO}x",
            ratio <= reply_cost.RATIO,
        )
    recount = cases["recount"]
    table.add(
        "  for comparison: recounting the track record from every night (before)",
        f"{_ms(recount['1 month']['p50'])} vs {_ms(recount['3 years']['p50'])}",
        "- (comparison)",
    )


def fanout_rows(table: Table, res: dict[str, Any]) -> None:
    n = res["people"]
    floor = res["floor_s"]
    limit = floor * (1 + FANOUT_SLACK)
    ok = res["deliver_all_s"] <= limit and res["lost"] == 0 and res["duplicates"] == 0
    rejected = sum(v for k, v in res["sendMessage_statuses"].items() if not k.endswith(" 200"))
    table.add(
        f"fanout: {_people(n)} check-ins due at one minute, server limit 30/s",
        f"{res['deliver_all_s']:.1f} s (floor {floor:.1f} s, {res['over_floor']:+.0%}); "
        f"lost {res['lost']}, duplicates {res['duplicates']}, "
        f"{rejected} rejected, {res['retries_booked']} retried later",
        f"<= {limit:.1f} s, 0 lost, 0 duplicates",
        ok,
    )
    per_second = res["accepted_per_second"]
    first = next((i for i, v in enumerate(per_second) if v), None)
    table.add(
        f"fanout: first check-in accepted; longest event-loop stall ({_people(n)} people)",
        f"after {first}-{first + 1} s; stall {res['longest_loop_stall_s']:.1f} s"
        if first is not None
        else "never",
        "-",
    )


FLOOD_P95_S = 1.0


def flood_rows(table: Table, res: dict[str, Any]) -> None:
    quiet, flooded = res["quiet"]["calm_ms"], res["flood"]["calm_ms"]
    for q in ("p50", "p95"):
        table.add(
            f"calm person's reply latency {q} while another floods (15/s) vs no flood",
            f"{_ms(flooded[q])} vs {_ms(quiet[q])}",
            f"p95 < {FLOOD_P95_S * 1000:.0f} ms" if q == "p95" else "-",
            flooded[q] < FLOOD_P95_S * 1000 if q == "p95" else None,
        )
    table.add(
        "answers of 429 during the flood (all chats)",
        str(res["flood"]["answers_429"]),
        "-",
    )


def startup_rows(table: Table, res: dict[str, Any]) -> None:
    for size, s in sorted(res.items(), key=lambda kv: int(kv[0])):
        people = int(size)
        big = people >= BIG
        n = s["to_first_getUpdates_s"]["n"]
        t = s["to_first_getUpdates_s"]["p50"]
        table.add(
            f"start-up to first getUpdates, {_people(people)} people, median of {n}",
            f"{t:.2f} s",
            f"<= {STARTUP_S:.0f} s" if big else "- (reference)",
            t <= STARTUP_S if big else None,
        )
        rss = s["rss_mb"]["p50"]
        table.add(
            f"RSS after start-up, {_people(people)} people, median of {n}",
            f"{rss:.0f} MB",
            f"<= {RSS_MB:.0f} MB" if big else "- (reference)",
            rss <= RSS_MB if big else None,
        )
        last = s["runs"][-1]
        if "busy_after_first_poll_s" in last and big:
            during = last["help_during_busy_ms"]
            table.add(
                f"background work after the first getUpdates, {_people(people)} people",
                f"{last['busy_after_first_poll_s']:.0f} s; /help meanwhile p50 "
                f"{_ms(during['p50'])}, max {_ms(during['max'])}",
                "-",
            )
            table.add(
                f"SIGTERM -> exit once idle, {_people(people)} people",
                f"{last['sigterm_to_exit_s']:.1f} s (RSS then {last['rss_idle_kb'] >> 10} MB)",
                "-",
            )


def red_flag_rows(table: Table, res: dict[str, Any]) -> None:
    warm, cold = res["warm_ms"], res["cold_ms"]
    table.add(
        f"scan one note with every flag ({res['flags']} flags), p99 over {warm['n']:,} scans "
        f"of {res['notes']:,} corpus notes",
        f"p50 {warm['p50']:.2f} ms, p99 {warm['p99']:.2f} ms "
        f"(first sight of every word: p99 {cold['p99']:.2f} ms)",
        f"p99 < {red_flags.TARGET_P99_MS:.0f} ms",
        warm["p99"] < red_flags.TARGET_P99_MS,
    )


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.samples, args.warmup, args.reps, args.starts = 8, 2, 10, 2
        args.single_file = "10:3"
        args.fanout = min(args.fanout, 90)
    phases = set(args.only.split(","))
    single_sizes = {
        int(k): int(v)
        for k, v in (item.split(":") for item in args.single_file.split(",") if item)
    }
    began = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", flush=True)

    sizes = tuple(
        size
        for size in (10, 1000, BIG)
        if "storage" in phases or (size != 1000 and phases & {"startup", "latency"})
    )
    need = max([*sizes, args.fanout if "fanout" in phases else 0])
    template = Template(args.cache, need)
    generated = template.ensure(log=log) if need else 0.0
    work = args.cache / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    now = dt.datetime.now(dt.UTC)
    dirs: dict[int, Path] = {}
    t_build = time.perf_counter()
    for size in sizes:
        dirs[size] = work / f"people-{size}"
        build_data_dir(template, dirs[size], size, now=now)
    unencrypted = None
    if "storage" in phases and UNENCRYPTED in dirs:
        plain = work / f"people-{UNENCRYPTED}-unencrypted"
        unencrypted = (UNENCRYPTED, build_unencrypted_copy(dirs[UNENCRYPTED], plain, UNENCRYPTED))
    os.sync()  # the copies are on disk before anything is timed
    took = time.perf_counter() - t_build
    log(f"DATA_DIRs of {', '.join(map(str, sizes))} people built in {took:.0f} s")

    results: dict[str, Any] = {
        "command": " ".join(
            ["make bench" if os.environ.get("MAKELEVEL") else "python -m bench.run"]
            + (sys.argv[1:] if argv is None else argv)
        ),
        "machine": machine_info(),
        "started_at": started_at,
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "template": {"nights_per_person": NIGHTS_PER_PERSON, "generated_s": generated},
    }
    table = Table()
    noise: dict[str, dict[str, float]] = {}
    results["noise"] = noise
    errors: list[str] = []

    def phase(
        name: str, title: str, measure: Callable[[], Any], rows: Callable[[Any], None]
    ) -> None:
        """Run one phase; a failure is reported (table and JSON) and the others still run."""
        if name not in phases:
            return
        log(title)
        watch = CpuWatch()
        try:
            results[name] = measure()
        except Exception:
            errors.append(name)
            results[f"{name}_error"] = traceback.format_exc()
            log(f"{name} FAILED:\n{results[f'{name}_error']}")
            table.add(f"{name}: the benchmark itself failed (see {name}_error)", "-", "-", False)
            return
        finally:
            noise[name] = watch.stop()
        rows(results[name])

    two = {size: dirs[size] for size in (10, BIG) if size in dirs}
    starts = {10: max(2, args.starts // 2), BIG: args.starts}
    phase(
        "startup",
        "start-up",
        lambda: startup.run(two, work, starts, log=log),
        lambda res: startup_rows(table, res),
    )
    phase(
        "latency",
        f"reply latency ({args.samples} samples + {args.warmup} warm-up per case)",
        lambda: latency.run(two, work, args.samples, args.warmup, log=log),
        lambda res: latency_rows(table, res),
    )
    phase(
        "storage",
        f"storage growth ({args.reps} reps per size)",
        lambda: {
            "per_person": storage_growth.per_person(
                dirs, args.reps, log=log, unsealed=unencrypted
            ),
            "single_file": storage_growth.single_file(template, work, single_sizes, log=log)
            if single_sizes
            else None,
        },
        lambda res: storage_rows(table, res["per_person"], res["single_file"]),
    )
    phase(
        "replycost",
        f"reply cost against the diary's length ({args.reps} reps)",
        lambda: reply_cost.run(args.reps, log=log),
        lambda res: reply_cost_rows(table, res),
    )
    phase(
        "fanout",
        f"fanout ({args.fanout} people)",
        lambda: fanout.run(template, work, args.fanout, log=log),
        lambda res: fanout_rows(table, res),
    )

    phase(
        "redflags",
        "red-flag scanning",
        lambda: red_flags.run(rounds=5 if args.quick else 20, log=log),
        lambda res: red_flag_rows(table, res),
    )
    phase(
        "flood",
        f"a calm person while another floods ({args.flood_rounds} check-ins per case)",
        lambda: flood.run(work, args.flood_rounds, log=log),
        lambda res: flood_rows(table, res),
    )

    results["duration_s"] = time.perf_counter() - began
    results["table"] = table.rows
    shutil.rmtree(work, ignore_errors=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=1, default=_json_default) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    machine = results["machine"]
    print()
    print(
        f"{machine['cpu_model']}, {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['date']}, commit {machine['git_commit'][:12]}"
    )
    print(table.render())
    busy = {
        phase: n["foreign_cores"] + n["stolen_cores"]
        for phase, n in noise.items()
        if n["foreign_cores"] + n["stolen_cores"] >= 0.1
    }
    if busy:
        print(
            "\nnote: other processes (or the VM host) took CPU during "
            + ", ".join(f"{phase} ({cores:.1f} cores)" for phase, cores in busy.items())
            + f" of this {machine['cores']}-core machine; those figures are noisier"
        )
    probes = [v for n in noise.values() for v in (n["cpu_probe_ms_start"], n["cpu_probe_ms_end"])]
    if probes:
        print(
            f"machine speed probe (parse one person's year of nights): {min(probes):.2f}-"
            f"{max(probes):.2f} ms during this run"
        )
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nraw numbers: {shown}; run took {results['duration_s'] / 60:.1f} min")
    return 1 if errors else 0


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
