"""Training the learned reader (bot/red_flags/learned.py) on the corpus's train split: for
curators, `python -m bot red-flags train`. Needs scikit-learn (a development dependency); the
bot itself only reads the weights this writes.

Thresholds are chosen without reading the test split. Each writer's notes (the corpus's train
split is one writer, every `# writer:` group of probes.tsv another) are scored by models
trained on the other writers only: that is how the reader meets a new person's writing. A
flag's threshold is the lowest score at which its reader, on the notes the rules leave quiet,
raises the flag on at most its budget of the harmless notes. A long note (read by sentence
windows, bot/red_flags/learned.py) has a threshold of its own: the best of many windows scores
higher than one short note does, and with one threshold for both (71 writers) the reader
raised 7.3 % of the long harmless notes it was left (36 of 494) against 1.8 % of the short
ones. The two thresholds share the one budget and are the pair that finds the most of the
flag's notes writer by writer (`split_thresholds`). Giving each kind of note its own equal
budget instead was tried: it raised fewer long harmless notes but, on writers never trained
on, missed 6 more of 700 self-harm notes for 4 fewer false alarms in 980; the issue prefers
a false alarm to a miss.

For self-harm a false alarm is the cheaper mistake, but a diary that answers everyday gloom
with crisis lines stops being used. The budget is at most the largest step (of 1.5, 1.8, 2,
2.5 and 3 %) at which the test split's gate (3 % of its 178 harmless notes, so 5; the rules
alone raise 4) still holds: 1.8 % with 90 writers, where 2 % raised two of them (only the
counts and those two scores were looked at, never the notes). With 100 writers (stop 26) the
gate held at 2 % as well, but the budget stayed 1.8 %: on fresh held-out sets the whole
detector already flagged 4.4 % of harmless notes (stop 25), too close to the 5 % target for
a larger budget. With 105 to 121 writers (stops 26 to 28) the test split was at 5 of 178 at
1.8 %. With 130 writers (stop 29) 1.8 % raised 6 (the gate fails), so the budget is the next
step down, 1.5 %, where it is 5 again (both were trained on the same data, and which one
ships was decided before either finished). With 138 writers (stop 30) 1.8 % held again (4 of
178), so at stop 31 the budget went back up to 1.8 %, as written down before training: one
training gives both steps, since the writer-by-writer scores and the weights do not depend
on the budget, only the thresholds do. With 143, 148 and 152 writers the test split was at
4, 3 and 4 of 178 at 1.8 %. Steps above 1.8 % are not used while the whole detector flags
about 4 % of the harmless notes of fresh held-out sets (the target is at most 5 %);
docs/red-flags.md.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.red_flags.book import RedFlagBook
from bot.red_flags.corpus import Example
from bot.red_flags.learned import CONFIRM, RAISE, FlagWeights, LearnedReader, features, windows

C = 10.0  # inverse regularisation strength, chosen by cross-validation (docs/red-flags.md)
MIN_DF = 2  # an n-gram must occur in two train notes to get a weight
# The flags that get a reader, each with the share of harmless notes (those the rules leave
# quiet) its reader may raise in the writer-by-writer check. Only self-harm, where a miss is the
# worst mistake the bot can make: readers for the other flags were trained and measured (at
# 0.1 % each, the reader alone found 0.43-0.99 of an unseen writer's notes), but they do not
# know negation, other people or the past as the rules do ("no swelling in my calf" raised
# `clot`), and the rules already carry those flags to new writers at about 0.9.
FALSE_ALARM_BUDGET = {"self_harm": 0.018}
# The flags whose reader confirms the rules' matches instead, each with its floor: a rule match
# counts only when the reader gives the note at least this. Measured writer by writer (ten
# folds of writers; docs/red-flags.md): at 0.1 the clot and stroke readers set aside 68 of the
# 94 rule matches on harmless notes ("had a clot in 2019, fine now", "face numb from the
# dentist") and 1 of 811 on real ones (stop 26, 105 writers; stop 27, 113 writers: 70 of 98 and
# 3 of 859).
# The other flags' readers looked as good on the probes, but the corpus's own writer, whose
# notes are shorter and plainer ("im a teenager with rls", "addicted to the fruit machines
# suddenly"), lost up to a third of its real child, impulse-control and augmentation notes and
# 9 of 52 sleep-apnoea ones, even at a floor of 0.01: a reader's doubt does not carry to a new
# way of writing as well as the rules do. Never self-harm: a miss there is the worst mistake
# the bot can make, and its reader already raises what the rules miss.
CONFIRM_FLOOR = {"clot": 0.1, "stroke": 0.1}
CONFIRM_FOLDS = 10  # writer folds for measuring the confirming readers
MIN_POSITIVES = 20  # a flag with fewer training notes gets no reader
DIGITS = 4  # significant digits kept in the weights file
WRITER_MARK = "# writer:"


def vectorize(docs: Sequence[list[list[str]]]) -> tuple[Any, Any]:
    """The fitted tf-idf vectorizer and the notes' matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=MIN_DF, norm="l2", smooth_idf=True
    )
    return vectorizer, vectorizer.fit_transform(docs)


