"""The detector measured on the labelled corpus: the test split, never read while rules are
written, must keep self-harm recall >= 0.98, every other flag >= 0.90, false alarms <= 3 %."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.red_flags import load_red_flags
from bot.red_flags.corpus import (
    CorpusError,
    Evaluation,
    Example,
    add_notes,
    evaluate,
    parse_line,
    read_examples,
    split_of,
)
from tests.conftest import CONTENT, ROOT

FLAGS = load_red_flags(CONTENT.parent / "red_flags.toml")
CORPUS = CONTENT.parent / "red_flags_corpus"
SELF_HARM_RECALL = 0.98
OTHER_RECALL = 0.90
FALSE_ALARMS = 0.03


def _split(name: str) -> list[Example]:
    return read_examples(CORPUS / f"{name}.tsv", FLAGS.ids)


def _evaluate(name: str) -> Evaluation:
    return evaluate(_split(name), lambda text: [f.id for f in FLAGS.scan(text)], FLAGS.ids)


TEST = _evaluate("test")


def test_the_corpus_has_enough_notes_of_every_kind() -> None:
    counts: Counter[str] = Counter()
    for example in _split("train") + _split("test"):
        counts.update(example.flags or {"harmless"})
    assert counts["self_harm"] >= 150
    assert counts["harmless"] >= 400
    for flag_id in FLAGS.ids:
        assert counts[flag_id] >= 60, flag_id


def test_every_note_sits_in_the_split_its_hash_chooses_and_in_only_one() -> None:
    train, test = _split("train"), _split("test")
    assert all(split_of(e.text) == "train" for e in train)
    assert all(split_of(e.text) == "test" for e in test)
    texts = [e.text.casefold() for e in train + test]
    assert len(texts) == len(set(texts))
    assert 0.25 < len(test) / len(texts) < 0.42


def test_self_harm_recall_on_the_test_split_is_at_least_0_98() -> None:
    assert TEST.flags["self_harm"].recall >= SELF_HARM_RECALL


@pytest.mark.parametrize("flag_id", [f for f in FLAGS.ids if f != "self_harm"])
def test_every_other_flag_has_recall_of_at_least_0_90_on_the_test_split(flag_id: str) -> None:
    assert TEST.flags[flag_id].recall >= OTHER_RECALL


def test_at_most_3_percent_of_harmless_test_notes_raise_a_flag() -> None:
    assert TEST.false_alarm_rate <= FALSE_ALARMS


def test_a_corpus_line_names_known_flags_and_a_note() -> None:
    assert parse_line("clot,pregnancy\tmy calf", "x", FLAGS.ids) == Example(
        "my calf", frozenset({"clot", "pregnancy"})
    )
    assert parse_line("-\tlegs ok", "x", FLAGS.ids) == Example("legs ok", frozenset())
    assert parse_line("# a comment", "x") is None
    with pytest.raises(CorpusError, match=r"f\.tsv:3: unknown flag 'clots'"):
        parse_line("clots\tmy calf", "f.tsv:3", FLAGS.ids)
    with pytest.raises(CorpusError, match="expected 'flags<TAB>note'"):
        parse_line("clot my calf", "f.tsv:4", FLAGS.ids)


def test_adding_notes_puts_each_in_its_split_once(tmp_path: Path) -> None:
    notes = [Example(f"note number {i}", frozenset()) for i in range(30)]
    added = add_notes(tmp_path, notes)
    again = add_notes(tmp_path, notes[:5])
    assert added["train"] + added["test"] == 30 and again == {"train": 0, "test": 0}
    assert {e.text for e in read_examples(tmp_path / "test.tsv")} == {
        n.text for n in notes if split_of(n.text) == "test"
    }


@pytest.mark.slow
def test_scan_stops_quietly_when_its_reader_has_read_enough() -> None:
    # `red-flags scan < notes | head -1`: the pipe closes after the first line.
    scan = subprocess.Popen(
        [sys.executable, "-m", "bot", "red-flags", "scan"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CONTENT_FILE": str(CONTENT)},
    )
    assert scan.stdin is not None and scan.stdout is not None and scan.stderr is not None
    scan.stdin.write(b"legs ok tonight\n")
    scan.stdin.flush()
    assert json.loads(scan.stdout.readline()) == {"flags": []}
    scan.stdout.close()
    scan.stdin.write(b"legs ok tonight\n" * 2000)
    scan.stdin.close()
    assert scan.wait(timeout=60) == 0
    assert b"Traceback" not in scan.stderr.read()


@pytest.mark.slow
def test_scan_reads_stdin_and_writes_one_json_line_per_note_in_order() -> None:
    notes = "i want to die\n\nmy left calf is swollen and red\nlegs ok tonight\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "red-flags", "scan"],
        input=notes.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", "CONTENT_FILE": str(CONTENT)},
    )
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert lines == [
        {"flags": ["self_harm"]},
        {"flags": []},
        {"flags": ["clot"]},
        {"flags": []},
    ]


@pytest.mark.slow
def test_scan_answers_every_line_of_a_file_written_anywhere() -> None:
    # A Windows file with a byte-order mark, a stray carriage return and a byte that is not
    # UTF-8 inside notes, and no newline at the end: still one answer per line, in order.
    notes = (
        b"\xef\xbb\xbfi want to die\r\n"
        b"legs ok\rtonight\r\n"
        b"caf\xe9 then legs \xff bad\r\n"
        b"\r\n"
        b"pregnant 20 weeks and legs jumping"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "red-flags", "scan"],
        input=notes,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", "CONTENT_FILE": str(CONTENT)},
    )
    lines = [json.loads(line) for line in done.stdout.decode().split("\n")[:-1]]
    assert lines == [
        {"flags": ["self_harm"]},
        {"flags": []},
        {"flags": []},
        {"flags": []},
        {"flags": ["pregnancy"]},
    ]


@pytest.mark.slow
def test_eval_prints_recall_precision_and_false_alarms_for_both_splits() -> None:
    done = subprocess.run(
        # the two splits: the blind probes (37,000 notes, read twice) take over two minutes
        [sys.executable, "-m", "bot", "red-flags", "eval", "--no-probes"],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "CONTENT_FILE": str(CONTENT)},
    )
    out = done.stdout.decode()
    assert "train" in out and "test" in out
    assert "recall" in out and "precision" in out and "false alarms" in out
    for flag_id in FLAGS.ids:
        assert flag_id in out
