"""The ranking policy: one test per tie-break of `matcher.rank.sort_key`, and the score follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.loading import parse_profile
from matcher.match import match_patient
from tests.match_helpers import make_trials

AS_OF = dt.date(2026, 11, 24)
PATIENT = parse_profile(
    {
        "id": "pt-r",
        "sex": "female",
        "age": 60,
        "ecog": 1,
        "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"},
        "receptors": {"er": "positive", "her2": {"ihc": "1+"}},
        "biomarkers": [{"gene": "ESR1", "alteration": "Y537S"}],
        "treatments": [
            {
                "agents": ["letrozole", "palbociclib"],
                "setting": "metastatic",
                "outcome": "progression",
            }
        ],
        "location": {"lat": 42.34, "lon": -71.10},
    }
)
ECOG = {"section": "inclusion", "kind": "performance_status", "scale": "ecog", "max": 1}
LIFE = {"section": "inclusion", "kind": "life_expectancy"}
QTC = {"section": "exclusion", "kind": "lab", "analyte": "qtcf", "comparator": ">", "value": 470}
VARIANT = {
    "section": "inclusion",
    "kind": "biomarker",
    "genes": ["ESR1"],
    "alteration": "mutation",
    "variants": ["Y537S"],
}
GENE = {"section": "inclusion", "kind": "biomarker", "genes": ["ESR1"], "alteration": "mutation"}
CLASS = {"section": "inclusion", "kind": "receptor", "receptor": "HER2", "status": "low"}
BOSTON = ("Site B", "Boston", "Massachusetts", "United States", "RECRUITING", 42.36, -71.06)
SEATTLE = ("Site S", "Seattle", "Washington", "United States", "RECRUITING", 47.61, -122.33)


def order(*specs: dict[str, Any]) -> list[str]:
    report = match_patient(PATIENT, make_trials(*specs), as_of=AS_OF, statuses=None)
    scores = [m.score for m in report.matches]
    assert scores == sorted(scores, reverse=True), "score must follow the rank order"
    assert all(0 <= s < 1 for s in scores)
    return [m.trial.nct_id for m in report.matches]


def test_eligible_before_possibly_eligible() -> None:
    assert order(
        {"nct_id": "NCT2", "criteria": [ECOG, LIFE]}, {"nct_id": "NCT9", "criteria": [ECOG]}
    ) == ["NCT9", "NCT2"]


def test_variant_level_before_gene_level_before_class_level_before_none() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [ECOG]},
        {"nct_id": "NCT2", "criteria": [CLASS]},
        {"nct_id": "NCT3", "criteria": [GENE]},
        {"nct_id": "NCT4", "criteria": [VARIANT]},
    ) == ["NCT4", "NCT3", "NCT2", "NCT1"]


def test_at_one_level_more_gene_findings_asked_for_first() -> None:
    two_findings = parse_profile(
        {
            "id": "pt-r2",
            "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"},
            "biomarkers": [
                {"gene": "ESR1", "alteration": "Y537S"},
                {"gene": "PIK3CA", "alteration": "amplification"},
            ],
        }
    )
    pik3ca = {**GENE, "genes": ["PIK3CA"], "alteration": "amplification"}
    report = match_patient(
        two_findings,
        make_trials(
            {"nct_id": "NCT1", "criteria": [VARIANT]},
            {"nct_id": "NCT2", "criteria": [VARIANT, pik3ca, LIFE]},
        ),
        as_of=AS_OF,
        statuses=None,
    )
    # both possibly eligible (no ECOG given), both variant-level: the one asking for both
    # findings first, though it has one unknown more
    assert [m.trial.nct_id for m in report.matches] == ["NCT2", "NCT1"]


def test_fewer_unknowns_first() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [LIFE, QTC]},
        {"nct_id": "NCT2", "criteria": [LIFE]},
    ) == ["NCT2", "NCT1"]


def test_treatment_trials_before_other_studies() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [LIFE], "primary_purpose": "SUPPORTIVE_CARE"},
        {"nct_id": "NCT2", "criteria": [LIFE], "study_type": "OBSERVATIONAL"},
        {
            "nct_id": "NCT3",
            "criteria": [LIFE, QTC, {**QTC, "value": 480}],
            "primary_purpose": "TREATMENT",
        },
        {"nct_id": "NCT4", "criteria": [LIFE, QTC]},  # purpose not given: a treatment trial
    ) == ["NCT4", "NCT3", "NCT1", "NCT2"]


def test_a_trial_with_no_criteria_to_read_comes_after_judged_ones() -> None:
    many_unknowns = [LIFE, QTC, {**LIFE, "min_weeks": 12}, {**QTC, "value": 480}]
    assert order(
        {"nct_id": "NCT1", "criteria": []},  # no eligibility text in the registry record
        {"nct_id": "NCT2", "criteria": [], "parsed": False},
        {"nct_id": "NCT3", "criteria": many_unknowns},
    ) == ["NCT3", "NCT1", "NCT2"]


def test_recruiting_before_not_yet_recruiting() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [ECOG], "overall_status": "NOT_YET_RECRUITING"},
        {"nct_id": "NCT2", "criteria": [ECOG], "overall_status": "RECRUITING"},
    ) == ["NCT2", "NCT1"]


def test_later_phase_first() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [ECOG], "phases": ["PHASE1"]},
        {"nct_id": "NCT2", "criteria": [ECOG], "phases": ["PHASE2", "PHASE3"]},
    ) == ["NCT2", "NCT1"]


def test_nearer_recruiting_site_first() -> None:
    assert order(
        {"nct_id": "NCT1", "criteria": [ECOG], "sites": [SEATTLE]},
        {"nct_id": "NCT2", "criteria": [ECOG], "sites": [BOSTON]},
        {"nct_id": "NCT3", "criteria": [ECOG]},
    ) == ["NCT2", "NCT1", "NCT3"]


def test_nct_id_breaks_remaining_ties() -> None:
    assert order(
        {"nct_id": "NCT2", "criteria": [ECOG]}, {"nct_id": "NCT1", "criteria": [ECOG]}
    ) == ["NCT1", "NCT2"]


def test_nearest_site_reports_distance() -> None:
    report = match_patient(
        PATIENT,
        make_trials({"nct_id": "NCT1", "criteria": [ECOG], "sites": [SEATTLE, BOSTON]}),
        as_of=AS_OF,
    )
    near = report.matches[0].nearest
    assert (
        near is not None
        and near.site.city == "Boston"
        and near.distance_km is not None
        and near.distance_km < 10
    )
