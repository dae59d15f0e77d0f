"""Gated regular expressions: skip a search when the words it needs are absent.

The parser runs about a hundred phrase patterns over every item; most items contain the words of
only a few. For each pattern, `required_factors` reads the compiled pattern's syntax tree and finds
a set of literal strings at least one of which every match must contain (for
`\\b(?:diabet\\w+|hyperglyc\\w+)` that is {"diabet", "hyperglyc"}), noting which of them must start
a word. A `FactorIndex` finds the factors of many patterns in one Aho-Corasick pass over an item
and checks their first words, so that one look at an item tells which patterns can possibly match;
only those are searched. The gate is exact: it never hides a match, it only skips searches that
cannot succeed. The same pass finds the readers' declared `gate_words` (`ItemView.has`).
"""

from __future__ import annotations

import re
import re._constants as _c  # Python 3.11+: the regular expression parser's own modules
import re._parser as _p
from dataclasses import dataclass
from typing import Any

import ahocorasick


@dataclass(frozen=True, slots=True)
class Factor:
    text: str  #: lower case
    word_start: bool  #: the text starts a word in every match


Factors = frozenset[Factor] | None
_WORDCHAR = re.compile(r"\w")
_LEADING_NONWORD = re.compile(r"^\W+")
_HEAD = re.compile(r"\w+")
_NONWORD_CATEGORIES = frozenset({_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD})


def _ends_nonword(items: Any) -> bool:
    """Every match of this sequence ends with a non-word character."""
    if not items:
        return False
    op, arg = items[-1]
    if op is _c.SUBPATTERN:
        return _ends_nonword(arg[-1])
    if op is _c.BRANCH:
        return all(_ends_nonword(branch) for branch in arg[1])
    return _nonword(op, arg) or (op is _c.LITERAL and not _WORDCHAR.match(chr(arg)))


def _nonword(op: Any, arg: Any) -> bool:
    """An element that matches at least one character, all of them non-word characters."""
    if op is _c.IN:
        return all(
            (kind is _c.CATEGORY and value in _NONWORD_CATEGORIES)
            or (kind is _c.LITERAL and not _WORDCHAR.match(chr(value)))
            for kind, value in arg
        )
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, sub_items = arg
        return low >= 1 and len(sub_items) == 1 and _nonword(*sub_items[0])
    return False


#: Words so common in eligibility texts that a set containing them hardly narrows anything.
_COMMON = frozenset(
    [
        "other",
        "prior",
        "previous",
        "previously",
        "second",
        "additional",
        "disease",
        "diseases",
        "condition",
        "conditions",
        "disorder",
        "disorders",
        "patient",
        "patients",
        "history",
        "treatment",
        "treatments",
        "therapy",
        "therapies",
        "medical",
        "with",
        "and",
        "of",
        "the",
        "in",
        "to",
        "or",
        "for",
        "any",
        "known",
        "active",
        "severe",
        "significant",
        "uncontrolled",
        "serious",
        "must",
        "be",
        "is",
        "are",
        "have",
        "has",
        "had",
        "not",
        "no",
        "within",
        "at",
        "least",
        "than",
        "more",
        "less",
        "clinically",
        "current",
        "concurrent",
        "significant",
        "chronic",
        "acute",
        "grade",
        "study",
        "evidence",
        "by",
        "on",
        "as",
        "a",
        "an",
        "that",
        "who",
        "which",
    ]
)


def _weak(factors: frozenset[Factor]) -> bool:
    return any(
        (head := _HEAD.match(f.text)) is not None and head.group(0) in _COMMON for f in factors
    )


def _rank(factors: frozenset[Factor]) -> tuple[bool, int, int]:
    return (not _weak(factors), min(len(x.text) for x in factors), -len(factors))


def _best(candidates: list[frozenset[Factor]]) -> Factors:
    if not candidates:
        return None
    return max(candidates, key=_rank)


def _sequence(items: Any, boundary: bool) -> Factors:
    return _best(_all_sets(items, boundary))


