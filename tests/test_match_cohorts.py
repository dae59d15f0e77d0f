"""Cohort, part and arm labels: which labels a patient is judged under together."""

from __future__ import annotations

import pytest

from matcher.cohorts import OTHERS, identifiers, routes


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Part A and Part B", (("part", "a"), ("part", "b"))),
        ("Parts A and B", (("part", "a"), ("part", "b"))),
        ("Cohort B1 only", (("cohort", "b1"),)),
        ("Part 1A (drug alone)", (("part", "1a"),)),
        ("Arm 12", (("arm", "12"),)),
        ("HER2-low cohort", ()),
        ("Phase 1b", ()),
    ],
)
def test_labels_are_read_into_identifiers(label: str, expected: tuple[object, ...]) -> None:
    assert identifiers(label) == expected


def test_a_part_applies_to_its_cohorts_and_a_shared_label_to_both_parts() -> None:
    found = routes(["Part A and Part B", "Part B", "Cohort B1", "Cohort B2", "Part C"])
    assert found == {
        "Part A": frozenset({"Part A and Part B"}),
        "Cohort B1": frozenset({"Part A and Part B", "Part B", "Cohort B1"}),
        "Cohort B2": frozenset({"Part A and Part B", "Part B", "Cohort B2"}),
        "Part C": frozenset({"Part C"}),
    }


@pytest.mark.parametrize(
    "labels",
    [
        ["Arm 1", "Arm 12"],  # 12 is not a sub-arm of 1
        ["Part 1", "Cohort 1"],  # different families with the same number
        ["Cohort A", "HER2-low cohort"],  # a label without an identifier
    ],
)
def test_unrelated_labels_stay_separate_routes(labels: list[str]) -> None:
    assert routes(labels) == {label: frozenset({label}) for label in labels}


def test_a_closed_cohort_is_no_route_unless_all_are() -> None:
    assert set(routes(["Cohort A (closed)", "Cohort B"])) == {"Cohort B"}
    assert set(routes(["Cohort A (closed)"])) == {"Cohort A (closed)"}


def test_condition_labels_leave_a_route_for_everyone_else() -> None:
    found = routes(["Patients with prostate cancer", "Patients with GBM"])
    assert found[OTHERS] == frozenset()
    assert found["Patients with GBM"] == frozenset({"Patients with GBM"})
    assert OTHERS not in routes(["Patients with GBM", "Cohort A"])  # cohorts still bind
