"""The labelled corpus of diary notes (content/red_flags_corpus/): reading, the stable
train/test split, and recall / precision / false-alarm figures per flag and split."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("train", "test")
# A note goes to the test split when the first byte of this salted hash of its text falls in
# the first third: stable (adding notes never moves old ones) and independent of the rules.
SPLIT_SALT = "rls-red-flags-corpus-1:"
HARMLESS = "-"


class CorpusError(ValueError):
    """A malformed corpus line: file, line number and what is wrong."""


@dataclass(frozen=True)
class Example:
    """One note and the flags a careful reader would raise for it."""

    text: str
    flags: frozenset[str]


def split_of(text: str) -> str:
    """ "test" for about a third of all notes, chosen by a salted hash of the text."""
    digest = hashlib.sha256((SPLIT_SALT + text.strip()).encode("utf-8")).digest()
    return "test" if digest[0] < 256 // 3 else "train"


def parse_line(line: str, where: str, known: Iterable[str] | None = None) -> Example | None:
    """`flags<TAB>note` (flags comma-separated, `-` for none); blank and `#` lines: None."""
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    if "\t" not in line:
        raise CorpusError(f"{where}: expected 'flags<TAB>note'")
    raw_flags, text = line.split("\t", 1)
    text = text.strip()
    if not text:
        raise CorpusError(f"{where}: empty note")
    raw_flags = raw_flags.strip()
    flags = frozenset() if raw_flags == HARMLESS else frozenset(raw_flags.split(","))
    if not flags and raw_flags != HARMLESS:
        raise CorpusError(f"{where}: no flags (write '-' for a harmless note)")
    if known is not None:
        unknown = sorted(flags - set(known))
        if unknown:
            raise CorpusError(f"{where}: unknown flag {unknown[0]!r}")
    return Example(text, flags)


def read_examples(path: Path, known: Iterable[str] | None = None) -> list[Example]:
    """Every example of one corpus file."""
    known_ids = None if known is None else frozenset(known)
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        example = parse_line(line, f"{path}:{number}", known_ids)
        if example is not None:
            examples.append(example)
    return examples


def format_example(example: Example) -> str:
    """The corpus line of an example."""
    flags = ",".join(sorted(example.flags)) or HARMLESS
    return f"{flags}\t{example.text}"


def add_notes(corpus: Path, new: Sequence[Example]) -> dict[str, int]:
    """Append new examples to train.tsv / test.tsv by `split_of`; notes already in either
    file are skipped. Returns how many went to each split."""
    present = {
        e.text.casefold()
        for split in SPLITS
        if (corpus / f"{split}.tsv").exists()
        for e in read_examples(corpus / f"{split}.tsv")
    }
    added = dict.fromkeys(SPLITS, 0)
    lines: dict[str, list[str]] = {split: [] for split in SPLITS}
    for example in new:
        key = example.text.casefold()
        if key in present:
            continue
        present.add(key)
        split = split_of(example.text)
        lines[split].append(format_example(example))
        added[split] += 1
    for split, new_lines in lines.items():
        if new_lines:
            with (corpus / f"{split}.tsv").open("a", encoding="utf-8") as out:
                out.write("".join(f"{line}\n" for line in new_lines))
    return added


# -- evaluation -------------------------------------------------------------------------------


@dataclass
class FlagScore:
    """Counts for one flag on one split."""

    positives: int = 0
    true_positives: int = 0
    predicted: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0


@dataclass
class Evaluation:
    """Scores of one split: per flag, over all flags, and on the harmless notes."""

    flags: dict[str, FlagScore]
    harmless: int = 0
    harmless_flagged: int = 0
    harmless_examples: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def false_alarm_rate(self) -> float:
        return self.harmless_flagged / self.harmless if self.harmless else 0.0

    @property
    def overall_recall(self) -> float:
        positives = sum(s.positives for s in self.flags.values())
        found = sum(s.true_positives for s in self.flags.values())
        return found / positives if positives else 1.0


def evaluate(
    examples: Sequence[Example], detect: Callable[[str], Iterable[str]], ids: Sequence[str]
) -> Evaluation:
    """Run `detect` over every example and count hits, misses and false alarms."""
    result = Evaluation({flag_id: FlagScore() for flag_id in ids})
    for example in examples:
        found = frozenset(detect(example.text))
        for flag_id, score in result.flags.items():
            expected, raised = flag_id in example.flags, flag_id in found
            score.positives += expected
            score.predicted += raised
            score.true_positives += expected and raised
            if expected and not raised:
                score.misses.append(example.text)
            elif raised and not expected:
                score.false_alarms.append(example.text)
        if not example.flags:
            result.harmless += 1
            if found:
                result.harmless_flagged += 1
                result.harmless_examples.append((example.text, tuple(sorted(found))))
    return result


def report(evaluations: dict[str, Evaluation], ids: Sequence[str]) -> str:
    """The table `python -m bot red-flags eval` prints: per flag and split the positives, the
    recall, the precision and how many harmless notes raised that flag (false alarms)."""
    cell = " | {:>4} {:>6} {:>9} {:>12}"
    head = f"{'':<16}" + "".join(f" | {split:<36}" for split in evaluations)
    sub = f"{'flag':<16}" + "".join(
        cell.format("n", "recall", "precision", "false alarms") for _ in evaluations
    )
    lines = [head, sub, "-" * len(sub)]
    for flag_id in ids:
        row = f"{flag_id:<16}"
        for evaluation in evaluations.values():
            s = evaluation.flags[flag_id]
            alarms = sum(1 for _, found in evaluation.harmless_examples if flag_id in found)
            rate = alarms / evaluation.harmless if evaluation.harmless else 0.0
            row += cell.format(s.positives, f"{s.recall:.3f}", f"{s.precision:.3f}", f"{rate:.1%}")
        lines.append(row)
    row = f"{'all flags':<16}"
    for evaluation in evaluations.values():
        positives = sum(s.positives for s in evaluation.flags.values())
        predicted = sum(s.predicted for s in evaluation.flags.values())
        found = sum(s.true_positives for s in evaluation.flags.values())
        precision = found / predicted if predicted else 1.0
        row += cell.format(
            positives,
            f"{evaluation.overall_recall:.3f}",
            f"{precision:.3f}",
            f"{evaluation.false_alarm_rate:.1%}",
        )
    lines.append(row)
    row = f"{'harmless notes':<16}"
    for evaluation in evaluations.values():
        text = f"{evaluation.harmless_flagged} of {evaluation.harmless} raised a flag"
        row += f" | {text:<36}"
    lines.append(row)
    return "\n".join(lines)
