"""A learned second reader for the flags where phrase rules miss too much on new writing.

Rules recognise the ways of saying something that a curator has written down; people at 3 a.m.
find new ones. For `self_harm` (a miss costs most) a logistic regression over word and letter
n-grams, trained on the corpus's train split by `python -m bot red-flags train`, reads every note
the rules let pass; above its threshold the note raises the flag as if a rule had matched. It
sees the note as the rules do (text-speak expanded, harmless idioms such as "killing time"
removed), so the idioms a clinician marked harmless stay harmless for it too.

The weights live in content/red_flags_model.json next to the rules, with a fingerprint of the
corpus and the rules they were trained on; `content-check` refuses a stale file. Scoring is plain
Python (no numpy): the features are counted, weighted by inverse document frequency,
L2-normalised, and summed with the weights, exactly as scikit-learn's TfidfVectorizer
(sublinear tf) and LogisticRegression computed them in training.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = "red_flags_model.json"
# What the reader learns from: the corpus's train split and the blind probes (never the test
# split), inside the folder beside the rules.
CORPUS_FOLDER = "red_flags_corpus"
TRAINING_FILES = ("train.tsv", "probes.tsv")
FORMAT = 1
CHAR_GRAMS = (2, 5)  # letter n-grams inside each word, padded with a space on both sides


def features(sentences: Sequence[Sequence[str]]) -> list[str]:
    """The n-grams of a note given as sentences of words: each word, each pair of neighbouring
    words in a sentence, and the letter n-grams of each word (so "suicidle" still shares most
    of its pieces with "suicide")."""
    out: list[str] = []
    low, high = CHAR_GRAMS
    for words in sentences:
        for i, word in enumerate(words):
            out.append("w " + word)
            if i:
                out.append(f"w {words[i - 1]} {word}")
            padded = f" {word} "
            for n in range(low, high + 1):
                out.extend("c" + padded[j : j + n] for j in range(len(padded) - n + 1))
    return out


def training_files(rules_file: Path) -> list[Path]:
    """The corpus files the reader is trained on."""
    return [rules_file.parent / CORPUS_FOLDER / name for name in TRAINING_FILES]


def fingerprint(rules_file: Path) -> str:
    """What the weights were trained on: a short hash of the rules and the training files
    (missing files count as empty)."""
    digest = hashlib.sha256()
    for path in (rules_file, *training_files(rules_file)):
        data = path.read_bytes() if path.exists() else b""
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Verdict:
    """The learned reader's view of one note."""

    probability: float
    raised: bool
    reasons: tuple[tuple[str, float], ...]  # the words and word pairs that pushed hardest


@dataclass(frozen=True)
class LearnedReader:
    """Weights for one flag and the threshold above which a note raises it."""

    flag: str
    threshold: float
    intercept: float
    idf: dict[str, float]
    weight: dict[str, float]
    trained_on: str
    measured: dict[str, float]

    def probability(self, sentences: Sequence[Sequence[str]]) -> float:
        return self._score(sentences)[0]

    def read(self, sentences: Sequence[Sequence[str]], reasons: int = 0) -> Verdict:
        probability, parts = self._score(sentences)
        top = _by_word(sentences, parts)[:reasons] if reasons else []
        return Verdict(probability, probability >= self.threshold, tuple(top))

    def _score(self, sentences: Sequence[Sequence[str]]) -> tuple[float, dict[str, float]]:
        counts = Counter(features(sentences))
        values = {f: (1.0 + math.log(n)) * self.idf[f] for f, n in counts.items() if f in self.idf}
        norm = math.sqrt(sum(v * v for v in values.values()))
        parts = {f: v / norm * self.weight[f] for f, v in values.items()} if norm else {}
        z = self.intercept + sum(parts.values())
        return _sigmoid(z), parts

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "flag": self.flag,
            "threshold": self.threshold,
            "intercept": self.intercept,
            "trained_on": self.trained_on,
            "measured": self.measured,
            "features": {f: [self.idf[f], self.weight[f]] for f in sorted(self.idf)},
        }
        return json.dumps(data, indent=0, ensure_ascii=False, sort_keys=False) + "\n"


def _by_word(
    sentences: Sequence[Sequence[str]], parts: dict[str, float]
) -> list[tuple[str, float]]:
    """What pushed towards the flag, in words a curator can read: each word with its letter
    n-grams, and each word pair, strongest first."""
    low, high = CHAR_GRAMS
    weights: dict[str, float] = {}
    for words in sentences:
        for i, word in enumerate(words):
            padded = f" {word} "
            grams = {"c" + padded[j : j + n] for n in range(low, high + 1)
                     for j in range(len(padded) - n + 1)}  # fmt: skip
            weights[word] = parts.get("w " + word, 0.0) + sum(parts.get(g, 0.0) for g in grams)
            if i:
                pair = f"{words[i - 1]} {word}"
                weights[pair] = parts.get("w " + pair, 0.0)
    return sorted(((k, v) for k, v in weights.items() if v > 0), key=lambda kv: -kv[1])


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class LearnedFileError(ValueError):
    """The weights file is missing a field or has the wrong shape."""


def parse_reader(text: str, known_flags: Iterable[str]) -> LearnedReader:
    """A LearnedReader from the JSON `python -m bot red-flags train` writes."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise LearnedFileError(f"format {data.get('format')!r}, expected {FORMAT}")
        flag = str(data["flag"])
        if flag not in set(known_flags):
            raise LearnedFileError(f"flag {flag!r} is not in the rules file")
        table = data["features"]
        idf = {str(f): float(v[0]) for f, v in table.items()}
        weight = {str(f): float(v[1]) for f, v in table.items()}
        threshold = float(data["threshold"])
        if not 0.0 < threshold < 1.0:
            raise LearnedFileError(f"threshold {threshold} is not between 0 and 1")
        measured = {str(k): float(v) for k, v in dict(data.get("measured", {})).items()}
        return LearnedReader(
            flag, threshold, float(data["intercept"]), idf, weight, str(data["trained_on"]),
            measured,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        if isinstance(exc, LearnedFileError):
            raise
        raise LearnedFileError(f"not a weights file ({exc.__class__.__name__}: {exc})") from None


def read_reader(path: Path, known_flags: Iterable[str]) -> LearnedReader | None:
    """The weights beside the rules, or None when there is no such file."""
    if not path.exists():
        return None
    return parse_reader(path.read_text(encoding="utf-8"), known_flags)
