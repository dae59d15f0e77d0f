"""Reading the text: markdown unescaping and comparator normalisation, with an offset map.

The parser matches its rules against a *working* string in which the registry's spellings of one
idea are made alike ("≥", "=>", "greater than or equal to" and "at least" all become ">="; number
words become digits). Evidence must be quoted from the item as written, so every rewrite keeps a
map from working offsets back to the unescaped text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from criteria.fastre import lower_pattern

#: Characters the API's markdown escapes with a backslash (`\<`, `\>`, `\[`, `\^`, `\*`, ...).
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>^~|=])")


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
_NUM_AHEAD = r"(?=\s*(?:\(?\d+|\.\d+|" + "|".join(_NUMBER_WORDS) + r")\b)"
#: "greater than (>) 1": the symbol repeated in brackets goes with the words.
_SYMBOL_AFTER = r"(?:\s*\(\s*(?:[<>]=?|[≥≤])\s*\))?"

# (pattern, replacement). Word comparators are rewritten only in front of a number, so that
# "at least one lesion" becomes ">= 1 lesion" but "more than one" in prose stays readable.
_REWRITES: list[tuple[str, str]] = [
    (r"≥|⩾|≧|=>|>\s*/\s*=|>\s*or\s*=|&gt;=", ">="),
    (r"≤|⩽|≦|=<|<\s*/\s*=|<\s*or\s*=|&lt;=", "<="),
    (r"＞|&gt;", ">"),
    (r"＜|&lt;", "<"),
    (r"[×✕]", "x"),
    (r"[–—−‑]", "-"),
    (r"[\u00a0\u2009\u202f]", " "),
    (r"[’‘]", "'"),
    (r"[“”]", '"'),
    (
        r"\b(?:(?:greater|more|higher|larger|bigger)\s+than\s*(?:or|/)\s*equal(?:\s+to)?"
        r"|equal\s+to\s+or\s+(?:greater|more|higher)\s+than|at\s+least|not\s+less\s+than"
        r"|no\s+less\s+than|minimum(?:\s+of)?|a\s+minimum\s+of|(?:or|and)\s+(?:more|greater|older"
        r"|above))" + _SYMBOL_AFTER + _NUM_AHEAD,
        ">=",
    ),
    (
        r"\b(?:(?:less|lower|fewer|smaller)\s+than\s*(?:or|/)\s*equal(?:\s+to)?"
        r"|equal\s+to\s+or\s+(?:less|lower|fewer)\s+than|no\s+more\s+than|not\s+more\s+than"
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
        ]
    ),
    11: frozenset(["greater", "more", "higher", "larger", "above", "over", "exceeding", "excess"]),
    12: frozenset(["less", "fewer", "lower", "below", "under"]),
}
_TRIGGER_WORDS = frozenset().union(*_TRIGGERS.values())  #: no word rewrite without one
#: A number word anywhere, even inside a word ("hormone"): without one nor a digit, no rewrite
#: that needs a number applies.
_NUMBER_WORD_TEXT = re.compile("|".join(_NUMBER_WORDS))
_FIRST_WORD_REWRITE = 9
_NUMBER_REWRITE = 13
_PATTERNS: dict[tuple[int, ...], re.Pattern[str]] = {}


def _pattern_for(text: str) -> re.Pattern[str] | None:
    """The rewrites this text can need, compiled once per combination (None: none at all)."""
    low = text.lower()
    digit = _DIGIT.search(text) is not None
    if not digit and _NUMBER_WORD_TEXT.search(low) is None:
        # no number at all (most items): only the symbol rewrites can apply
        return _SYMBOLS if _SYMBOL_CHARS.search(text) else None
    tokens = set(_WORD.findall(low))
    chosen: list[int] = []
    numbers = tokens & _NUMBER_WORDS.keys()
    if (numbers or digit) and not tokens.isdisjoint(_TRIGGER_WORDS):
        chosen = [i for i, words in _TRIGGERS.items() if words & tokens]
    if numbers:
        chosen.append(_NUMBER_REWRITE)
    if not chosen:
        return _SYMBOLS if _SYMBOL_CHARS.search(text) else None
    key = tuple(chosen)
    pattern = _PATTERNS.get(key)
    if pattern is None:
        indices = [*range(_FIRST_WORD_REWRITE), *chosen]
        pattern = re.compile(
            "|".join(f"(?P<r{i}>{_REWRITES[i][0]})" for i in indices), re.IGNORECASE
        )
        _PATTERNS[key] = pattern
    return pattern


_LOWER: dict[re.Pattern[str], re.Pattern[str]] = {}


def _lower_form(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern for lower-cased text, without IGNORECASE (several times faster)."""
    found = _LOWER.get(pattern)
    if found is None:
        lowered = lower_pattern(pattern.pattern)
        found = re.compile(lowered) if lowered is not None else pattern
        _LOWER[pattern] = found
    return found


#: Characters the symbol rewrites start with; an item with none of them needs no symbol pass.
_SYMBOL_CHARS = re.compile("[≥⩾≧≤⩽≦＞＜×✕–—−‑\u00a0\u2009\u202f’‘“”=<>&]")
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
    pattern = _pattern_for(text)
    if pattern is None:
        return Working(text, text, (0,), (0,), (len(text),), (len(text),))
    low = text.lower()
    matches = (
        _lower_form(pattern).finditer(low) if len(low) == len(text) else pattern.finditer(text)
    )
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