def _all_sets(items: Any, boundary: bool) -> list[frozenset[Factor]]:
    """Every factor set the sequence requires (a match contains one factor of each set)."""
    candidates: list[frozenset[Factor]] = []
    run: list[str] = []
    run_start = False

    def close() -> None:
        if run:
            text = "".join(run)
            stripped = _LEADING_NONWORD.sub("", text)
            # a word character after a non-word one (" in this") starts a word
            word_start = (run_start or stripped != text) and bool(_WORDCHAR.match(stripped))
            if stripped:
                candidates.append(frozenset({Factor(stripped, word_start)}))
            run.clear()

    for op, arg in items:
        if op is _c.IN and arg and all(kind is _c.LITERAL for kind, _ in arg):
            letters = {chr(value).lower() for _, value in arg}
            if len(letters) == 1:  # [rR]: one letter in either case
                op, arg = _c.LITERAL, ord(letters.pop())
        if op is _c.LITERAL:
            if not run:
                run_start = boundary
            run.append(chr(arg).lower())
            boundary = False
            continue
        if op is _c.AT:
            if arg in (_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING) and not run:
                boundary = True
            elif run:
                close()
            continue
        if op is _c.BRANCH and run:
            # the parser moves a prefix common to all alternatives out of the branch
            # ("registration|randomization" is "r" + (egistration|andomization)): put it back
            prefix = [(_c.LITERAL, ord(ch)) for ch in run]
            start = run_start
            run.clear()
            joined: set[Factor] = set()
            for branch in arg[1]:
                found = _sequence(prefix + list(branch), start)
                if not found:
                    joined = set()
                    break
                joined |= found
            if joined:
                candidates.append(frozenset(joined))
            boundary = False
            continue
        close()
        if _nonword(op, arg):
            boundary = True  # "\s+", "[-/]": the next literal, if a word character, starts a word
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and _ends_nonword(arg[2]):
            # "(?:\w+\s+){0,3}": after it, a word starts if one started before it
            low = arg[0]
            found = _sequence(arg[2], boundary) if low >= 1 else None
            if found:
                candidates.append(found)
            boundary = boundary or low >= 1
            continue
        if op is _c.SUBPATTERN:
            sub = _sequence(arg[-1], boundary)
            if sub:
                candidates.append(sub)
        elif op is _c.BRANCH:
            union: set[Factor] = set()
            for branch in arg[1]:
                found = _sequence(branch, boundary)
                if not found:
                    union = set()
                    break
                union |= found
            if union:
                candidates.append(frozenset(union))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, _high, sub_items = arg
            if low >= 1:
                found = _sequence(sub_items, boundary)
                if found:
                    candidates.append(found)
        boundary = False
    close()
    return [c for c in candidates if all(f.text for f in c)]


def required_sets(pattern: str, flags: int = 0) -> list[frozenset[Factor]]:
    """Sets of lower-case strings such that every match of `pattern` contains one string of each
    set, most selective first (sets with one- or two-letter strings are left out)."""
    try:
        tree = _p.parse(pattern, flags)
    except re.error:
        return []
    sets = [s for s in _all_sets(tree, False) if min(len(f.text) for f in s) >= 2]
    return sorted(sets, key=_rank, reverse=True)


def required_factors(pattern: str, flags: int = 0) -> Factors:
    """Lower-case strings one of which every match of `pattern` contains (None: no such set)."""
    sets = required_sets(pattern, flags)
    return sets[0] if sets else None


#: Words are runs of letters or of digits ("her2" is "her", "2"), as the lexicon reads names,
#: so that one tokenisation of an item serves the pattern index and the lexicon's gates.
_TOKEN = re.compile(r"\([^\W\d_]\)|[^\W\d_]+|\d+")
_ASCII_TOKEN = re.compile(r"[a-z]+|\d+|\([a-z]\)")  #: the same on lower-case ASCII, faster


