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
from bot.red_flags.learned import MODEL_FILE, FlagWeights, LearnedReader, features, fingerprint
from tests.conftest import CONTENT, ROOT

RULES = CONTENT.parent / "red_flags.toml"
# Nobody writes this in a crisis; a hand-made reader that knows only this word shows how the
# book uses a reader, whatever the shipped weights say.
ODD_WORD = "marmalade"


def _reader(flag: str = "self_harm", weight: float = 8.0) -> LearnedReader:
    grams = sorted(set(features([[ODD_WORD]])))
    share = weight / len(grams) ** 0.5
    weights = FlagWeights(flag, 0.5, -4.0, array("d", [share] * len(grams)), {})
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
    budgets = {"self_harm": 0.02, "clot": 0.01}
    examples = [Example(t, frozenset({f} if f else set())) for t, f in notes]
    writers = ["one"] * (len(notes) // 2) + ["two"] * (len(notes) // 2)
    reader = training.train(book, examples, writers, "test", budgets)
    assert set(reader.flags) == {"self_harm", "clot"}
    docs = [book.reading(e.text) for e in examples]
    vectorizer, matrix = training.vectorize(docs)
    for flag in reader.flags:
        model = training.fit(matrix, [flag in e.flags for e in examples])
        expected = model.predict_proba(vectorizer.transform(docs))[:, 1]
        got = [reader.probability(d, flag) for d in docs]
        assert got == pytest.approx(list(expected), abs=1e-3)
        assert 0.0 < reader.flags[flag].threshold < 1.0
