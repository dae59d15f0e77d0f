"""Brain metastases and measurable disease, read from criterion texts and judged against patients:
allowances that a patient without brain metastases meets, exclusions that let treated ones back
in, symptoms the profile may or may not record, and bone-only allowances narrowed to lytic
lesions. The texts are written for this project after patterns seen in registry texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from criteria import parse_criteria
from criteria.model import Criterion
from matcher.judges import evaluate
from matcher.loading import parse_profile
from matcher.patient import Patient
from trialmatch.errors import ProfileError
from trialmatch.vocab import Kind, Result

AS_OF = dt.date(2026, 11, 24)
MET, NOT_MET, UNKNOWN = Result.MET, Result.NOT_MET, Result.UNKNOWN


def patient(**diagnosis: Any) -> Patient:
    return Patient(parse_profile({"id": "pt-cns", "diagnosis": diagnosis}), AS_OF)


NO_BRAIN = patient(brain_metastases="none", measurable_disease=True, metastatic_sites=["liver"])
TREATED = patient(brain_metastases="treated_stable", measurable_disease=True)
ACTIVE = patient(brain_metastases="active", measurable_disease=True)
ACTIVE_QUIET = patient(
    brain_metastases="active", brain_metastases_symptomatic=False, measurable_disease=True
)
ACTIVE_SYMPTOMS = patient(
    brain_metastases="active", brain_metastases_symptomatic=True, measurable_disease=True
)
BONE_ONLY = patient(brain_metastases="none", measurable_disease=False, metastatic_sites=["bone"])
LIVER_ONLY_UNMEASURABLE = patient(measurable_disease=False, metastatic_sites=["liver"])
PATIENTS = {
    "none": NO_BRAIN,
    "treated": TREATED,
    "active": ACTIVE,
    "active-asymptomatic": ACTIVE_QUIET,
    "active-symptomatic": ACTIVE_SYMPTOMS,
    "bone-only": BONE_ONLY,
    "liver-unmeasurable": LIVER_ONLY_UNMEASURABLE,
}


def criteria_of(text: str, section: str, kind: Kind) -> list[Criterion]:
    header = "Exclusion Criteria:" if section == "exclusion" else "Inclusion Criteria:"
    body = text if text.lstrip().startswith("*") else f"* {text}"
    return [c for c in parse_criteria(f"{header}\n\n{body}\n") if c.kind is kind]


def results(text: str, section: str, kind: Kind, who: str) -> list[Result]:
    found = criteria_of(text, section, kind)
    assert found, f"no {kind} criterion read from {text!r}"
    return [evaluate(c, PATIENTS[who]).result for c in found]


# (section, text, patient, result of every criterion of the kind read from the text). A
# permission said in so many words ("... may take part if treated") requires nothing and is read
# as no criterion at all (tests/gold/clauses.yaml); these are the readings that are criteria.
CNS_CASES = [
    # 1. an inclusion that permits brain metastases under a condition: met without any
    ("inclusion", "Patients whose brain metastases are controlled or stable;", "none", MET),
    ("inclusion", "Participants with controlled or stable brain metastases", "none", MET),
    ("inclusion", "Participants with controlled or stable brain metastases", "treated", MET),
    ("inclusion", "Participants with controlled or stable brain metastases", "active", NOT_MET),
    ("inclusion", "Brain metastases, provided they were treated and are stable", "none", MET),
    ("inclusion", "Brain metastases, provided they were treated and are stable", "active", NOT_MET),
    (
        "inclusion",
        "Patients either free of brain metastases or with brain metastases that cause no "
        "symptoms (no intervention needed, or stable for 4 weeks after treatment).",
        "treated",
        MET,
    ),
    (
        "inclusion",
        "Patients either without brain metastases or with brain metastases that are "
        "asymptomatic (no intervention needed, or stable for 4 weeks after treatment).",
        "none",
        MET,
    ),
    (
        "inclusion",
        "Patients either without brain metastases or with brain metastases that are "
        "asymptomatic (no intervention needed, or stable for 4 weeks after treatment).",
        "active-symptomatic",
        NOT_MET,
    ),
    (
        "inclusion",
        "Patients may or may not have brain metastases. Those with symptomatic brain "
        "metastases must have stable lesions.",
        "none",
        MET,
    ),
    (
        "inclusion",
        "Participants with asymptomatic brain metastases, or with brain metastases that were "
        "treated and are stable",
        "active",
        UNKNOWN,
    ),
    (
        "inclusion",
        "Participants with asymptomatic brain metastases, or with brain metastases that were "
        "treated and are stable",
        "active-asymptomatic",
        MET,
    ),
    # ... while a trial that asks for brain metastases still asks for them
    ("inclusion", "At least one measurable brain lesion of 10 mm or more", "none", NOT_MET),
    ("inclusion", "Previously untreated brain metastases", "none", NOT_MET),
    ("inclusion", "Previously untreated brain metastases", "treated", NOT_MET),
    ("inclusion", "Previously untreated brain metastases", "active", MET),
    # 2. an exclusion of CNS involvement with a way back in
    (
        "exclusion",
        "Known CNS involvement. Patients who meet all 3 conditions below may still be enrolled.",
        "treated",
        UNKNOWN,
    ),
    (
        "exclusion",
        "Known CNS involvement. Patients who meet all 3 conditions below may still be enrolled.",
        "none",
        NOT_MET,
    ),
    (
        "exclusion",
        "Known CNS involvement, unless particular stability requirements are fulfilled",
        "treated",
        UNKNOWN,
    ),
    (
        "exclusion",
        "Known CNS involvement, unless particular stability requirements are fulfilled",
        "active",
        MET,
    ),
    (
        "exclusion",
        "Brain metastases. Patients whose brain metastases were treated and have been stable "
        "for 4 weeks are eligible.",
        "treated",
        NOT_MET,
    ),
    (
        "exclusion",
        "Brain metastases. Patients whose brain metastases were treated and have been stable "
        "for 4 weeks are eligible.",
        "active",
        MET,
    ),
    (
        "exclusion",
        "Patients with brain metastases may only join if the metastases were treated and "
        "remain stable",
        "treated",
        NOT_MET,
    ),
    # 3. symptoms: "active" says untreated or progressing, not whether they cause symptoms
    ("exclusion", "Brain metastases that cause symptoms (symptomatic)", "active", UNKNOWN),
    ("exclusion", "Symptomatic brain metastases", "active-asymptomatic", NOT_MET),
    ("exclusion", "Symptomatic brain metastases", "active-symptomatic", MET),
    ("exclusion", "Symptomatic brain metastases", "treated", NOT_MET),
    ("exclusion", "Brain metastases needing steroids", "active", UNKNOWN),
    ("exclusion", "Uncontrolled brain metastases", "active", MET),
    ("exclusion", "Uncontrolled brain metastases", "treated", NOT_MET),
    ("exclusion", "Active or symptomatic brain metastases", "active-asymptomatic", MET),
]


@pytest.mark.parametrize(
    ("section", "text", "who", "expected"),
    [pytest.param(*case, id=f"{case[0]}:{case[2]}:{case[1][:50]}") for case in CNS_CASES],
)
def test_cns_metastases(section: str, text: str, who: str, expected: Result) -> None:
    assert set(results(text, section, Kind.CNS_METASTASES, who)) == {expected}


def test_explicit_permission_requires_nothing_but_its_condition() -> None:
    """A permission with no condition requires nothing; one with a condition turns away the
    brain metastases that fail it, and asks nothing of patients without any."""
    assert criteria_of("Treated brain metastases are allowed", "inclusion",
                       Kind.CNS_METASTASES) == []  # fmt: skip
    text = "Participants with treated brain metastases may take part if stable for 4 weeks"
    assert set(results(text, "inclusion", Kind.CNS_METASTASES, "active")) == {Result.NOT_MET}
    assert set(results(text, "inclusion", Kind.CNS_METASTASES, "treated")) == {Result.MET}


def test_conditions_listed_under_a_cns_exception_are_not_exclusions() -> None:
    """The conditions listed under "CNS involvement: eligible if all of the following" say
    what lets a patient in: treated, stable metastases meet none of them as an exclusion."""
    text = (
        "Exclusion Criteria:\n\n"
        "* CNS involvement. If all 3 conditions below are fulfilled, the patient is eligible:\n"
        "  1. therapy for the CNS metastases (surgery or radiation) completed >= 28 days "
        "before the study starts\n"
        "  2. CNS tumour clinically stable at screening\n"
        "  3. no steroids taken for the brain metastases\n"
    )
    cns = [c for c in parse_criteria(text) if c.kind is Kind.CNS_METASTASES]
    assert len(cns) >= 2, cns
    assert [evaluate(c, TREATED).result for c in cns].count(MET) == 0
    assert MET in [evaluate(c, ACTIVE).result for c in cns]


MEASURABLE_CASES = [
    # 4. bone-only allowed only with lytic (or mixed) lesions: the profile does not say which
    (
        "inclusion",
        "Measurable disease (RECIST 1.1), or bone-only disease with one or more mainly lytic "
        "bone lesions",
        "bone-only",
        UNKNOWN,
    ),
    (
        "inclusion",
        "Measurable disease (RECIST 1.1), or bone-only disease with one or more mainly lytic "
        "bone lesions",
        "none",
        MET,
    ),
    (
        "inclusion",
        "Bone lesions, lytic or mixed (lytic plus blastic), when no measurable disease is present",
        "bone-only",
        UNKNOWN,
    ),
    (
        "inclusion",
        "At least one measurable lesion (RECIST 1.1); for bone-only disease, lytic or mixed "
        "lesions are eligible; purely sclerotic lesions are not eligible",
        "bone-only",
        UNKNOWN,
    ),
    (
        "inclusion",
        "Where there is no measurable disease, at least one predominantly lytic bone lesion "
        "must be present",
        "bone-only",
        UNKNOWN,
    ),
    (
        "inclusion",
        "Where there is no measurable disease, at least one predominantly lytic bone lesion "
        "must be present",
        "none",
        MET,
    ),
    # blastic lesions allowed as a kind of their own: bone-only disease of any kind will do
    (
        "inclusion",
        "Measurable disease, or bone-only disease with lytic or blastic lesions",
        "bone-only",
        MET,
    ),
    ("inclusion", "Measurable disease per RECIST 1.1 or bone-only disease", "bone-only", MET),
    (
        "inclusion",
        "Measurable disease (RECIST 1.1), or bone-only disease with one or more mainly lytic "
        "bone lesions",
        "liver-unmeasurable",
        NOT_MET,
    ),
    # a bone-only patient turned away in so many words
    (
        "inclusion",
        "At least one measurable lesion per RECIST 1.1; patients whose only lesions are in "
        "skin or bone cannot be enrolled",
        "bone-only",
        NOT_MET,
    ),
]


@pytest.mark.parametrize(
    ("section", "text", "who", "expected"),
    [pytest.param(*case, id=f"{case[0]}:{case[2]}:{case[1][:50]}") for case in MEASURABLE_CASES],
)
def test_measurable_disease(section: str, text: str, who: str, expected: Result) -> None:
    assert set(results(text, section, Kind.MEASURABLE_DISEASE, who)) == {expected}


def test_skin_only_disease_is_not_an_exclusion_of_bone_only_disease() -> None:
    """5. "skin lesions only, not measurable on imaging" excludes skin-only disease, not every
    patient without measurable disease."""
    text = "Disease limited to skin lesions only and not measurable radiographically at baseline"
    for criterion in criteria_of(text, "exclusion", Kind.MEASURABLE_DISEASE):
        assert evaluate(criterion, BONE_ONLY).result is not MET


def test_symptoms_without_brain_metastases_is_an_error() -> None:
    with pytest.raises(ProfileError, match="brain_metastases_symptomatic"):
        parse_profile(
            {
                "id": "pt-x",
                "diagnosis": {"brain_metastases": "none", "brain_metastases_symptomatic": True},
            }
        )