class Words:
    """An item's lower-cased text and its tokens in order (`sequence`, for the lexicon's gates
    and the receptor reader's), computed once."""

    __slots__ = ("lower", "sequence")

    def __init__(self, lower: str) -> None:
        self.lower = lower
        text = lower.replace("(s)", "s  ") if "(s)" in lower else lower
        self.sequence = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)


class GateWords(frozenset[str]):
    """Lower-case fragments one of which an item must contain for a reader to find anything
    (`ItemView.has`). Declared with `gate_words` when a module loads, so that `FactorIndex`
    finds all of them in the same pass as the patterns' factors."""


_GATES: list[GateWords] = []
_gate_words_closed = False


def gate_words(*fragments: str) -> GateWords:
    """Declare a gate's fragments (at import time: the index that finds them is built once)."""
    if _gate_words_closed:
        raise RuntimeError("gate words must be declared when a module loads, before any parse")
    gate = GateWords(fragments)
    _GATES.append(gate)
    return gate


def pattern_words(*patterns: Fast | re.Pattern[str]) -> GateWords:
    """Gate words derived from patterns (declared as `gate_words` are): every match of each
    pattern contains one of them (`required_factors`), so an item that contains none of them
    has no match in any part of it, and `ItemView.has` can skip the search. Only for searches in
    the item's own words (a slice of it), not in text joined with words from elsewhere."""
    factors = union_factors(*patterns)
    if factors is None:
        raise ValueError("a pattern has no words that every match contains: nothing to gate on")
    return gate_words(*sorted({f.text for f in factors}))


def declared_gates() -> tuple[GateWords, ...]:
    """Every gate declared; declaring more afterwards is an error (the index is built)."""
    global _gate_words_closed
    _gate_words_closed = True
    return tuple(_GATES)


class FactorIndex:
    """Which of many gated patterns can match an item, found from its words in one pass.

    Every factor text is found by one Aho-Corasick scan of the lower-cased item (all
    occurrences, overlapping ones too: one pass in C instead of a substring test per factor).
    A factor that starts a word in every match counts only where it does: at the start of the
    item or after a character that is not a letter or digit (`\\w` is exactly `str.isalnum`
    and "_", and lower-casing never turns another character into a letter or digit, so no
    match is missed). Other factors count wherever they occur. A pattern without factors is
    always a candidate. The words of `gates` are looked for in the same pass; `read` reports
    the gates with a word in the item.
    """

    def __init__(self, factor_sets: list[Factors], gates: tuple[GateWords, ...] = ()) -> None:
        self._always = frozenset(i for i, f in enumerate(factor_sets) if f is None)
        #: factor text -> (patterns it admits wherever it occurs, patterns where it starts a word)
        anywhere: dict[str, set[int]] = {}
        at_word: dict[str, set[int]] = {}
        for index, factors in enumerate(factor_sets):
            for factor in factors or ():
                starts_word = factor.word_start and _WORDCHAR.match(factor.text) is not None
                (at_word if starts_word else anywhere).setdefault(factor.text, set()).add(index)
        #: gate word -> the gates it opens (equal gates are one: they open together)
        opens: dict[str, set[GateWords]] = {}
        for gate in gates:
            for text in gate:
                opens.setdefault(text, set()).add(gate)
        self._automaton = ahocorasick.Automaton()
        for text in anywhere.keys() | at_word.keys() | opens.keys():
            #: found at `end`, the text starts at `end - (len(text) - 1)`
            entry = (len(text) - 1, frozenset(anywhere.get(text, ())),
                     frozenset(at_word.get(text, ())), frozenset(opens.get(text, ())))  # fmt: skip
            self._automaton.add_word(text, entry)
        if len(self._automaton):
            self._automaton.make_automaton()

    def candidates(self, words: Words) -> set[int]:
        return self.read(words)[0]

    def read(self, words: Words) -> tuple[set[int], set[GateWords]]:
        """The candidate patterns, and the gates with a word in the item."""
        found = set(self._always)
        if len(self._automaton) == 0:  # nothing to look for (an automaton needs a word)
            return found, set()
        lower = words.lower
        opened: set[GateWords] = set()
        for end, (back, anywhere, at_word, opens) in self._automaton.iter(lower):
            if opens:
                opened |= opens
            if anywhere:
                found |= anywhere
            if at_word and not at_word <= found:
                start = end - back
                if start == 0 or not lower[start - 1].isalnum():
                    found |= at_word
        return found, opened


