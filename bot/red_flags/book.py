"""The compiled red-flag rules (bot/red_flags/loading.py reads them), run over notes.

A flag is raised when one of its rules matches and the match is not excluded: negated in its
own clause ("no swelling"), about someone else ("my sister is pregnant") or about the past
("had a clot in 2015"), each only where the flag asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from bot.models import RENAMED_FLAGS
from bot.red_flags.learned import CONFIRM, RAISE, LearnedReader
from bot.red_flags.rules import (
    Hit,
    Number,
    Ref,
    Rule,
    Term,
    Words,
    match_rule,
    match_term,
    rule_concepts,
)
from bot.red_flags.text import ANSWER_NO, Lexicon, Token, after_preposition

# Concepts the engine itself uses; every rule file defines them.
ENGINE_CONCEPTS = ("negation", "not_negation", "negation_stop", "others", "others_after",
                   "reporting", "first_person", "past", "present", "harmless",
                   "proxy")  # fmt: skip
IDIOM = "~"  # what the learned reader sees in place of a harmless idiom (never a typed word)
NEGATION_WINDOW = 3  # a negation reaches this many words ahead, within its clause
OTHERS_WINDOW = 6  # "my sister ... pregnant": at most this many words between
PAST_WINDOW = 6  # "clot ... in 2015": at most this many words apart
# Every crisis and urgent message names the local emergency number and says plainly that no
# person reads the chat (nobody will call for help on the person's behalf).
URGENT_MESSAGE_NEEDS = ("{emergency}", "No person reads this chat")


class Severity(StrEnum):
    """How urgent the situation is; the order is the order messages are shown in."""

    CRISIS = "crisis"
    URGENT = "urgent"
    DOCTOR = "doctor"


@dataclass(frozen=True)
class RedFlag:
    """One situation with its fixed message and the rules that recognise it."""

    id: str
    title: str
    severity: Severity
    blocks_remedy: bool
    message: str
    ignore_negated: bool = True
    ignore_others: bool = True
    ignore_past: bool = True
    rules: tuple[Rule, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def urgent(self) -> bool:
        """Crisis or urgent: retried until delivered, no cheerful line after it."""
        return self.severity in (Severity.CRISIS, Severity.URGENT)


@dataclass
class _Note:
    """One note being scanned: its tokens and the concept hits found so far."""

    tokens: list[Token]
    starts: dict[str, list[tuple[int, Term]]]
    book: RedFlagBook
    masked: frozenset[int] = frozenset()
    memo: dict[str, list[Hit]] = field(default_factory=dict)
    used_memo: dict[str, set[int]] = field(default_factory=dict)
    numbers: list[int] | None = None  # where the number tokens are, once asked

    def hits(self, name: str) -> list[Hit]:
        found = self.memo.get(name)
        if found is not None:
            return found
        found = []
        loose = self.book.loose_terms.get(name, ())
        if name not in self.starts and not loose:
            self.memo[name] = found
            return found
        seen: set[tuple[int, int]] = set()
        candidates = list(self.starts.get(name, ()))
        for term in loose:
            candidates.extend((pos, term) for pos in self._possible_starts(term))
        for pos, term in candidates:
            for hit in match_term(term, self.tokens, pos, self.masked, self.hits):
                if (hit.start, hit.end) not in seen:
                    seen.add((hit.start, hit.end))
                    found.append(hit)
        self.memo[name] = found
        return found

    def _possible_starts(self, term: Term) -> list[int]:
        """Where a term not indexed by stem can begin: at a number, where the concept it
        starts with begins, or at a word with its prefix."""
        first = term.slots[0]
        if isinstance(first, Ref):
            return sorted({h.start for h in self.hits(first.name)})
        if isinstance(first, Number):
            if self.numbers is None:
                self.numbers = [i for i, t in enumerate(self.tokens) if t.word.isdigit()]
            return self.numbers
        assert isinstance(first, Words)
        return [i for i, t in enumerate(self.tokens) if first.accepts(t)]

    def positions(self, name: str) -> set[int]:
        found = self.used_memo.get(name)
        if found is None:
            found = self.used_memo[name] = {p for h in self.hits(name) for p in h.used}
        return found


@dataclass(frozen=True)
class RedFlagBook:
    """Every red flag, in file order, with the compiled concepts; loaded once at start-up."""

    version: int
    flags: tuple[RedFlag, ...]
    lexicon: Lexicon = field(default_factory=lambda: Lexicon({}, (), ()))
    # Terms indexed by the stems their first word accepts, per concept; the rest ("loose":
    # starting with a prefix, a number or another concept) are tried at every word.
    by_stem: dict[str, list[tuple[str, Term]]] = field(default_factory=dict)
    loose_terms: dict[str, list[Term]] = field(default_factory=dict)
    # The learned second reader (bot/red_flags/learned.py), for the flags it was trained on.
    learned: LearnedReader | None = None

    def scan(self, text: str, *, learned: bool = True) -> list[RedFlag]:
        """The flags a text raises, most urgent first (`learned=False`: the rules alone)."""
        note = self._note(text) if self.flags else None
        if note is None:
            return []
        found = [flag for flag in self.flags if self._raised(flag, note)]
        reader = self.learned if learned else None
        if reader is not None:
            kept = reader.decide(_sentences(note), [f.id for f in found])
            found = [flag for flag_id in kept if (flag := self.get(flag_id)) is not None]
        order = list(Severity)
        return sorted(found, key=lambda f: order.index(f.severity))

    def reading(self, text: str) -> list[list[str]]:
        """The note as the learned reader sees it: sentences of words, text-speak expanded,
        the harmless idioms of the rules ("killing time", "dying to try") each one IDIOM."""
        note = self._note(text)
        return _sentences(note) if note is not None else []

    detect = scan

    def explain(self, text: str) -> list[tuple[str, str, str]]:
        """For curators: (flag id, rule, the words it matched) of every flag raised, and of
        every rule match a confirming reader set aside (its rule ends "set aside: ...")."""
        note = self._note(text)
        found = []
        reader = self.learned
        sentences = _sentences(note) if note is not None else []
        for flag in self.flags:
            why = self._why(flag, note) if note is not None else None
            if why is not None:
                rule, match = why
                words = " ".join(note.tokens[p].word for p in sorted(match.used)) if note else ""
                weights = reader.flags.get(flag.id) if reader is not None else None
                if reader is not None and weights is not None and weights.role == CONFIRM:
                    verdict = reader.read(sentences, flag.id)
                    if not verdict.raised:
                        rule += (
                            f" (set aside: learned reader {verdict.probability:.2f} < "
                            f"{weights.threshold:.2f})"
                        )
                found.append((flag.id, rule, words))
        if note is None or reader is None or not reader.knows_a_word(sentences):
            return found
        have = {f[0] for f in found}
        for weights in reader.flags.values():
            if weights.flag in have or weights.role != RAISE:
                continue
            verdict = reader.read(sentences, weights.flag, reasons=5)
            if verdict.raised:
                pushed = ", ".join(f"'{words}'" for words, _ in verdict.reasons)
                rule = f"learned reader: {verdict.probability:.2f} >= {verdict.threshold:.2f}"
                found.append((weights.flag, rule, f"most telling: {pushed}"))
        return found

    def _note(self, text: str) -> _Note | None:
        tokens = self.lexicon.tokens(text)
        if not tokens:
            return None
        starts: dict[str, list[tuple[int, Term]]] = defaultdict(list)
        for pos, token in enumerate(tokens):
            for name, term in self.by_stem.get(token.stem, ()):
                starts[name].append((pos, term))
        note = _Note(tokens, starts, self)
        note.masked = frozenset(note.positions("harmless"))
        note.memo.clear()
        note.used_memo.clear()
        return note

    @cached_property
    def _needs(self) -> dict[str, tuple[frozenset[str], ...]]:
        """Per flag, per rule: the concepts every match contains whose terms all begin with
        words. A rule can only match where each has one of those words' stems in the note,
        so scan skips the others without matching."""
        return {
            flag.id: tuple(
                frozenset(rule_concepts(rule, guards=False) - self.loose_terms.keys())
                for rule in flag.rules
            )
            for flag in self.flags
        }

    def _raised(self, flag: RedFlag, note: _Note) -> bool:
        return self._why(flag, note) is not None

    def _why(self, flag: RedFlag, note: _Note) -> tuple[str, Hit] | None:
        present = note.starts.keys()
        for rule, source, need in zip(flag.rules, flag.sources, self._needs[flag.id], strict=True):
            if not present >= need:
                continue
            for match in match_rule(rule, note.tokens, note.hits):
                if flag.ignore_negated and _negated(match, note):
                    continue
                if flag.ignore_others and _about_others(match, note):
                    continue
                if flag.ignore_past and _about_past(match, note):
                    continue
                return source, match
        return None

    def get(self, flag_id: str) -> RedFlag | None:
        """A flag by id (renamed ids map to their new flag; None for ids no longer in use)."""
        flag_id = RENAMED_FLAGS.get(flag_id, flag_id)
        return next((f for f in self.flags if f.id == flag_id), None)

    def titles(self) -> dict[str, str]:
        """id -> title, for history, export and the doctor summary (renamed ids included)."""
        titles = {f.id: f.title for f in self.flags}
        for old, new in RENAMED_FLAGS.items():
            if new in titles:
                titles[old] = titles[new]
        return titles

    @property
    def ids(self) -> tuple[str, ...]:
        """Every flag id in file order."""
        return tuple(f.id for f in self.flags)


def _sentences(note: _Note) -> list[list[str]]:
    """The words of a note, sentence by sentence, each run of words the rules call harmless
    ("killing time") as one IDIOM mark: the reader sees that an idiom stood there."""
    out: list[list[str]] = []
    last = -1
    for pos, token in enumerate(note.tokens):
        if token.sentence != last or not out:
            out.append([])
            last = token.sentence
        if pos not in note.masked:
            out[-1].append(token.word)
        elif not out[-1] or out[-1][-1] != IDIOM:
            out[-1].append(IDIOM)
    return out


def _negated(match: Hit, note: _Note) -> bool:
    """A negation word shortly before (or inside) a part of the match, in the same clause and
    not cut off by "and", "then", "so"...: "no swelling", "not pregnant", "calf not swollen";
    or a part in a question answered with a bare no (text.ANSWER_NO): "asked if i was
    breastfeeding. no". Self-harm, which keeps negated matches, reads answers in its rules
    ("she asked for pills to not wake up. i said no" is still her wish)."""
    tokens = note.tokens
    asked = {tokens[part.start].sentence for part in match.parts}
    if any(t.word == ANSWER_NO and t.sentence in asked for t in tokens):
        return True
    negations = note.positions("negation") - match.used - note.positions("not_negation")
    if not negations:
        return False
    stops = note.positions("negation_stop")
    for part in match.parts:
        clause = tokens[part.start].clause
        for pos in negations:
            if not part.start - NEGATION_WINDOW <= pos < part.end:
                continue
            if tokens[pos].clause != clause:
                continue
            if any(pos < stop < part.start for stop in stops):
                continue
            return True
    return False


def _about_others(match: Hit, note: _Note) -> bool:
    """Someone else named just before (or right after: "my pregnant neighbour"), with no
    I/me/my and no "says"/"noticed" between them and the end of the match: "my sister is
    pregnant", but not "my wife says I stop breathing" or "they switched my tablets". In a
    note typed for someone else ("typing for my wife tonight", concept `proxy`) "she" and "my
    wife" are the person whose diary it is: nothing is set aside as someone else's."""
    if note.hits("proxy"):
        return False
    tokens = note.tokens
    first = min(match.parts, key=lambda h: h.start)
    mine = note.positions("first_person") | _reporting_me(note)
    if any(other.start == match.end for other in note.hits("others_after")):
        return True
    for other in note.hits("others"):
        if other.end > first.start or first.start - other.end > OTHERS_WINDOW:
            continue
        if first.start > other.end and _object_of_preposition(other, note):
            continue
        if tokens[other.start].clause != tokens[first.start].clause:
            continue
        # "the lad on my course", "a bloke in my group": that "my" only says whose course.
        theirs = other.end + 1 if _whose_place(tokens, other.end) else -1
        if not any(
            other.end <= pos < match.end and pos not in match.used and pos != theirs
            for pos in mine
        ):
            return True
    return False


