"""Training the learned reader (bot/red_flags/learned.py) on the corpus's train split: for
curators, `python -m bot red-flags train`. Needs scikit-learn (a development dependency); the
bot itself only reads the weights this writes.

The threshold is chosen without the test split. Each writer's notes (the corpus's train split
is one writer, every `# writer:` group of probes.tsv another) are scored by a model trained on
the other writers only: that is how the reader meets a new person's writing. The threshold is
the lowest score at which the reader, on the notes the rules leave quiet, raises the flag on at
most FALSE_ALARM_BUDGET of the harmless notes. For self-harm a false alarm is the cheaper
mistake, but a diary that answers everyday gloom with crisis lines stops being used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.red_flags.book import RedFlagBook
from bot.red_flags.corpus import Example
from bot.red_flags.learned import LearnedReader, features

FLAG = "self_harm"
C = 10.0  # inverse regularisation strength, chosen by cross-validation (docs/red-flags.md)
MIN_DF = 2  # an n-gram must occur in two train notes to get a weight
FALSE_ALARM_BUDGET = 0.02
DIGITS = 5  # significant digits kept in the weights file
WRITER_MARK = "# writer:"


def _identity(doc: Any) -> list[str]:
    return features(doc)


def _fit(docs: Sequence[list[list[str]]], labels: Sequence[bool]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=MIN_DF, norm="l2", smooth_idf=True
    )
    matrix = vectorizer.fit_transform(docs)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=10_000)
    model.fit(matrix, list(labels))
    return vectorizer, model


def read_writers(path: Path) -> list[str]:
    """The writer of each note of a corpus file, in file order: the latest `# writer: NAME`
    line above it, else the file's name."""
    writer, writers = path.stem, []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(WRITER_MARK):
            writer = stripped[len(WRITER_MARK) :].strip() or path.stem
        elif stripped and not stripped.startswith("#"):
            writers.append(writer)
    return writers


def out_of_fold(
    docs: Sequence[list[list[str]]], labels: Sequence[bool], writers: Sequence[str]
) -> list[float]:
    """Each note's score from a model trained on the other writers' notes."""
    from sklearn.model_selection import LeaveOneGroupOut

    scores = [0.0] * len(docs)
    folds = LeaveOneGroupOut()
    for fit_rows, held_rows in folds.split(list(range(len(docs))), list(labels), list(writers)):
        vectorizer, model = _fit([docs[i] for i in fit_rows], [labels[i] for i in fit_rows])
        held = model.predict_proba(vectorizer.transform([docs[i] for i in held_rows]))[:, 1]
        for row, score in zip(held_rows, held, strict=True):
            scores[row] = float(score)
    return scores


def choose_threshold(
    scores: Sequence[float], harmless_quiet: Sequence[bool], budget: float
) -> float:
    """The lowest threshold at which at most `budget` of the harmless notes (those the rules
    leave quiet) would be raised."""
    harmless = sorted((s for s, quiet in zip(scores, harmless_quiet, strict=True) if quiet),
                      reverse=True)  # fmt: skip
    allowed = int(budget * len(harmless))
    if not harmless:
        return 0.5
    # Just above the (allowed + 1)-th highest harmless score.
    cut = harmless[allowed] if allowed < len(harmless) else 0.0
    return round(min(0.95, max(0.05, cut + 1e-4)), 4)


def _round(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def train(
    book: RedFlagBook,
    train: Sequence[Example],
    writers: Sequence[str],
    trained_on: str,
    flag: str = FLAG,
) -> LearnedReader:
    """Weights for `flag` from the training notes (with each note's writer, at least two
    writers); `trained_on` is their fingerprint."""
    docs = [book.reading(e.text) for e in train]
    labels = [flag in e.flags for e in train]
    scores = out_of_fold(docs, labels, writers)
    harmless_quiet = [not e.flags and not book.scan(e.text, learned=False) for e in train]
    threshold = choose_threshold(scores, harmless_quiet, FALSE_ALARM_BUDGET)
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    quiet = [s for s, q in zip(scores, harmless_quiet, strict=True) if q]
    measured = {
        "writers": float(len(set(writers))),
        "cv_recall": round(sum(s >= threshold for s in positives) / max(1, len(positives)), 4),
        "cv_harmless_raised": round(sum(s >= threshold for s in quiet) / max(1, len(quiet)), 4),
        "train_notes": float(len(train)),
    }
    vectorizer, model = _fit(docs, labels)
    names = vectorizer.get_feature_names_out()
    idf = {str(n): _round(float(v)) for n, v in zip(names, vectorizer.idf_, strict=True)}
    weight = {str(n): _round(float(v)) for n, v in zip(names, model.coef_[0], strict=True)}
    return LearnedReader(
        flag=flag,
        threshold=threshold,
        intercept=_round(float(model.intercept_[0])),
        idf=idf,
        weight=weight,
        trained_on=trained_on,
        measured=measured,
    )
