"""Lab values: keys and aliases, unit conversions, and multiples of the upper limit of normal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from criteria import model as m
from criteria import parse_criteria
from matcher.judges import evaluate
from matcher.labs import canonical_key, entries_for, lab_table, to_unit
from matcher.loading import parse_profile
from matcher.match import match_patient
from matcher.patient import Patient
from tests.match_helpers import make_trials
from trialmatch.errors import ProfileError
from trialmatch.vocab import Result, Section


def lab(
    analyte: str, comparator: str, value: float, unit: str | None = None, **extra: Any
) -> m.Lab:
    return m.Lab(
        section=Section.INCLUSION,
        text="(t)",
        span=(0, 1),
        item=0,
        analyte=analyte,
        comparator=comparator,
        value=value,
        unit=unit,
        **extra,
    )


def judged(criterion: m.Lab, **labs: float) -> Result:
    return evaluate(
        criterion, Patient(parse_profile({"id": "p", "labs": labs}), dt.date(2026, 11, 24))
    ).result


def test_every_parser_analyte_the_table_names_resolves() -> None:
    for entry in lab_table().values():
        for analyte in entry.analytes:
            assert entries_for(analyte)[0] is not None, analyte


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("neutrophils", "anc"),
        ("Haemoglobin", "hemoglobin"),
        ("total bilirubin", "bilirubin"),
        ("eGFR_renal", "creatinine_clearance"),
        ("QTc", "qtcf"),
        ("hba1c", "hba1c"),
        ("mystery", None),
    ],
)
def test_aliases(name: str, key: str | None) -> None:
    assert canonical_key(name) == key


def test_profile_keys_are_stored_canonically_and_unknown_ones_rejected() -> None:
    assert parse_profile({"id": "p", "labs": {"neutrophils": 2.0}}).labs == {"anc": 2.0}
    with pytest.raises(ProfileError, match="did you mean"):
        parse_profile({"id": "p", "labs": {"platelts": 150}})


@pytest.mark.parametrize(
    ("key", "value", "unit", "expected"),
    [
        ("anc", 1500, "/mm3", 1.5),
        ("anc", 1.5, "x 10^9/L", 1.5),
        ("platelets", 100000, "/µL", 100),
        ("hemoglobin", 90, "g/L", 9.0),
        ("creatinine", 132.6, "µmol/L", 1.5),
        ("bilirubin", 25.65, "umol/L", 1.5),
        ("fasting_glucose", 7.0, "mmol/L", 126.1),
        ("hba1c", 64, "mmol/mol", 8.0),
    ],
)
def test_thresholds_convert_to_the_profile_unit(
    key: str, value: float, unit: str, expected: float
) -> None:
    assert to_unit(lab_table()[key], value, unit) == pytest.approx(expected, rel=0.01)


def test_absolute_values_answer_uln_criteria_when_the_whole_range_agrees() -> None:
    criterion = lab("bilirubin", "<=", 1.5, uln_multiple=True)
    assert judged(criterion, bilirubin=0.8) is Result.MET  # 0.67-0.8 x ULN
    assert judged(criterion, bilirubin=1.7) is Result.UNKNOWN  # 1.42-1.7 x ULN
    assert judged(criterion, bilirubin=2.5) is Result.NOT_MET  # 2.1-2.5 x ULN
    assert judged(criterion, bilirubin_xuln=1.2) is Result.MET


def test_uln_multiples_answer_absolute_criteria() -> None:
    assert judged(lab("ast", "<=", 100, "U/L"), ast_xuln=2) is Result.MET  # 64-80 U/L
    assert judged(lab("ast", "<=", 70, "U/L"), ast_xuln=2) is Result.UNKNOWN
    assert judged(lab("ast", "<=", 50, "U/L"), ast_xuln=2) is Result.NOT_MET


def test_values_the_profile_cannot_hold_stay_unknown() -> None:
    assert judged(lab("blood_pressure", "<", 150)) is Result.UNKNOWN
    assert judged(lab("anc", ">=", 1.5)) is Result.UNKNOWN


def test_an_enzyme_limit_without_a_unit_too_small_for_u_per_l_is_a_uln_multiple() -> None:
    criterion = lab("ast", "<", 2)  # "AST < 2": no AST is below 2 U/L; it means 2 x ULN
    assert judged(criterion, ast_xuln=1.0) is Result.MET
    assert judged(criterion, ast=36) is Result.MET  # 0.9-1.1 x ULN
    assert judged(criterion, ast_xuln=2.5) is Result.NOT_MET
    explanation = evaluate(
        criterion,
        Patient(parse_profile({"id": "p", "labs": {"ast_xuln": 1.0}}), dt.date(2026, 11, 24)),
    ).explanation
    assert "read as x ULN" in explanation


def test_a_bilirubin_limit_without_a_unit_stays_as_written() -> None:
    # 1.5 is a plausible mg/dL limit: no multiple of the ULN is implied
    assert judged(lab("bilirubin", "<=", 1.5), bilirubin=1.4) is Result.MET
    assert judged(lab("bilirubin", "<=", 1.5), bilirubin=1.6) is Result.NOT_MET


@pytest.mark.parametrize(
    ("sites", "expected"),
    [(["liver", "bone"], Result.MET), (["bone"], Result.NOT_MET), (None, Result.UNKNOWN)],
)
def test_a_limit_relaxed_for_liver_metastases_in_its_own_clause(
    sites: list[str] | None, expected: Result
) -> None:
    text = "Inclusion Criteria:\n* AST at most 2.5 x ULN; AST at most 5 x ULN with liver metastases"
    (criterion,) = [c for c in parse_criteria(text) if c.kind == "lab"]
    diagnosis = {"cancer": "breast cancer", "stage": "metastatic"}
    if sites is not None:
        diagnosis["metastatic_sites"] = sites
    profile = {"id": "p", "labs": {"ast_xuln": 3.4}, "diagnosis": diagnosis}
    patient = Patient(parse_profile(profile), dt.date(2026, 11, 24))
    assert evaluate(criterion, patient).result is expected


def test_counts_with_a_power_of_ten_per_microlitre() -> None:
    from matcher.labs import lab_table, to_unit

    platelets = lab_table()["platelets"]
    assert to_unit(platelets, 10, "x10^4/mm3") == 100  # 10 x 10^4/mm3 = 100 x 10^9/L
    assert to_unit(platelets, 100, "x 10^3/uL") == 100
    assert to_unit(platelets, 150, "x10^9/L") == 150
    # no volume written: a small power of ten counts per microlitre, 10^9 per litre
    assert to_unit(platelets, 10, "x 10^4") == 100
    assert to_unit(platelets, 100, "x 10^9") == 100
    # the caret lost in copying: "10 x 104/mm3" is 10 x 10^4 per mm3
    assert to_unit(platelets, 10, "×104/mm^3") == 100
    assert to_unit(platelets, 1.5, "x 109/L") == 1.5


def _renal_alternatives(analyte: str, limit: float) -> list[dict[str, Any]]:
    """'Serum creatinine <= 1.5 x ULN or creatinine clearance >= LIMIT mL/min' as the parser
    writes it: two lab criteria of one item sharing an any-of group."""
    group = {"section": "inclusion", "kind": "lab", "any_of": 1, "item": 0}
    creatinine = {"analyte": "creatinine", "comparator": "<=", "value": 1.5, "unit": "x ULN"}
    clearance = {"analyte": analyte, "comparator": ">=", "value": limit, "unit": "mL/min"}
    return [{**group, **creatinine, "uln_multiple": True}, {**group, **clearance}]


CRCL_55 = {"creatinine_clearance": 55}


@pytest.mark.parametrize(
    ("analyte", "limit", "labs", "verdict"),
    [
        # one alternative fails, the other is missing: open, not a reason to exclude
        ("creatinine_clearance", 60, CRCL_55, "possibly_eligible"),
        ("creatinine_clearance", 60, {"creatinine_xuln": 2.0}, "possibly_eligible"),
        # both known to fail
        ("creatinine_clearance", 60, {**CRCL_55, "creatinine_xuln": 2.0}, "ineligible"),
        # either one holding is enough
        ("creatinine_clearance", 60, {"creatinine_clearance": 65}, "eligible"),
        ("creatinine_clearance", 60, {**CRCL_55, "creatinine_xuln": 1.2}, "eligible"),
        # a GFR limit is answered by the creatinine clearance (labs.yaml: one entry, "or eGFR")
        ("gfr", 50, CRCL_55, "eligible"),
        ("egfr", 60, CRCL_55, "possibly_eligible"),
        ("gfr", 50, {}, "possibly_eligible"),
    ],
)
def test_a_creatinine_limit_or_a_clearance_limit_is_enough(
    analyte: str, limit: float, labs: dict[str, float], verdict: str
) -> None:
    patient = {"id": "p", "sex": "female", "age": 60, "diagnosis": {"cancer": "breast cancer"}}
    trials = make_trials({"nct_id": "NCT1", "criteria": _renal_alternatives(analyte, limit)})
    report = match_patient(
        parse_profile({**patient, "labs": labs}),
        trials,
        as_of=dt.date(2026, 11, 24),
        include_ineligible=True,
    )
    assert report.matches[0].verdict.value == verdict


def test_a_limit_for_one_sex_with_another_for_the_other_reads_the_patients_sex() -> None:
    """'QTc > 450 msec for men and > 470 msec for women' (exclusion): 460 ms excludes a man,
    not a woman; without the sex it stays open."""
    criterion = lab("qtc", ">", 450, "msec", exceptions=("> 470 msec for women",))

    def qt(sex: str | None) -> Result:
        profile: dict[str, Any] = {"id": "p", "labs": {"qtcf": 460}}
        if sex:
            profile["sex"] = sex
        return evaluate(criterion, Patient(parse_profile(profile), dt.date(2026, 11, 24))).result

    assert qt("male") is Result.MET
    assert qt("female") is Result.NOT_MET
    assert qt(None) is Result.UNKNOWN
