"""Derived facts: HER2 category, HR status, lines of therapy, relapse timing, exposures."""

from __future__ import annotations

import datetime as dt

import pytest

from criteria.model import LineCount
from matcher import facts
from matcher.judges import evaluate
from matcher.loading import parse_profile
from matcher.patient import Patient
from matcher.profile import Receptors
from trialmatch.vocab import Result, Section

AS_OF = dt.date(2026, 11, 24)


def patient(**fields: object) -> Patient:
    return Patient(parse_profile({"id": "pt-t", **fields}), AS_OF)


@pytest.mark.parametrize(
    ("her2", "expected"),
    [
        ({"ihc": "3+"}, {"positive"}),
        ({"ihc": "2+", "ish": "positive"}, {"positive"}),
        ({"ihc": "2+", "ish": "negative"}, {"low"}),
        ({"ihc": "2+"}, {"low", "positive"}),
        ({"ihc": "1+"}, {"low"}),
        ({"ihc": "ultralow"}, {"ultralow"}),
        ({"ihc": "0"}, {"zero"}),
        ("negative", {"zero", "ultralow", "low"}),
        ("low", {"low"}),
        ({"ish": "negative"}, {"zero", "ultralow", "low"}),
    ],
)
def test_her2_categories(her2: object, expected: set[str]) -> None:
    assert facts.her2_categories(Receptors.model_validate({"her2": her2})) == expected


def test_her2_category_is_none_until_settled() -> None:
    assert facts.her2_category(Receptors.model_validate({"her2": {"ihc": "2+"}})) is None
    assert facts.her2_category(Receptors.model_validate({"her2": {"ihc": "1+"}})) == "low"
    assert facts.her2_category(None) is None


@pytest.mark.parametrize(
    ("receptors", "expected"),
    [
        ({"er": "positive"}, True),
        ({"er": "negative", "pr": "low"}, True),
        ({"er_percent": 0, "pr": "negative"}, False),
        ({"er": "negative"}, None),
        ({}, None),
    ],
)
def test_hormone_receptor_status(receptors: dict[str, object], expected: bool | None) -> None:
    assert facts.hormone_receptor_positive(Receptors.model_validate(receptors)) is expected


def test_percent_beats_words() -> None:
    assert facts.receptor_percent_range(
        Receptors.model_validate({"er": "positive", "er_percent": 5}), "er"
    ) == (5, 5)


HISTORY = [
    {
        "agents": ["anastrozole"],
        "setting": "adjuvant",
        "start": "2018-01",
        "end": "2022-12",
        "outcome": "completed",
    },
    {
        "agents": ["fulvestrant", "ribociclib"],
        "setting": "metastatic",
        "start": "2023-06",
        "end": "2024-09",
        "outcome": "progression",
    },
    {
        "agents": ["paclitaxel"],
        "setting": "metastatic",
        "start": "2024-10",
        "end": "2025-05",
        "outcome": "progression",
    },
    {"agents": ["goserelin"], "setting": "metastatic", "start": "2023-06"},
]


def test_lines_in_the_advanced_setting_overall_and_per_class() -> None:
    history = patient(treatments=HISTORY).history
    assert history is not None
    # adjuvant anastrozole ended 2022-12, relapse 2023-06: within 12 months, so many trials
    # count it as a line and some do not (the range says so)
    assert history.advanced_lines("any")[:2] == (2, 3)
    assert history.advanced_lines("endocrine_therapy")[:2] == (1, 2)
    assert history.advanced_lines("chemotherapy")[:2] == (1, 1)
    assert history.advanced_lines("taxane")[:2] == (1, 1)
    assert history.advanced_lines("cdk4_6_inhibitor")[:2] == (1, 1)


def test_ovarian_suppression_alone_is_not_a_line() -> None:
    history = patient(treatments=[{"agents": ["goserelin"], "setting": "metastatic"}]).history
    assert history is not None and history.advanced_lines("any")[:2] == (0, 0)


def test_late_relapse_does_not_count_adjuvant_therapy_as_a_line() -> None:
    history = patient(
        treatments=[
            {
                "agents": ["letrozole"],
                "setting": "adjuvant",
                "start": "2015-01",
                "end": "2020-01",
                "outcome": "completed",
            },
            {"agents": ["letrozole", "palbociclib"], "setting": "metastatic", "start": "2023-01"},
        ]
    ).history
    assert history is not None
    assert history.advanced_lines("endocrine_therapy")[:2] == (1, 1)
    assert history.months_to_relapse(history.regimens[0]) == pytest.approx(36, abs=1)
    assert history.early_relapse(history.regimens[0]) is False


def test_relapse_on_adjuvant_therapy_is_zero_months() -> None:
    history = patient(
        treatments=[
            {
                "agents": ["letrozole", "abemaciclib"],
                "setting": "adjuvant",
                "start": "2022-01",
                "outcome": "progression",
            },
        ]
    ).history
    assert history is not None and history.months_to_relapse(history.regimens[0]) == 0


