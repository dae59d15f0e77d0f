"""Reported results as the verdict counted them: a reader applying the contract's rule to a
match's criteria rows (CONTRACTS.md section 2) gets the match's verdict. An alternative that
another one settles, or a criterion of a cohort the patient is not considered for, is reported
`not_applicable` and says what it found and why it does not count."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.match import match_patient
from matcher.report import match_json, why
from tests.match_helpers import make_trials
from tests.test_match_verdicts import AS_OF, ECOG, ESR1, ESR1_WT, LIFE, NO_CDK, PATIENT
from trialmatch.vocab import Result, Verdict


def contract_verdict(rows: list[dict[str, Any]]) -> str:
    """CONTRACTS.md section 2, row by row, knowing nothing of groups or cohorts."""
    if any(
        (r["section"] == "inclusion" and r["result"] == "not_met")
        or (r["section"] == "exclusion" and r["result"] == "met")
        for r in rows
    ):
        return "ineligible"
    if any(r["result"] == "unknown" for r in rows):
        return "possibly_eligible"
    return "eligible"


def _rows(nct_id: str, *criteria: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    report = match_patient(
        PATIENT,
        make_trials({"nct_id": nct_id, "criteria": list(criteria)}),
        as_of=AS_OF,
        include_ineligible=True,
    )
    match = report.matches[0]
    rows = [r for r in match_json(match)["criteria"] if r["source"] == "criteria"]
    return match, rows


def test_a_failing_alternative_beside_a_met_one_is_not_applicable() -> None:
    ecog0 = {**ECOG, "max": 0, "any_of": 1}  # the patient has ECOG 1
    match, rows = _rows("NCT1", ecog0, {**ESR1, "any_of": 1})
    assert match.verdict is Verdict.ELIGIBLE
    assert rows[0]["result"] == "not_applicable"
    assert rows[0]["explanation"] == "ECOG 1; criterion: ECOG <= 0 (an alternative to this is met)"
    assert rows[1]["result"] == "met"
    assert contract_verdict(rows) == "eligible"


def test_a_failing_alternative_beside_an_open_one_is_not_applicable_and_asks_nothing() -> None:
    ecog0 = {**ECOG, "max": 0, "any_of": 1}
    life = {**LIFE, "any_of": 1}
    match, rows = _rows("NCT1", ecog0, life)
    assert match.verdict is Verdict.POSSIBLY_ELIGIBLE
    assert [r["result"] for r in rows] == ["not_applicable", "unknown"]
    assert rows[0]["explanation"].endswith("(not met; an alternative to this is still open)")
    assert contract_verdict(rows) == "possibly_eligible"
    # only the open alternative would settle it
    assert [d.index for d in match.result.decisive] == [len(match.result.judgements) - 1]
    assert why(match.result) == "open: life expectancy (investigator's estimate)"


def test_a_way_in_that_fails_on_one_part_counts_for_none_of_its_parts() -> None:
    """'One of: (a) ESR1-mutant with ECOG 0; (b) life expectancy of 12 weeks': (a) fails on
    its ECOG, so neither its met ESR1 nor anything else in it counts; (b) is still open."""
    esr1 = {**ESR1, "any_of": 1, "item": 0}
    ecog0 = {**ECOG, "max": 0, "any_of": 1, "item": 0}
    life = {**LIFE, "any_of": 1, "item": 1}
    match, rows = _rows("NCT1", esr1, ecog0, life)
    assert match.verdict is Verdict.POSSIBLY_ELIGIBLE
    assert [r["result"] for r in rows] == ["not_applicable", "not_applicable", "unknown"]
    closed = "(does not count: this alternative fails on another of its requirements)"
    assert rows[0]["explanation"] == f"ESR1 Y537S found {closed}"
    assert rows[1]["explanation"].endswith("(not met; an alternative to this is still open)")
    assert contract_verdict(rows) == "possibly_eligible"


def test_a_group_that_fails_keeps_every_result() -> None:
    ecog0 = {**ECOG, "max": 0, "any_of": 1}
    match, rows = _rows("NCT1", ecog0, {**ESR1_WT, "any_of": 1})
    assert match.verdict is Verdict.INELIGIBLE
    assert [r["result"] for r in rows] == ["not_met", "not_met"]


def test_criteria_of_another_cohort_do_not_count() -> None:
    ecog0 = {**ECOG, "max": 0, "cohort": "Cohort B"}
    cdk = {**NO_CDK, "cohort": "Cohort B"}  # the patient had palbociclib
    match, rows = _rows("NCT1", {**ESR1, "cohort": "Cohort A"}, ecog0, cdk, LIFE)
    assert match.verdict is Verdict.POSSIBLY_ELIGIBLE and match.result.cohort == "Cohort A"
    assert [r["result"] for r in rows] == ["met", "not_applicable", "not_applicable", "unknown"]
    assert rows[1]["explanation"] == (
        "ECOG 1; criterion: ECOG <= 0 (for Cohort B; this patient is considered for Cohort A)"
    )
    assert rows[2]["explanation"].startswith("received letrozole + palbociclib")
    assert rows[2]["explanation"].endswith(
        "(for Cohort B; this patient is considered for Cohort A)"
    )
    assert contract_verdict(rows) == "possibly_eligible"


def test_a_trial_every_cohort_excludes_keeps_each_cohorts_reasons() -> None:
    a = {**ESR1_WT, "cohort": "Cohort A"}
    b = {**ECOG, "max": 0, "cohort": "Cohort B"}
    match, rows = _rows("NCT1", a, b)
    assert match.verdict is Verdict.INELIGIBLE
    assert [r["result"] for r in rows] == ["not_met", "not_met"]


def test_a_condition_another_patient_meets_is_not_applicable() -> None:
    gnrh = {
        "section": "inclusion",
        "kind": "prior_therapy",
        "classes": ["gnrh_agonist"],
        "cohort": "Patients with prostate cancer",
    }
    match, rows = _rows("NCT1", ECOG, gnrh)
    assert match.verdict is Verdict.ELIGIBLE and match.result.cohort is None
    assert rows[1]["result"] == "not_applicable"
    assert rows[1]["explanation"].endswith(
        "(only for Patients with prostate cancer, which does not include this patient)"
    )


def _sample_patient_ids() -> list[str]:
    folder = resources.files("trialmatch.sample").joinpath("patients")
    return sorted(Path(str(f)).stem for f in folder.iterdir() if str(f).endswith(".yaml"))


@pytest.mark.parametrize("patient_id", _sample_patient_ids())
def test_the_contract_rule_over_the_rows_gives_the_verdict(
    patient_id: str, sample_trials: Any, sample_patients: dict[str, Any]
) -> None:
    """Every bundled sample patient against every bundled sample trial, of any status."""
    report = match_patient(
        sample_patients[patient_id],
        sample_trials,
        as_of=dt.date(2026, 11, 24),
        statuses=None,
        include_ineligible=True,
    )
    assert len(report.matches) == len(sample_trials.trials)
    wrong = {}
    for match in report.matches:
        body = match_json(match)
        if contract_verdict(body["criteria"]) != body["verdict"]:
            wrong[body["nct_id"]] = (body["verdict"], contract_verdict(body["criteria"]))
    assert wrong == {}
    # and an open question is only ever a row still reported unknown
    for match in report.matches:
        if match.verdict is Verdict.POSSIBLY_ELIGIBLE:
            assert match.result.decisive
            assert all(
                match.result.judgements[d.index].result is Result.UNKNOWN
                for d in match.result.decisive
            )
