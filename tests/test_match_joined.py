"""Exclusion items whose parts only apply together: a stage, cancer type, receptor state or
"measurable" that shares an exclusion item with something else says whom it is about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.joined import joined_items
from matcher.loading import parse_profile
from matcher.match import match_patient
from tests.match_helpers import make_trials
from trialmatch.vocab import Result, Verdict

AS_OF = dt.date(2026, 11, 24)


def _patient(stage: str | None, chemo_lines: int) -> Any:
    treatments = [
        {"agents": ["paclitaxel"], "setting": "metastatic", "outcome": "progression"}
    ] * chemo_lines
    diagnosis: dict[str, Any] = {"cancer": "breast cancer"}
    if stage is not None:
        diagnosis["stage"] = stage
    return parse_profile(
        {"id": "pt-j", "sex": "female", "age": 55, "diagnosis": diagnosis, "treatments": treatments}
    )


TEXT = "Metastatic disease treated with more than two chemotherapy lines"
STAGE = {"section": "exclusion", "kind": "disease_stage", "stages": ["metastatic"],
         "item": 0, "text": TEXT, "evidence": "Metastatic"}  # fmt: skip
LINES = {"section": "exclusion", "kind": "line_count", "scope": "chemotherapy", "min": 3,
         "settings": ["metastatic"], "item": 0, "text": TEXT,
         "evidence": "more than two chemotherapy lines"}  # fmt: skip


def _result(patient: Any, *criteria: dict[str, Any]) -> Any:
    trials = make_trials({"nct_id": "NCT1", "criteria": list(criteria)})
    report = match_patient(patient, trials, as_of=AS_OF, include_ineligible=True)
    return report.matches[0].result


def test_the_population_words_alone_exclude_nobody() -> None:
    result = _result(_patient("metastatic", 1), STAGE, LINES)
    assert result.verdict is Verdict.ELIGIBLE
    stage = result.judgements[-2]
    assert stage.result is Result.NOT_APPLICABLE and "whom the exclusion is about" in (
        stage.explanation
    )


def test_both_parts_holding_exclude() -> None:
    result = _result(_patient("metastatic", 3), STAGE, LINES)
    assert result.verdict is Verdict.INELIGIBLE
    assert result.judgements[-1].result is Result.MET


def test_a_qualifier_that_does_not_hold_lifts_the_other_part() -> None:
    result = _result(_patient("locally_advanced", 3), STAGE, LINES)
    assert result.verdict is Verdict.ELIGIBLE
    lines = result.judgements[-1]
    assert lines.result is Result.NOT_APPLICABLE and '"Metastatic"' in lines.explanation


def test_an_unknown_qualifier_makes_a_holding_part_unknown() -> None:
    result = _result(_patient(None, 3), STAGE, LINES)
    assert result.verdict is Verdict.POSSIBLY_ELIGIBLE
    assert [j.result for j in result.judgements[-2:]] == [Result.NOT_APPLICABLE, Result.UNKNOWN]
    assert result.judgements[-1].missing


def test_separate_items_still_exclude_on_their_own() -> None:
    apart = {**STAGE, "item": 1}
    assert _result(_patient("metastatic", 0), apart, LINES).verdict is Verdict.INELIGIBLE


def test_a_qualifier_given_as_an_alternative_is_left_alone() -> None:
    text = "Stage IV breast cancer or receiving chemotherapy now"
    stage = {**STAGE, "text": text, "evidence": "Stage IV"}
    lines = {**LINES, "text": text, "evidence": "receiving chemotherapy"}
    assert joined_items([stage, lines]) == ()


def test_inclusion_items_are_not_joined() -> None:
    inclusion = [{**STAGE, "section": "inclusion"}, {**LINES, "section": "inclusion"}]
    assert joined_items(inclusion) == ()


def test_items_of_only_population_words_are_not_joined() -> None:
    receptor = {"section": "exclusion", "kind": "receptor", "receptor": "HER2",
                "status": "positive", "item": 0, "text": TEXT}  # fmt: skip
    assert joined_items([STAGE, receptor]) == ()


def test_sentences_of_one_item_are_separate_exclusions() -> None:
    text = "More than two chemotherapy lines. Metastatic disease in the liver only"
    lines = {**LINES, "text": text}
    stage = {**STAGE, "text": text, "evidence": "Metastatic"}
    assert joined_items([lines, stage]) == ()
    assert _result(_patient("metastatic", 3), stage, lines).verdict is Verdict.INELIGIBLE


def test_children_of_an_any_of_introduction_are_joined_each_on_its_own() -> None:
    """'Any of the following: prior chemotherapy for metastatic disease; ...' (the group the
    introduction makes spans items): being metastatic still excludes nobody."""
    stage = {**STAGE, "any_of": 1}
    lines = {**LINES, "any_of": 1}
    other = {"section": "exclusion", "kind": "comorbidity", "condition": "hiv", "any_of": 1,
             "item": 1, "text": "HIV infection", "evidence": "HIV"}  # fmt: skip
    assert joined_items([stage, lines, other]) != ()
    result = _result(_patient("metastatic", 1), stage, lines, other)
    assert result.verdict is Verdict.POSSIBLY_ELIGIBLE  # only the HIV status is unknown
    unknown = [d.judgement.missing for d in result.decisive if d.judgement.result is Result.UNKNOWN]
    assert unknown == ["HIV infection"]


def test_alternatives_grouped_inside_one_item_are_left_alone() -> None:
    stage, lines = {**STAGE, "any_of": 1}, {**LINES, "any_of": 1}
    assert joined_items([stage, lines]) == ()


def test_qualifiers_of_one_kind_are_alternatives() -> None:
    """'Chemotherapy for metastatic TNBC or HR+ disease': the stage, and one of the receptors."""
    text = "More than two chemotherapy lines for metastatic TNBC or HR+ breast cancer"
    tnbc = {"section": "exclusion", "kind": "receptor", "receptor": "TNBC", "status": "positive",
            "item": 0, "text": text, "evidence": "TNBC"}  # fmt: skip
    hr = {**tnbc, "receptor": "HR", "evidence": "HR+"}
    stage = {**STAGE, "text": text, "evidence": "metastatic"}
    lines = {**LINES, "text": text, "evidence": "More than two chemotherapy lines"}

    def hr_positive(chemo_lines: int) -> Any:
        line = {"agents": ["paclitaxel"], "setting": "metastatic"}
        return parse_profile(
            {
                "id": "pt-j",
                "age": 55,
                "sex": "female",
                "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"},
                "receptors": {"er": "positive", "her2": "negative"},
                "treatments": [line] * chemo_lines,
            }
        )

    assert _result(hr_positive(3), stage, tnbc, hr, lines).verdict is Verdict.INELIGIBLE
    result = _result(hr_positive(1), stage, tnbc, hr, lines)
    assert result.verdict is Verdict.ELIGIBLE
    assert all(j.result is not Result.MET for j in result.judgements[-4:])  # the exclusions


def test_two_lab_limits_that_must_hold_together_exclude_only_together() -> None:
    text = "Creatinine above 1.5 x ULN concurrent with a creatinine clearance below 50 mL/min"
    raw = [
        {"section": "exclusion", "item": 0, "kind": "lab", "text": text,
         "evidence": "Creatinine above 1.5 x ULN"},
        {"section": "exclusion", "item": 0, "kind": "lab", "text": text,
         "evidence": "creatinine clearance below 50 mL/min"},
    ]  # fmt: skip
    (joined,) = joined_items(raw)
    assert joined.qualifiers == (0,) and joined.parts == (1,)
    either = "Creatinine above 1.5 x ULN, or a creatinine clearance below 50 mL/min"
    raw = [dict(r, text=either) for r in raw]
    raw[1]["evidence"] = "creatinine clearance below 50 mL/min"
    assert joined_items(raw) == ()


def test_a_lab_limit_says_which_cases_of_a_condition_exclude() -> None:
    text = "Diabetes with an HbA1c above 8 percent"
    condition = {"section": "exclusion", "kind": "comorbidity", "condition": "diabetes",
                 "item": 0, "text": text, "evidence": "Diabetes"}  # fmt: skip
    limit = {"section": "exclusion", "kind": "lab", "analyte": "hba1c", "comparator": ">",
             "value": 8.0, "unit": "%", "item": 0, "text": text,
             "evidence": "HbA1c above 8 percent"}  # fmt: skip

    def diabetic(hba1c: float | None) -> Any:
        labs = {} if hba1c is None else {"hba1c": hba1c}
        return parse_profile({"id": "pt-d", "sex": "female", "age": 60, "labs": labs,
                              "diagnosis": {"cancer": "breast cancer"},
                              "conditions": ["type 2 diabetes"]})  # fmt: skip

    assert _result(diabetic(7.1), condition, limit).verdict is Verdict.ELIGIBLE
    assert _result(diabetic(9.0), condition, limit).verdict is Verdict.INELIGIBLE
    assert _result(diabetic(None), condition, limit).verdict is Verdict.POSSIBLY_ELIGIBLE
