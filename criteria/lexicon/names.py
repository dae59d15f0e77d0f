"""Names as text: normalisation, exact-lookup keys, and a token trie that finds the longest
known name at each word boundary of a sentence in one pass.

A name is split into lower-case tokens (letters, digits, a bracketed letter as in "PD-(L)1",
Greek letters spelled out), so that "ARV-471", "ARV471" and "ARV 471" share one key. Between two
tokens of a name a text may put spaces, hyphens, slashes, underscores or brackets (at most three
characters), never other punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from trialmatch.errors import DataFileError

# --- normalisation -----------------------------------------------------------------------------

#: words, numbers, and one parenthesised letter as in "PD-(L)1" (so it differs from "PD-L1")
_TOKEN = re.compile(r"\([^\W\d_]\)|[^\W\d_]+|\d+")
_ASCII_TOKEN = re.compile(r"[a-z]+|\d+|\([a-z]\)")  #: the same tokens in lower-case ASCII
_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "κ": "kappa",
    "ε": "epsilon",
}
_GAP_CHARS = frozenset(" \t\n\r-‐‑‒–—/_().'’&")  # "BRCA1&2"
_MAX_GAP = 3
#: trailing words ignored by exact lookup: salts, hydrates and dosage forms
SUFFIX_WORDS = frozenset(
    """hydrochloride dihydrochloride hcl mesylate isethionate camsylate pamoate valerate cypionate
    enanthate dipropionate mesilate dimesylate maleate dimaleate tosylate
    ditosylate citrate sodium disodium potassium calcium phosphate acetate tartrate besylate
    succinate malate fumarate sulfate sulphate bromide lactate hydrate monohydrate trihydrate
    free base tablet tablets capsule capsules injection injections infusion oral iv sc im
    intravenous subcutaneous intramuscular for solution""".split()  # noqa: SIM905
)

#: words that may surround one drug name in an intervention or regimen label
NOISE_WORDS = SUFFIX_WORDS | frozenset(
    """each and with to cross over crossover switch first second third fourth line co formulated
    recombinant human hyaluronidase cf mg mcg g ug µg ml l kg m m2 mg/m2 auc dose doses dosing
    fixed up titration flat weekly
    daily once twice bid qd tid q3w q2w q4w q1w qw biweekly every day days week weeks cycle cycles
    product products tab tabs cap caps drug agent monotherapy mono therapy single prophylactic
    prophylaxis loading maintenance arm regimen standard high low mg/kg per po infusions
    extended release er sr xr depot implant formulation generic concentrate lyophilized powder
    suspension emulsion liposomal""".split()  # noqa: SIM905
)

Token = tuple[int, int, str]  # start, end, normalised text


_last: tuple[str, list[Token]] = ("", [])  # the parser scans each text for drugs, then genes


def tokens(text: str) -> list[Token]:
    """The text's word and number tokens with their offsets, lower-cased (Greek letters spelled
    out: "PI3Kα" -> pi, 3, k, alpha). The result must not be modified (it may be shared)."""
    global _last
    last_text, last_tokens = _last
    if text == last_text:
        return last_tokens
    if text.isascii():  # the usual case, done in one comprehension
        found = [(m.start(), m.end(), m.group()) for m in _ASCII_TOKEN.finditer(text.lower())]
    else:
        found = _tokens_unicode(text)
    _last = (text, found)
    return found


def _tokens_unicode(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isascii():
            out.append((m.start(), m.end(), tok.lower()))
            continue
        start = m.start()
        run = start
        for k, ch in enumerate(tok, start):
            greek = _GREEK.get(ch.lower())
            if greek is None:
                continue
            if run < k:
                out.append((run, k, text[run:k].lower()))
            out.append((k, k + 1, greek))
            run = k + 1
        if run < m.end():
            out.append((run, m.end(), text[run : m.end()].lower()))
    return out


def normalize_key(name: str) -> str:
    """The lookup key of a name: lower-case word and number tokens joined by single spaces."""
    return " ".join(t[2] for t in tokens(name))


def is_cased(phrase: str) -> bool:
    """Short all-letter names ("AI", "ET", "SG", "MET", "KIT") must match their case: in lower
    case they are ordinary words or parts of words. Names with a digit (RB1, 5-FU) need not."""
    alnum = [c for c in phrase if c.isalnum()]
    return len(alnum) <= 3 and all(c.isalpha() for c in alnum)


def _surface(name: str) -> tuple[str, ...]:
    """Tokens as written (case kept), for the case check of cased names."""
    return tuple(name[s:e] for s, e, _ in tokens(name))


_INNER_HYPHEN = re.compile(r"(?<=[^\W_])[-‐‑](?=[^\W_])")


def _variants(phrase: str, plurals: bool) -> list[str]:
    """The phrase, its plurals (if asked), and the same without hyphens inside words."""
    out = [phrase, *(_plurals(phrase) if plurals else ())]
    joined = [_INNER_HYPHEN.sub("", v) for v in out]
    return list(dict.fromkeys(out + [j for j in joined if j not in out]))


def _plural_words(word: str) -> list[str]:
    if not word.isalpha() or len(word) < 2:
        return []
    out = [word + "s"]
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        out.append(word[:-1] + "ies")
    if word.endswith(("s", "x", "ch", "sh")):
        out.append(word + "es")
    return out


def _plurals(phrase: str) -> list[str]:
    """Plurals of a class phrase: of its last word ("SERDs", "therapies") and, in "X of Y"
    phrases, of X ("inhibitors of CYP3A4")."""
    out: list[str] = []
    words = _TOKEN.findall(phrase)
    if words:
        stem = phrase[: len(phrase) - len(words[-1])] if phrase.endswith(words[-1]) else None
        if stem is not None:
            out += [stem + p for p in _plural_words(words[-1])]
    head, sep, rest = phrase.partition(" of ")
    if sep and head and head.split()[-1].isalpha():
        *before, word = head.split(" ")
        out += [" ".join([*before, p]) + sep + rest for p in _plural_words(word)]
    return out


# --- the phrase trie ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    kind: str  # a MentionKind, or STOP
    surface: tuple[str, ...] | None  # case-sensitive tokens, or None when case does not matter
    protein: bool = False


class PhraseTrie:
    """Token trie over normalised phrases: longest match wins, on word boundaries."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.root: dict[str, Any] = {}
        self.keys: dict[str, list[Target]] = {}
        self.owner: dict[str, tuple[str, str]] = {}  # key -> (kind, id): one name, one meaning
        self._terminal_cache: frozenset[str] | None = None

    def register(
        self,
        phrase: str,
        target: Target,
        entry: str,
        field: str,
        *,
        cased: bool,
        plurals: bool = False,
    ) -> None:
        """Add a name from the data files, with its derived spellings: plurals (for class
        phrases) and the form without hyphens inside words ("ICI-D1033" -> "ICID1033",
        "non-steroidal" -> "nonsteroidal"). A name already naming something else is an error;
        a derived spelling that would collide is dropped (the explicit name wins)."""
        for i, variant in enumerate(_variants(phrase, plurals)):
            key = normalize_key(variant)
            if not key:
                raise DataFileError(f"{self.file}: entry {entry!r}: field {field!r}: empty name")
            tgt = Target(
                target.id, target.kind, _surface(variant) if cased else None, target.protein
            )
            prev = self.owner.get(key)
            if (
                prev
                and prev != (tgt.kind, tgt.id)
                and not (cased and tgt.surface not in self._surfaces(key))
            ):
                if i == 0:
                    raise DataFileError(
                        f"{self.file}: entry {entry!r}: field {field!r}: {phrase!r} already "
                        f"names {prev[0]} {prev[1]!r}"
                    )
                continue
            self.owner.setdefault(key, (tgt.kind, tgt.id))
            self.add(variant, tgt)

    def _surfaces(self, key: str) -> set[tuple[str, ...] | None]:
        return {t.surface for t in self.keys.get(key, ())}

    def add(self, phrase: str, target: Target) -> None:
        self._terminal_cache = None
        key = normalize_key(phrase)
        if not key:
            raise ValueError("has no letters or digits")
        node = self.root
        for tok in key.split(" "):
            node = node.setdefault(tok, {})
        targets: list[Target] = node.setdefault("", [])
        if target not in targets:
            targets.append(target)
        self.keys.setdefault(key, targets)

    def lookup(self, name: str) -> list[Target]:
        toks = list(tokens(name))  # shared: copy before trimming
        while toks and toks[-1][2] in SUFFIX_WORDS and len(toks) > 1:
            toks.pop()
        key = " ".join(t[2] for t in toks)
        surface = tuple(name[s:e] for s, e, _ in toks)
        return [t for t in self.keys.get(key, ()) if t.surface is None or t.surface == surface]

    def could_match(self, text: str, toks: list[str] | None = None) -> bool:
        """Whether a name of the trie can start in `text`: a cheap test (no offsets, no case
        checks) that `scan` would find nothing when it says False. `toks` may give the text's
        lower-case tokens when the caller has them (as `_TOKEN` finds them, "(s)" read as "s").

        A name needs its first token at the root and, unless it is one token long, its second
        token right after it, or after a short bracketed group that `scan` steps over (at most
        40 characters, so 21 tokens).
        """
        low = text.lower()
        if not low.isascii():
            return True  # Greek letters and other spellings: let `scan` decide
        if toks is None:
            toks = _ASCII_TOKEN.findall(low.replace("(s)", "s  ") if "(s)" in low else low)
        root = self.root
        # one set operation finds every token a name starts with (the keys view takes the list
        # as it is: building a set of the tokens first costs twice as much)
        starts = root.keys() & toks
        if not starts:
            return False
        if not self._terminal_roots.isdisjoint(starts):
            return True  # a one-token name
        reach = 22 if "(" in low else 2
        for i in [k for k, tok in enumerate(toks) if tok in starts]:
            node = root[toks[i]]
            if any(t in node for t in toks[i + 1 : i + reach]):
                return True
        return False

    @property
    def _terminal_roots(self) -> frozenset[str]:
        """Root tokens that are whole names by themselves (reset when a name is added)."""
        if self._terminal_cache is None:
            self._terminal_cache = frozenset(k for k, node in self.root.items() if "" in node)
        return self._terminal_cache

    def scan(self, text: str) -> Iterator[tuple[int, int, list[Target]]]:
        """(start, end, targets) of the longest known name at each word start, left to right.

        A bracketed abbreviation inside a name is stepped over when the name continues after
        it: "luteinizing hormone-releasing hormone (LHRH) agonist" is one GnRH-agonist name.
        """
        original = text
        text = text.replace("(s)", "s  ")  # "inhibitor(s)": same length, so offsets hold
        toks = tokens(text)
        n = len(toks)
        root = self.root
        # only a token at the root can start a name: visit those, not every token
        heads = [k for k, tok in enumerate(toks) if tok[2] in root]
        brackets = "(" in text  # without one there is no abbreviation to step over
        resume = 0  # the token after the last name found
        for i in heads:
            start = toks[i][0]
            if i < resume or (start > 0 and text[start - 1].isalnum()):
                continue
            node = root
            best: tuple[int, list[Target]] | None = None
            path = [i]  # indices of the tokens matched so far (brackets stepped over)
            j = i
            while True:
                child = node.get(toks[j][2])
                if child is None and brackets and len(path) > 1:
                    k = _after_brackets(text, toks, path[-2], j)
                    if k is not None:
                        j = path[-1] = k
                        child = node.get(toks[j][2])
                if child is None:
                    break
                node = child
                end = toks[j][1]
                if "" in node and (end == len(text) or not text[end].isalnum()):
                    surface = tuple(text[toks[p][0] : toks[p][1]] for p in path)
                    hits = [t for t in node[""] if t.surface is None or t.surface == surface]
                    if hits:
                        best = (j, hits)
                j += 1
                if j >= n:
                    break
                gap = text[toks[j - 1][1] : toks[j][0]]
                bad_gap = len(gap) > _MAX_GAP or not _GAP_CHARS.issuperset(gap)
                if bad_gap and "(" not in gap:  # a bracket may open an abbreviation to step over
                    break
                path.append(j)
            if best is None:
                continue
            j, hits = best
            end = toks[j][1]
            if text[end - 1 : end + 2] == "s  " and original[end - 1 : end + 2] == "(s)":
                end += 2
            yield start, end, hits
            resume = j + 1