_PLACE_PREPOSITIONS = frozenset(("in", "on", "at", "from", "of"))


def _whose_place(tokens: Sequence[Token], pos: int) -> bool:
    """A preposition right after someone, then "my" or "our": "the lad on my course"."""
    return (
        pos + 1 < len(tokens)
        and tokens[pos].word in _PLACE_PREPOSITIONS
        and tokens[pos + 1].word in ("my", "our")
    )


_THEY = frozenset(("he", "she", "they"))
_PASSIVE = frozenset(("got", "get", "gets", "getting", "was", "were", "been", "is", "are", "be"))


def _reporting_me(note: _Note) -> set[int]:
    """The positions of the `reporting` words that can bring the writer in ("my wife says I
    stop breathing"): not one followed by he, she or they, who says it of themself ("my mate
    says he nods off at the wheel", "my sister says she is pregnant again"), and not one said
    of the person named before it ("her lad got caught nodding off at work again")."""
    tokens = note.tokens

    def of_someone(hit: Hit) -> bool:
        after = hit.end < len(tokens) and tokens[hit.end].word in _THEY
        return after or (hit.start > 0 and tokens[hit.start - 1].word in _PASSIVE)

    return {p for hit in note.hits("reporting") if not of_someone(hit) for p in hit.used}


_RELATIVE = frozenset(("who", "that", "which", "whose"))
_PRONOUNS = frozenset(("he", "she", "him", "his", "her", "they", "them", "their", "someone",
                       "somebody", "everyone"))  # fmt: skip


