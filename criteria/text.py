"""Reading the text: markdown unescaping and comparator normalisation, with an offset map.

The parser matches its rules against a *working* string in which the registry's spellings of one
idea are made alike ("≥", "=>", "greater than or equal to" and "at least" all become ">="; number
words become digits). Evidence must be quoted from the item as written, so every rewrite keeps a
map from working offsets back to the unescaped text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from criteria.fastre import lower_pattern

#: Characters the API's markdown escapes with a backslash (`\<`, `\>`, `\[`, `\^`, `\*`, ...).
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>^~|=&])")


def unescape(raw: str) -> str:
    """The item as a reader sees it: markdown escapes removed."""
    return _ESCAPE.sub(r"\1", raw) if "\\" in raw else raw


_NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "sixty": "60",
    "ninety": "90",
}


def number(written: str) -> int:
    """The value of a number written in digits or as a word ("3", "three")."""
    return int(written) if written.isdigit() else int(_NUMBER_WORDS[written.lower()])


_NUM_AHEAD = r"(?=\s*(?:\(?\d+|\.\d+|" + "|".join(_NUMBER_WORDS) + r")\b)"
#: "greater than (>) 1": the symbol repeated in brackets goes with the words.
_SYMBOL_AFTER = r"(?:\s*\(\s*(?:[<>]\\?/?=?|[≥≤]|=[<>])\s*\))?"

# (pattern, replacement). Word comparators are rewritten only in front of a number, so that
# "at least one lesion" becomes ">= 1 lesion" but "more than one" in prose stays readable.
_REWRITES: list[tuple[str, str]] = [
    (r"≥|⩾|≧|=>|>\s*/\s*=|>\s*or\s*=|&gt;=", ">="),
    (r"≤|⩽|≦|=<|<\s*/\s*=|<\s*or\s*=|&lt;=", "<="),
    (r"＞|˃|&gt;", ">"),
    (r"＜|˂|&lt;", "<"),
    (r"[×✕]", "x"),
    (r"[–—−‑]", "-"),
    (r"[\u00a0\u2009\u202f]", " "),
    (r"[’‘]", "'"),
    (r"[“”]", '"'),
    (
        r"\b(?:(?:greater|more|higher|larger|bigger)\s+than\s*(?:or|/)?\s*equal(?:\s+to)?"
        r"|equal\s+to\s+or\s+(?:greater|more|higher)\s+than|at\s+or\s+(?:above|over)|at\s+least"
        r"|not\s+less\s+than"
        r"|no\s+less\s+than|minimum(?:\s+of)?|a\s+minimum\s+of|(?:or|and)\s+(?:more|greater|older"
        r"|above))" + _SYMBOL_AFTER + _NUM_AHEAD,
        ">=",
    ),
    (
        r"\b(?:(?:less|lower|fewer|smaller)\s+than\s*(?:or|/)?\s*equal(?:\s+to)?"
        r"|equal\s+to\s+or\s+(?:less|lower|fewer)\s+than|at\s+or\s+(?:below|under)"
        r"|no\s+more\s+tha[nt]|not\s+more\s+tha[nt]"
        r"|not\s+exceeding|not\s+to\s+exceed|up\s+to(?:\s+a\s+maximum\s+of)?|maximum(?:\s+of)?"
        r"|a\s+maximum\s+of|at\s+most|no\s+greater\s+than|not\s+greater\s+than|no\s+higher\s+than"
        r"|not\s+higher\s+than|no\s+later\s+than)" + _SYMBOL_AFTER + _NUM_AHEAD,
        "<=",
    ),
    (
        r"\b(?:greater\s+than|more\s+than|higher\s+than|larger\s+than|above|over|exceeding"
        r"|in\s+excess\s+of)" + _SYMBOL_AFTER + _NUM_AHEAD,
        ">",
    ),
    (r"\b(?:less\s+than|fewer\s+than|lower\s+than|below|under)" + _SYMBOL_AFTER + _NUM_AHEAD, "<"),
    (r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", "#NUMWORD"),
]
_COMBINED = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_REWRITES)), re.IGNORECASE
)
#: The symbol rewrites alone, for items with none of the words below (most items).
_SYMBOLS = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_REWRITES[:9])), re.IGNORECASE
)
_WORD = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
#: Words that can start each word rewrite (index into _REWRITES); a rewrite runs only when one of
#: its words is in the item (and, for comparators, a number is).
_TRIGGERS: dict[int, frozenset[str]] = {
    9: frozenset(
        [
            "greater",
            "more",
            "higher",
            "larger",
            "bigger",
            "equal",
            "least",
            "less",
            "minimum",
            "older",
            "above",
        ]
    ),
    10: frozenset(
        [
            "less",
            "lower",
            "fewer",
            "smaller",
            "equal",
            "more",
            "exceeding",
            "exceed",
            "up",
            "maximum",
            "most",
            "greater",
            "higher",
            "later",
            "below",
        ]
    ),
    11: frozenset(["greater", "more", "higher", "larger", "above", "over", "exceeding", "excess"]),
    12: frozenset(["less", "fewer", "lower", "below", "under"]),
}
_TRIGGER_WORDS = frozenset().union(*_TRIGGERS.values())  #: no word rewrite without one
#: The only words `_word_rewrites` asks about.
_REWRITE_WORDS = _TRIGGER_WORDS | _NUMBER_WORDS.keys()
#: A number word anywhere, even inside a word ("hormone"): without one nor a digit, no rewrite
#: that needs a number applies.
_NUMBER_WORD_TEXT = re.compile("|".join(_NUMBER_WORDS))
_FIRST_WORD_REWRITE = 9
_NUMBER_REWRITE = 13
_PATTERNS: dict[tuple[int, ...], re.Pattern[str]] = {}


def _word_rewrites(text: str, low: str) -> tuple[int, ...]:
    """The word rewrites (indices into `_REWRITES`) this text can need, in order."""
    digit = _DIGIT.search(text) is not None
    if not digit and _NUMBER_WORD_TEXT.search(low) is None:
        return ()  # no number at all (most items): no word rewrite applies
    # only the words asked about, not a set of every word (about 15% less time on the corpus)
    found = _REWRITE_WORDS.intersection(_WORD.findall(low))
    chosen: list[int] = []
    numbers = found & _NUMBER_WORDS.keys()
    if (numbers or digit) and not found.isdisjoint(_TRIGGER_WORDS):
        chosen = [i for i, words in _TRIGGERS.items() if words & found]
    if numbers:
        chosen.append(_NUMBER_REWRITE)
    return tuple(chosen)


def _pattern_for(text: str, chosen: tuple[int, ...]) -> re.Pattern[str] | None:
    """The symbol rewrites and the `chosen` word rewrites in one case-insensitive pattern,
    compiled once per combination (None: no rewrite can apply)."""
    if not chosen:
        return _SYMBOLS if _SYMBOL_CHARS.search(text) else None
    pattern = _PATTERNS.get(chosen)
    if pattern is None:
        indices = [*range(_FIRST_WORD_REWRITE), *chosen]
        pattern = re.compile(
            "|".join(f"(?P<r{i}>{_REWRITES[i][0]})" for i in indices), re.IGNORECASE
        )
        _PATTERNS[chosen] = pattern
    return pattern


#: Every word rewrite starts with "\b": `_word_pattern` tests it once for all of them.
assert all(pattern.startswith(r"\b") for pattern, _ in _REWRITES[_FIRST_WORD_REWRITE:])
_WORD_PATTERNS: dict[tuple[int, ...], re.Pattern[str]] = {}


def _word_pattern(chosen: tuple[int, ...]) -> re.Pattern[str]:
    """The `chosen` word rewrites alone, for lower-cased text, as "\\b(?:(?P<r9>...)|...)": one
    word-boundary test per position before any alternative is tried (twice as fast as
    "(?P<r9>\\b...)|(?P<r10>\\b...)", which matches the same)."""
    pattern = _WORD_PATTERNS.get(chosen)
    if pattern is None:
        alternatives = "|".join(f"(?P<r{i}>{_REWRITES[i][0][2:]})" for i in chosen)
        lowered = lower_pattern(r"\b(?:" + alternatives + ")")
        assert lowered is not None  # the rewrites have no case-sensitive parts
        pattern = re.compile(lowered)
        _WORD_PATTERNS[chosen] = pattern
    return pattern


#: Characters the symbol rewrites start with; an item with none of them needs no symbol pass.
_SYMBOL_CHARS = re.compile("[≥⩾≧≤⩽≦＞＜˃˂×✕–—−‑\u00a0\u2009\u202f’‘“”=<>&]")
_NEVER = re.compile(r"(?!)")  #: a pattern without matches
#: The symbol rewrites for lower-cased text (each starts with one of `_SYMBOL_CHARS`).
_SYMBOLS_LOWER = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_REWRITES[:9]))
)


def _next_symbol(low: str, pos: int) -> re.Match[str] | None:
    """The first symbol rewrite at or after `pos`. Only the rare positions holding one of
    `_SYMBOL_CHARS` are tried: searching with `_SYMBOLS_LOWER` itself tries its nine groups at
    every position of the item (the costliest part of `normalise` when it ran that way)."""
    while (candidate := _SYMBOL_CHARS.search(low, pos)) is not None:
        match = _SYMBOLS_LOWER.match(low, candidate.start())
        if match is not None:
            return match
        pos = candidate.start() + 1
    return None


def _lower_matches(low: str, chosen: tuple[int, ...]) -> Iterator[re.Match[str]]:
    """The matches `finditer` of the combined pattern (`_pattern_for`) would give on `low`,
    found by two cheaper searches: symbols and words start on different characters (never at
    the same position), so the leftmost of the next symbol match and the next word match is
    the combined pattern's next match; a search is redone only when a match overlapped it."""
    words = _word_pattern(chosen) if chosen else _NEVER
    symbol = _next_symbol(low, 0)
    word = words.search(low)
    while True:
        if symbol is not None and (word is None or symbol.start() <= word.start()):
            match = symbol
        elif word is not None:
            match = word
        else:
            return
        yield match
        pos = match.end()
        if symbol is not None and symbol.start() < pos:
            symbol = _next_symbol(low, pos)
        if word is not None and word.start() < pos:
            word = words.search(low, pos)