def _after_brackets(text: str, toks: list[Token], prev: int, j: int) -> int | None:
    """The index of the first token after a short bracketed group that opens between token
    `prev` and token `j` ("kinase (PI3K) inhibitor"), or None when there is no such group."""
    gap_start = toks[prev][1]
    opening = text.find("(", gap_start, toks[j][0] + 1)
    if opening < 0 or text[gap_start:opening].strip(" -"):
        return None
    closing = text.find(")", opening, opening + 40)
    if closing < 0 or "(" in text[opening + 1 : closing]:
        return None
    k = j
    while k < len(toks) and toks[k][0] < closing:
        k += 1
    if k == len(toks) or toks[k][0] - closing > _MAX_GAP:
        return None
    if not all(c in _GAP_CHARS for c in text[closing + 1 : toks[k][0]]):
        return None
    return k


#: minimum similarity (0-100) for a drug name to be suggested
SUGGEST_CUTOFF = 87.0


def suggest_score(a: str, b: str, *, score_cutoff: float | None = None, **_: Any) -> float:
    """Jaro-Winkler similarity (0-100), floored by the indel ratio so that names sharing only a
    prefix ("ribociclib" / "ribavirin") need a close overall spelling too."""
    if fuzz.ratio(a, b) < 70:
        return 0.0
    return float(JaroWinkler.similarity(a, b) * 100)
