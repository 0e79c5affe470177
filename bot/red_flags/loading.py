"""Loading the red-flag file (content/red_flags.toml): read, validated with pydantic, compiled
into a RedFlagBook, and self-tested on each flag's must_match / must_not_match examples."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ContentError
from bot.red_flags.book import (
    ENGINE_CONCEPTS,
    URGENT_MESSAGE_NEEDS,
    RedFlag,
    RedFlagBook,
    Severity,
)
from bot.red_flags.corpus import Example
from bot.red_flags.learned import MODEL_FILE, LearnedFileError, parse_reader
from bot.red_flags.rules import (
    Rule,
    RuleError,
    Term,
    Words,
    check_names,
    compile_term,
    parse_rule,
    rule_concepts,
    term_words,
)
from bot.red_flags.text import Lexicon
from bot.validation import describe_error

_ALLOWED_TAGS = frozenset({"b", "i"})


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS or attrs:
            raise ValueError(f"only <b> and <i> are allowed, found <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ValueError(f"unbalanced </{tag}>")


def _check_markup(text: str) -> str:
    if re.search(r"&(?!(?:lt|gt|amp|quot);)", text):
        raise ValueError("write '&' as '&amp;'")
    if re.search(r"\{(?!emergency\})", text):
        raise ValueError("the only placeholder is {emergency}")
    parser = _Markup()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ValueError(f"unclosed <{parser.stack[-1]}>")
    return text.strip()


class _Flag(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,23}$")
    title: str = Field(min_length=3, max_length=120)
    severity: Severity
    blocks_remedy: bool
    ignore_negated: bool
    ignore_others: bool
    ignore_past: bool
    message: str = Field(min_length=20, max_length=1500)
    rules: list[str] = Field(min_length=1)
    must_match: list[str] = Field(min_length=1)
    must_not_match: list[str] = []

    @field_validator("message")
    @classmethod
    def _markup(cls, value: str) -> str:
        return _check_markup(value)


class _Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    reviewed_by: str = Field(min_length=3)
    not_typos: list[str] = []
    textspeak: dict[str, str] = {}
    concepts: dict[str, list[str]]
    flag: list[_Flag] = Field(min_length=1)


def _read_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read ({exc.__class__.__name__})") from None


def load_red_flags(path: Path, *, self_test: bool = True, learned: bool = True) -> RedFlagBook:
    """Read, validate, compile and self-test the red-flag file (`self_test=False` skips the
    must_match / must_not_match examples: for curators chasing why one fails), with the
    learned reader's weights beside it when there are any (`learned=False`: the rules alone)."""
    weights = path.parent / MODEL_FILE
    weights_text = _read_text(weights) if learned and weights.exists() else None
    text = _read_text(path)
    key = (path, _digest(text), self_test, None if weights_text is None else _digest(weights_text))
    book = _BOOKS.pop(key, None)
    if book is None:
        book = _load(path, text, self_test, weights_text)
    _BOOKS[key] = book  # the most recently used last
    while len(_BOOKS) > _CACHED:
        del _BOOKS[next(iter(_BOOKS))]
    return book


# Loading is pure: the same text always makes the same frozen book. The cache spares the
# compile and self-test (a quarter of a second) when one process opens the bot many times,
# as the tests do; a changed file is new text and is loaded afresh. It keeps the files'
# digests, not their text: the weights file alone is over 5 MB that a running bot never needs.
_CACHED = 4
_BOOKS: dict[tuple[Path, bytes, bool, bytes | None], RedFlagBook] = {}


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _load(path: Path, text: str, self_test: bool, weights: str | None) -> RedFlagBook:
    raw = _read_toml(path, text)
    try:
        model = _Book.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_error(str(path), exc, raw, "flag", "flag")) from None
    try:
        book = _compile(model, path)
    except RuleError as exc:
        raise ContentError(f"{path}: {exc}") from None
    if weights is not None:
        try:
            reader = parse_reader(weights, book.ids)
        except LearnedFileError as exc:
            raise ContentError(f"{path.parent / MODEL_FILE}: {exc}") from None
        book = dataclasses.replace(book, learned=reader)
    if self_test:
        _self_test(model, book, path)
    return book