_KEYWORDS = frozenset(
    {
        "than",
        "least",
        "minimum",
        "maximum",
        "most",
        "up",
        "exceed",
        "exceeding",
        "exceeds",
        "above",
        "over",
        "under",
        "below",
        "excess",
        "equal",
        "more",
        "less",
        "fewer",
        "greater",
        "higher",
        "lower",
        "older",
        "later",
    }
) | frozenset(_NUMBER_WORDS)
_REPLACEMENTS = [replacement for _, replacement in _REWRITES]


@dataclass(frozen=True, slots=True)
class Working:
    """A normalised string plus the map from its offsets back to the text it came from."""

    text: str  #: the item as written (unescaped)
    work: str  #: the normalised string the rules read
    _w_starts: tuple[int, ...]
    _t_starts: tuple[int, ...]
    _w_lens: tuple[int, ...]
    _t_lens: tuple[int, ...]

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `work` to the corresponding range of `text`."""
        return self._map(start, end=False), self._map(end, end=True)

    def evidence(self, start: int, end: int) -> str:
        t_start, t_end = self.to_text(start, end)
        return self.text[t_start:t_end].strip(" ,;:.")

    def _map(self, offset: int, *, end: bool) -> int:
        if not self._w_starts:
            return offset
        probe = offset - 1 if end and offset > 0 else offset
        i = max(bisect_right(self._w_starts, probe) - 1, 0)
        w0, t0, wl, tl = self._w_starts[i], self._t_starts[i], self._w_lens[i], self._t_lens[i]
        if wl == tl:
            return min(t0 + (offset - w0), len(self.text)) if offset >= w0 else t0
        return t0 + tl if end else t0


def normalise(text: str) -> Working:
    """Rewrite comparators, number words, dashes and odd spaces; keep the offset map."""
    w_starts: list[int] = []
    t_starts: list[int] = []
    w_lens: list[int] = []
    t_lens: list[int] = []
    out: list[str] = []
    pos = 0
    wpos = 0
    low = text.lower()
    chosen = _word_rewrites(text, low)
    matches: Iterable[re.Match[str]]
    if not chosen and _SYMBOL_CHARS.search(text) is None:
        return Working(text, text, (0,), (0,), (len(text),), (len(text),))
    if len(low) == len(text):
        matches = _lower_matches(low, chosen)
    else:  # lower-casing changed the length (rare): the case-insensitive pattern on the text
        pattern = _pattern_for(text, chosen)
        assert pattern is not None
        matches = pattern.finditer(text)
    for match in matches:
        start, end = match.span()
        if start > pos:
            w_starts.append(wpos)
            t_starts.append(pos)
            w_lens.append(start - pos)
            t_lens.append(start - pos)
            out.append(text[pos:start])
            wpos += start - pos
        group = match.lastgroup or "r0"
        replacement = _REPLACEMENTS[int(group[1:])]
        if replacement == "#NUMWORD":
            replacement = _NUMBER_WORDS[match.group(0).lower()]
        w_starts.append(wpos)
        t_starts.append(start)
        w_lens.append(len(replacement))
        t_lens.append(end - start)
        out.append(replacement)
        wpos += len(replacement)
        pos = end
    if pos < len(text) or not w_starts:
        w_starts.append(wpos)
        t_starts.append(pos)
        w_lens.append(len(text) - pos)
        t_lens.append(len(text) - pos)
        out.append(text[pos:])
    return Working(
        text, "".join(out), tuple(w_starts), tuple(t_starts), tuple(w_lens), tuple(t_lens)
    )
