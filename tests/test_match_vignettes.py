"""Vignettes: each bundled example patient against each bundled sample trial, judged by hand
(tests/vignettes/expectations.yaml), and the criterion that decides it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from matcher.match import match_patient
from trialmatch.vocab import Result, Section, Verdict

AS_OF = dt.date(2026, 11, 24)
EXPECTATIONS = yaml.safe_load(
    (Path(__file__).parent / "vignettes" / "expectations.yaml").read_text(encoding="utf-8")
)

#: Cases the engine still gets wrong, each with the reason; strict, so a fix shows up as XPASS.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _params() -> list[Any]:
    cases = []
    for case in EXPECTATIONS:
        key = (case["patient"], case["trial"])
        marks = (
            [pytest.mark.xfail(reason=KNOWN_GAPS[key], strict=True)] if key in KNOWN_GAPS else []
        )
        cases.append(pytest.param(case, id=f"{key[0]}-{key[1]}", marks=marks))
    return cases


@pytest.fixture(scope="module")
def reports(sample_trials: Any, sample_patients: dict[str, Any]) -> dict[str, Any]:
    return {
        pid: {
            m.trial.nct_id: m.result
            for m in match_patient(
                profile, sample_trials, as_of=AS_OF, statuses=None, include_ineligible=True
            ).matches
        }
        for pid, profile in sample_patients.items()
    }


def _deciding_texts(result: Any) -> list[str]:
    if result.verdict is Verdict.ELIGIBLE:
        return [j.item.text for j in result.judged if j.judgement.result is Result.MET]
    return [result.judged[d.index].item.text for d in result.decisive]


@pytest.mark.parametrize("case", _params())
def test_vignette(case: dict[str, Any], reports: dict[str, Any]) -> None:
    result = reports[case["patient"]][case["trial"]]
    why = "; ".join(
        f"{result.judged[d.index].item.text[:70]!r}: {d.judgement.explanation}"
        for d in result.decisive[:4]
    )
    assert result.verdict.value == case["verdict"], f"decided by: {why}"
    if case["verdict"] != "eligible" and case.get("deciding_text"):
        wanted = case["deciding_text"].lower()
        texts = [t.lower() for t in _deciding_texts(result)]
        assert any(wanted in t or t in wanted for t in texts), (
            f"expected the deciding criterion to mention {case['deciding_text']!r}; got {why}"
        )
    for target in case.get("targets") or []:
        if result.verdict is not Verdict.INELIGIBLE:
            assert target in result.targets, f"missing target {target}; have {result.targets}"


def test_inclusion_and_exclusion_both_decide_somewhere(reports: dict[str, Any]) -> None:
    sections = {
        r.judged[d.index].item.section
        for results in reports.values()
        for r in results.values()
        if r.verdict is Verdict.INELIGIBLE
        for d in r.decisive
    }
    assert sections == {Section.INCLUSION, Section.EXCLUSION}
