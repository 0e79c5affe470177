"""A learned second reader for what phrase rules miss on new writing.

Rules recognise the ways of saying something that a curator has written down; people at 3 a.m.
find new ones. A logistic regression over word and letter n-grams, one per flag that has a
reader, is trained on the corpus's train split and the blind probes by `python -m bot red-flags
train`. The self-harm reader raises: it reads every note the rules let pass, and above its
threshold the note raises the flag as if a rule had matched. It sees the note as the rules do
(text-speak expanded, harmless idioms such as "killing time" removed), so the idioms a
clinician marked harmless stay harmless for it too.

The weights live in content/red_flags_model.json next to the rules, with a fingerprint of the
corpus and the rules they were trained on; `content-check` refuses a stale file. Scoring is plain
Python (no numpy): the features are counted, weighted by inverse document frequency,
L2-normalised, and summed with the weights, exactly as scikit-learn's TfidfVectorizer
(sublinear tf) and LogisticRegression computed them in training.

Two flags' readers have the other role: they confirm. A rule match for such a flag (`clot`
on "my old clot leg from 2015 aches in the cold") counts only when that flag's reader gives the
note at least a low floor. The rules still decide what can be a red flag; the reader only sets
aside a match that reads, on everything it learned, like the near-misses (which flags, and why
only these, in bot/red_flags/training.py; numbers in docs/red-flags.md).

A long note's score is the highest of the whole note's and of each pair of neighbouring
sentences' (`windows`). A careful log of times, food and weather with one short line about not
wanting to be here otherwise drowns that line. Training chooses the threshold on the same score
(numbers in docs/red-flags.md). A raising reader has a second threshold for such long notes:
the best of many windows is a higher score than one short note's, and at the short notes'
threshold the reader raised 7 % of the long harmless notes against 2 % of the short ones
(how the two are chosen: bot/red_flags/training.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = "red_flags_model.json"
# What the reader learns from: the corpus's train split and the blind probes (never the test
# split), inside the folder beside the rules.
CORPUS_FOLDER = "red_flags_corpus"
TRAINING_FILES = ("train.tsv", "probes.tsv")
FORMAT = 3  # 3: letter n-grams across word boundaries (CROSS_GRAM) joined the features
CHAR_GRAMS = (2, 5)  # letter n-grams inside each word, padded with a space on both sides
# Letter n-grams of this length that span the boundary between two words of a sentence ("l mys"
# of "kill myself"): a word pair that a misspelling breaks ("kil myslf") still shares some of
# them, where it shares no word pair. Chosen by measurement over writers (10 folds,
# 107 writers, stop 27): at the same false-alarm budget the reader found 4,656 instead of 4,537
# of the 5,090 training self-harm notes the rules miss, better for 59 writers and worse for 4;
# lengths 6 to 8 did as well (4,651-4,675) with up to twice as many n-grams (docs/red-flags.md).
CROSS_GRAM = 5
WINDOW = 2  # sentences read together besides the whole note ...
LONG_NOTE = 20  # ... in a note of more than this many words
# A reader's role: RAISE adds its flag to a note the rules let pass, above its threshold;
# CONFIRM keeps a rule match for its flag only at or above its threshold (a floor).
RAISE = "raise"
CONFIRM = "confirm"
ROLES = (RAISE, CONFIRM)


def features(sentences: Sequence[Sequence[str]]) -> list[str]:
    """The n-grams of a note given as sentences of words: each word, each pair of neighbouring
    words in a sentence, the letter n-grams of each word (so "suicidle" still shares most of
    its pieces with "suicide") and those across each word boundary; numbers all read as "#"."""
    out: list[str] = []
    for sentence in sentences:
        words = [_word(w) for w in sentence]
        for i, word in enumerate(words):
            out.append("w " + word)
            if i:
                out.append(f"w {words[i - 1]} {word}")
            out.extend(_letter_grams(word))
        out.extend(_cross_grams(words))
    return out


def _word(word: str) -> str:
    """A word as the reader reads it. Every number is one token "#": "22:00" and "2 pills" say
    nothing by their digits, and a reader that learned "22" from one writer's "22 a day" read
    bedtimes as crises."""
    return "#" if word.isdigit() else word


def _letter_grams(word: str) -> list[str]:
    """The letter n-grams of one word, padded with a space on both sides."""
    low, high = CHAR_GRAMS
    padded = f" {word} "
    return ["c" + padded[j : j + n] for n in range(low, high + 1)
            for j in range(len(padded) - n + 1)]  # fmt: skip


def _cross_grams(words: Sequence[str]) -> list[str]:
    """The CROSS_GRAM-letter n-grams of a sentence (its words joined by spaces and padded with
    one) that have a word boundary strictly inside them."""
    n, line = CROSS_GRAM, " " + " ".join(words) + " "
    return ["x" + line[j : j + n] for j in range(len(line) - n + 1)
            if " " in line[j + 1 : j + n - 1]]  # fmt: skip


def windows(sentences: Sequence[Sequence[str]]) -> list[Sequence[Sequence[str]]]:
    """The runs of WINDOW neighbouring sentences a long note is also scored on (none for a
    note of at most WINDOW sentences or LONG_NOTE words)."""
    if len(sentences) <= WINDOW or sum(len(s) for s in sentences) <= LONG_NOTE:
        return []
    return [sentences[i : i + WINDOW] for i in range(len(sentences) - WINDOW + 1)]


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
    """One flag's reader on one note."""

    flag: str
    probability: float
    raised: bool
    reasons: tuple[tuple[str, float], ...]  # the words and word pairs that pushed hardest
    threshold: float  # the threshold (or floor) the probability was held against


