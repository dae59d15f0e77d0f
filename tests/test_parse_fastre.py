"""The fast gates never hide a match, and lower-cased matching finds what IGNORECASE finds."""

from __future__ import annotations

import re

import pytest

from criteria.fastre import (
    Factor,
    FactorIndex,
    Fast,
    Gated,
    Words,
    first_chars,
    lower_pattern,
    required_factors,
)

CASES = [
    (r"\b(?:diabet\w+|hyperglyc\w+)", "Uncontrolled Diabetes mellitus"),
    (r"\b(?:registration|randomi[sz]ation) (?:must|will)", "Randomisation will occur"),
    (r"(?:sign|signed)\s+(?:\w+\s+){0,3}consent", "signed the written informed consent"),
    (r"(?<!neo)(?<!neo-)\badjuvant", "after adjuvant letrozole"),
    (r"\bQTc[FB]?\b(?!\s*prolongation)", "QTcF above 470 ms"),
    (r"(?-i:\bAR\b)|\bandrogen receptor\b", "AR positive"),
    (r"\bHER-?\s?2\b", "her 2 negative"),
    (r"^[^:]{0,60}:\s*(?:not specified|none)\s*$", "Performance status: Not specified"),
    (r"\b(?:pre|peri|post)\s*-?\s*menopaus\w*", "Pre-menopausal"),
    (r"[×✕]", "1.5 × ULN"),
]


@pytest.mark.parametrize(("pattern", "text"), CASES)
def test_gate_admits_every_match(pattern: str, text: str) -> None:
    regex = re.compile(pattern, re.IGNORECASE)
    assert regex.search(text)
    gated = Gated(regex)
    assert gated.possible(text.lower())
    index = FactorIndex([gated.factors])
    assert 0 in index.candidates(Words(text.lower()))


@pytest.mark.parametrize(("pattern", "text"), CASES)
def test_lower_case_matching_agrees(pattern: str, text: str) -> None:
    fast = Fast(pattern)
    expected = re.compile(pattern, re.IGNORECASE).search(text)
    got = fast.search(text, text.lower())
    assert (got is None) == (expected is None)
    if got and expected:
        assert got.span() == expected.span()


def test_factors_of_an_alternation() -> None:
    factors = required_factors(r"\b(?:diabet\w+|hyperglyc\w+)", re.IGNORECASE)
    assert factors == frozenset({Factor("diabet", True), Factor("hyperglyc", True)})


def test_no_factors_when_nothing_is_required() -> None:
    assert required_factors(r"\d+\s*%?") is None


def test_gate_rejects_text_without_factors() -> None:
    gated = Gated(re.compile(r"\bvisceral crisis", re.IGNORECASE))
    assert not gated.possible("brain metastases")
    index = FactorIndex([gated.factors])
    assert index.candidates(Words("brain metastases")) == set()


@pytest.mark.parametrize(
    ("pattern", "lowered"),
    [
        (r"\bHER2\W+(?P<Status>POS)", r"\bher2\W+(?P<Status>pos)"),
        (r"\D\S\B[A-Z]", r"\D\S\B[a-z]"),
        (r"(?-i:ER)", None),
    ],
)
def test_lower_pattern_keeps_escapes_and_group_names(pattern: str, lowered: str | None) -> None:
    assert lower_pattern(pattern) == lowered


FIRST_CASES = [
    (r"(?:(?P<cmp>>=|<=|>|<|=)\s*)?(?<![\w./])(?P<n>\d{1,2})\s*lines?", "<= 2 lines, or 3 lines"),
    (r"(?<!not )(?<!n't )\b(?:returned|resolved)\s+to", "has not resolved to, then resolved to"),
    (r"(?:\bwithin|\b(?:in|during) the last)\s*\d+", "in the last 5, within 3"),
    (r"(?:\(\s*)?\b(?:except|unless)\b", "( except X) unless Y"),
    (r"\s*x|[a-c]+y", "  x abcy"),
]


@pytest.mark.parametrize(("pattern", "text"), FIRST_CASES)
def test_first_character_check_finds_the_same_matches(pattern: str, text: str) -> None:
    plain = re.compile(pattern)
    checked = Fast(pattern, first=True)
    assert checked.lc is not None
    expected = [m.span() for m in plain.finditer(text)]
    assert expected
    assert [m.span() for m in checked.finditer(text, text.lower())] == expected


@pytest.mark.parametrize("pattern", [r"a|", r".x", r"[^a]b", r"\d*", r"(?i)ab", r"(?i:a)b"])
def test_no_first_characters_when_any_can_start_a_match(pattern: str) -> None:
    assert first_chars(pattern) is None