class Gated:
    """A compiled pattern with its required factors: `factors` (the most selective set, which a
    `FactorIndex` files) and `others` (further sets `possible` checks before a search)."""

    __slots__ = ("factors", "others", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        sets = required_sets(regex.pattern, regex.flags & ~re.UNICODE)
        self.factors: Factors = sets[0] if sets else None
        self.others: tuple[tuple[str, ...], ...] = tuple(tuple(f.text for f in s) for s in sets[1:])

    def possible(self, lower: str) -> bool:
        """Whether every required set has a string in `lower` (a match needs that)."""
        if self.factors is not None and not any(f.text in lower for f in self.factors):
            return False
        return all(any(text in lower for text in group) for group in self.others)

    def others_present(self, lower: str) -> bool:
        """`possible` without the first set (which the index has already checked)."""
        return all(any(text in lower for text in group) for group in self.others)


def union_factors(*patterns: Fast | re.Pattern[str]) -> Factors:
    """A gate for a reader that finds nothing unless one of these patterns matches."""
    union: set[Factor] = set()
    for pattern in patterns:
        regex = pattern.ci if isinstance(pattern, Fast) else pattern
        factors = required_factors(regex.pattern, regex.flags & ~re.UNICODE)
        if factors is None:
            return None
        union |= factors
    return frozenset(union)


def keywords(*fragments: str) -> Factors:
    """A gate from plain fragments (any position), for readers written in Python."""
    return frozenset(Factor(f.lower(), False) for f in fragments)


def word_keywords(*words: str) -> Factors:
    """A gate from fragments that start words, that is follow no letter or digit ('menopaus'
    for 'postmenopausal' would not do)."""
    return frozenset(Factor(w.lower(), bool(_WORDCHAR.match(w))) for w in words)


def lower_pattern(pattern: str) -> str | None:
    """The pattern with its literal letters in lower case, for matching lower-cased text without
    IGNORECASE (two to four times faster in CPython). Escapes (\\W, \\D, \\S, \\B, \\N{...})
    are kept as written. None when the pattern has case-sensitive parts ("(?-i:").
    """
    if "(?-i" in pattern:
        return None
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
            close = pattern.find(">", i) if pattern[i + 3] == "<" else pattern.find(")", i)
            out.append(pattern[i : close + 1])  # group names keep their case
            i = close + 1
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


_CLASS_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
}
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)


def _char(code: int) -> str:
    return re.escape(chr(code))


def _first_of_sequence(items: Any) -> tuple[set[str], bool] | None:
    """The class items (as pattern text) a match of the sequence can start with, and whether
    it can match the empty string; None when any character can start it."""
    found: set[str] = set()
    for op, arg in items:
        first = _first_of_element(op, arg)
        if first is None:
            return None
        found |= first[0]
        if not first[1]:
            return found, False
    return found, True


def _first_of_element(op: Any, arg: Any) -> tuple[set[str], bool] | None:
    if op is _c.LITERAL:
        return {_char(arg)}, False
    if op is _c.IN:
        found: set[str] = set()
        for kind, value in arg:
            if kind is _c.LITERAL:
                found.add(_char(value))
            elif kind is _c.RANGE:
                found.add(f"{_char(value[0])}-{_char(value[1])}")
            elif kind is _c.CATEGORY and value in _CLASS_CATEGORIES:
                found.add(_CLASS_CATEGORIES[value])
            else:  # a negated class, or a category written otherwise
                return None
        return found, False
    if op in _ZERO_WIDTH:
        return set(), True  # looks around, takes no character: the next element's comes first
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, items = arg
        return None if add_flags or del_flags else _first_of_sequence(items)
    if op is _c.BRANCH:
        found = set()
        empty = False
        for branch in arg[1]:
            first = _first_of_sequence(branch)
            if first is None:
                return None
            found |= first[0]
            empty = empty or first[1]
        return found, empty
    if op in _REPEATS:
        low, _high, items = arg
        first = _first_of_sequence(items)
        return None if first is None else (first[0], first[1] or low == 0)
    return None  # any character, a back reference, ...


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """A character class that holds the first character of every match of `pattern`, or None
    (any character can start a match, a match can be empty, or the pattern sets flags)."""
    if re.match(r"\(\?[aiLmsux]+\)", pattern):
        return None
    first = _first_of_sequence(_p.parse(pattern, flags))
    if first is None or first[1] or not first[0]:
        return None
    return "[" + "".join(sorted(first[0])) + "]"