@dataclass(frozen=True)
class FlagWeights:
    """One flag's weights (aligned with the reader's n-grams), its threshold and its role
    (RAISE or CONFIRM). A RAISE reader may hold a long note (one read by `windows`) against a
    threshold of its own, `long_threshold`."""

    flag: str
    threshold: float
    intercept: float
    weights: array[float]
    measured: dict[str, float]
    role: str = RAISE
    long_threshold: float | None = None

    def reads_as_long(self, sentences: Sequence[Sequence[str]]) -> bool:
        """This note is held against `long_threshold`: a long note read by windows, for a
        raising reader that has one."""
        return self.role == RAISE and self.long_threshold is not None and bool(windows(sentences))

    def threshold_for(self, sentences: Sequence[Sequence[str]]) -> float:
        """The threshold this note is held against: `long_threshold` for a long note read
        by windows (raising readers only), else `threshold`."""
        if self.reads_as_long(sentences) and self.long_threshold is not None:
            return self.long_threshold
        return self.threshold


@dataclass(frozen=True)
class LearnedReader:
    """The shared n-grams with their inverse document frequencies, and per flag the weights,
    the role and the threshold."""

    index: dict[str, int]
    idf: array[float]
    flags: dict[str, FlagWeights]
    trained_on: str

    def vector(self, sentences: Sequence[Sequence[str]]) -> dict[int, float]:
        """The note's L2-normalised tf-idf values by n-gram position (sublinear tf)."""
        return self._vector(Counter(features(sentences)))

    def _vector(self, counts: Counter[str]) -> dict[int, float]:
        """L2-normalised tf-idf values of counted n-grams, by position."""
        index, idf = self.index, self.idf
        values = {}
        for gram, n in counts.items():
            pos = index.get(gram)
            if pos is not None:
                values[pos] = (1.0 + math.log(n)) * idf[pos]
        norm = math.sqrt(sum(v * v for v in values.values()))
        return {pos: v / norm for pos, v in values.items()} if norm else {}

    def probability(self, sentences: Sequence[Sequence[str]], flag: str) -> float:
        """The whole note's probability (what scikit-learn computes for it)."""
        return self._probability(self.vector(sentences), self.flags[flag])

    def segments(self, sentences: Sequence[Sequence[str]]) -> list[dict[int, float]]:
        """The vectors the note is scored on: the whole note, then its `windows` (each
        sentence's n-grams are counted once; a window's are its sentences' added up)."""
        runs = windows(sentences)
        if not runs:
            return [self.vector(sentences)]
        per = [Counter(features([words])) for words in sentences]
        return [self._vector(sum(per, Counter()))] + [
            self._vector(sum(per[i : i + WINDOW], Counter())) for i in range(len(runs))
        ]

    def score(self, sentences: Sequence[Sequence[str]], flag: str) -> float:
        """The note's score for a flag: the highest of its segments' probabilities."""
        return self._best(self.segments(sentences), self.flags[flag])

    def decide(self, sentences: Sequence[Sequence[str]], ruled: Sequence[str]) -> list[str]:
        """The flags a note raises, given those the rules raised (in that order): a rule's flag
        with a CONFIRM reader stays only at or above that reader's floor; a RAISE reader adds
        its flag above its threshold. The note's segments are counted once, and only when a
        reader needs them."""
        vectors: list[dict[int, float]] | None = None

        def best(weights: FlagWeights) -> float:
            nonlocal vectors
            if vectors is None:
                vectors = self.segments(sentences)
            return self._best(vectors, weights)

        out = []
        for flag in ruled:
            weights = self.flags.get(flag)
            if weights is None or weights.role != CONFIRM or best(weights) >= weights.threshold:
                out.append(flag)
        if not self.knows_a_word(sentences):
            return out
        for weights in self.flags.values():
            raise_it = weights.role == RAISE and weights.flag not in ruled
            if raise_it and best(weights) >= weights.threshold_for(sentences):
                out.append(weights.flag)
        return out

    def knows_a_word(self, sentences: Sequence[Sequence[str]]) -> bool:
        """Whether the note gives the reader enough to raise a flag on: two words or more,
        one of them a word it learned. A note made only of words it never saw ("Mars/Base"
        typed as a time zone, a name) would be judged on letter fragments alone, and one word
        on its own on little more ("bye", "exit", "i" each scored as self-harm): the rules
        still read both ("kms", "suicidal")."""
        index = self.index
        if sum(len(sentence) for sentence in sentences) < 2:
            return False
        return any("w " + _word(word) in index for sentence in sentences for word in sentence)

    def read(self, sentences: Sequence[Sequence[str]], flag: str, reasons: int = 0) -> Verdict:
        weights = self.flags[flag]
        vector = max(self.segments(sentences), key=lambda v: self._probability(v, weights))
        probability = self._probability(vector, weights)
        top: list[tuple[str, float]] = []
        if reasons:
            grams = {self.index.get(gram): gram for gram in features(sentences)}
            parts = {grams[pos]: v * weights.weights[pos] for pos, v in vector.items()}
            top = _by_word(sentences, parts)[:reasons]
        threshold = weights.threshold_for(sentences)
        return Verdict(flag, probability, probability >= threshold, tuple(top), threshold)

    @classmethod
    def _best(cls, vectors: Sequence[dict[int, float]], weights: FlagWeights) -> float:
        return max(cls._probability(v, weights) for v in vectors)

    @staticmethod
    def _probability(vector: dict[int, float], weights: FlagWeights) -> float:
        w = weights.weights
        return _sigmoid(weights.intercept + sum(v * w[pos] for pos, v in vector.items()))

    def to_json(self) -> str:
        grams = sorted(self.index, key=self.index.__getitem__)
        data = {
            "format": FORMAT,
            "trained_on": self.trained_on,
            "grams": grams,
            "idf": list(self.idf),
            "readers": [
                {
                    "flag": w.flag,
                    "role": w.role,
                    "threshold": w.threshold,
                    **({} if w.long_threshold is None else {"long_threshold": w.long_threshold}),
                    "intercept": w.intercept,
                    "measured": w.measured,
                    "weights": list(w.weights),
                }
                for w in self.flags.values()
            ],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _by_word(
    sentences: Sequence[Sequence[str]], parts: dict[str, float]
) -> list[tuple[str, float]]:
    """What pushed towards the flag, in words a curator can read: each word with its letter
    n-grams, and each word pair with the letter n-grams across its boundary, strongest first."""
    weights: dict[str, float] = {}
    for words in sentences:
        for i, word in enumerate(words):
            grams = set(_letter_grams(word))
            weights[word] = parts.get("w " + word, 0.0) + sum(parts.get(g, 0.0) for g in grams)
            if i:
                pair = f"{words[i - 1]} {word}"
                across = set(_cross_grams([_word(words[i - 1]), _word(word)]))
                across_weight = sum(parts.get(g, 0.0) for g in across)
                weights[pair] = parts.get("w " + pair, 0.0) + across_weight
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
    known = set(known_flags)
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise LearnedFileError(f"format {data.get('format')!r}, expected {FORMAT}")
        grams = [str(g) for g in data["grams"]]
        idf = array("d", (float(v) for v in data["idf"]))
        if len(idf) != len(grams):
            raise LearnedFileError("'idf' and 'grams' differ in length")
        flags: dict[str, FlagWeights] = {}
        for entry in data["readers"]:
            flag = str(entry["flag"])
            if flag not in known:
                raise LearnedFileError(f"flag {flag!r} is not in the rules file")
            threshold = float(entry["threshold"])
            raw_long = entry.get("long_threshold")
            long_threshold = None if raw_long is None else float(raw_long)
            for value in (threshold, long_threshold):
                if value is not None and not 0.0 < value < 1.0:
                    raise LearnedFileError(f"{flag}: threshold {value} is not between 0 and 1")
            weights = array("d", (float(v) for v in entry["weights"]))
            if len(weights) != len(grams):
                raise LearnedFileError(f"{flag}: 'weights' and 'grams' differ in length")
            measured = {str(k): float(v) for k, v in dict(entry.get("measured", {})).items()}
            intercept = float(entry["intercept"])
            role = str(entry.get("role", RAISE))
            if role not in ROLES:
                raise LearnedFileError(f"{flag}: role {role!r} is not one of {', '.join(ROLES)}")
            if long_threshold is not None and role != RAISE:
                raise LearnedFileError(f"{flag}: only a raising reader has a long_threshold")
            flags[flag] = FlagWeights(
                flag, threshold, intercept, weights, measured, role, long_threshold
            )
        index = {gram: pos for pos, gram in enumerate(grams)}
        return LearnedReader(index, idf, flags, str(data["trained_on"]))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        if isinstance(exc, LearnedFileError):
            raise
        raise LearnedFileError(f"not a weights file ({exc.__class__.__name__}: {exc})") from None
