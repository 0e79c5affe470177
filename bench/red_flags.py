"""Red-flag scanning: one note checked against every flag, as `diary.notes.add` does.

    python -m bench.red_flags          # just this row (a few seconds)

The notes are the labelled corpus (content/red_flags_corpus/, both splits, about 1,450 notes
of 2-30 words), scanned in a shuffled order `rounds` times. The first pass over the corpus is
reported on its own ("cold": every word seen for the first time, so its typo lookup runs);
the measured samples are the passes after it, with the garbage collector left on, as in the
bot. Target: p99 < 2 ms per note.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.harness import ROOT

CONTENT = ROOT / "content"
TARGET_P99_MS = 2.0


def _quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    n = len(ordered)
    return {
        "n": n,
        "p50": round(statistics.median(ordered), 4),
        "p95": round(ordered[min(n - 1, int(n * 0.95))], 4),
        "p99": round(ordered[min(n - 1, int(n * 0.99))], 4),
        "max": round(ordered[-1], 4),
    }


def run(rounds: int = 20, log: Callable[[str], object] = print) -> dict[str, Any]:
    """Load the red-flag file as the bot does, then time `scan` per note."""
    from bot.red_flags import load_red_flags
    from bot.red_flags.corpus import read_examples

    started = time.perf_counter()
    book = load_red_flags(CONTENT / "red_flags.toml")
    load_s = time.perf_counter() - started
    notes = [
        e.text
        for split in ("train", "test")
        for e in read_examples(CONTENT / "red_flags_corpus" / f"{split}.tsv")
    ]
    rng = random.Random(12)
    cold: list[float] = []
    rng.shuffle(notes)
    # The self-test at load already saw the file's examples; the corpus words are new here.
    book.lexicon.forget_typos()
    for text in notes:
        t0 = time.perf_counter()
        book.scan(text)
        cold.append((time.perf_counter() - t0) * 1000)
    warm: list[float] = []
    gc.collect()
    for _ in range(rounds):
        rng.shuffle(notes)
        for text in notes:
            t0 = time.perf_counter()
            book.scan(text)
            warm.append((time.perf_counter() - t0) * 1000)
    words = [len(t.split()) for t in notes]
    warm_q, cold_q = _quantiles(warm), _quantiles(cold)
    result: dict[str, Any] = {
        "notes": len(notes),
        "words_per_note": {"median": statistics.median(words), "max": max(words)},
        "flags": len(book.flags),
        "load_s": round(load_s, 3),
        "cold_ms": cold_q,
        "warm_ms": warm_q,
        "target_p99_ms": TARGET_P99_MS,
    }
    log(
        f"red flags: {len(notes)} notes x {rounds} rounds, p50 {warm_q['p50']:.3f} ms, "
        f"p99 {warm_q['p99']:.3f} ms (first pass p99 {cold_q['p99']:.3f})"
    )
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
    sys.exit(0)