def test_unknown_settings_widen_the_line_count() -> None:
    history = patient(
        treatments=[{"agents": ["capecitabine"]}, {"agents": ["eribulin"], "setting": "metastatic"}]
    ).history
    assert history is not None and history.advanced_lines("chemotherapy")[:2] == (1, 2)


def test_an_antibody_drug_conjugate_may_or_may_not_be_a_chemotherapy_line() -> None:
    history = patient(
        treatments=[
            {"agents": ["paclitaxel"], "setting": "metastatic"},
            {"agents": ["trastuzumab deruxtecan"], "setting": "metastatic"},
        ]
    ).history
    assert history is not None
    assert history.advanced_lines("chemotherapy")[:2] == (1, 2)
    assert history.advanced_lines("any")[:2] == (2, 2)


def test_washout_windows_use_the_as_of_date() -> None:
    history = patient(
        treatments=[
            {
                "agents": ["paclitaxel"],
                "setting": "metastatic",
                "start": "2026-08",
                "end": "2026-11-10",
            },
            {
                "agents": ["capecitabine"],
                "setting": "metastatic",
                "start": "2025-01",
                "end": "2025-06",
            },
            {"agents": ["fulvestrant"], "setting": "metastatic", "outcome": "ongoing"},
        ]
    ).history
    assert history is not None
    recent, old, ongoing = history.regimens
    assert history.ongoing_or_ended_within(recent, 21) is True
    assert history.ongoing_or_ended_within(old, 21) is False
    assert history.ongoing_or_ended_within(ongoing, 21) is True


def test_agents_and_classes_ever_received() -> None:
    agents, classes = facts.agents_and_classes(patient(treatments=HISTORY).history)  # type: ignore[arg-type]
    assert {"fulvestrant", "ribociclib", "paclitaxel"} <= agents
    assert {"serd", "cdk4_6_inhibitor", "taxane", "chemotherapy", "endocrine_therapy"} <= classes


def test_treatment_naive_is_known_and_omitted_is_unknown() -> None:
    naive = patient(treatments=[]).history
    assert naive is not None and naive.advanced_lines("any")[:2] == (0, 0)
    assert patient().history is None


def test_de_novo_from_the_field_or_from_early_therapy() -> None:
    assert patient(diagnosis={"de_novo": True}).de_novo is True
    assert patient(treatments=HISTORY).de_novo is False
    assert patient(treatments=[]).de_novo is None


def test_what_the_patient_progressed_on_and_where() -> None:
    history = patient(treatments=HISTORY).history
    assert history is not None
    assert [(r.agents, r.setting) for r in history.progressions()] == [
        (("fulvestrant", "ribociclib"), "metastatic"),
        (("paclitaxel",), "metastatic"),
    ]


def test_relapse_within_n_months_of_adjuvant_endocrine_therapy() -> None:
    history = patient(treatments=HISTORY).history
    assert history is not None
    adjuvant = history.regimens[0]
    assert history.early_relapse(adjuvant, months=12) is True
    assert history.early_relapse(adjuvant, months=3) is False


def test_a_count_that_leaves_out_endocrine_therapy_skips_endocrine_lines() -> None:
    history = patient(treatments=HISTORY).history
    assert history is not None
    # fulvestrant + ribociclib is an endocrine line; the early-relapse anastrozole too
    assert history.advanced_lines("any", ("endocrine_therapy",))[:2] == (1, 1)
    assert history.advanced_lines("any", ("taxane",))[:2] == (1, 2)


def test_a_regimen_partly_of_a_class_left_out_may_or_may_not_count() -> None:
    history = patient(
        treatments=[
            {"agents": ["osimertinib"], "setting": "metastatic", "outcome": "progression"},
            {"agents": ["osimertinib", "carboplatin", "pemetrexed"], "setting": "metastatic"},
            {"agents": ["docetaxel"], "setting": "metastatic"},
        ]
    ).history
    assert history is not None
    assert history.advanced_lines("any", ("egfr_tki",))[:2] == (1, 2)
    assert history.advanced_lines("any", ("osimertinib",))[:2] == (1, 2)


def test_a_count_over_every_setting_listed_counts_early_regimens_too() -> None:
    c = LineCount(
        section=Section.INCLUSION,
        text="(t)",
        span=(0, 3),
        item=0,
        scope="any",
        settings=("adjuvant", "metastatic"),
        max=3,
    )
    # adjuvant anastrozole, fulvestrant + ribociclib, paclitaxel, goserelin (not a line)
    assert evaluate(c, patient(treatments=HISTORY)).result is Result.MET
    c2 = c.model_copy(update={"max": 2})
    assert evaluate(c2, patient(treatments=HISTORY)).result is Result.NOT_MET
