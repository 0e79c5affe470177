"""The rule language of content/red_flags.toml: concepts (lists of terms) and rules over them.

A term is words in order: `word` matches any form of the word (its stem: calf/calves differ,
swell/swelling/swells do not), `a|b` either word, `word*` any word starting so, `{name}` any
term of another concept, `#` any number and `#3-17` a number in that range, `..` up to two
other words and `...` up to four. A rule combines concepts: `a > b` (b after a, at most 3
words between, one sentence), `a >6 b`, `a ~ b` (either order, at most 5 words apart), `a ~8 b`,
`a & b` (both somewhere in the note); `[words]` is a term written in place (`[a b | c d]`:
either term), `#age3-17` a number in that range that is not a time of day ("up at 5",
"9 pm"), and `... unless c` drops matches with concept c in the same sentence (`... unless
between c`: with c between the parts, unless that c follows "with", "to"...); a c right after
"not" does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.red_flags.text import CLOCK, Lexicon, Token, after_preposition, normalize, stem

GAPS = {"..": 2, "...": 4}
ORDERED_WINDOW = 3
NEAR_WINDOW = 5
_NUMBER = re.compile(r"^#(age)?(?:(\d+)-(\d+))?$")
_REF = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
_OPERATOR = re.compile(r"^(>|~)(\d*)$")


class RuleError(ValueError):
    """A term or rule that cannot be compiled; the message names the problem."""


# -- terms ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """One word of a term: any of these stems, or a word starting with one of the prefixes."""

    stems: frozenset[str]
    prefixes: tuple[str, ...]

    def accepts(self, token: Token) -> bool:
        return token.stem in self.stems or token.word.startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class Number:
    """A number token, optionally within a range."""

    low: int
    high: int
    age: bool = False  # `#age3-17`: not a time of day ("up at 5", "9 pm")

    def accepts(self, token: Token) -> bool:
        # Six digits at most: int() of a hostile 5,000-digit "number" would raise.
        word = token.word
        if self.age and token.stem == CLOCK:
            return False
        return word.isdigit() and len(word) <= 6 and self.low <= int(word) <= self.high


@dataclass(frozen=True, slots=True)
class Ref:
    """Any term of another concept."""

    name: str


@dataclass(frozen=True, slots=True)
class Gap:
    """Up to `most` other words (within the sentence)."""

    most: int


Slot = Words | Number | Ref | Gap


@dataclass(frozen=True)
class Term:
    """A compiled term and the text it came from."""

    source: str
    slots: tuple[Slot, ...]
    # Only words, one token each (most terms): matched by a plain loop, not the general walk.
    plain: tuple[Words, ...] | None = None


def compile_term(source: str, lexicon: Lexicon) -> Term:
    """`take my own life`, `{want} to die|dead`, `#1-45 weeks`, `hope i .. not wake`."""
    slots: list[Slot] = []
    for part in source.split():
        if part in GAPS:
            slots.append(Gap(GAPS[part]))
            continue
        if ref := _REF.match(part):
            slots.append(Ref(ref.group(1)))
            continue
        if number := _NUMBER.match(part):
            age, low, high = number.groups()
            slots.append(Number(int(low or 0), int(high or 10**9), bool(age)))
            continue
        stems: set[str] = set()
        prefixes: list[str] = []
        expanded: list[tuple[str, ...]] = []
        alternatives = part.split("|")
        if len(set(alternatives)) < len(alternatives):
            # "[funny|mixed|mixed up]" is two slots, "funny|mixed|mixed" then "up": a phrase
            # among one-word alternatives must be its own term ("[funny|mixed | mixed up]").
            raise RuleError(
                f"term {source!r}: {part!r} repeats a word; write phrases as separate terms"
            )
        for alternative in alternatives:
            star = alternative.endswith("*")
            word = normalize(alternative.rstrip("*"))
            if not word or " " in word:
                raise RuleError(f"term {source!r}: {alternative!r} is not one word")
            if star:
                prefixes.append(word)
                continue
            words = lexicon.textspeak.get(word, (word,))
            if len(words) > 1:
                expanded.append(words)
            else:
                stems.add(stem(words[0]))
        if expanded:
            # Text-speak in a term ("dont") stands for its expansion ("do not").
            if len(expanded) > 1 or stems or prefixes:
                raise RuleError(f"term {source!r}: write {part!r} as separate terms")
            slots.extend(Words(frozenset({stem(w)}), ()) for w in expanded[0])
        else:
            slots.append(Words(frozenset(stems), tuple(prefixes)))
    if not slots or isinstance(slots[0], Gap) or isinstance(slots[-1], Gap):
        raise RuleError(f"term {source!r}: must not be empty or start or end with a gap")
    plain = [slot for slot in slots if isinstance(slot, Words)]
    return Term(source, tuple(slots), tuple(plain) if len(plain) == len(slots) else None)


def term_words(source: str) -> list[str]:
    """The plain words of a term (the vocabulary that typos are corrected towards)."""
    words: list[str] = []
    for part in source.split():
        if part in GAPS or _REF.match(part) or _NUMBER.match(part):
            continue
        words.extend(normalize(a) for a in part.split("|") if not a.endswith("*") and normalize(a))
    return [w for w in words if " " not in w]


def term_refs(term: Term) -> set[str]:
    """Concepts a term refers to."""
    return {slot.name for slot in term.slots if isinstance(slot, Ref)}


# -- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a concept (or a combination) occurs: tokens [start, end) and the words it used."""

    start: int
    end: int
    used: frozenset[int]
    parts: tuple[Hit, ...] = ()