def _anchored(pattern: str, flags: int) -> bool:
    """Whether every match of the pattern must start at the start of the text."""
    if flags & re.MULTILINE or not pattern.startswith("^"):
        return False
    items = _p.parse(pattern, flags).data
    return bool(items) and items[0] == (_c.AT, _c.AT_BEGINNING)


class Fast:
    """A case-insensitive pattern that runs on the lower-cased text when it can.

    `search(work, lower)` returns a match whose offsets are valid in `work` (lower-casing keeps
    the length of almost every text; when it does not, the IGNORECASE pattern runs on `work`).
    Group texts of a lower-case match are lower case: read values, not spellings, from them.

    `first=True`: the lower-case pattern checks first, with a look-ahead, that the character at
    a position can start a match (`first_chars`). The engine finds a literal first character by
    itself, but a pattern that opens with look-behinds, an optional part or alternatives that
    each open differently is tried in full at every position; for some patterns the look-ahead
    halves the time of a search that finds nothing (for others it costs more: measure).
    """

    __slots__ = ("anchored", "ci", "lc")

    def __init__(self, pattern: str, flags: int = 0, *, first: bool = False) -> None:
        self.ci = re.compile(pattern, flags | re.IGNORECASE)
        lowered = lower_pattern(pattern)
        if lowered is not None and first:
            chars = first_chars(lowered, flags & ~re.IGNORECASE)
            if chars is None:
                raise ValueError(f"no first characters to check: {pattern!r}")
            lowered = f"(?={chars})(?:{lowered})"
        self.lc = re.compile(lowered, flags & ~re.IGNORECASE) if lowered is not None else None
        #: a pattern whose every match starts with "^" can only match at the start: `search`
        #: tries only there ("^a|b" is not one: "b" may match anywhere)
        self.anchored = _anchored(pattern, flags)

    def _lower(self, work: str, lower: str | None) -> str | None:
        if self.lc is None:
            return None
        if lower is None:
            lower = work.lower()
        return lower if len(lower) == len(work) else None

    def search(self, work: str, lower: str | None = None) -> re.Match[str] | None:
        if self.anchored:
            return self.match(work, lower)
        lc = self.lc  # `_lower` inlined: the parser calls this several hundred thousand times
        if lc is not None:
            if lower is None:
                lower = work.lower()
            if len(lower) == len(work):
                return lc.search(lower)
        return self.ci.search(work)

    def finditer(self, work: str, lower: str | None = None) -> list[re.Match[str]]:
        lc = self.lc  # as in `search`
        if lc is not None:
            if lower is None:
                lower = work.lower()
            if len(lower) == len(work):
                return list(lc.finditer(lower))
        return list(self.ci.finditer(work))

    def match(self, work: str, lower: str | None = None) -> re.Match[str] | None:
        lc = self.lc  # as in `search`
        if lc is not None:
            if lower is None:
                lower = work.lower()
            if len(lower) == len(work):
                return lc.match(lower)
        return self.ci.match(work)

    def fullmatch(self, work: str, lower: str | None = None) -> re.Match[str] | None:
        low = self._lower(work, lower)
        return self.lc.fullmatch(low) if low is not None and self.lc else self.ci.fullmatch(work)

    @property
    def pattern(self) -> str:
        return self.ci.pattern