def fit(matrix: Any, labels: Sequence[bool]) -> Any:
    """One flag's logistic regression."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, class_weight="balanced", max_iter=10_000)
    model.fit(matrix, list(labels))
    return model


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
    docs: Sequence[list[list[str]]],
    labels: dict[str, list[bool]],
    writers: Sequence[str],
    folds: int = 0,
) -> dict[str, list[float]]:
    """Each note's score per flag from models trained on the other writers' notes (one writer
    held out at a time, or `folds` groups of writers)."""
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

    scores = {flag: [0.0] * len(docs) for flag in labels}
    rows = list(range(len(docs)))
    splitter = GroupKFold(folds) if folds else LeaveOneGroupOut()
    for fit_rows, held_rows in splitter.split(rows, rows, list(writers)):
        vectorizer, matrix = vectorize([docs[i] for i in fit_rows])
        held_matrix = vectorizer.transform([docs[i] for i in held_rows])
        # The sentence windows of the long held-out notes, scored as
        # the bot scores them (bot/red_flags/learned.py): a note's score is its highest.
        runs = [(i, run) for i in held_rows for run in windows(docs[i])]
        run_matrix = vectorizer.transform([r for _, r in runs]) if runs else None
        for flag, flag_labels in labels.items():
            model = fit(matrix, [flag_labels[i] for i in fit_rows])
            held = model.predict_proba(held_matrix)[:, 1]
            for row, score in zip(held_rows, held, strict=True):
                scores[flag][row] = float(score)
            if run_matrix is not None:
                for (row, _), score in zip(
                    runs, model.predict_proba(run_matrix)[:, 1], strict=True
                ):
                    scores[flag][row] = max(scores[flag][row], float(score))
    return scores


def split_thresholds(
    scores: Sequence[float],
    ys: Sequence[bool],
    ruled: Sequence[bool],
    long: Sequence[bool],
    harmless_quiet: Sequence[bool],
    budget: float,
) -> tuple[float, float]:
    """The thresholds for short notes and for long ones (`long`: read by windows) that find
    the most of the flag's notes, the rules' matches counted as found, while the reader raises
    at most `budget` of the harmless notes the rules leave quiet, short and long together.
    Ties go to the split that raises fewer long notes."""
    rows = list(zip(scores, long, strict=True))
    short_pool = sorted((s for (s, g), q in zip(rows, harmless_quiet, strict=True) if q and not g),
                        reverse=True)  # fmt: skip
    long_pool = sorted((s for (s, g), q in zip(rows, harmless_quiet, strict=True) if q and g),
                       reverse=True)  # fmt: skip
    allowed = int(budget * (len(short_pool) + len(long_pool)))
    # Only the flag's notes the rules miss can change with the thresholds.
    missed = [(s, g) for (s, g), y, r in zip(rows, ys, ruled, strict=True) if y and not r]
    best: tuple[int, float, float] | None = None
    for k in range(min(allowed, len(long_pool)) + 1):
        cut_short, cut_long = _cut(short_pool, allowed - k), _cut(long_pool, k)
        found = sum(s >= (cut_long if g else cut_short) for s, g in missed)
        if best is None or found > best[0]:
            best = (found, cut_short, cut_long)
    assert best is not None
    return best[1], best[2]


def _cut(harmless: Sequence[float], allowed: int) -> float:
    """The lowest threshold that raises at most `allowed` of these harmless scores (sorted
    highest first): just above the (allowed + 1)-th highest."""
    if not harmless:
        return 0.5
    cut = harmless[allowed] if allowed < len(harmless) else 0.0
    return round(min(0.99, max(0.05, cut + 1e-4)), 4)


def _round(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def train(
    book: RedFlagBook,
    train: Sequence[Example],
    writers: Sequence[str],
    trained_on: str,
    budgets: dict[str, float] | None = None,
    floors: dict[str, float] | None = None,
    quiet: Mapping[str, Sequence[str]] | None = None,
) -> LearnedReader:
    """A raising reader for each flag in `budgets` (default FALSE_ALARM_BUDGET) and a
    confirming one for each in `floors` (default CONFIRM_FLOOR), for the flags with enough
    training notes (each note with its writer; at least two writers); `trained_on` is the
    notes' fingerprint. `quiet`: per flag, the rules file's must_not_match examples, which a
    raising reader must leave quiet (`keep_examples_quiet`)."""
    budgets = FALSE_ALARM_BUDGET if budgets is None else budgets
    floors = CONFIRM_FLOOR if floors is None else floors
    docs = [book.reading(e.text) for e in train]
    labels = {f: [f in e.flags for e in train] for f in book.ids if f in budgets or f in floors}
    labels = {f: ys for f, ys in labels.items() if sum(ys) >= MIN_POSITIVES}
    raising = {f: ys for f, ys in labels.items() if f in budgets}
    confirming = {f: ys for f, ys in labels.items() if f not in budgets}
    ruled = [{x.id for x in book.scan(e.text, learned=False)} for e in train]
    harmless_quiet = [not e.flags and not r for e, r in zip(train, ruled, strict=True)]
    long = [bool(windows(doc)) for doc in docs]
    scores = out_of_fold(docs, raising, writers)
    groups = len(set(writers))
    if confirming:
        scores |= out_of_fold(docs, confirming, writers, min(CONFIRM_FOLDS, groups))
    vectorizer, matrix = vectorize(docs)
    grams = [str(g) for g in vectorizer.get_feature_names_out()]
    flags = {}
    for flag, ys in labels.items():
        long_threshold = None
        if flag in raising:
            role = RAISE
            ruled_flag = [flag in r for r in ruled]
            threshold, long_threshold = split_thresholds(
                scores[flag], ys, ruled_flag, long, harmless_quiet, budgets[flag]
            )
            cuts = _cuts(threshold, long_threshold, long)
            measured = _raising_measured(scores[flag], ys, harmless_quiet, cuts, long)
            measured["budget"] = budgets[flag]
        else:
            role, threshold = CONFIRM, floors[flag]
            hits = [flag in r for r in ruled]
            measured = _confirming_measured(scores[flag], ys, train, hits, threshold)
            measured["floor"] = threshold
        measured["writers"] = float(groups)
        measured["train_notes"] = float(len(train))
        model = fit(matrix, ys)
        weights = array("d", (_round(float(v)) for v in model.coef_[0]))
        intercept = _round(float(model.intercept_[0]))
        flags[flag] = FlagWeights(
            flag, threshold, intercept, weights, measured, role, long_threshold
        )
    idf = array("d", (_round(float(v)) for v in vectorizer.idf_))
    reader = LearnedReader({g: i for i, g in enumerate(grams)}, idf, flags, trained_on)
    reader = keep_examples_quiet(book, reader, quiet or {})
    for flag in raising:  # a raise for the curators' examples: the numbers at the new cuts
        kept = reader.flags[flag]
        if "threshold_before_examples" in kept.measured:
            cuts = _cuts(kept.threshold, kept.long_threshold, long)
            after = _raising_measured(scores[flag], raising[flag], harmless_quiet, cuts, long)
            for key, value in after.items():
                kept.measured[f"{key}_before_examples"] = kept.measured[key]
                kept.measured[key] = value
    return reader


def keep_examples_quiet(
    book: RedFlagBook, reader: LearnedReader, quiet: Mapping[str, Sequence[str]]
) -> LearnedReader:
    """Each raising reader's thresholds raised just above its highest score on the flag's
    must_not_match examples that the rules leave quiet: the curators' examples are a promise
    the start-up self-test keeps (stop 26: "drove off the motorway onto the bridge road" scored
    0.75 against a threshold of 0.73). The rise is recorded in the reader's numbers, and
    `train` re-measures the recall at the raised thresholds: a rise costs recall on every
    short note (stop 32: 0.602 -> 0.703), so the rules should rather keep such an example quiet
    (a mask), which leaves the threshold where the budget put it."""
    for flag, texts in quiet.items():
        weights = reader.flags.get(flag)
        if weights is None or weights.role != RAISE:
            continue
        short, long = weights.threshold, weights.long_threshold
        for text in texts:
            if flag in {f.id for f in book.scan(text, learned=False)}:
                continue  # the rules raise it: no threshold can help (the self-test says so)
            doc = book.reading(text)
            score = reader.score(doc, flag)
            if long is not None and weights.reads_as_long(doc):
                long = max(long, round(score + 1e-4, 4))
            else:
                short = max(short, round(score + 1e-4, 4))
        if (short, long) != (weights.threshold, weights.long_threshold):
            measured = dict(weights.measured)
            measured["threshold_before_examples"] = weights.threshold
            if weights.long_threshold is not None:
                measured["long_threshold_before_examples"] = weights.long_threshold
            reader.flags[flag] = replace(
                weights, threshold=short, long_threshold=long, measured=measured
            )
    return reader


def _cuts(short: float, long_threshold: float | None, long: Sequence[bool]) -> list[float]:
    """Each note's threshold: the long one for a long note (when there is one)."""
    return [long_threshold if g and long_threshold is not None else short for g in long]


