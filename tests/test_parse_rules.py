"""Every phrase rule and analyte in criteria/data/phrases.yaml runs its own examples.

One test per example, named after the rule: a lexicon or rule edit that breaks a rule fails by
name. The fast gates of `criteria.fastre` are checked on the same examples: a gate may skip a
search only when the pattern cannot match.
"""

from __future__ import annotations

import pytest

from criteria.fastre import Words
from criteria.kinds import gates
from criteria.phrases import parse_phrases, phrases
from criteria.text import normalise
from trialmatch.errors import DataFileError

_ENTRIES = [("rule", r) for r in phrases().rules] + [("analyte", a) for a in phrases().analytes]
_CASES = [
    pytest.param(entry, example, expected, id=f"{kind}:{entry.name}:{'+' if expected else '-'}{i}")
    for kind, entry in _ENTRIES
    for expected, examples in ((True, entry.match), (False, entry.no_match))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("entry", "example", "expected"), _CASES)
def test_rule_example(entry: object, example: str, expected: bool) -> None:
    work = normalise(example).work
    found = entry.regex.search(work) is not None  # type: ignore[attr-defined]
    assert found is expected
    if expected:
        assert entry.gated.possible(work.lower())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("entry", "example"), [(e, x) for _, e in _ENTRIES for x in e.match])
def test_index_never_hides_a_match(entry: object, example: str) -> None:
    work = normalise(example).work
    layout = gates()
    found = layout.index.candidates(Words(work.lower()))
    rules = list(phrases().rules)
    position = (
        rules.index(entry)
        if entry in rules
        else layout.rules + list(phrases().analytes).index(entry)
    )
    assert position in found


def test_rule_names_are_unique() -> None:
    names = [entry.name for _, entry in _ENTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nrules: []\nanalytes: []\nextra: 1\n", "extra"),
        (
            "version: 1\nrules:\n  - {name: x, kind: nope, pattern: a, match: [a]}\nanalytes: []\n",
            "kind",
        ),
        (
            "version: 1\nrules:\n  - {name: x, kind: comorbidity, pattern: '(', match: [a]}\n"
            "analytes: []\n",
            "regular expression",
        ),
        (
            "version: 1\nrules:\n  - {name: x, kind: comorbidity, pattern: a, match: []}\n"
            "analytes: []\n",
            "match",
        ),
        ("version: 1\nrules: [\n", "not valid YAML"),
    ],
)
def test_bad_phrases_file_is_named(text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        parse_phrases(text, "test.yaml")
