"""The parser over every real eligibility text in ../shared/ctgov (skipped when it is absent).

No exception on any text, every source line represented in some criterion, and the coverage
targets: at least 85% of criteria typed on the HR+/HER2- set and 75% overall. Speed is measured
by benchmarks/bench_parse.py, not here.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from criteria import cues, lexicon, parse_criteria
from criteria.coverage import Coverage, Study, corpus, unrepresented_lines
from criteria.extract import _drug_mentions, _gene_mentions
from criteria.fastre import Words
from criteria.kinds import gates
from criteria.parser import _item_words
from criteria.phrases import phrases
from criteria.structure import layout
from criteria.text import normalise

pytestmark = pytest.mark.corpus

HR_SET = "hr-her2neg-advanced-breast"


@pytest.fixture(scope="module")
def studies(request: pytest.FixtureRequest) -> list[Study]:
    folder = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"
    if not folder.is_dir():
        pytest.skip("../shared/ctgov is not beside this checkout")
    return list(corpus(folder))


@pytest.fixture(scope="module")
def coverage(studies: list[Study]) -> dict[str, Coverage]:
    by_set: dict[str, Coverage] = defaultdict(Coverage)
    for study in studies:
        parsed = parse_criteria(study.text)
        missing = unrepresented_lines(study.text, parsed)
        assert not missing, f"{study.nct_id}: lines not represented: {missing[:3]}"
        by_set[study.collection].add(parsed, len(missing))
        by_set["all"].add(parsed, len(missing))
    return by_set


def test_every_text_parses_and_every_line_is_kept(coverage: dict[str, Coverage]) -> None:
    assert coverage["all"].studies >= 1000
    assert coverage["all"].missing_lines == 0


def test_hr_her2neg_set_is_mostly_typed(coverage: dict[str, Coverage]) -> None:
    assert coverage[HR_SET].typed_share >= 0.85


def test_whole_corpus_is_mostly_typed(coverage: dict[str, Coverage]) -> None:
    assert coverage["all"].typed_share >= 0.75


def test_deterministic(studies: list[Study]) -> None:
    for study in studies[:50]:
        assert parse_criteria(study.text) == parse_criteria(study.text)


def _items(studies: list[Study], limit: int) -> list[str]:
    out: list[str] = []
    for study in studies[:limit]:
        shape = layout(study.text)
        out.extend(normalise(_item_words(study.text, item)).work for item in shape.items)
    return out


def test_drug_gate_is_exact(studies: list[Study]) -> None:
    """The cheap check before the lexicon scan never hides a drug the scan would find, whether
    it tokenises the item itself or takes the tokens the pattern index made."""
    for work in _items(studies, 400):
        low = work.lower()
        expected = lexicon.find_drug_mentions(work)
        assert _drug_mentions(work, low) == expected, work
        assert _drug_mentions(work, low, Words(low).sequence) == expected, work


def test_gene_gate_is_exact(studies: list[Study]) -> None:
    for work in _items(studies, 400):
        low = work.lower()
        expected = lexicon.find_gene_mentions(work)
        assert _gene_mentions(work, low) == expected, work
        assert _gene_mentions(work, low, Words(low).sequence) == expected, work


def test_clause_boundaries_in_two_passes_are_the_single_pattern(studies: list[Study]) -> None:
    """`cues._clause_ends` finds exactly what the one alternation `cues._CLAUSE` finds."""
    for work in _items(studies, 1300):
        expected = tuple(m.span() for m in cues._CLAUSE.finditer(work))
        assert cues._clause_ends.__wrapped__(work) == expected, work


def test_rule_gates_are_exact(studies: list[Study]) -> None:
    """The word index never skips a phrase rule or analyte that would match."""
    layout_ = gates()
    patterns = [r.regex for r in phrases().rules] + [a.regex for a in phrases().analytes]
    for work in _items(studies, 400):
        found = layout_.index.candidates(Words(work.lower()))
        for position, pattern in enumerate(patterns):
            if position not in found:
                assert pattern.search(work) is None, (pattern.pattern[:60], work)