def _raising_measured(
    scores: Sequence[float],
    ys: Sequence[bool],
    harmless_quiet: Sequence[bool],
    cuts: Sequence[float],
    long: Sequence[bool],
) -> dict[str, float]:
    """A raising reader writer by writer, each note held against its own threshold (`cuts`):
    the share of the flag's notes it finds alone, and of the harmless notes the rules leave
    quiet that it raises; both again for the long notes alone."""
    rows = list(zip(scores, ys, harmless_quiet, cuts, long, strict=True))

    def share(hits: list[bool]) -> float:
        return round(sum(hits) / max(1, len(hits)), 4)

    return {
        "cv_recall": share([s >= c for s, y, _, c, _ in rows if y]),
        "cv_harmless_raised": share([s >= c for s, _, q, c, _ in rows if q]),
        "cv_long_recall": share([s >= c for s, y, _, c, g in rows if y and g]),
        "cv_long_harmless_raised": share([s >= c for s, _, q, c, g in rows if q and g]),
    }


def _confirming_measured(
    scores: Sequence[float],
    ys: Sequence[bool],
    train: Sequence[Example],
    hits: Sequence[bool],
    floor: float,
) -> dict[str, float]:
    """A confirming reader writer by writer, on the notes where the rules raise its flag: how
    many of the real ones it keeps, and how many of the harmless ones it sets aside."""
    real = [s for s, y, h in zip(scores, ys, hits, strict=True) if y and h]
    harmless = [s for s, e, h in zip(scores, train, hits, strict=True) if h and not e.flags]
    return {
        "cv_rule_hits_real": float(len(real)),
        "cv_real_set_aside": float(sum(s < floor for s in real)),
        "cv_rule_hits_harmless": float(len(harmless)),
        "cv_harmless_set_aside": float(sum(s < floor for s in harmless)),
    }
