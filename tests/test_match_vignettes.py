"""Vignettes: each bundled example patient against each bundled sample trial, judged by hand
(tests/vignettes/expectations.yaml), and the criterion that decides it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from matcher.engine import group_result
from matcher.match import match_patient
from trialmatch.vocab import Result, Section, Verdict

AS_OF = dt.date(2026, 11, 24)
EXPECTATIONS = yaml.safe_load(
    (Path(__file__).parent / "vignettes" / "expectations.yaml").read_text(encoding="utf-8")
)

#: Cases the engine still gets wrong, each with the reason; strict, so a fix shows up as XPASS.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    (
        "pt-premeno-01",
        "NCT04072952",
    ): "parser: 'not postmenopausal: only if receiving a GnRH agonist for at least 4 weeks' "
    "is an administrative note, so premenopausal status alone is read as a way in",
}


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


def _unit_results(result: Any) -> list[Result]:
    """Each item's result as the verdict counts it: an any-of group's result for its members."""
    groups: dict[tuple[Any, int], list[Any]] = {}
    for n, j in enumerate(result.judged):
        if j.item.any_of is not None:
            exclusion = j.item.section is Section.EXCLUSION
            item = getattr(j.item, "item", None)
            way = getattr(j.item, "route", None)
            route = None if item is None else (item, j.item.kind == "cancer_type", way)
            unit = (n, exclusion, j.item.any_of, j.judgement, route)
            groups.setdefault((j.item.section, j.item.any_of), []).append(unit)
    return [
        group_result(groups[(j.item.section, j.item.any_of)])
        if j.item.any_of is not None
        else j.judgement.result
        for j in result.judged
    ]


def _blocks(item: Any, result: Result) -> bool:
    return result is (Result.MET if item.section is Section.EXCLUSION else Result.NOT_MET)


@pytest.mark.parametrize("case", _params())
def test_vignette(case: dict[str, Any], reports: dict[str, Any]) -> None:
    """The verdict, and the criterion that decides it: for an ineligible or possibly eligible
    verdict, the engine must not have cleared that criterion (it blocks, or is unknown; another
    criterion may block as well); for an eligible one, it must not block."""
    result = reports[case["patient"]][case["trial"]]
    why = "; ".join(
        f"{result.judged[d.index].item.text[:70]!r}: {d.judgement.explanation}"
        for d in result.decisive[:4]
    )
    assert result.verdict.value == case["verdict"], f"decided by: {why}"
    wanted = (case.get("deciding_text") or "").lower()
    units = _unit_results(result)
    deciding = [n for n, j in enumerate(result.judged) if wanted and wanted in j.item.text.lower()]
    if deciding and case["verdict"] != "eligible":
        assert any(
            _blocks(result.judged[n].item, units[n]) or units[n] is Result.UNKNOWN for n in deciding
        ), (
            "the engine cleared the criterion that decides it: "
            f"{result.judged[deciding[0]].judgement.explanation}"
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