def _object_of_preposition(other: Hit, note: _Note) -> bool:
    """Someone named after "with", "to", "for"...: not the one who did what follows ("drove to
    mums with the baby and woke up on the rumble strip"). Pronouns and possessives ("for him
    on dialysis", "at his dialysis") and "my friend who is pregnant" still count."""
    tokens = note.tokens
    if tokens[other.start].word in _PRONOUNS or (
        other.end < len(tokens) and tokens[other.end].word in _RELATIVE
    ):
        return False
    return after_preposition(tokens, other.start)


def _about_past(match: Hit, note: _Note) -> bool:
    """A past time close by in the same clause ("in 2015", "years ago", "used to"), unless
    the clause also says now ("had one years ago and now it's back")."""
    tokens = note.tokens
    clauses = {tokens[p.start].clause for p in match.parts}

    def near(hit: Hit) -> bool:
        if tokens[hit.start].clause not in clauses:
            return False
        gap = max(hit.start - match.end, match.start - hit.end)
        return gap <= PAST_WINDOW

    if not any(near(h) for h in note.hits("past")):
        return False
    return not any(tokens[h.start].clause in clauses for h in note.hits("present"))


def titles_for(book: RedFlagBook, ids: Sequence[str]) -> list[str]:
    """Titles of stored flag ids (unknown ids shown as they are)."""
    lookup = book.titles()
    return [lookup.get(i, i) for i in ids]