def _compile(model: _Book, path: Path) -> RedFlagBook:
    missing = [name for name in ENGINE_CONCEPTS if name not in model.concepts]
    if missing:
        raise ContentError(f"{path}: concepts: missing {missing[0]!r} (the engine needs it)")
    inline: dict[str, list[str]] = {}
    parsed: dict[str, list[Rule]] = {}
    seen: set[str] = set()
    for entry in model.flag:
        if entry.id in seen:
            raise ContentError(f"{path}: flag {entry.id!r}: field 'id': duplicate id")
        seen.add(entry.id)
        if entry.severity is not Severity.DOCTOR:
            for needed in URGENT_MESSAGE_NEEDS:
                if needed.lower() not in entry.message.lower():
                    raise ContentError(
                        f"{path}: flag {entry.id!r}: field 'message': a {entry.severity} "
                        f"message must contain {needed!r}"
                    )
        try:
            parsed[entry.id] = [parse_rule(r, inline) for r in entry.rules]
        except RuleError as exc:
            raise ContentError(f"{path}: flag {entry.id!r}: field 'rules': {exc}") from None
    sources = {name: list(terms) for name, terms in model.concepts.items()}
    for name, terms in inline.items():
        sources[name] = terms
    vocabulary = [w for terms in sources.values() for t in terms for w in term_words(t)]
    lexicon = Lexicon(model.textspeak, vocabulary, (w.lower() for w in model.not_typos))
    concepts: dict[str, list[Term]] = {}
    for name, terms in sources.items():
        if not terms:
            raise ContentError(f"{path}: concept {name!r}: no terms")
        try:
            concepts[name] = [compile_term(t, lexicon) for t in terms]
        except RuleError as exc:
            raise ContentError(f"{path}: concept {name!r}: {exc}") from None
    used = {n for rules in parsed.values() for r in rules for n in rule_concepts(r)}
    unknown = check_names(concepts, used, str(path))
    if unknown:
        raise ContentError(f"{path}: unknown concept {unknown[0]!r} (define it under [concepts])")
    by_stem: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    loose: dict[str, list[Term]] = defaultdict(list)
    for name, compiled in concepts.items():
        for term in compiled:
            first = term.slots[0]
            if isinstance(first, Words) and not first.prefixes:
                for s in first.stems:
                    by_stem[s].append((name, term))
            else:
                loose[name].append(term)
    flags = tuple(
        RedFlag(
            id=entry.id,
            title=entry.title,
            severity=entry.severity,
            blocks_remedy=entry.blocks_remedy,
            message=entry.message,
            ignore_negated=entry.ignore_negated,
            ignore_others=entry.ignore_others,
            ignore_past=entry.ignore_past,
            rules=tuple(parsed[entry.id]),
            sources=tuple(entry.rules),
        )
        for entry in model.flag
    )
    return RedFlagBook(model.version, flags, lexicon, dict(by_stem), dict(loose))


def rule_examples(path: Path) -> list[Example]:
    """The rules file's own examples as labelled notes, for training the learned reader: each
    must_match example with every flag it is an example for, each must_not_match example that
    is no flag's must_match with none."""
    model = _read_book(path)
    flags: dict[str, set[str]] = {}
    for entry in model.flag:
        for text in entry.must_match:
            flags.setdefault(text, set()).add(entry.id)
    out = [Example(text, frozenset(ids)) for text, ids in flags.items()]
    out += [
        Example(text, frozenset())
        for entry in model.flag
        for text in entry.must_not_match
        if text not in flags
    ]
    return out


def must_not_examples(path: Path) -> dict[str, list[str]]:
    """Each flag's must_not_match examples (a raising reader is kept quiet on them)."""
    return {entry.id: list(entry.must_not_match) for entry in _read_book(path).flag}


def _read_book(path: Path) -> _Book:
    """The rules file as its model, for the curator commands that read its examples."""
    return _Book.model_validate(_read_toml(path, _read_text(path)))


def _self_test(model: _Book, book: RedFlagBook, path: Path) -> None:
    """Every must_match example raises its flag and no must_not_match example does (with the
    learned reader, as the bot will run)."""
    for entry in model.flag:
        for example in entry.must_match:
            if entry.id not in {f.id for f in book.scan(example)}:
                raise ContentError(
                    f"{path}: flag {entry.id!r}: field 'must_match': {example!r} does not "
                    "trigger this flag"
                )
        for example in entry.must_not_match:
            if entry.id in {f.id for f in book.scan(example)}:
                raise ContentError(
                    f"{path}: flag {entry.id!r}: field 'must_not_match': {example!r} triggers "
                    "this flag"
                )