class Hits(Protocol):
    """Hits of every concept in one note, looked up by name."""

    def __call__(self, name: str) -> Sequence[Hit]: ...


def match_term(
    term: Term, tokens: Sequence[Token], start: int, masked: frozenset[int], hits: Hits
) -> list[Hit]:
    """Every way `term` matches beginning at token `start`."""
    sentence = tokens[start].sentence
    if term.plain is not None:
        # Most terms: words only, one match or none (the walk below gives the same, slower).
        end = start + len(term.plain)
        if end > len(tokens):
            return []
        for pos, slot in enumerate(term.plain, start):
            token = tokens[pos]
            if token.sentence != sentence or pos in masked or not slot.accepts(token):
                return []
        return [Hit(start, end, frozenset(range(start, end)))]

    def walk(i: int, pos: int, used: frozenset[int]) -> Iterator[Hit]:
        if i == len(term.slots):
            yield Hit(start, pos, used)
            return
        slot = term.slots[i]
        if isinstance(slot, Gap):
            for skip in range(slot.most + 1):
                at = pos + skip
                if at >= len(tokens) or tokens[at].sentence != sentence:
                    break
                yield from walk(i + 1, at, used)
            return
        if pos >= len(tokens) or tokens[pos].sentence != sentence:
            return
        if isinstance(slot, Ref):
            for hit in hits(slot.name):
                if hit.start == pos:
                    yield from walk(i + 1, hit.end, used | hit.used)
            return
        if pos not in masked and slot.accepts(tokens[pos]):
            yield from walk(i + 1, pos + 1, used | {pos})

    return list(walk(0, start, frozenset()))


# -- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    """A concept by name (inline terms get a generated name)."""

    name: str


@dataclass(frozen=True)
class Combine:
    """Two parts joined by an operator: `>` ordered, `~` near, `&` anywhere in the note."""

    left: Operand | Combine
    op: str
    window: int
    right: Operand


@dataclass(frozen=True)
class Unless:
    """A rule whose matches do not count when one of `unless` occurs in the same sentence, or
    one of `between` between its parts (`... unless c between d`)."""

    rule: Operand | Combine
    unless: tuple[Operand, ...]
    between: tuple[Operand, ...] = ()


Rule = Operand | Combine | Unless


def parse_rule(source: str, inline: dict[str, list[str]]) -> Rule:
    """Parse `a > b`, `a ~8 b`, `a & [stop breathing]`, `a ~ b unless c`; inline terms are
    added to `inline` under a generated concept name."""
    body, _, guard = source.partition(" unless ")
    rule = _parse_combination(body, source, inline)
    if not guard:
        return rule
    names = re.findall(r"\[[^\]]*\]|\S+", guard)
    anywhere, _, between = " ".join(names).partition("between")
    near = [_operand(n, source, inline) for n in re.findall(r"\[[^\]]*\]|\S+", anywhere)]
    inside = [_operand(n, source, inline) for n in re.findall(r"\[[^\]]*\]|\S+", between)]
    if not near and not inside:
        raise RuleError(f"rule {source!r}: nothing after 'unless'")
    return Unless(rule, tuple(near), tuple(inside))


