"""The learned self-harm reader: it reads what the rules let pass, its plain-Python scores are
scikit-learn's, and the weights shipped are the ones the current corpus and rules make."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.red_flags import load_red_flags
from bot.red_flags.corpus import Example
from bot.red_flags.learned import (
    CONFIRM,
    MODEL_FILE,
    RAISE,
    FlagWeights,
    LearnedFileError,
    LearnedReader,
    features,
    fingerprint,
    parse_reader,
)
from tests.conftest import CONTENT, ROOT

RULES = CONTENT.parent / "red_flags.toml"
# Nobody writes this in a crisis; a hand-made reader that knows only this word shows how the
# book uses a reader, whatever the shipped weights say.
ODD_WORD = "marmalade"


def _reader(
    flag: str = "self_harm", weight: float = 8.0, role: str = RAISE, threshold: float = 0.5
) -> LearnedReader:
    grams = sorted(set(features([[ODD_WORD]])))
    share = weight / len(grams) ** 0.5
    weights = FlagWeights(flag, threshold, -4.0, array("d", [share] * len(grams)), {}, role)
    index = {gram: pos for pos, gram in enumerate(grams)}
    return LearnedReader(index, array("d", [1.0] * len(grams)), {flag: weights}, "test")


def test_a_note_the_rules_let_pass_raises_self_harm_when_the_reader_is_sure() -> None:
    book = dataclasses.replace(load_red_flags(RULES, learned=False), learned=_reader())
    note = "thinking about the marmalade again tonight"
    assert book.scan(note, learned=False) == []
    assert [f.id for f in book.scan(note)] == ["self_harm"]
    assert book.scan("legs crawly, walked the hall twice") == []


def test_one_line_in_a_long_log_is_read_on_its_own_and_not_drowned_by_the_rest() -> None:
    log = (
        "log 22:10 to 04:05, woke five times, legs seven out of ten on average. "
        "supper was soup and bread with an apple, then a warm bath and the foam roller. "
        "marmalade. bed. "
        "rain all night, heating on low, magnesium at nine as usual, alarm set for half six."
    )
    plain = load_red_flags(RULES, learned=False)
    # A reader that knows every word of the log: only the odd word weighs, the rest dilute it.
    grams = sorted(set(features(plain.reading(log))))
    odd = set(features([[ODD_WORD]]))
    share = 8.0 / len(odd) ** 0.5
    weights = array("d", [share if g in odd else 0.0 for g in grams])
    reader = LearnedReader(
        {g: i for i, g in enumerate(grams)},
        array("d", [1.0] * len(grams)),
        {"self_harm": FlagWeights("self_harm", 0.5, -4.0, weights, {})},
        "test",
    )
    book = dataclasses.replace(plain, learned=reader)
    assert book.learned is not None
    whole = book.learned.probability(book.reading(log), "self_harm")
    assert whole < 0.5  # the whole note alone would not raise it
    assert [f.id for f in book.scan(log)] == ["self_harm"]
    short = "marmalade. legs 7. soup"
    assert book.learned.score(book.reading(short), "self_harm") == book.learned.probability(
        book.reading(short), "self_harm"
    )


def test_a_long_note_is_held_against_the_long_notes_own_threshold() -> None:
    short = "marmalade on my mind tonight"
    long = (
        "legs seven out of ten from nine, walked the hall twice and stretched. "
        "marmalade on my mind tonight. "
        "soup for supper, heating on low, alarm set for half six tomorrow morning."
    )
    plain = load_red_flags(RULES, learned=False)
    one = _reader()  # knows only the odd word: every segment holding it scores about 0.98
    book = dataclasses.replace(plain, learned=one)
    assert [f.id for f in book.scan(long)] == ["self_harm"]
    strict = dataclasses.replace(one.flags["self_harm"], long_threshold=0.999)
    two = dataclasses.replace(one, flags={"self_harm": strict})
    book = dataclasses.replace(plain, learned=two)
    assert book.scan(long) == [] and book.explain(long) == []
    assert [f.id for f in book.scan(short)] == ["self_harm"]
    ((_, rule, _),) = book.explain(short)
    assert rule == "learned reader: 0.98 >= 0.50"
    # The long threshold survives the weights file; a confirming reader may not have one.
    assert parse_reader(two.to_json(), ["self_harm"]).flags["self_harm"].long_threshold == 0.999
    data = json.loads(two.to_json())
    data["readers"][0]["role"] = CONFIRM
    with pytest.raises(LearnedFileError, match="only a raising reader"):
        parse_reader(json.dumps(data), ["self_harm"])


def test_a_raising_reader_is_kept_quiet_on_the_rules_must_not_match_examples() -> None:
    from bot.red_flags.training import keep_examples_quiet

    plain = load_red_flags(RULES, learned=False)
    example = "marmalade on the toast again"  # scores about 0.98 with the hand-made reader
    kept = keep_examples_quiet(plain, _reader(), {"self_harm": [example], "clot": [example]})
    weights = kept.flags["self_harm"]
    assert 0.98 < weights.threshold < 0.99
    assert weights.measured["threshold_before_examples"] == 0.5
    book = dataclasses.replace(plain, learned=kept)
    assert book.scan(example) == []
    # Nothing moves when the examples are already quiet.
    calm = keep_examples_quiet(plain, _reader(), {"self_harm": ["legs bad, walked the hall"]})
    assert calm.flags["self_harm"].threshold == 0.5


def test_the_short_and_long_thresholds_share_one_budget_and_find_the_most_notes() -> None:
    from bot.red_flags.training import split_thresholds

    # 100 short and 100 long harmless notes the rules leave quiet; a budget of 1 % lets the
    # reader raise two of them, short and long together.
    harmless = [0.9] + [0.1] * 99 + [0.95, 0.94] + [0.1] * 98
    long = [False] * 100 + [True] * 100
    # Four self-harm notes the rules miss (two short, two long) and one they catch.
    scores = [*harmless, 0.85, 0.8, 0.96, 0.5, 0.2]
    long += [False, False, True, True, False]
    ys = [False] * 200 + [True] * 5
    ruled = [False] * 204 + [True]
    quiet = [True] * 200 + [False] * 5
    short_cut, long_cut = split_thresholds(scores, ys, ruled, long, quiet, 0.01)
    # Spending both raises on short notes finds three; on long notes, only two.
    assert (short_cut, long_cut) == (0.1001, 0.9501)
    rows = zip(harmless, long[:200], strict=True)
    assert sum(s >= (long_cut if g else short_cut) for s, g in rows) == 1  # 0.9, short


def test_the_reader_raises_nothing_on_a_note_made_only_of_words_it_never_learned() -> None:
    book = dataclasses.replace(load_red_flags(RULES, learned=False), learned=_reader())
    # Letter fragments of "marmalade" are in "marmaladee", but no word the reader knows is.
    assert book.scan("marmaladee again") == [] and book.explain("marmaladee again") == []
    assert [f.id for f in book.scan("marmalade again")] == ["self_harm"]
    # One word alone is too little, even one it knows ("bye", "exit" and "i" each scored as
    # self-harm with the shipped reader); the rules still read it.
    assert book.scan("marmalade") == [] and book.explain("marmalade") == []
    # The shipped reader: a time zone nobody has and a name, typed at a question.
    shipped = load_red_flags(RULES)
    assert shipped.scan("Mars/Base") == [] and shipped.scan("Casey") == []
    assert [shipped.scan(word) for word in ("i", "exit", "bye")] == [[], [], []]
    assert [f.id for f in shipped.scan("kms")] == ["self_harm"]


def test_the_reader_never_adds_a_flag_twice_and_keeps_the_most_urgent_first() -> None:
    book = dataclasses.replace(load_red_flags(RULES, learned=False), learned=_reader())
    found = [f.id for f in book.scan("i want to die, marmalade. my left calf is swollen and red")]
    assert found.count("self_harm") == 1
    assert found[0] == "self_harm" and "clot" in found


def test_explain_names_the_reader_and_the_words_that_weighed_most() -> None:
    book = dataclasses.replace(load_red_flags(RULES, learned=False), learned=_reader())
    (why,) = book.explain("marmalade on my mind")
    flag, rule, words = why
    assert flag == "self_harm"
    assert rule.startswith("learned reader: ")
    assert ODD_WORD in words


def test_a_confirming_reader_sets_aside_a_rule_match_it_reads_as_harmless() -> None:
    # Knows only the odd word as a whole word: any other note scores about 0.02, under the
    # floor of 0.1 (its letter n-grams would be shared with other words).
    weights = FlagWeights("clot", 0.1, -4.0, array("d", [8.0]), {}, CONFIRM)
    reader = LearnedReader({"w " + ODD_WORD: 0}, array("d", [1.0]), {"clot": weights}, "test")
    book = dataclasses.replace(load_red_flags(RULES, learned=False), learned=reader)
    ruled = "my left calf is swollen and hot"
    assert [f.id for f in book.scan(ruled, learned=False)] == ["clot"]
    assert book.scan(ruled) == []
    assert [f.id for f in book.scan(ruled + ", marmalade")] == ["clot"]
    # It never raises a flag the rules did not match, however sure it is.
    assert book.scan("marmalade marmalade marmalade") == []
    # Other flags' rule matches are untouched, and curators see what was set aside and why.
    assert [f.id for f in book.scan("i want to die")] == ["self_harm"]
    ((flag, rule, words),) = book.explain(ruled)
    assert flag == "clot" and "set aside: learned reader 0.02 < 0.10" in rule
    assert "swollen" in words


def test_a_readers_role_survives_the_weights_file_and_a_wrong_role_is_refused() -> None:
    reader = _reader("clot", role=CONFIRM, threshold=0.1)
    again = parse_reader(reader.to_json(), ["clot"])
    assert again.flags["clot"].role == CONFIRM and again.flags["clot"].threshold == 0.1
    data = json.loads(reader.to_json())
    del data["readers"][0]["role"]  # files from before roles: every reader raised
    assert parse_reader(json.dumps(data), ["clot"]).flags["clot"].role == RAISE
    data["readers"][0]["role"] = "shout"
    with pytest.raises(LearnedFileError, match="role 'shout'"):
        parse_reader(json.dumps(data), ["clot"])


def test_the_shipped_confirming_readers_never_include_self_harm() -> None:
    reader = load_red_flags(RULES).learned
    assert reader is not None
    assert reader.flags["self_harm"].role == RAISE
    assert reader.flags["self_harm"].long_threshold is not None
    confirming = {f for f, w in reader.flags.items() if w.role == CONFIRM}
    assert confirming and "self_harm" not in confirming and "pregnancy" not in confirming
    assert all(w.threshold <= 0.2 for w in reader.flags.values() if w.role == CONFIRM)


def test_the_reader_sees_the_note_without_the_idioms_the_rules_call_harmless() -> None:
    book = load_red_flags(RULES, learned=False)
    words = [w for sentence in book.reading("killing time till the legs settle") for w in sentence]
    assert "killing" not in words and "~" in words and "legs" in words


def test_without_a_weights_file_the_rules_read_alone(tmp_path: Path) -> None:
    shutil.copy(RULES, tmp_path / "red_flags.toml")
    book = load_red_flags(tmp_path / "red_flags.toml")
    assert book.learned is None
    assert [f.id for f in book.scan("i want to die")] == ["self_harm"]


def test_a_broken_weights_file_is_one_clear_content_error(tmp_path: Path) -> None:
    shutil.copy(RULES, tmp_path / "red_flags.toml")
    (tmp_path / MODEL_FILE).write_text('{"format": 1, "flag": "self_harm"}\n')
    with pytest.raises(ContentError, match=MODEL_FILE):
        load_red_flags(tmp_path / "red_flags.toml")


def test_the_shipped_weights_come_from_the_current_corpus_and_rules() -> None:
    shipped = json.loads((CONTENT.parent / MODEL_FILE).read_text(encoding="utf-8"))
    assert shipped["trained_on"] == fingerprint(RULES)


@pytest.mark.slow
def test_content_check_refuses_weights_older_than_the_corpus(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT.parent, content)
    with (content / "red_flags_corpus" / "train.tsv").open("a", encoding="utf-8") as out:
        out.write("-\tlegs calm, a cup of tea and bed\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "content-check"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "CONTENT_FILE": str(content / CONTENT.name)},
    )
    assert done.returncode == 2
    assert "red-flags train" in done.stderr.decode()


@pytest.mark.slow
def test_plain_python_scores_are_the_ones_scikit_learn_trained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.red_flags import training

    book = load_red_flags(RULES, learned=False)
    notes = [
        ("i dont want to be here anymore", "self_harm"),
        ("everyone would be better off without me", "self_harm"),
        ("ive been saving my pills for a way out", "self_harm"),
        ("i keep thinking of the bridge on the way home", "self_harm"),
        ("no point going on like this, i want it over", "self_harm"),
        ("left calf swollen and hot since the flight", "clot"),
        ("my calf is red and puffy and it hurts to walk", "clot"),
        ("one leg fat and warm after the long drive", "clot"),
        ("legs crawling again, walked the hall", ""),
        ("magnesium spray tonight, slept ok", ""),
        ("dying for a cup of tea after that night", ""),
        ("calves buzzing, hot bath helped a bit", ""),
        ("tired of these legs but the stretches help", ""),
    ] * 2
    monkeypatch.setattr(training, "MIN_POSITIVES", 2)
    budgets = {"self_harm": 0.02}
    examples = [Example(t, frozenset({f} if f else set())) for t, f in notes]
    writers = ["one"] * (len(notes) // 2) + ["two"] * (len(notes) // 2)
    reader = training.train(book, examples, writers, "test", budgets, {"clot": 0.1})
    assert set(reader.flags) == {"self_harm", "clot"}
    assert reader.flags["self_harm"].role == RAISE and reader.flags["clot"].role == CONFIRM
    assert reader.flags["clot"].threshold == 0.1
    assert reader.flags["clot"].measured["cv_rule_hits_real"] == 6  # the rules find all six
    docs = [book.reading(e.text) for e in examples]
    vectorizer, matrix = training.vectorize(docs)
    for flag in reader.flags:
        model = training.fit(matrix, [flag in e.flags for e in examples])
        expected = model.predict_proba(vectorizer.transform(docs))[:, 1]
        got = [reader.probability(d, flag) for d in docs]
        assert got == pytest.approx(list(expected), abs=1e-3)
        assert 0.0 < reader.flags[flag].threshold < 1.0
    # A curators' must_not_match example the reader would raise lifts the threshold, and the
    # reader's numbers are measured at the raised threshold (recall before it is kept).
    quiet = {"self_harm": ["saving my coupons for a way out of debt"]}
    kept = training.train(book, examples, writers, "test", budgets, {"clot": 0.1}, quiet)
    raised, measured = kept.flags["self_harm"], kept.flags["self_harm"].measured
    assert raised.threshold > reader.flags["self_harm"].threshold
    assert measured["threshold_before_examples"] == reader.flags["self_harm"].threshold
    assert measured["cv_recall"] <= measured["cv_recall_before_examples"]
    assert measured["cv_harmless_raised"] <= measured["cv_harmless_raised_before_examples"]
    assert kept.flags["clot"].measured == reader.flags["clot"].measured


def test_a_misspelt_word_pair_still_shares_letters_across_its_boundary() -> None:
    # "kil myslf" shares no word and no word pair with "kill myself", but the letters around
    # the space; a new sentence starts a new line of letters.
    plain, typed = features([["kill", "myself"]]), features([["kil", "myslf"]])
    shared = {g for g in set(plain) & set(typed) if not g.startswith("c")}
    assert shared == {"xl mys"}
    assert not [g for g in features([["kill"], ["myself"]]) if g.startswith("x")]
