"""From a typed note to tokens the rules can match: normalised, text-speak expanded, stemmed,
typos mapped onto the rule vocabulary, with sentence and clause numbers for scoping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

_PLUS_BETWEEN_NUMBERS = re.compile(r"(?<=\d)\s*\+\s*(?=\d)")
_APOSTROPHES = re.compile(r"['’‘`´]")
# A dot between digits is a clock time or a decimal ("1.15", "2.5"), not a sentence's end: it
# joins them, and the second number reads as a time ("it's 1.15 and i'm still awake" is no
# 15-year-old).
_TOKENS = re.compile(
    r"(?P<word>[a-z]+|\d+)|(?P<joint>(?<=\d)\.(?=\d))|(?P<stop>[.!?;\n]+)"
    r"|(?P<pause>[,:()\[\]\"“”/]|\s[-–—]+\s?|[-–—]{2,})"
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Punctuation spoken to a phone's dictation and typed out as words: "legs bad full stop".
_DICTATED_MARKS = {
    "full stop": ".",
    "new line": ".",
    "new paragraph": ".",
    "comma": ",",
    "question mark": "?",
    "exclamation mark": "!",
    "exclamation point": "!",
}
_DICTATED = re.compile(r"\b(" + "|".join(_DICTATED_MARKS) + r")\b")
# Words that end a clause: a negation or "someone else" before them does not reach past them.
CLAUSE_WORDS = frozenset({"but", "though", "although", "however", "except", "whereas"})
# A short sentence that only says no, right after a question or an "asked", is the answer to
# it: "GP asked if I think of hurting myself. No." It joins the question's sentence as one
# ANSWER_NO token, so that a rule's `unless` can read the answer (the word is never typed).
ANSWER_NO = "noanswer"
_ANSWER_WORDS = frozenset(
    {"no", "none", "nope", "nah", "never", "not", "at", "all", "thankfully",
     "honestly", "definitely", "absolutely", "certainly", "really", "god", "goodness", "heck",
     "of", "course", "i", "said", "lol", "thank", "thanks", "have", "had", "did", "do", "am",
     "was", "been", "ever", "once", "and", "laughed", "told", "her", "him", "them", "nothing",
     "new"}
)  # fmt: skip
_ANSWER_NEGATIVES = frozenset({"no", "none", "nope", "nah", "never"})
# ... unless a later sentence takes it back: "I said no. I lied.", "no. not tonight. probably".
# "tonight" only right after "not": "never have. legs 6/10 tonight" keeps its answer.
_TAKEN_BACK = frozenset(
    {"lied", "lie", "lying", "liar", "truth", "true", "pretend", "pretended", "pretending",
     "actually", "probably", "yet", "but"}
)  # fmt: skip
_ASKING = frozenset({"asked", "asks", "ask", "asking", "question", "questions", "questionnaire"})
MAX_ANSWER = 5  # words in such an answer at most
# Typos are looked for only in words at least this long (shorter ones collide too easily:
# calm/calf, bet/bed), and allowed one edit, two from LONG_TYPO letters on.
MIN_TYPO = 5
LONG_TYPO = 8
_stemmer = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Lower case, no accents, no apostrophes, other punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    stripped = _APOSTROPHES.sub("", stripped)
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem: calves -> calv, swelling -> swell, dying -> die."""
    return str(_stemmer.stemWord(word))


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a note after expansion."""

    word: str  # the normalised surface form ("swolen")
    stem: str  # the stem after typo correction ("swollen")
    sentence: int
    clause: int


class Lexicon:
    """What the tokenizer knows from the rule file: text-speak and the rule vocabulary."""

    def __init__(
        self, textspeak: Mapping[str, str], vocabulary: Iterable[str], not_typos: Iterable[str]
    ) -> None:
        self.textspeak = {k: tuple(v.split()) for k, v in textspeak.items()}
        self.words = sorted(set(vocabulary))
        self.stems = frozenset(stem(w) for w in self.words)
        self.not_typos = frozenset(not_typos)
        # Typos are corrected per word and remembered: a note scans in microseconds once its
        # words have been seen; the cache is bounded so hostile input cannot grow it forever.
        self._corrected = lru_cache(maxsize=65536)(self._correct)

    def forget_typos(self) -> None:
        """Empty the typo cache (benchmarks measure the first sight of every word)."""
        self._corrected.cache_clear()

    def canonical(self, word: str) -> str:
        """The stem the rules compare against, correcting a likely typo of a rule word."""
        stemmed = stem(word)
        if stemmed in self.stems or len(word) < MIN_TYPO or word.isdigit():
            return stemmed
        if word.endswith("in") and stem(word + "g") in self.stems:
            return stem(word + "g")  # a dropped g: drivin, gaspin, killin
        return self._corrected(word)

    def _correct(self, word: str) -> str:
        stemmed = stem(word)
        if word in self.not_typos or _real_word(word):
            return stemmed
        limit = 1 if len(word) < LONG_TYPO else 2
        # Typos almost never change the first letter; requiring it keeps real words apart.
        candidates = [
            w for w in self.words if w[0] == word[0] and abs(len(w) - len(word)) <= limit
        ]
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        for target, _distance, _index in sorted(found, key=lambda f: (f[1], f[2])):
            # Between short words one changed letter is usually another real word (noise and
            # noose, hears and heart): there only swapped letters count (ankel, ankle).
            if len(target) > MIN_TYPO or sorted(target) == sorted(word):
                return stem(str(target))
        return stemmed

    def _unrepeat(self, word: str) -> str:
        """`soooo` -> `soo`, or `so` when only the single letter makes a known word."""
        double = _REPEATS.sub(r"\1\1", word)
        if double == word:
            return word
        single = _REPEATS.sub(r"\1", word)
        if stem(double) in self.stems or double in self.textspeak:
            return double
        return single

    def tokens(self, text: str) -> list[Token]:
        """The note as tokens with sentence and clause numbers."""
        lowered = unicodedata.normalize("NFKD", text)
        lowered = "".join(c for c in lowered if not unicodedata.combining(c)).lower()
        # "20+4" between numbers is weeks and days of a pregnancy: "plus", so that a rule can
        # tell it from two clock times ("woke at 1:20 and 4:45"); any other "+" is "and".
        lowered = _PLUS_BETWEEN_NUMBERS.sub(" plus ", _APOSTROPHES.sub("", lowered))
        lowered = lowered.replace("&", " and ").replace("+", " and ")
        lowered = _DICTATED.sub(lambda m: f" {_DICTATED_MARKS[m.group(1)]} ", lowered)
        out: list[Token] = []
        questions: set[int] = set()  # sentences that end with "?"
        sentence = clause = 0
        for match in _TOKENS.finditer(lowered):
            kind = match.lastgroup
            if kind == "joint":
                continue
            if kind == "stop":
                if out and out[-1].sentence == sentence:
                    if "?" in match.group():
                        questions.add(sentence)
                    sentence += 1
                    clause += 1
                continue
            if kind == "pause":
                if out and out[-1].clause == clause:
                    clause += 1
                continue
            raw = self._unrepeat(match.group())
            for word in self.textspeak.get(raw, (raw,)):
                if word in CLAUSE_WORDS:
                    clause += 1
                out.append(Token(word, self.canonical(word), sentence, clause))
        return self._join_answers(_mark_clock_times(out), questions)

    def _join_answers(self, tokens: list[Token], questions: set[int]) -> list[Token]:
        """Each bare "No." after a question or an "asked" becomes ANSWER_NO at the end of the
        question's sentence; so does a "no" that is the first clause of the next sentence
        ("none thankfully, just tired"), when nothing after it takes it back ("no, but...")."""
        by_sentence: dict[int, list[Token]] = {}
        for token in tokens:
            by_sentence.setdefault(token.sentence, []).append(token)
        sentences = list(by_sentence.values())
        # taken_back[i]: a sentence after the i-th takes an answer back (one pass from the end)
        taken_back = [False] * len(sentences)
        for i in range(len(sentences) - 2, -1, -1):
            later = sentences[i + 1]
            taken_back[i] = taken_back[i + 1] or _takes_back(later)
        out: list[Token] = []
        previous: list[Token] = []
        for i, words in enumerate(sentences):
            # The answer is the sentence's first clause: "none thankfully, just tired" too.
            answer = [t for t in words if t.clause == words[0].clause]
            rest = words[len(answer) :]
            plain = {t.word for t in answer}
            if (
                previous
                and len(answer) <= MAX_ANSWER
                and plain <= _ANSWER_WORDS
                and plain & _ANSWER_NEGATIVES
                and not taken_back[i]
                and not _takes_back(rest)
                and (previous[0].sentence in questions or _ASKING & {t.word for t in previous})
            ):
                last = previous[-1]
                out.append(Token(ANSWER_NO, ANSWER_NO, last.sentence, last.clause))
                out.extend(rest)
                previous = []
                continue
            out.extend(words)
            previous = words
        return out


# Words after which a person is the object, not the one who did what follows: "drove to mums
# with the baby and woke up on the rumble strip" (book.py), "my grandson stays with us and his
# legs kick" (a rule's `unless between`, rules.py).
PREPOSITIONS = frozenset(("with", "to", "for", "at", "from", "about", "by", "without", "near",
                          "behind", "beside", "round", "around"))  # fmt: skip


_DETERMINERS = frozenset(("the", "my", "our", "a", "an", "his", "her", "their", "your"))


def after_preposition(tokens: Sequence[Token], pos: int) -> bool:
    """The word at `pos` follows a preposition in its clause, with only "the", "my", "our"...
    between."""
    clause = tokens[pos].clause
    pos -= 1
    while pos >= 0 and tokens[pos].word in _DETERMINERS:
        pos -= 1
    return pos >= 0 and tokens[pos].word in PREPOSITIONS and tokens[pos].clause == clause


# A number right after one of these words or after another number ("1:17"), or right before
# one of the others, is a time of day ("toddler up at 5", "danced till 2", "9 pm"), not an
# age: its stem becomes CLOCK, which a rule's `#age1-17` does not accept (a plain `#1-6`
# still does: "by 4 pm").
CLOCK = "#clock"
_CLOCK_BEFORE = frozenset(("at", "till", "til", "until", "by", "from", "since", "past", "around",
                           "before", "after", "gone", "to"))  # fmt: skip
_CLOCK_AFTER = frozenset(("am", "pm", "oclock", "ish", "thirty"))
# A score right after what it scores ("legs 7", "pain 8/10") is no age either.
_SCORE_BEFORE = frozenset(("legs", "leg", "rls", "pain", "score", "rating", "mood", "sleep"))
_NOT_AN_AGE_AFTER = _CLOCK_BEFORE | _SCORE_BEFORE


def _mark_clock_times(tokens: list[Token]) -> list[Token]:
    """The tokens with each time of day or score (above) given the stem CLOCK."""
    out = list(tokens)
    for i, token in enumerate(tokens):
        if not token.word.isdigit():
            continue
        before = tokens[i - 1].word if i and tokens[i - 1].sentence == token.sentence else ""
        after = tokens[i + 1].word if i + 1 < len(tokens) else ""
        if before in _NOT_AN_AGE_AFTER or before.isdigit() or after in _CLOCK_AFTER:
            out[i] = Token(token.word, CLOCK, token.sentence, token.clause)
    return out


# A word this common in English subtitles (pyspellchecker's frequency list) is a word the
# writer meant, not a typo of a rule word: "spain" is not "sprain", "gambler" not "gamble".
# Rarer forms stay correctable ("overdoes" for overdose is seen 84 times).
REAL_WORD_MIN = 100


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """The common words alone (about 47,000), loaded at the first possible typo; the full
    frequency list is let go at once."""
    from spellchecker import SpellChecker  # loaded with the list, at the first possible typo

    frequencies = SpellChecker(distance=1).word_frequency
    # Copied out through one string: words kept straight from the list would pin the memory
    # of the whole list, which Python cannot hand back around them (23 MB kept instead of 7).
    kept = "\n".join(w for w, n in frequencies.items() if n >= REAL_WORD_MIN)
    del frequencies
    return frozenset(kept.split("\n"))


def _real_word(word: str) -> bool:
    return word in _common_words()


def _takes_back(words: list[Token]) -> bool:
    """Words that take a "no" back: "I lied", "probably", "not tonight"."""
    plain = [t.word for t in words]
    return bool(_TAKEN_BACK & set(plain)) or ("not", "tonight") in pairwise(plain)
