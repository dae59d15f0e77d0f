"""The parser remembers items it has read: a remembered item reads exactly as a fresh one,
group numbers included, wherever it appears."""

from __future__ import annotations

import pytest

from criteria import parse_criteria
from criteria.model import dump_criteria
from criteria.parser import clear_memo

TEXTS = [
    "Inclusion Criteria:\n\n* ECOG 0-1 or Karnofsky >= 70\n* ECOG 0-1 or Karnofsky >= 70\n",
    "Inclusion Criteria:\n\n* One of the following:\n  * ESR1 mutation\n  * PIK3CA mutation\n"
    "* One of the following:\n  * ESR1 mutation\n  * PIK3CA mutation\n",
    "Inclusion Criteria:\n\n* If HER2-positive, at least one earlier anti-HER2 regimen\n"
    "* Either de novo metastatic disease, or relapse over 12 months after adjuvant tamoxifen\n"
    "Exclusion Criteria:\n\n* ECOG 0-1 or Karnofsky >= 70\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_remembered_items_read_as_fresh_ones(text: str) -> None:
    clear_memo()
    fresh = dump_criteria(parse_criteria(text))
    again = dump_criteria(parse_criteria(text))  # every item now remembered
    assert again == fresh


def test_memory_does_not_carry_between_texts() -> None:
    clear_memo()
    first = dump_criteria(parse_criteria(TEXTS[1]))
    parse_criteria(TEXTS[2])
    assert dump_criteria(parse_criteria(TEXTS[1])) == first


def test_groups_are_numbered_per_text() -> None:
    clear_memo()
    parsed = parse_criteria(TEXTS[0])
    assert [c.any_of for c in parsed] == [1, 1, 2, 2]