def _operand(text: str, source: str, inline: dict[str, list[str]]) -> Operand:
    if text.startswith("["):
        body = text[1:-1].strip()
        terms = [t.strip() for t in body.split(" | ")]
        if not text.endswith("]") or not all(terms):
            raise RuleError(f"rule {source!r}: empty or unclosed [ ]")
        name = f"[{body}]"
        inline[name] = terms
        return Operand(name)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", text):
        raise RuleError(f"rule {source!r}: {text!r} is not a concept name or [term]")
    return Operand(text)


def _parse_combination(body: str, source: str, inline: dict[str, list[str]]) -> Operand | Combine:
    parts = re.findall(r"\[[^\]]*\]|\S+", body)
    if not parts:
        raise RuleError(f"rule {source!r}: empty")

    def operand(text: str) -> Operand:
        return _operand(text, source, inline)

    rule: Operand | Combine = operand(parts[0])
    rest = parts[1:]
    if len(rest) % 2:
        raise RuleError(f"rule {source!r}: an operator needs something on both sides")
    for op_text, right in zip(rest[::2], rest[1::2], strict=True):
        if op_text == "&":
            op, window = "&", 0
        elif found := _OPERATOR.match(op_text):
            op = found.group(1)
            default = ORDERED_WINDOW if op == ">" else NEAR_WINDOW
            window = int(found.group(2)) if found.group(2) else default
        else:
            raise RuleError(f"rule {source!r}: unknown operator {op_text!r} (use >, ~ or &)")
        rule = Combine(rule, op, window, operand(right))
    return rule


def rule_concepts(rule: Rule, *, guards: bool = True) -> set[str]:
    """Every concept name a rule uses (`guards=False`: those every match contains)."""
    if isinstance(rule, Operand):
        return {rule.name}
    if isinstance(rule, Unless):
        found = rule_concepts(rule.rule)
        return found | {o.name for o in (*rule.unless, *rule.between)} if guards else found
    return rule_concepts(rule.left) | {rule.right.name}


def match_rule(rule: Rule, tokens: Sequence[Token], hits: Hits) -> list[Hit]:
    """Every match of a rule; a combined hit keeps its concept hits as `parts`."""
    if isinstance(rule, Operand):
        return [Hit(h.start, h.end, h.used, (h,)) for h in hits(rule.name)]
    if isinstance(rule, Unless):
        found = match_rule(rule.rule, tokens, hits)
        if not found:
            return found
        # A reason said with "not" in front is no reason: "not normal for me", "not on the bus".
        spoilers = {
            tokens[h.start].sentence
            for o in rule.unless
            for h in hits(o.name)
            if not (h.start and tokens[h.start - 1].word == "not")
        }
        # "my grandson stays with us and kicks": "us" after "with" is not the writer between.
        inside = {
            p
            for o in rule.between
            for h in hits(o.name)
            if not after_preposition(tokens, h.start)
            for p in h.used
        }
        return [
            m
            for m in found
            if not {tokens[p.start].sentence for p in m.parts} & spoilers
            and not any(m.start <= p < m.end and p not in m.used for p in inside)
        ]
    rights = hits(rule.right.name)
    if not rights:
        return []
    lefts = match_rule(rule.left, tokens, hits)
    found = []
    for left in lefts:
        for right in rights:
            if rule.op != "&":
                if tokens[left.start].sentence != tokens[right.start].sentence:
                    continue
                if rule.op == ">":
                    gap = right.start - left.end
                    if not 0 <= gap <= rule.window:
                        continue
                else:
                    gap = max(right.start - left.end, left.start - right.end)
                    if gap > rule.window or right.used & left.used:
                        continue
            found.append(
                Hit(
                    min(left.start, right.start),
                    max(left.end, right.end),
                    left.used | right.used,
                    (*left.parts, right),
                )
            )
    return found


def check_names(concepts: Mapping[str, Sequence[Term]], used: set[str], where: str) -> list[str]:
    """Unknown names among `used`; also raises on a concept that refers to itself in a loop."""
    missing = sorted(n for n in used if n not in concepts)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise RuleError(
                f"{where}: concepts refer to each other in a loop: {' -> '.join(path)}"
            )
        state[name] = 1
        for term in concepts.get(name, ()):
            for ref in term_refs(term):
                if ref not in concepts:
                    missing.append(ref)
                else:
                    visit(ref, (*path, ref))
        state[name] = 2
        order.append(name)

    for name in concepts:
        visit(name, (name,))
    return sorted(set(missing))
