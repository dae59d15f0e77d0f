"""Every entry of the matcher's vocabularies carries examples; each example is a test."""

from __future__ import annotations

import pytest

from matcher.cancers import cancer_categories
from matcher.conditions import condition_ids, organ_ids
from matcher.knowledge import vocabulary


def _cases() -> list[object]:
    cases = []
    for name, part, lookup in (
        ("cancers", "categories", cancer_categories),
        ("cancers", "generic", cancer_categories),
        ("conditions", "conditions", condition_ids),
        ("conditions", "organs", organ_ids),
    ):
        for entry in getattr(vocabulary(name), part):
            for text in entry.match:
                cases.append(
                    pytest.param(lookup, entry.id, text, True, id=f"{entry.id}:match:{text}")
                )
            for text in entry.no_match:
                cases.append(
                    pytest.param(lookup, entry.id, text, False, id=f"{entry.id}:no_match:{text}")
                )
    return cases


@pytest.mark.parametrize(("lookup", "entry_id", "text", "expected"), _cases())
def test_vocabulary_examples(lookup, entry_id: str, text: str, expected: bool) -> None:
    assert (entry_id in lookup(text)) is expected


def test_specific_cancer_wins_over_generic() -> None:
    assert cancer_categories("Metastatic Breast Cancer") == {"breast"}
    assert cancer_categories("Advanced Solid Tumors") == {"solid_tumor"}


def test_patient_text_takes_the_first_named_cancer() -> None:
    assert cancer_categories("breast cancer with lung and liver metastases") == {"breast"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Anaplastic Lymphoma Kinase-positive Non-small Cell Lung Cancer", "lung"),
        ("Anaplastic large cell lymphoma", "lymphoma"),
    ],
)
def test_a_gene_named_after_a_cancer_is_not_that_cancer(text: str, category: str) -> None:
    assert cancer_categories(text) == {category}


def test_every_organ_covers_known_conditions() -> None:
    known = {entry.id for entry in vocabulary("conditions").conditions}
    for organ in vocabulary("conditions").organs:
        assert organ.covers and set(organ.covers) <= known, organ.id


def test_every_family_holds_patterns_of_its_condition() -> None:
    for entry in vocabulary("conditions").conditions:
        for family in entry.families:
            assert set(family) <= set(entry.patterns) - set(entry.general), entry.id
