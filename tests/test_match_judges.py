"""Each kind of criterion judged against patients: met, not met, unknown, not applicable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from criteria import model as m
from criteria import parse_criteria
from matcher.judges import evaluate
from matcher.loading import parse_profile
from matcher.patient import Patient
from trialmatch.vocab import Result, Section

AS_OF = dt.date(2026, 11, 24)
MET, NOT_MET, UNKNOWN, NA = Result.MET, Result.NOT_MET, Result.UNKNOWN, Result.NOT_APPLICABLE


def crit(cls: type[Any], section: str = "inclusion", **fields: Any) -> Any:
    return cls(section=Section(section), text="(test)", span=(0, 6), item=0, **fields)


def patient(**fields: Any) -> Patient:
    return Patient(parse_profile({"id": "pt-t", **fields}), AS_OF)


POST_CDK = patient(
    sex="female",
    age=58,
    ecog=1,
    menopausal_status="postmenopausal",
    diagnosis={
        "cancer": "breast cancer",
        "stage": "metastatic",
        "metastatic_sites": ["bone", "liver"],
        "brain_metastases": "treated_stable",
        "measurable_disease": True,
        "visceral_crisis": False,
    },
    receptors={"er": "positive", "pr": "positive", "her2": {"ihc": "1+"}},
    biomarkers=[
        {"gene": "ESR1", "alteration": "Y537S", "specimen": "ctdna"},
        {"marker": "PD-L1", "value": 12, "unit": "CPS"},
    ],
    tested_negative=["PIK3CA", "AKT1"],
    treatments=[
        {
            "agents": ["letrozole", "ribociclib"],
            "setting": "metastatic",
            "start": "2023-01",
            "end": "2025-03",
            "outcome": "progression",
        },
        {
            "agents": ["fulvestrant"],
            "setting": "metastatic",
            "start": "2025-04",
            "end": "2026-06",
            "outcome": "progression",
        },
    ],
    labs={
        "anc": 2.1,
        "platelets": 180,
        "hemoglobin": 11.2,
        "hba1c": 6.1,
        "bilirubin_xuln": 0.8,
        "ast_xuln": 3.5,
        "alt_xuln": 1.2,
        "creatinine_clearance": 75,
    },
    conditions=["type 2 diabetes"],
)
SPARSE = patient()


def judged(criterion: Any, who: Patient = POST_CDK) -> Result:
    return evaluate(criterion, who).result


# --- drug-class reasoning ---------------------------------------------------------------------


def test_progressed_on_ribociclib_satisfies_prior_cdk46_inhibitor() -> None:
    c = crit(
        m.PriorTherapy,
        classes=("cdk4_6_inhibitor",),
        relation="progressed",
        settings=("metastatic",),
    )
    judgement = evaluate(c, POST_CDK)
    assert judgement.result is MET
    assert "ribociclib (CDK4/6 inhibitor)" in judgement.explanation
    assert "metastatic" in judgement.explanation


def test_a_washout_says_it_left_continuing_ovarian_suppression_out() -> None:
    on_goserelin = patient(
        sex="female",
        menopausal_status="premenopausal",
        treatments=[
            {"agents": ["anastrozole", "palbociclib"], "setting": "metastatic",
             "start": "2024-01", "end": "2025-10", "outcome": "progression"},
            {"agents": ["goserelin"], "setting": "metastatic", "start": "2024-01",
             "outcome": "ongoing"},
        ],
    )  # fmt: skip
    (c,) = parse_criteria("Exclusion Criteria:\n* Endocrine treatment in the last 10 days")
    judgement = evaluate(c, on_goserelin)
    assert judgement.result is NOT_MET
    assert "continuing goserelin is not counted" in judgement.explanation
    assert "not counted" not in evaluate(c, POST_CDK).explanation


def test_a_medicine_counted_by_its_effect_is_for_the_investigator() -> None:
    anticoagulated = patient(conditions=["atrial fibrillation on apixaban"])
    (by_effect,) = parse_criteria(
        "Exclusion Criteria:\n* Anticoagulant treatment precluding intramuscular injections"
    )
    assert judged(by_effect, anticoagulated) is UNKNOWN
    (plain,) = parse_criteria("Exclusion Criteria:\n* Current anticoagulant treatment")
    assert judged(plain, anticoagulated) is MET


def test_fulvestrant_violates_no_prior_serd() -> None:
    c = crit(m.PriorTherapy, classes=("serd",), negated=True)
    assert judged(c) is NOT_MET


def test_exception_lets_the_excepted_drug_through() -> None:
    c = crit(m.PriorTherapy, "exclusion", classes=("serd",), except_agents=("fulvestrant",))
    assert judged(c) is NOT_MET  # the exclusion does not apply: fulvestrant is excepted


def test_a_taxane_counts_as_a_chemotherapy_line() -> None:
    who = patient(
        treatments=[{"agents": ["paclitaxel"], "setting": "metastatic", "outcome": "progression"}]
    )
    assert (
        judged(crit(m.LineCount, scope="chemotherapy", settings=("metastatic",), min=1), who) is MET
    )
    assert (
        judged(crit(m.LineCount, scope="chemotherapy", settings=("metastatic",), max=0), who)
        is NOT_MET
    )


def test_line_limits_for_endocrine_therapy() -> None:
    assert judged(crit(m.LineCount, scope="endocrine_therapy", min=1, max=2)) is MET
    assert judged(crit(m.LineCount, scope="endocrine_therapy", max=1)) is NOT_MET


def test_washout_window() -> None:
    recent = patient(
        treatments=[{"agents": ["capecitabine"], "setting": "metastatic", "end": "2026-11-15"}]
    )
    c = crit(m.PriorTherapy, "exclusion", classes=("chemotherapy",), within_days=21)
    assert judged(c, recent) is MET
    assert judged(c) is NOT_MET


def test_washout_counted_in_half_lives() -> None:
    # "within 5 half-lives": how many days depends on the drug, so only the clear cases decide
    c = crit(m.PriorTherapy, "exclusion", classes=("chemotherapy",), within_half_lives=5)

    def stopped(end: str | None, outcome: str = "progression") -> Patient:
        regimen = {"agents": ["capecitabine"], "setting": "metastatic", "outcome": outcome}
        return patient(treatments=[regimen | ({"end": end} if end else {})])

    assert judged(c, stopped(None, "ongoing")) is MET
    judgement = evaluate(c, stopped("2026-10-20"))
    assert judgement.result is UNKNOWN
    assert "5 half-lives: how many days depends on the drug" in judgement.explanation
    assert judged(c, stopped("2025-06-01")) is NOT_MET  # past even the longest-lived drug
    assert judged(c) is NOT_MET  # no chemotherapy at all


def test_a_cumulative_dose_limit_is_unknown_for_those_who_had_the_drug() -> None:
    c = crit(
        m.PriorTherapy,
        "exclusion",
        classes=("anthracycline",),
        cumulative_dose="cumulative dose of doxorubicin > 360 mg/m2",
    )
    ac = patient(
        treatments=[{"agents": ["doxorubicin", "cyclophosphamide"], "setting": "adjuvant"}]
    )
    judgement = evaluate(c, ac)
    assert judgement.result is UNKNOWN
    assert "cumulative dose (cumulative dose of doxorubicin > 360 mg/m2)" in judgement.explanation
    assert judged(c) is NOT_MET  # no anthracycline at all
    cap = crit(m.PriorTherapy, classes=("anthracycline",), negated=True, cumulative_dose="<= 360")
    assert judged(cap) is MET
    assert judged(cap, ac) is UNKNOWN


def test_a_daily_dose_limit_counts_only_larger_doses() -> None:
    """'Systemic glucocorticoids (prednisone > 10 mg/day or equivalent) within 2 weeks'."""
    c = crit(
        m.PriorTherapy,
        "exclusion",
        classes=("corticosteroid",),
        within_days=14,
        daily_dose="> 10 mg/day or equivalent",
    )
    low = patient(conditions=["polymyalgia rheumatica, on prednisone 5 mg daily"])
    high = patient(conditions=["polymyalgia rheumatica, on prednisone 15 mg daily"])
    unsaid = patient(conditions=["polymyalgia rheumatica, on prednisone"])
    assert judged(c, low) is NOT_MET
    assert judged(c, high) is MET
    assert judged(c, unsaid) is UNKNOWN


def test_a_disease_free_interval_after_early_therapy_binds_only_those_who_had_it() -> None:
    # "for patients who had adjuvant chemotherapy, relapse more than 6 months after it"
    c = crit(
        m.PriorTherapy,
        classes=("chemotherapy",),
        settings=("neoadjuvant", "adjuvant"),
        relapse_after_months=6,
    )
    assert judged(c, patient(treatments=[])) is MET
    metastatic_only = patient(
        treatments=[{"agents": ["carboplatin", "pemetrexed"], "setting": "metastatic"}]
    )
    assert judged(c, metastatic_only) is MET
    # one of several ways in (an alternative of a group) stays a requirement
    alternative = crit(
        m.PriorTherapy,
        classes=("chemotherapy",),
        settings=("adjuvant",),
        relapse_after_months=6,
        any_of=1,
    )
    assert judged(alternative, patient(treatments=[])) is NOT_MET


def test_an_interval_after_a_therapy_given_if_any_binds_only_those_who_had_it() -> None:
    c = m.PriorTherapy(
        section=Section.INCLUSION,
        text="If a taxane was given in any setting, progression at least 12 months after it",
        span=(0, 10),
        item=0,
        classes=("taxane",),
        settings=("neoadjuvant", "adjuvant", "metastatic"),
        relapse_after_months=12,
    )
    assert judged(c, patient(treatments=[])) is MET
    taxane = patient(treatments=[{"agents": ["paclitaxel"], "setting": "metastatic"}])
    assert judged(c, taxane) is not MET


def test_an_early_setting_exception_does_not_soften_a_metastatic_setting_rule() -> None:
    # "no chemotherapy for stage IV disease (unless given as adjuvant therapy for early disease
    # and completed more than 12 months before)"
    c = crit(
        m.PriorTherapy,
        classes=("chemotherapy",),
        settings=("metastatic",),
        negated=True,
        exceptions=("unless received as adjuvant therapy for early-stage disease",),
    )
    metastatic = patient(treatments=[{"agents": ["carboplatin"], "setting": "metastatic"}])
    assert judged(c, metastatic) is NOT_MET
    adjuvant = patient(treatments=[{"agents": ["carboplatin"], "setting": "adjuvant"}])
    assert judged(c, adjuvant) is MET


def test_neoadjuvant_therapy_for_an_adjuvant_criterion_is_unknown() -> None:
    # trials often say "adjuvant" for all therapy around surgery
    before_surgery = patient(
        treatments=[{"agents": ["doxorubicin", "cyclophosphamide"], "setting": "neoadjuvant"}]
    )
    c = crit(m.PriorTherapy, classes=("anthracycline",), settings=("adjuvant",))
    judgement = evaluate(c, before_surgery)
    assert judgement.result is UNKNOWN
    assert "given before surgery" in judgement.explanation
    metastatic = crit(m.PriorTherapy, classes=("anthracycline",), settings=("metastatic",))
    assert judged(metastatic, before_surgery) is NOT_MET


def test_an_exclusion_of_those_not_taking_a_non_cancer_medicine_is_unknown() -> None:
    # "... and not on stable anticoagulation": the history lists cancer treatments only
    c = crit(m.PriorTherapy, "exclusion", classes=("anticoagulant",), negated=True)
    assert judged(c) is UNKNOWN
    # an exclusion of those taking one still reads the history's silence as "not taking it"
    assert judged(crit(m.PriorTherapy, "exclusion", classes=("anticoagulant",))) is NOT_MET


def test_required_radiotherapy_is_unknown_when_the_history_is_silent() -> None:
    # the profile's treatments are its systemic therapy: no radiotherapy listed proves nothing
    assert judged(crit(m.PriorTherapy, classes=("radiotherapy",))) is UNKNOWN
    assert judged(crit(m.PriorTherapy, classes=("stereotactic_radiotherapy",))) is UNKNOWN
    # a recent-radiotherapy exclusion keeps its reading: nothing recent is listed
    recent = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), within_days=28)
    assert judged(recent) is NOT_MET


def test_relapse_within_twelve_months_of_adjuvant_endocrine_therapy() -> None:
    early = patient(
        treatments=[
            {
                "agents": ["anastrozole"],
                "setting": "adjuvant",
                "start": "2020-01",
                "end": "2024-12",
                "outcome": "completed",
            },
            {"agents": ["fulvestrant"], "setting": "metastatic", "start": "2025-06"},
        ]
    )
    c = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        settings=("adjuvant",),
        relapse_within_months=12,
    )
    assert judged(c, early) is MET
    late = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        settings=("adjuvant",),
        relapse_after_months=12,
    )
    assert judged(late, early) is NOT_MET


def test_treatment_history_omitted_is_unknown_never_not_met() -> None:
    c = crit(m.PriorTherapy, classes=("cdk4_6_inhibitor",), relation="progressed")
    judgement = evaluate(c, SPARSE)
    assert judgement.result is UNKNOWN and judgement.missing == "treatment history"
    assert (
        judged(crit(m.PriorTherapy, classes=("cdk4_6_inhibitor",)), patient(treatments=[]))
        is NOT_MET
    )


# --- biomarkers and receptors ----------------------------------------------------------------


def test_variant_level_biomarker_match() -> None:
    c = crit(m.Biomarker, genes=("ESR1",), alteration="mutation", variants=("Y537S", "D538G"))
    judgement = evaluate(c, POST_CDK)
    assert judgement.result is MET and judgement.level == 3 and judgement.target == "ESR1 Y537S"


def test_gene_level_match_when_variants_are_examples() -> None:
    c = crit(
        m.Biomarker,
        genes=("ESR1",),
        alteration="mutation",
        variants=("D538G",),
        variants_are_examples=True,
    )
    judgement = evaluate(c, POST_CDK)
    assert judgement.result is MET and judgement.level == 2


def test_restrictive_variant_list_excludes_other_variants() -> None:
    assert (
        judged(crit(m.Biomarker, genes=("ESR1",), alteration="mutation", variants=("D538G",)))
        is NOT_MET
    )


def test_tested_negative_gene_is_not_met_and_untested_is_unknown() -> None:
    assert judged(crit(m.Biomarker, genes=("PIK3CA", "AKT1"), alteration="mutation")) is NOT_MET
    judgement = evaluate(
        crit(m.Biomarker, genes=("PIK3CA", "AKT1", "PTEN"), alteration="alteration"), POST_CDK
    )
    assert judgement.result is UNKNOWN and judgement.missing == "PTEN status"


def test_wild_type_requirement_is_a_negated_mutation() -> None:
    c = crit(m.Biomarker, genes=("ESR1",), alteration="mutation", negated=True)
    assert judged(c) is NOT_MET
    assert judged(c, patient(tested_negative=["ESR1"])) is MET


def test_germline_requirement_needs_the_origin() -> None:
    c = crit(m.Biomarker, genes=("BRCA1", "BRCA2"), alteration="mutation", origin="germline")
    assert (
        judged(
            c,
            patient(biomarkers=[{"gene": "BRCA2", "alteration": "mutation", "origin": "germline"}]),
        )
        is MET
    )
    assert judged(c, patient(biomarkers=[{"gene": "BRCA2", "alteration": "mutation"}])) is UNKNOWN
    somatic = patient(biomarkers=[{"gene": "BRCA2", "alteration": "mutation", "origin": "somatic"}])
    assert judged(c, somatic) is UNKNOWN  # BRCA1 is still untested
    only_brca2 = crit(m.Biomarker, genes=("BRCA2",), alteration="mutation", origin="germline")
    assert judged(only_brca2, somatic) is NOT_MET


def test_a_driver_of_unstated_origin_is_taken_as_somatic() -> None:
    """An EGFR L858R of unstated origin is the tumour's; a BRCA2 variant may be inherited even
    when a tumour test found it, so a criterion on its origin stays open."""
    somatic = crit(m.Biomarker, genes=("EGFR",), alteration="mutation", origin="somatic")
    l858r = patient(biomarkers=[{"gene": "EGFR", "alteration": "L858R", "specimen": "tissue"}])
    assert judged(somatic, l858r) is MET
    germline = somatic.model_copy(update={"origin": "germline"})
    assert judged(germline, l858r) is UNKNOWN
    tumour_brca = patient(biomarkers=[{"gene": "BRCA2", "alteration": "mutation",
                                       "specimen": "tissue"}])  # fmt: skip
    brca = crit(m.Biomarker, genes=("BRCA2",), alteration="mutation", origin="somatic")
    assert judged(brca, tumour_brca) is UNKNOWN


def test_an_exclusion_of_known_alterations_is_not_met_by_an_untested_gene() -> None:
    alk = patient(biomarkers=[{"gene": "ALK", "alteration": "fusion"}], tested_negative=["EGFR"])
    known = parse_criteria("Exclusion Criteria:\n* Known EGFR mutation or MET amplification")
    # EGFR tested negative, MET untested: neither is a known alteration
    assert [judged(c, alk) for c in known] == [NOT_MET, NOT_MET]
    (plain,) = parse_criteria("Exclusion Criteria:\n* MET amplification")
    assert judged(plain, alk) is UNKNOWN


def test_pd_l1_threshold() -> None:
    assert judged(crit(m.Biomarker, marker="PD-L1", comparator=">=", value=10, unit="CPS")) is MET
    assert (
        judged(crit(m.Biomarker, marker="PD-L1", comparator=">=", value=20, unit="CPS")) is NOT_MET
    )
    assert (
        judged(crit(m.Biomarker, marker="PD-L1", comparator=">=", value=1, unit="TPS")) is UNKNOWN
    )


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (dict(receptor="HER2", status="negative"), MET),
        (dict(receptor="HER2", status="low", ihc=("1+", "2+"), ish="negative"), MET),
        (dict(receptor="HER2", status="positive"), NOT_MET),
        (dict(receptor="HER2", status="ultralow"), NOT_MET),
        (dict(receptor="HR", status="positive", min_percent=1), MET),
        (dict(receptor="ER", status="positive", min_percent=10), MET),
        (dict(receptor="TNBC", status="positive"), NOT_MET),
    ],
)
def test_receptor_statements(criterion: dict[str, Any], expected: Result) -> None:
    assert judged(crit(m.Receptor, **criterion)) is expected


def test_her2_2plus_without_ish_is_unknown_for_her2_low() -> None:
    who = patient(receptors={"her2": {"ihc": "2+"}})
    judgement = evaluate(crit(m.Receptor, receptor="HER2", status="low"), who)
    assert judgement.result is UNKNOWN and "ISH" in (judgement.missing or "")


def test_er_low_against_percentage_thresholds() -> None:
    low = patient(receptors={"er": "low"})  # ASCO/CAP: 1-10% of cells
    assert (
        judged(crit(m.Receptor, receptor="ER", status="positive", min_percent=20), low) is NOT_MET
    )
    assert (
        judged(crit(m.Receptor, receptor="ER", status="positive", min_percent=10), low) is UNKNOWN
    )
    assert judged(crit(m.Receptor, receptor="ER", status="positive", min_percent=1), low) is MET


# --- disease, person, labs -------------------------------------------------------------------


def test_stage_and_cancer_type() -> None:
    assert judged(crit(m.DiseaseStage, stages=("locally_advanced", "metastatic"))) is MET
    assert judged(crit(m.DiseaseStage, stages=("early",))) is NOT_MET
    assert judged(crit(m.CancerType, cancer="breast cancer")) is MET
    assert judged(crit(m.CancerType, cancer="non-small cell lung cancer")) is NOT_MET
    assert judged(crit(m.CancerType, cancer="breast cancer"), SPARSE) is UNKNOWN


def test_cns_metastases_states() -> None:
    assert judged(crit(m.CnsMetastases, "exclusion", states=("active", "untreated"))) is NOT_MET
    assert judged(crit(m.CnsMetastases, "exclusion", states=("any",))) is MET
    assert judged(crit(m.CnsMetastases, "exclusion"), SPARSE) is UNKNOWN


def test_measurable_or_bone_only() -> None:
    bone_only = patient(diagnosis={"measurable_disease": False, "metastatic_sites": ["bone"]})
    assert judged(crit(m.MeasurableDisease, or_bone_only=True), bone_only) is MET
    assert judged(crit(m.MeasurableDisease), bone_only) is NOT_MET


def test_performance_status_ecog_and_karnofsky() -> None:
    assert judged(crit(m.PerformanceStatus, scale="ecog", min=0, max=1)) is MET
    assert judged(crit(m.PerformanceStatus, scale="ecog", max=0)) is NOT_MET
    assert judged(crit(m.PerformanceStatus, scale="karnofsky", min=70)) is MET
    assert judged(crit(m.PerformanceStatus, scale="karnofsky", min=80)) is UNKNOWN


def test_menopause_sex_age() -> None:
    assert judged(crit(m.MenopausalStatus, statuses=("postmenopausal",))) is MET
    assert judged(crit(m.MenopausalStatus, statuses=("premenopausal",))) is NOT_MET
    assert judged(crit(m.MenopausalStatus, statuses=("postmenopausal",)), patient(sex="male")) is NA
    assert judged(crit(m.Sex, sex="male")) is NOT_MET
    assert judged(crit(m.Age, min_years=18)) is MET
    assert judged(crit(m.Age, max_years=50)) is NOT_MET


def test_lab_thresholds_with_units_and_uln() -> None:
    assert judged(crit(m.Lab, analyte="anc", comparator=">=", value=1.5, unit="x 10^9/L")) is MET
    assert judged(crit(m.Lab, analyte="anc", comparator=">=", value=1500, unit="/mm3")) is MET
    assert judged(crit(m.Lab, analyte="hemoglobin", comparator=">=", value=90, unit="g/L")) is MET
    assert (
        judged(crit(m.Lab, "exclusion", analyte="hba1c", comparator=">=", value=8, unit="%"))
        is NOT_MET
    )
    assert judged(crit(m.Lab, analyte="alt", comparator="<=", value=3, uln_multiple=True)) is MET
    assert judged(crit(m.Lab, analyte="qtcf", comparator="<=", value=470, unit="ms")) is UNKNOWN


def test_liver_metastases_exception_relaxes_the_transaminase_limit() -> None:
    strict = crit(m.Lab, analyte="ast", comparator="<=", value=3, uln_multiple=True)
    relaxed = crit(
        m.Lab,
        analyte="ast",
        comparator="<=",
        value=3,
        uln_multiple=True,
        exceptions=("<= 5 x ULN if liver metastases are present",),
    )
    assert judged(strict) is NOT_MET
    assert judged(relaxed) is MET


def test_comorbidities_complete_list_and_exceptions() -> None:
    assert judged(crit(m.Comorbidity, "exclusion", condition="diabetes")) is MET
    assert (
        judged(crit(m.Comorbidity, "exclusion", condition="interstitial_lung_disease")) is NOT_MET
    )
    assert judged(crit(m.Comorbidity, "exclusion", condition="diabetes"), SPARSE) is UNKNOWN
    skin = patient(conditions=["basal cell carcinoma of the skin, excised"])
    malignancy = crit(
        m.Comorbidity,
        "exclusion",
        condition="other_malignancy",
        exceptions=("except adequately treated basal cell carcinoma",),
    )
    assert judged(malignancy, skin) is NOT_MET


def other_malignancy(text: str, exception: str | None = None) -> m.Comorbidity:
    c = m.Comorbidity(
        section=Section.EXCLUSION,
        text=text,
        span=(0, len(text)),
        item=0,
        condition="other_malignancy",
        evidence=text.split(".")[0].split(" except")[0],
        exceptions=(exception,) if exception else (),
    )
    return c


def test_other_malignancy_exceptions_name_kinds_of_cancer() -> None:
    prostate = patient(conditions=["prostate cancer treated in 2020, NED"])
    listed = "except basal cell skin cancer or superficial bladder cancer"
    # "cancer" in both does not make prostate cancer one of the exceptions
    assert judged(other_malignancy(f"Other malignancy {listed}", listed), prostate) is MET
    named = "except prostate cancer"
    assert judged(other_malignancy(f"Other malignancy {named}", named), prostate) is NOT_MET
    # an exception about time or state may hold for the patient: the profile's words decide
    timed = "except if disease-free for 5 years"
    assert judged(other_malignancy(f"Other malignancy {timed}", timed), prostate) is UNKNOWN
    # an exception of another condition named in the same item says nothing about this one
    far = "Other malignancy. Active infection except hepatitis B"
    assert judged(other_malignancy(far, "except hepatitis B"), prostate) is UNKNOWN


def test_a_concurrent_malignancy_is_not_one_without_evidence_of_disease() -> None:
    prostate = patient(conditions=["prostate cancer treated in 2020, NED"])
    assert judged(other_malignancy("Concurrent other malignant tumors"), prostate) is NOT_MET
    assert judged(other_malignancy("Other malignancy requiring treatment"), prostate) is NOT_MET
    # a history counts whatever the state now
    either = other_malignancy("History of or concurrent other malignancy")
    assert judged(either, prostate) is MET


@pytest.mark.parametrize(
    "text",
    [
        "Grade >=2 peripheral neuropathy",
        "Peripheral neuropathy of grade 2 or higher",
        "Peripheral neuropathy ≥ CTCAE grade 2",
        "Peripheral neuropathy grade > 1",
    ],
)
def test_a_grade_floor_beside_the_condition_is_compared(text: str) -> None:
    c = m.Comorbidity(
        section=Section.EXCLUSION,
        text=text,
        span=(0, len(text)),
        item=0,
        condition="peripheral_neuropathy",
        evidence="neuropathy",
    )
    assert judged(c, patient(conditions=["peripheral neuropathy grade 1"])) is NOT_MET
    assert judged(c, patient(conditions=["peripheral neuropathy, grade 2"])) is MET
    assert judged(c, patient(conditions=["peripheral neuropathy"])) is UNKNOWN


def test_an_exon_named_covers_the_point_mutations_in_it() -> None:
    l858r = patient(biomarkers=[{"gene": "EGFR", "alteration": "L858R"}])
    exon = crit(m.Biomarker, "exclusion", genes=("EGFR",), variants=("exon 21 mutation",))
    assert judged(exon, l858r) is MET
    other = crit(m.Biomarker, "exclusion", genes=("EGFR",), variants=("exon 20 mutation",))
    assert judged(other, l858r) is NOT_MET


def test_administrative_never_blocks_and_unrecognized_is_unknown() -> None:
    assert judged(crit(m.Administrative, topic="consent")) is NA
    assert judged(crit(m.Unrecognized)) is UNKNOWN
    assert judged(crit(m.LifeExpectancy, min_weeks=12)) is UNKNOWN


def test_an_exception_the_profile_cannot_settle_never_blocks() -> None:
    c = crit(m.PriorTherapy, classes=("anthracycline",), exceptions=("unless contraindicated",))
    judgement = evaluate(c, POST_CDK)
    assert judgement.result is UNKNOWN and "unless contraindicated" in judgement.explanation


def test_serious_illness_is_settled_by_a_complete_condition_list() -> None:
    c = crit(m.Comorbidity, "exclusion", condition="serious_illness")
    assert judged(c) is NOT_MET  # type 2 diabetes, not said to be uncontrolled
    assert judged(c, patient(conditions=["uncontrolled hypertension"])) is MET
    assert judged(c, SPARSE) is UNKNOWN


def test_a_qualified_condition_needs_the_qualifier() -> None:
    insulin = crit(
        m.Comorbidity,
        "exclusion",
        condition="diabetes",
        evidence="type 2 diabetes that needs insulin",
    )
    assert judged(insulin) is UNKNOWN
    assert judged(insulin, patient(conditions=["type 2 diabetes on insulin"])) is MET


def test_liver_metastases_exception_is_unknown_when_sites_are_not_given() -> None:
    relaxed = crit(
        m.Lab,
        analyte="ast",
        comparator="<=",
        value=3,
        uln_multiple=True,
        exceptions=("<= 5 x ULN if liver metastases are present",),
    )
    assert judged(relaxed, patient(labs={"ast_xuln": 4})) is UNKNOWN
    assert judged(relaxed, patient(labs={"ast_xuln": 2})) is MET


def _bilirubin(
    value: float, exception: str, comparator: str = "<=", section: str = "inclusion"
) -> Any:
    """A bilirubin limit in x ULN with one written exception."""
    return crit(
        m.Lab, section, analyte="bilirubin", comparator=comparator, value=value,
        uln_multiple=True, evidence=f"Total bilirubin {comparator} {value:g} x ULN",
        exceptions=(exception,),
    )  # fmt: skip


def test_gilbert_syndrome_raises_the_bilirubin_limit_only_for_those_who_have_it() -> None:
    c = _bilirubin(1, "or <= 3 x ULN for subjects with Gilbert's disease")
    high = {"bilirubin_xuln": 2}
    assert judged(c, patient(labs=high, conditions=["Gilbert's syndrome"])) is MET
    assert judged(c, patient(labs=high, conditions=[])) is NOT_MET
    assert judged(c, patient(labs=high)) is UNKNOWN  # comorbidities not given
    above = patient(labs={"bilirubin_xuln": 4}, conditions=["Gilbert syndrome"])
    assert judged(c, above) is NOT_MET


def test_a_gilbert_limit_on_direct_bilirubin_leaves_the_total_undecided() -> None:
    c = _bilirubin(1.5, "direct bilirubin <= 1.5 x ULN if Gilbert's syndrome")
    high = {"bilirubin_xuln": 2}
    assert judged(c, patient(labs=high, conditions=["Gilbert's syndrome"])) is UNKNOWN
    assert judged(c, patient(labs=high, conditions=["type 2 diabetes"])) is NOT_MET


def test_a_gilbert_exception_without_a_limit_lifts_the_limit() -> None:
    excluded = _bilirubin(1.5, "people with Gilbert's syndrome can take part", ">", "exclusion")
    high = {"bilirubin_xuln": 2}
    assert judged(excluded, patient(labs=high, conditions=["Gilbert's syndrome"])) is NOT_MET
    assert judged(excluded, patient(labs=high, conditions=[])) is MET
    assert judged(excluded, patient(labs=high)) is UNKNOWN


def test_a_gilbert_limit_in_mg_per_dl_is_compared_with_the_value() -> None:
    c = _bilirubin(1.5, "up to 3 mg/dL if Gilbert's syndrome", "<")
    assert judged(c, patient(labs={"bilirubin": 1.9}, conditions=["Gilbert's syndrome"])) is MET
    assert judged(c, patient(labs={"bilirubin": 3.4}, conditions=["Gilbert's syndrome"])) is NOT_MET
    ast = crit(m.Lab, analyte="ast", comparator="<=", value=3, uln_multiple=True,
               exceptions=("except Gilbert's syndrome",))  # fmt: skip
    assert judged(ast, patient(labs={"ast_xuln": 4}, conditions=["Gilbert's syndrome"])) is NOT_MET


def test_non_histology_means_anything_but() -> None:
    lung = patient(
        diagnosis={"cancer": "non-small cell lung cancer", "histology": "adenocarcinoma"}
    )
    squamous = patient(
        diagnosis={"cancer": "non-small cell lung cancer", "histology": "squamous cell carcinoma"}
    )
    c = crit(m.CancerType, cancer="non-small cell lung cancer", histology="non-squamous")
    assert judged(c, lung) is MET
    assert judged(c, squamous) is NOT_MET


def test_a_condition_that_denies_the_qualifier_is_not_excluded() -> None:
    insulin = crit(
        m.Comorbidity,
        "exclusion",
        condition="diabetes",
        evidence="type 2 diabetes that needs insulin",
    )
    assert (
        judged(insulin, patient(conditions=["type 2 diabetes, managed with diet alone"])) is NOT_MET
    )
    uncontrolled = crit(
        m.Comorbidity, "exclusion", condition="hypertension", evidence="uncontrolled hypertension"
    )
    assert judged(uncontrolled, patient(conditions=["hypertension, well controlled"])) is NOT_MET


UNTREATED_EXCEPT_EARLY = crit(
    m.PriorTherapy,
    negated=True,
    classes=("systemic_anticancer_therapy",),
    exceptions=("with the exception of neoadjuvant or adjuvant therapy",),
)


def test_an_exception_of_the_early_settings_is_settled_by_the_settings() -> None:
    # letrozole and ribociclib for metastatic disease: not untreated, whatever the exception
    assert judged(UNTREATED_EXCEPT_EARLY) is NOT_MET
    adjuvant_only = patient(
        diagnosis={"cancer": "breast cancer", "stage": "metastatic"},
        treatments=[{"agents": ["anastrozole"], "setting": "adjuvant"}],
    )
    assert judged(UNTREATED_EXCEPT_EARLY, adjuvant_only) is MET


def test_an_exception_naming_more_than_settings_stays_unsettled() -> None:
    c = UNTREATED_EXCEPT_EARLY.model_copy(update={"exceptions": ("except adjuvant chemotherapy",)})
    assert judged(c) is UNKNOWN


def test_an_exclusion_of_a_conditions_absence_excludes_the_condition() -> None:
    """'Must not have uncontrolled diabetes' under an exclusion header, read as negated, still
    excludes the diabetes, never everyone without it."""
    hiv = crit(m.Comorbidity, "exclusion", condition="hiv", negated=True)
    assert judged(hiv, patient(conditions=["hypertension"])) is NOT_MET
    assert judged(hiv, patient(conditions=["HIV infection, undetectable viral load"])) is MET
    brain = crit(m.CnsMetastases, "exclusion", states=("active",), negated=True)
    assert judged(brain) is NOT_MET  # treated, stable brain metastases


def test_a_specific_form_of_heart_disease_needs_the_same_form() -> None:
    def heart(evidence: str) -> Any:
        return crit(m.Comorbidity, "exclusion", condition="cardiac_disease", evidence=evidence)

    fibrillation = patient(conditions=["atrial fibrillation"])
    assert judged(heart("resting bradycardia"), fibrillation) is UNKNOWN
    assert judged(heart("complete heart block"), fibrillation) is UNKNOWN
    assert judged(heart("atrial fibrillation"), fibrillation) is MET
    assert judged(heart("cardiac disease"), fibrillation) is MET
    failure = patient(conditions=["heart failure"])
    assert judged(heart("congestive heart failure"), failure) is MET
    # a qualified heart disease is a form ("atherosclerotic heart disease")
    atherosclerotic = crit(
        m.Comorbidity, "exclusion", condition="cardiac_disease", evidence="heart disease"
    ).model_copy(update={"text": "Known atherosclerotic heart disease"})
    assert judged(atherosclerotic, fibrillation) is UNKNOWN
    insufficiency = crit(
        m.Comorbidity, "exclusion", condition="cardiac_disease", evidence="Cardiac insufficiency"
    )
    assert judged(insufficiency, fibrillation) is UNKNOWN
    # a child of "... including any of the following:" names the form in its own words, and
    # its exceptions do not make another form count
    ventricular = crit(
        m.Comorbidity,
        "exclusion",
        condition="cardiac_disease",
        evidence="heart disease",
        exceptions=("except for benign extrasystoles",),
    ).model_copy(
        update={"text": "Active heart disease, any of the following: ventricular arrhythmias"}
    )
    assert judged(ventricular, fibrillation) is UNKNOWN


def test_plain_hypertension_is_no_hypertensive_crisis() -> None:
    crisis = crit(
        m.Comorbidity, "exclusion", condition="hypertension", evidence="hypertensive crisis"
    ).model_copy(update={"text": "Earlier hypertensive crisis or hypertensive encephalopathy"})
    assert judged(crisis, patient(conditions=["hypertension"])) is UNKNOWN
    assert judged(crisis, patient(conditions=["hypertensive crisis in 2024"])) is MET


@pytest.mark.parametrize(
    ("words", "condition"),
    [
        ("significant cardiovascular disease", "cardiac_disease"),
        ("clinically important abnormalities in cardiac rhythm", "cardiac_disease"),
        ("hypertension that is not under stable control", "hypertension"),
        ("hyperglycaemia that cannot be controlled", "diabetes"),
    ],
)
def test_a_qualified_exclusion_is_not_settled_by_the_bare_condition(
    words: str, condition: str
) -> None:
    c = crit(m.Comorbidity, "exclusion", condition=condition, evidence=words)
    who = patient(conditions=["heart failure", "hypertension", "type 2 diabetes"])
    assert judged(c, who) is UNKNOWN


def test_a_chemotherapy_count_that_hangs_on_an_adc_is_for_the_investigator() -> None:
    after_adc = patient(
        diagnosis={"cancer": "breast cancer", "stage": "metastatic"},
        treatments=[
            {"agents": ["capecitabine"], "setting": "metastatic", "outcome": "progression"},
            {
                "agents": ["sacituzumab govitecan"],
                "setting": "metastatic",
                "outcome": "progression",
            },
        ],
    )
    at_least_two = crit(m.LineCount, scope="chemotherapy", min=2)
    judgement = evaluate(at_least_two, after_adc)
    assert judgement.result is UNKNOWN and "antibody-drug conjugate" in judgement.explanation
    assert judged(crit(m.LineCount, scope="chemotherapy", min=1), after_adc) is MET
    assert judged(crit(m.LineCount, scope="chemotherapy", min=3), after_adc) is NOT_MET


def test_prior_chemotherapy_met_only_by_an_adc_is_for_the_investigator() -> None:
    after_tdxd = patient(
        diagnosis={"cancer": "breast cancer", "stage": "metastatic"},
        treatments=[
            {
                "agents": ["trastuzumab deruxtecan"],
                "setting": "metastatic",
                "outcome": "progression",
            }
        ],
    )
    for_advanced = crit(
        m.PriorTherapy, "exclusion", classes=("chemotherapy",), settings=("metastatic",)
    )
    judgement = evaluate(for_advanced, after_tdxd)
    assert judgement.result is UNKNOWN and "antibody-drug conjugate" in judgement.explanation
    early_only = crit(
        m.PriorTherapy, "exclusion", classes=("chemotherapy",), settings=("adjuvant",)
    )
    assert judged(early_only, after_tdxd) is NOT_MET
    taxane = crit(m.PriorTherapy, "exclusion", classes=("taxane",))
    assert judged(taxane, after_tdxd) is NOT_MET


def test_an_inclusion_asking_for_a_comorbidity_never_blocks_alone() -> None:
    """'Known HIV infection' under an inclusion header is almost always a
    misplaced exclusion: without the condition the result is unknown, with it met."""
    required = crit(m.Comorbidity, condition="hiv")
    judgement = evaluate(required, POST_CDK)
    assert judgement.result is UNKNOWN and "check the text" in judgement.explanation
    assert judged(required, patient(conditions=["HIV infection"])) is MET
    excluded = crit(m.Comorbidity, "exclusion", condition="hiv")
    assert judged(excluded, POST_CDK) is NOT_MET


def test_her2_expression_by_scores_admits_her2_low() -> None:
    """'HER2 expression (IHC 3+, 2+ or 1+)' (T-DXd trials) is any expressing tumour."""
    expressing = crit(m.Receptor, receptor="HER2", status="positive", ihc=("1+", "2+", "3+"))
    assert judged(expressing, patient(receptors={"er": "positive", "her2": {"ihc": "1+"}})) is MET
    assert judged(expressing, patient(receptors={"er": "positive", "her2": {"ihc": "0"}})) is (
        NOT_MET
    )
    strict = crit(m.Receptor, receptor="HER2", status="positive", ihc=("3+",))
    assert judged(strict, patient(receptors={"er": "positive", "her2": {"ihc": "1+"}})) is NOT_MET


def test_a_washout_decided_by_the_day_says_so() -> None:
    stopped_in_october = patient(
        treatments=[{"agents": ["fulvestrant"], "setting": "metastatic", "end": "2026-10"}]
    )
    washout = crit(m.PriorTherapy, "exclusion", agents=("fulvestrant",), within_days=42)
    judgement = evaluate(washout, stopped_in_october)
    assert judgement.result is UNKNOWN
    assert "ended 2026-10: the exact day decides the 42-day window" in judgement.explanation


def test_progression_within_months_of_starting_is_time_on_the_therapy() -> None:
    early = crit(
        m.PriorTherapy,
        classes=("cdk4_6_inhibitor",),
        relation="progressed",
        settings=("metastatic",),
        max_duration_months=6,
    )

    def on_it(start: str, end: str) -> Patient:
        return patient(
            treatments=[
                {"agents": ["letrozole", "palbociclib"], "setting": "metastatic",
                 "start": start, "end": end, "outcome": "progression"}
            ]
        )  # fmt: skip

    assert judged(early, on_it("2025-01-10", "2025-05-20")) is MET
    assert judged(early, on_it("2022-02", "2024-01")) is NOT_MET
    assert judged(early, on_it("2025-01", "2025-07")) is UNKNOWN  # 5 to 7 months
    undated = patient(
        treatments=[{"agents": ["palbociclib"], "setting": "metastatic", "outcome": "progression"}]
    )
    assert judged(early, undated) is UNKNOWN


def test_a_window_on_the_first_line_is_about_the_first_line_only() -> None:
    """'Progression within 6 months of starting first-line endocrine therapy': a short second
    line does not meet it, nor does a long first line."""
    first_line = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        relation="progressed",
        settings=("metastatic",),
        max_duration_months=6,
        line=1,
    )
    short_first = patient(treatments=[
        {"agents": ["anastrozole", "ribociclib"], "setting": "metastatic",
         "start": "2025-09-10", "end": "2026-01-20", "outcome": "progression"},
        {"agents": ["capecitabine"], "setting": "metastatic", "start": "2026-02",
         "outcome": "ongoing"},
    ])  # fmt: skip
    assert judged(first_line, short_first) is MET
    short_second = patient(treatments=[
        {"agents": ["letrozole", "palbociclib"], "setting": "metastatic",
         "start": "2023-01", "end": "2025-06", "outcome": "progression"},
        {"agents": ["fulvestrant"], "setting": "metastatic",
         "start": "2025-07-01", "end": "2025-10-15", "outcome": "progression"},
    ])  # fmt: skip
    judgement = evaluate(first_line, short_second)
    assert judgement.result is NOT_MET, judgement.explanation
    assert "as line 1 for advanced disease" in judgement.explanation
    # adjuvant therapy is no line for advanced disease; a first line after it still is one
    after_adjuvant = patient(treatments=[
        {"agents": ["tamoxifen"], "setting": "adjuvant", "start": "2018-01", "end": "2023-01",
         "outcome": "completed"},
        {"agents": ["fulvestrant", "abemaciclib"], "setting": "metastatic",
         "start": "2025-09-10", "end": "2026-01-20", "outcome": "progression"},
    ])  # fmt: skip
    assert judged(first_line, after_adjuvant) is MET
    # an earlier regimen without a setting may have been the first line
    unsure = patient(treatments=[
        {"agents": ["letrozole"], "start": "2023-01", "end": "2025-06", "outcome": "progression"},
        {"agents": ["fulvestrant"], "setting": "metastatic",
         "start": "2025-07-01", "end": "2025-10-15", "outcome": "progression"},
    ])  # fmt: skip
    assert judged(first_line, unsure) is UNKNOWN
    # after first-line chemotherapy, a short first endocrine line: which the trial means is open
    after_chemo = patient(treatments=[
        {"agents": ["paclitaxel"], "setting": "metastatic", "start": "2024-01",
         "end": "2024-07", "outcome": "completed"},
        {"agents": ["fulvestrant"], "setting": "metastatic",
         "start": "2025-07-01", "end": "2025-10-15", "outcome": "progression"},
    ])  # fmt: skip
    assert judged(first_line, after_chemo) is UNKNOWN


def test_an_elliptical_or_of_two_settings_lets_in_either_history() -> None:
    """'Progressed within 12 months from prior adjuvant or within 1 month from prior metastatic
    endocrine therapy': two alternatives, one per setting."""
    text = (
        "Inclusion Criteria:\n* Disease progressed within 12 months from prior adjuvant or within"
        " 1 month from prior metastatic endocrine therapy"
    )
    routes = [c for c in parse_criteria(text) if c.kind == "prior_therapy"]
    assert len(routes) == 2 and routes[0].any_of == routes[1].any_of is not None

    def results(treatments: list[dict[str, Any]]) -> list[Result]:
        return [judged(c, patient(treatments=treatments)) for c in routes]

    early_relapse = [
        {"agents": ["anastrozole"], "setting": "adjuvant", "start": "2021-01", "end": "2026-01",
         "outcome": "completed"},
        {"agents": ["fulvestrant"], "setting": "metastatic", "start": "2026-05",
         "outcome": "ongoing"},
    ]  # fmt: skip
    assert results(early_relapse) == [MET, NOT_MET]
    on_metastatic_therapy = [
        {"agents": ["letrozole"], "setting": "metastatic", "start": "2024-01", "end": "2026-06",
         "outcome": "progression"},
    ]  # fmt: skip
    assert results(on_metastatic_therapy) == [NOT_MET, MET]
    late_relapse = [
        {"agents": ["tamoxifen"], "setting": "adjuvant", "start": "2015-01", "end": "2020-01",
         "outcome": "completed"},
        {"agents": ["paclitaxel"], "setting": "metastatic", "start": "2026-02",
         "outcome": "ongoing"},
    ]  # fmt: skip
    assert results(late_relapse) == [NOT_MET, NOT_MET]


def test_a_washout_says_it_bars_the_therapy() -> None:
    (c,) = parse_criteria(
        "Inclusion Criteria:\n* Osimertinib must have been stopped at least 8 days before day 1"
    )
    course = {"agents": ["osimertinib"], "setting": "metastatic", "start": "2024-01",
              "end": "2026-09", "outcome": "progression"}  # fmt: skip
    stopped = patient(treatments=[course])
    judgement = evaluate(c, stopped)
    assert judgement.result is MET
    assert "the criterion asks for no osimertinib within 8 days" in judgement.explanation


def test_a_regimen_that_does_not_qualify_says_what_the_criterion_asks() -> None:
    on_it_now = crit(
        m.PriorTherapy, classes=("cdk4_6_inhibitor",), relation="progressed", within_days=0
    )
    judgement = evaluate(on_it_now, patient(
        treatments=[{"agents": ["palbociclib"], "setting": "adjuvant", "outcome": "completed"}]
    ))  # fmt: skip
    assert judgement.result is NOT_MET
    assert judgement.explanation.endswith(
        "the criterion asks for progression on CDK4/6 inhibitor, now"
    ), judgement.explanation


def test_time_on_a_therapy_runs_from_the_start_of_its_course() -> None:
    """Adjuvant anastrozole with abemaciclib, then anastrozole alone: one anastrozole course."""
    within_24 = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        relation="progressed",
        settings=("adjuvant",),
        max_duration_months=24,
    )
    course = patient(
        treatments=[
            {"agents": ["anastrozole", "abemaciclib"], "setting": "adjuvant",
             "start": "2024-08", "end": "2026-08", "outcome": "completed"},
            {"agents": ["anastrozole"], "setting": "adjuvant",
             "start": "2026-08", "end": "2026-10", "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(within_24, course) is NOT_MET  # 26 months, not the last 2
    switched = patient(
        treatments=[
            {"agents": ["tamoxifen"], "setting": "adjuvant",
             "start": "2020-01", "end": "2025-01", "outcome": "completed"},
            {"agents": ["letrozole"], "setting": "adjuvant",
             "start": "2025-01", "end": "2026-10", "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(within_24, switched) is MET  # a new drug starts a new course


def test_a_new_line_that_reuses_a_drug_counts_its_own_time() -> None:
    """Exemestane + abemaciclib progressed after 4 months, then everolimus + exemestane: two
    lines. The second does not inherit the first's start, nor its place as line 1."""
    within_6 = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        relation="progressed",
        settings=("metastatic",),
        max_duration_months=6,
    )
    first_line_for_a_year = crit(
        m.PriorTherapy,
        classes=("endocrine_therapy",),
        relation="progressed",
        settings=("metastatic",),
        min_duration_months=12,
        line=1,
    )
    fast_then_long = patient(
        treatments=[
            {"agents": ["exemestane", "abemaciclib"], "setting": "metastatic",
             "start": "2025-01", "end": "2025-05", "outcome": "progression"},
            {"agents": ["everolimus", "exemestane"], "setting": "metastatic",
             "start": "2025-06", "end": "2026-10", "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(within_6, fast_then_long) is MET
    judgement = evaluate(first_line_for_a_year, fast_then_long)
    assert judgement.result is NOT_MET  # line 1 lasted 4 months; the long one is line 2
    assert "15-17 months on treatment, line 2 for advanced disease" in judgement.explanation
    # a partner added without progression in between is a new line as well
    partner_added = patient(
        treatments=[
            {"agents": ["fulvestrant"], "setting": "metastatic",
             "start": "2025-01", "end": "2025-09", "outcome": "completed"},
            {"agents": ["fulvestrant", "capivasertib"], "setting": "metastatic",
             "start": "2025-09", "end": "2026-01", "outcome": "progression"},
        ]
    )  # fmt: skip
    explanation = evaluate(within_6, partner_added).explanation
    assert "3-5 months on treatment" in explanation, explanation


def excluded_condition(
    text: str, condition: str, evidence: str, exceptions: tuple[str, ...] = ()
) -> m.Comorbidity:
    return m.Comorbidity(
        section=Section.EXCLUSION,
        text=text,
        span=(0, len(text)),
        item=0,
        condition=condition,
        evidence=evidence,
        exceptions=exceptions,
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("alpelisib-related hyperglycaemia", UNKNOWN),  # a sign, not a diagnosis
        ("type 2 diabetes treated with metformin", MET),
        ("type 1 diabetes on insulin", MET),
        ("type 2 diabetes managed by diet alone", NOT_MET),
    ],
)
def test_diabetes_that_needs_medication(condition: str, expected: Result) -> None:
    c = excluded_condition(
        "Diabetes mellitus needing glucose-lowering medication", "diabetes", "Diabetes mellitus"
    )
    assert judged(c, patient(conditions=[condition])) is expected


def test_a_grade_floor_counts_before_the_exceptions() -> None:
    c = excluded_condition(
        "Neuropathy above grade 1 or other lasting toxicity above grade 1 (except hair loss)",
        "peripheral_neuropathy",
        "Neuropathy",
        ("except hair loss",),
    )
    assert judged(c, patient(conditions=["sensory neuropathy grade 1"])) is NOT_MET
    assert judged(c, patient(conditions=["sensory neuropathy grade 2"])) is MET


def test_most_recent_therapy_is_only_the_latest_line() -> None:
    # POST_CDK: letrozole + ribociclib, then fulvestrant (both progressed)
    cdk = crit(m.PriorTherapy, classes=("cdk4_6_inhibitor",), relation="progressed")
    assert judged(cdk, POST_CDK) is MET
    latest_cdk = cdk.model_copy(update={"most_recent": True})
    result = evaluate(latest_cdk, POST_CDK)
    assert result.result is NOT_MET
    assert "not the most recent therapy" in result.explanation
    assert "fulvestrant" in result.explanation
    latest_serd = crit(m.PriorTherapy, agents=("fulvestrant",), most_recent=True)
    assert judged(latest_serd, POST_CDK) is MET
    any_latest = crit(
        m.PriorTherapy,
        classes=("systemic_anticancer_therapy",),
        relation="progressed",
        most_recent=True,
    )
    assert judged(any_latest, POST_CDK) is MET
    toxic_last = patient(
        treatments=[
            {"agents": ["anastrozole", "abemaciclib"], "setting": "metastatic",
             "outcome": "progression"},
            {"agents": ["capecitabine"], "setting": "metastatic", "outcome": "toxicity"},
            {"agents": ["zoledronic acid"], "setting": "metastatic", "outcome": "ongoing"},
        ]
    )  # fmt: skip
    # a bone agent is no line: capecitabine is the latest, and it was stopped for toxicity
    assert judged(any_latest, toxic_last) is NOT_MET


def test_single_agent_therapy_needs_a_regimen_without_partners() -> None:
    single_tki = crit(m.PriorTherapy, classes=("egfr_tki",), single_agent=True)
    with_chemo = patient(
        treatments=[
            {"agents": ["osimertinib", "carboplatin", "pemetrexed"], "setting": "metastatic",
             "outcome": "progression"},
        ]
    )  # fmt: skip
    result = evaluate(single_tki, with_chemo)
    assert result.result is NOT_MET
    assert "not alone" in result.explanation
    # the same history meets the criterion that does not ask for a single agent
    assert judged(single_tki.model_copy(update={"single_agent": False}), with_chemo) is MET
    alone_then_chemo = patient(
        treatments=[
            {"agents": ["gefitinib"], "setting": "metastatic", "outcome": "progression"},
            {"agents": ["carboplatin", "pemetrexed"], "setting": "metastatic",
             "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(single_tki, alone_then_chemo) is MET
    # a bone agent given beside it is no partner
    with_bone_agent = patient(
        treatments=[
            {"agents": ["erlotinib", "denosumab"], "setting": "metastatic",
             "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(single_tki, with_bone_agent) is MET


@pytest.mark.parametrize(
    ("text", "evidence", "expected"),
    [
        ("Known HIV infection or active/chronic hepatitis B or C infection", "HIV", MET),
        ("HIV positivity, known active hepatitis A, B or C", "HIV", MET),
        ("Active HIV, hepatitis B or hepatitis C infection", "HIV", UNKNOWN),
        ("HIV infection that is not under control", "HIV", UNKNOWN),
    ],
)
def test_a_qualifier_applies_to_its_own_condition_only(
    text: str, evidence: str, expected: Result
) -> None:
    on_art = patient(
        conditions=["HIV infection on antiretroviral therapy, viral load undetectable"]
    )
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="hiv", evidence=evidence,
    )  # fmt: skip
    assert judged(c, on_art) is expected


def test_ongoing_ovarian_suppression_is_no_anticancer_washout_breach() -> None:
    on_ofs = patient(
        treatments=[
            {"agents": ["anastrozole", "palbociclib", "leuprolide"], "setting": "metastatic",
             "start": "2024-03", "end": "2026-05", "outcome": "progression"},
            {"agents": ["leuprolide"], "setting": "metastatic", "start": "2026-05",
             "outcome": "ongoing"},
        ]
    )  # fmt: skip
    washout = crit(
        m.PriorTherapy,
        "exclusion",
        classes=("systemic_anticancer_therapy", "investigational_agent"),
        within_days=21,
    )
    assert judged(washout, on_ofs) is NOT_MET
    endocrine = crit(m.PriorTherapy, "exclusion", classes=("endocrine_therapy",), within_days=21)
    assert judged(endocrine, on_ofs) is NOT_MET  # endocrine therapy in general: not the OFS
    gnrh = crit(m.PriorTherapy, "exclusion", classes=("gnrh_agonist",), within_days=21)
    assert judged(gnrh, on_ofs) is MET  # named: the GnRH agonist counts
    # also beside a named kind: "targeted or other anticancer therapy within 3 weeks"
    beside = crit(m.PriorTherapy, "exclusion", within_days=21,
                  classes=("targeted_therapy", "systemic_anticancer_therapy"))  # fmt: skip
    assert judged(beside, on_ofs) is NOT_MET


def test_one_form_of_lung_disease_is_not_another() -> None:
    pneumonitis = patient(conditions=["interstitial lung disease after trastuzumab deruxtecan"])
    effusion = m.Comorbidity(
        section=Section.EXCLUSION, text="Uncontrolled pleural effusion needing drainage",
        span=(0, 46), item=0, condition="lung_disease", evidence="pleural effusion",
    )  # fmt: skip
    assert judged(effusion, pneumonitis) is UNKNOWN
    whole = m.Comorbidity(
        section=Section.EXCLUSION, text="Significant lung disease", span=(0, 24), item=0,
        condition="lung_disease", evidence="lung disease",
    )  # fmt: skip
    assert judged(whole, pneumonitis) is UNKNOWN  # "significant": the profile does not say


@pytest.mark.parametrize(
    ("her2", "expected"),
    [({"ihc": "3+"}, MET), ({"ihc": "2+", "ish": "positive"}, MET), ({"ihc": "1+"}, NOT_MET),
     ({"ihc": "2+"}, UNKNOWN), ("positive", MET)],
)  # fmt: skip
def test_erbb2_amplification_is_read_from_the_her2_status(her2: Any, expected: Result) -> None:
    who = patient(receptors={"er": "negative", "pr": "negative", "her2": her2})
    amplified = crit(m.Biomarker, genes=("ERBB2",), alteration="amplification")
    assert judged(amplified, who) is expected
    mutated = crit(m.Biomarker, genes=("ERBB2",), alteration="mutation")
    assert judged(mutated, who) is UNKNOWN  # a mutation is not a receptor status


def test_a_therapy_named_in_general_counts_lines_not_ovarian_suppression() -> None:
    history = patient(
        treatments=[
            {"agents": ["paclitaxel"], "setting": "metastatic", "outcome": "progression"},
            {"agents": ["goserelin"], "setting": "metastatic", "outcome": "ongoing"},
        ]
    )
    endocrine = crit(m.PriorTherapy, "exclusion", classes=("endocrine_therapy",))
    assert judged(endocrine, history) is NOT_MET  # neither paclitaxel nor the OFS alone
    anything = crit(m.PriorTherapy, "exclusion")
    assert judged(anything, history) is MET  # no class named: any line (paclitaxel)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Toxicities of earlier therapy recovered to <= grade 1", MET),
        ("Unresolved toxicity from earlier therapy above grade 2", NOT_MET),
        ("Lasting toxicity of grade 2 or higher from prior therapy", MET),
        ("Unresolved toxicity (> grade 1) of prior therapy, except grade 2 neuropathy", NOT_MET),
    ],
)
def test_a_graded_toxicity_in_the_conditions_settles_unresolved_toxicity(
    text: str, expected: Result
) -> None:
    neuropathy = patient(conditions=["grade 2 peripheral neuropathy after paclitaxel"])
    exceptions = ("except grade 2 neuropathy",) if "except" in text else ()
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="unresolved_toxicity", evidence=text.split(" of ")[0], exceptions=exceptions,
    )  # fmt: skip
    # the toxicity is there (MET), or the complete condition list holds none the item counts
    assert judged(c, neuropathy) is expected


@pytest.mark.parametrize(
    ("text", "expected", "said"),
    [
        # a definition narrows heart disease to one kind; arrhythmia is another kind
        ("Heart disease, defined as NYHA class III or IV heart failure", NOT_MET,
         "not NYHA class III or IV heart failure"),
        ("Cardiovascular disease as defined by NYHA class III-IV", NOT_MET, "NYHA class III-IV"),
        # "cardiac" qualifies a form here, it does not name heart disease as a whole
        ("Cardiac pacemaker", UNKNOWN, "names Cardiac pacemaker"),
        ("Cardiac dysfunction", UNKNOWN, "names Cardiac dysfunction"),
        ("Cardiac ventricular arrhythmias", UNKNOWN, "names Cardiac ventricular arrhythmias"),
        ("History of heart disease", MET, "atrial fibrillation"),
    ],
)  # fmt: skip
def test_atrial_fibrillation_against_cardiac_exclusions(
    text: str, expected: Result, said: str
) -> None:
    (c,) = parse_criteria(f"Exclusion Criteria:\n* {text}")
    judgement = evaluate(c, patient(conditions=["atrial fibrillation"]))
    assert (judgement.result, said in judgement.explanation) == (expected, True)


def test_a_qtc_prolongation_leaves_heart_disease_open_and_meets_a_repolarisation_item() -> None:
    prolonged = patient(conditions=["QTc prolongation since ribociclib, still present"])
    (heart,) = parse_criteria("Exclusion Criteria:\n* History of heart disease")
    assert judged(heart, prolonged) is UNKNOWN
    assert judged(heart, patient(conditions=["type 2 diabetes"])) is NOT_MET
    (repolarisation,) = parse_criteria("Exclusion Criteria:\n* Cardiac repolarisation abnormality")
    assert judged(repolarisation, prolonged) is MET


@pytest.mark.parametrize(
    ("labs", "expected"),
    [({"hba1c": 10.8}, MET), ({"hba1c": 7.5}, UNKNOWN), ({"hba1c": 6.4}, NOT_MET), ({}, UNKNOWN)],
)
def test_poorly_controlled_diabetes_is_read_from_hba1c_not_from_metformin(
    labs: dict[str, float], expected: Result
) -> None:
    """'On metformin' says the diabetes is treated, not that it is controlled; HbA1c says."""
    (c,) = parse_criteria("Exclusion Criteria:\n* Poorly controlled diabetes mellitus")
    assert judged(c, patient(conditions=["type 2 diabetes on metformin"], labs=labs)) is expected
    (insulin,) = parse_criteria("Exclusion Criteria:\n* Diabetes requiring insulin")
    assert judged(insulin, patient(conditions=["type 2 diabetes on metformin"])) is NOT_MET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chronic kidney disease of stage 4 or 5", NOT_MET),
        ("History of kidney failure", UNKNOWN),
        ("Chronic kidney disease", MET),
    ],
)
def test_a_kidney_disease_stage_is_compared_with_the_entrys(text: str, expected: Result) -> None:
    (c,) = parse_criteria(f"Exclusion Criteria:\n* {text}")
    assert judged(c, patient(conditions=["chronic kidney disease, stage 3a"])) is expected


def test_a_neurotoxicity_exception_lets_a_neuropathy_stay() -> None:
    text = (
        "Exclusion Criteria:\n* Lasting toxicity of earlier treatment above grade 1, apart from "
        "neurotoxicity or hair loss"
    )
    (c,) = parse_criteria(text)
    assert judged(c, patient(conditions=["grade 2 peripheral neuropathy"])) is NOT_MET
    assert judged(c, patient(conditions=["grade 2 diarrhoea from abemaciclib"])) is MET


def test_a_resolved_toxicity_is_not_a_residual_one() -> None:
    healed = patient(conditions=["grade 3 mucositis on everolimus, now resolved"])
    lasting = patient(conditions=["grade 2 peripheral neuropathy from paclitaxel"])
    text = "Toxicity from earlier treatment that has not recovered to grade 1 or less"
    residual = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="unresolved_toxicity", evidence="Toxicity from earlier treatment",
    )  # fmt: skip
    assert judged(residual, healed) is NOT_MET  # the condition list is complete (contract)
    assert judged(residual, patient(conditions=["type 2 diabetes"])) is UNKNOWN  # no grades
    assert judged(residual, lasting) is MET


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        # a past need of steroids: a resolved pneumonitis may have needed them
        ("History of pneumonitis that required steroids", "grade 2 pneumonitis, resolved",
         UNKNOWN),
        ("Radiation pneumonitis requiring glucocorticoids", "radiation pneumonitis",
         UNKNOWN),
        ("History of pneumonitis that required steroids",
         "grade 2 pneumonitis treated with prednisone", MET),
        ("History of pneumonitis that required steroids",
         "grade 1 pneumonitis, no steroids needed", NOT_MET),
        # a grade in the patient's words answers a grade, not 'active'
        ("Active pneumonitis", "grade 2 pneumonitis, resolved", NOT_MET),
        ("Pneumonitis of grade 2 or higher", "grade 2 pneumonitis, resolved", MET),
    ],
)  # fmt: skip
def test_a_treatment_qualifier_is_settled_only_by_words_about_treatment(
    text: str, words: str, expected: Result
) -> None:
    at = text.lower().find("pneumonitis")
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="pneumonitis", evidence=text[at : at + len("pneumonitis")],
    )  # fmt: skip
    assert judged(c, patient(conditions=[words])) is expected


def test_hepatitis_b_with_undetectable_dna_is_not_active() -> None:
    carrier = patient(conditions=["HBcAb positive, HBV DNA undetectable"])
    c = m.Comorbidity(
        section=Section.EXCLUSION, text="Active hepatitis B infection", span=(0, 28), item=0,
        condition="hepatitis_b", evidence="hepatitis B",
    )  # fmt: skip
    assert judged(c, carrier) is NOT_MET


def test_bone_lesions_beside_unmeasurable_sites_are_for_the_investigator() -> None:
    bone_and_brain = patient(
        diagnosis={"cancer": "breast cancer", "stage": "metastatic",
                   "metastatic_sites": ["bone", "brain"], "measurable_disease": False}
    )  # fmt: skip
    brain_only = patient(
        diagnosis={"cancer": "breast cancer", "stage": "metastatic",
                   "metastatic_sites": ["brain"], "measurable_disease": False}
    )  # fmt: skip
    route = crit(m.MeasurableDisease, or_bone_only=True)
    assert judged(route, bone_and_brain) is UNKNOWN
    assert judged(route, brain_only) is NOT_MET


def test_a_late_relapse_after_adjuvant_therapy_is_no_sure_progression_on_it() -> None:
    def relapsed(adjuvant_end: str, metastatic_start: str) -> Patient:
        return patient(
            treatments=[
                {"agents": ["letrozole"], "setting": "adjuvant", "start": "2016-01",
                 "end": adjuvant_end, "outcome": "completed"},
                {"agents": ["fulvestrant", "ribociclib"], "setting": "metastatic",
                 "start": metastatic_start, "outcome": "ongoing"},
            ]
        )  # fmt: skip

    progressed = crit(m.PriorTherapy, classes=("aromatase_inhibitor",), relation="progressed")
    assert judged(progressed, relapsed("2021-01", "2021-08")) is MET  # within 12 months
    assert judged(progressed, relapsed("2021-01", "2025-08")) is UNKNOWN  # years later
    received = crit(m.PriorTherapy, classes=("aromatase_inhibitor",))
    assert judged(received, relapsed("2021-01", "2025-08")) is MET


def test_progressing_brain_metastases_are_unknown_for_active_ones() -> None:
    active = patient(
        diagnosis={"brain_metastases": "active", "brain_metastases_symptomatic": False}
    )
    unstable = crit(m.CnsMetastases, "exclusion", states=("progressing", "symptomatic"))
    assert judged(unstable, active) is UNKNOWN  # untreated and quiet, or growing: not recorded
    assert judged(crit(m.CnsMetastases, "exclusion", states=("symptomatic",)), active) is NOT_MET


def test_a_condition_resolved_with_steroids_needed_them() -> None:
    text = "History of pneumonitis requiring steroid therapy"
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="pneumonitis", evidence="pneumonitis",
    )  # fmt: skip
    treated = patient(conditions=["grade 1 pneumonitis on T-DXd, resolved with prednisone"])
    assert judged(c, treated) is MET


def test_a_year_in_the_condition_settles_a_within_years_limit() -> None:
    text = "Another malignancy within the last 5 years"
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="other_malignancy", evidence="Another malignancy", within_years=5,
    )  # fmt: skip
    assert judged(c, patient(conditions=["melanoma excised in 2012, no recurrence"])) is NOT_MET
    assert judged(c, patient(conditions=["thyroid cancer treated in 2024"])) is MET
    assert judged(c, patient(conditions=["thyroid cancer, treated"])) is UNKNOWN


def test_progression_after_a_latest_therapy_stopped_for_toxicity_is_unknown() -> None:
    stopped = patient(
        treatments=[
            {"agents": ["anastrozole", "ribociclib"], "setting": "metastatic",
             "outcome": "progression"},
            {"agents": ["fulvestrant", "alpelisib"], "setting": "metastatic",
             "outcome": "toxicity"},
        ]
    )  # fmt: skip
    on_last = crit(m.PriorTherapy, classes=("pi3k_inhibitor",), relation="progressed")
    assert judged(on_last, stopped) is UNKNOWN
    earlier = crit(m.PriorTherapy, classes=("cdk4_6_inhibitor",), relation="progressed")
    assert judged(earlier, stopped) is MET


def test_an_early_relapse_on_adjuvant_therapy_leaves_a_line_count_open() -> None:
    relapsed = patient(
        treatments=[
            {"agents": ["letrozole"], "setting": "adjuvant", "start": "2019-01",
             "end": "2024-01", "outcome": "completed"},
            {"agents": ["fulvestrant", "abemaciclib"], "setting": "metastatic",
             "start": "2024-07", "end": "2025-05", "outcome": "progression"},
            {"agents": ["capecitabine"], "setting": "metastatic", "start": "2025-06",
             "outcome": "progression"},
        ]
    )  # fmt: skip
    one_or_two = crit(m.LineCount, scope="any", min=1, max=2)
    assert judged(one_or_two, relapsed) is UNKNOWN  # 2, or 3 if the adjuvant line counts
    # a count of lines given for advanced disease leaves the adjuvant one out
    for_advanced = one_or_two.model_copy(update={"settings": ("metastatic",)})
    assert judged(for_advanced, relapsed) is MET
    # a trial that says how it counts adjuvant therapy settles it
    for adjuvant_counts, expected in ((False, MET), (True, NOT_MET)):
        said = crit(
            m.LineCount,
            scope="any",
            settings=("metastatic",),
            min=1,
            max=2,
            adjuvant_counts=adjuvant_counts,
        )
        assert judged(said, relapsed) is expected


def test_a_trial_rule_on_adjuvant_lines_is_read_and_applied() -> None:
    text = (
        "Inclusion Criteria:\n* One or two earlier endocrine lines for advanced disease\n"
        "* Endocrine therapy given in the adjuvant setting is not counted as a line for "
        "advanced disease\n"
    )
    count = next(c for c in parse_criteria(text) if c.kind == "line_count")
    assert count.adjuvant_counts is False
    relapsed_on_adjuvant = patient(
        treatments=[
            {"agents": ["anastrozole"], "setting": "adjuvant", "start": "2023-01",
             "outcome": "progression"},
            {"agents": ["letrozole", "palbociclib"], "setting": "metastatic",
             "start": "2025-01", "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(count, relapsed_on_adjuvant) is MET  # one line, the adjuvant AI is none


# --- variants a biomarker criterion leaves out --------------------------------------------------


def _egfr(alteration: str) -> Patient:
    return patient(biomarkers=[{"gene": "EGFR", "alteration": alteration}])


def _biomarker(text: str, section: str = "Inclusion") -> Any:
    parsed = parse_criteria(f"{section} Criteria:\n* {text}")
    return next(c for c in parsed if c.kind == "biomarker")


@pytest.mark.parametrize(
    ("text", "alteration", "expected"),
    [
        ("EGFR mutation in exons 18 to 21, other than an exon 20 insertion", "exon 20 insertion",
         NOT_MET),
        ("EGFR mutation in exons 18 to 21, other than an exon 20 insertion", "L858R", MET),
        ("EGFR mutation in exons 18 to 21, other than an exon 20 insertion", "exon 19 deletion",
         MET),
        ("Tumour with one of the two common EGFR mutations", "exon 20 insertion", NOT_MET),
        ("Tumour with one of the two common EGFR mutations", "L858R", MET),
        ("Sensitising EGFR mutation", "exon 20 insertion", NOT_MET),
        ("Sensitising EGFR mutation", "G719A", MET),
        ("Sensitising EGFR mutation", "mutation", UNKNOWN),
        ("Activating EGFR mutation", "exon 20 insertion", MET),
        ("Activating EGFR mutation. Patients whose tumour has an exon 20 insertion are not "
         "eligible, except for those with A763_Y764insFQEA", "exon 20 insertion", UNKNOWN),
        ("Activating EGFR mutation. Patients whose tumour has an exon 20 insertion are not "
         "eligible, except for those with A763_Y764insFQEA", "exon 19 deletion", MET),
    ],
)  # fmt: skip
def test_variants_left_out_of_a_mutation(text: str, alteration: str, expected: Result) -> None:
    assert judged(_biomarker(text), _egfr(alteration)) is expected


def test_an_insertion_other_than_a_named_one_is_unknown_for_an_unnamed_insertion() -> None:
    c = _biomarker("An EGFR exon 20 insertion other than A763_Y764insFQEA", "Exclusion")
    assert judged(c, _egfr("exon 20 insertion")) is UNKNOWN
    assert judged(c, _egfr("L858R")) is NOT_MET


# --- viral infections counted only while the virus replicates -----------------------------------


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Hepatitis B surface antigen positive with HBV DNA of 500 IU/mL or more",
         "chronic hepatitis B on tenofovir, HBV DNA undetectable", NOT_MET),
        ("Hepatitis B surface antigen positive with HBV DNA of 500 IU/mL or more",
         "chronic hepatitis B", UNKNOWN),
        ("Hepatitis B surface antigen positive with HBV DNA of 500 IU/mL or more",
         "chronic hepatitis B, HBV DNA 12000 IU/mL", MET),
        ("Known hepatitis B, hepatitis C or HIV infection that is not controlled by treatment",
         "chronic hepatitis B on entecavir, HBV DNA undetectable", NOT_MET),
        # near misses: an unqualified history, and an RNA level that is hepatitis C's
        ("Known history of hepatitis B or hepatitis C",
         "chronic hepatitis B on entecavir, HBV DNA undetectable", MET),
        ("Hepatitis B surface antigen positive, or hepatitis C with detectable HCV RNA",
         "chronic hepatitis B on entecavir, HBV DNA undetectable", MET),
        # "active/chronic": a chronic infection counts however well it is suppressed
        ("Known active/chronic hepatitis B or C",
         "chronic hepatitis B on entecavir, HBV DNA undetectable", MET),
    ],
)  # fmt: skip
def test_a_suppressed_hepatitis_b_is_not_a_replicating_one(
    text: str, words: str, expected: Result
) -> None:
    c = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="hepatitis_b", evidence="hepatitis B" if "hepatitis B" in text else "Hepatitis B",
    )  # fmt: skip
    assert judged(c, patient(conditions=[words])) is expected


def test_a_resistance_variant_is_unknown_after_the_therapy_it_answers() -> None:
    """T790M arises under an EGFR TKI: a driver-only EGFR result says nothing of it once the
    patient has had one, while before any TKI the driver result stands."""
    t790m = crit(m.Biomarker, genes=("EGFR",), alteration="mutation", variants=("T790M",))
    finding = [{"gene": "EGFR", "alteration": "L858R", "origin": "somatic"}]
    after_tki = patient(
        biomarkers=finding,
        treatments=[{"agents": ["gefitinib"], "setting": "metastatic", "outcome": "progression"}],
    )
    naive = patient(biomarkers=finding, treatments=[])
    assert judged(t790m, after_tki) is UNKNOWN
    assert judged(t790m, naive) is NOT_MET


def test_a_locally_advanced_recurrence_after_adjuvant_therapy_is_a_relapse() -> None:
    c = crit(m.PriorTherapy, classes=("endocrine_therapy",), relation="progressed",
             settings=("adjuvant",))  # fmt: skip
    recurred = patient(
        diagnosis={"cancer": "breast cancer", "stage": "locally advanced"},
        treatments=[{"agents": ["anastrozole"], "setting": "adjuvant", "outcome": "completed",
                     "start": "2012-01", "end": "2017-01"}],
    )  # fmt: skip
    assert judged(c, recurred) is UNKNOWN  # relapsed long after: for the investigator


def test_type_1_diabetes_is_not_type_2() -> None:
    text = "Type I diabetes"
    type1 = m.Comorbidity(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
        condition="diabetes", evidence="diabetes",
    )  # fmt: skip
    assert judged(type1, patient(conditions=["type 2 diabetes on metformin"])) is NOT_MET
    assert judged(type1, patient(conditions=["type 1 diabetes"])) is MET


def test_progression_while_receiving_is_not_a_later_relapse() -> None:
    text = "Disease progression while receiving a taxane"
    on_taxane = m.PriorTherapy(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0, evidence=text,
        classes=("taxane",), relation="progressed",
    )  # fmt: skip
    later = patient(
        treatments=[
            {"agents": ["paclitaxel"], "setting": "neoadjuvant", "outcome": "completed"},
            {"agents": ["capecitabine"], "setting": "metastatic", "outcome": "progression"},
        ]
    )
    assert judged(on_taxane, later) is NOT_MET
    during = patient(
        treatments=[{"agents": ["paclitaxel"], "setting": "metastatic", "outcome": "progression"}]
    )
    assert judged(on_taxane, during) is MET


def test_progression_on_at_least_n_lines_counts_lines_that_progressed() -> None:
    text = "Disease progression on at least 2 previous lines of endocrine therapy"
    c = m.LineCount(
        section=Section.INCLUSION, text=text, span=(0, len(text)), item=0,
        evidence="at least 2 previous lines of endocrine therapy", scope="endocrine_therapy",
        min=2,
    )  # fmt: skip
    stopped = patient(
        treatments=[
            {"agents": ["letrozole", "ribociclib"], "setting": "metastatic",
             "outcome": "progression"},
            {"agents": ["fulvestrant", "alpelisib"], "setting": "metastatic",
             "outcome": "toxicity"},
        ]
    )  # fmt: skip
    assert judged(c, stopped) is NOT_MET


def test_active_hepatitis_does_not_qualify_a_known_hiv_infection() -> None:
    """'Active hepatitis B or C and/or known HIV': 'active' is the hepatitis's; 'HCV RNA
    positive' is hepatitis C's, not a viral-load condition on HIV."""
    on_art = patient(
        conditions=["HIV infection on antiretroviral therapy, undetectable viral load"]
    )
    for text in (
        "Active hepatitis B or C infection and/or known HIV carrier",
        "Hepatitis C (HCV RNA positive) or HIV antibody-positive",
    ):
        c = m.Comorbidity(
            section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0,
            condition="hiv", evidence="HIV",
        )  # fmt: skip
        assert judged(c, on_art) is MET, text


def test_a_codon_with_x_covers_every_change_at_it() -> None:
    c = crit(m.Biomarker, genes=("EGFR",), alteration="mutation", variants=("G719X", "L861Q"))
    found = patient(biomarkers=[{"gene": "EGFR", "alteration": "G719A", "origin": "somatic"}])
    assert judged(c, found) is MET


def test_a_medicine_named_in_the_conditions_is_taken() -> None:
    c = crit(m.PriorTherapy, "exclusion", classes=("anticoagulant",), within_days=0)
    on_apixaban = patient(conditions=["atrial fibrillation, anticoagulated with apixaban"])
    assert judged(c, on_apixaban) is MET
    assert judged(c, patient(conditions=["atrial fibrillation"], treatments=[])) is NOT_MET


def test_a_line_count_open_only_for_want_of_a_relapse_date_says_so() -> None:
    adjuvant_only = patient(
        treatments=[
            {"agents": ["letrozole"], "setting": "adjuvant", "start": "2019-01",
             "end": "2024-01", "outcome": "completed"},
        ]
    )  # fmt: skip
    one_or_two = crit(m.LineCount, scope="any", min=1, max=2)
    judgement = evaluate(one_or_two, adjuvant_only)
    assert judgement.result is UNKNOWN
    assert judgement.missing == "when the disease relapsed"


def test_steroid_use_recorded_in_conditions_settles_a_steroid_cns_criterion() -> None:
    needing = crit(m.CnsMetastases, "exclusion", states=("symptomatic",)).model_copy(
        update={"text": "not receiving corticosteroids for the brain metastases"}
    )
    treated = {"brain_metastases": "treated_stable"}
    on_them = patient(diagnosis=treated, conditions=["dexamethasone 2 mg daily"])
    assert judged(needing, on_them) is MET
    past_course = patient(diagnosis=treated, conditions=["pneumonitis treated with steroids"])
    assert judged(needing, past_course) is NOT_MET


@pytest.mark.parametrize(
    ("alteration", "wanted", "expected"),
    [
        ("A767_V769dup", "exon 20 insertion", MET),
        ("D770_N771insSVD", "exon 20 insertion", MET),
        ("p.(D770delinsGY)", "exon 20 insertion", MET),
        ("E746_A750del", "exon 19 deletion", MET),
        ("L747_P753delinsS", "exon 19 deletion", MET),
        ("E746_A750del", "exon 20 insertion", NOT_MET),
        ("A767_V769dup", "exon 19 deletion", NOT_MET),
    ],
)
def test_egfr_variants_by_protein_position_fall_in_their_exon(
    alteration: str, wanted: str, expected: Any
) -> None:
    """HGVS notation a molecular report uses places a variant in its exon (standard EGFR codon
    numbering), so a criterion naming the exon's insertions or deletions can be settled."""
    c = crit(m.Biomarker, genes=("EGFR",), alteration="mutation", variants=(wanted,))
    finding = patient(biomarkers=[{"gene": "EGFR", "alteration": alteration}])
    assert judged(c, finding) is expected


def test_a_viral_load_qualifier_in_a_bracket_counts_for_the_infection() -> None:
    hbv = crit(
        m.Comorbidity, "exclusion", condition="hepatitis_b", evidence="Hepatitis B"
    ).model_copy(
        update={
            "text": "Hepatitis B at screening (HBsAg and/or anti-HBc antibody positive with HBV "
            "DNA >= 2000 IU/mL; those below it on antivirals may join), or active hepatitis C"
        }
    )
    suppressed = patient(conditions=["anti-HBc positive, HBV DNA undetectable"])
    assert judged(hbv, suppressed) is NOT_MET


def test_a_small_cell_transformation_in_the_histology_is_a_small_cell_component() -> None:
    sclc = crit(m.CancerType, "exclusion", cancer="small cell lung cancer")
    transformed = patient(
        diagnosis={
            "cancer": "non-small cell lung cancer",
            "histology": "adenocarcinoma with small cell transformation",
        }
    )
    assert judged(sclc, transformed) is MET
    plain = patient(
        diagnosis={"cancer": "non-small cell lung cancer", "histology": "adenocarcinoma"}
    )
    assert judged(sclc, plain) is NOT_MET


def test_a_drug_toxicity_is_no_radiation_related_toxicity() -> None:
    radiation = crit(m.Comorbidity, "exclusion", condition="unresolved_toxicity").model_copy(
        update={"text": "Ongoing radiation-related toxicities"}
    )
    oedema = patient(conditions=["grade 3 peripheral oedema from capmatinib"])
    assert judged(radiation, oedema) is NOT_MET
    pneumonitis = patient(conditions=["grade 2 radiation pneumonitis"])
    assert judged(radiation, pneumonitis) is MET


def test_a_drug_switched_for_toxicity_stays_within_its_line() -> None:
    """Letrozole + ribociclib stopped for QTc prolongation, then letrozole + abemaciclib until
    progression: one line of endocrine therapy and of CDK4/6 inhibitors, not two."""
    switched = patient(
        treatments=[
            {"agents": ["letrozole", "ribociclib"], "setting": "metastatic", "start": "2024-01",
             "end": "2024-03", "outcome": "toxicity"},
            {"agents": ["letrozole", "abemaciclib"], "setting": "metastatic", "start": "2024-03",
             "end": "2025-09", "outcome": "progression"},
        ]
    )  # fmt: skip
    for scope in ("endocrine_therapy", "cdk4_6_inhibitor", "any"):
        one = crit(m.LineCount, scope=scope, settings=("metastatic",), max=1)
        assert judged(one, switched) is MET
    # a stop for progression is a new line
    progressed = patient(
        treatments=[
            {"agents": ["letrozole", "ribociclib"], "setting": "metastatic", "start": "2024-01",
             "end": "2024-09", "outcome": "progression"},
            {"agents": ["fulvestrant", "abemaciclib"], "setting": "metastatic",
             "start": "2024-10", "outcome": "progression"},
        ]
    )  # fmt: skip
    assert (
        judged(crit(m.LineCount, scope="any", settings=("metastatic",), max=1), progressed)
        is NOT_MET
    )


def test_maintenance_with_some_of_the_drugs_stays_within_its_line() -> None:
    """Carboplatin + pemetrexed + pembrolizumab completed, then pemetrexed + pembrolizumab as
    maintenance until progression: one line, however the record splits it."""
    maintained = patient(
        treatments=[
            {"agents": ["carboplatin", "pemetrexed", "pembrolizumab"], "setting": "metastatic",
             "start": "2025-01", "end": "2025-03", "outcome": "completed"},
            {"agents": ["pemetrexed", "pembrolizumab"], "setting": "metastatic",
             "start": "2025-04", "end": "2026-08", "outcome": "progression"},
        ]
    )  # fmt: skip
    one = evaluate(crit(m.LineCount, scope="any", settings=("metastatic",), max=1), maintained)
    assert one.result is MET
    assert "continuing the line before" in one.explanation
    # a regimen after a long pause, or one with a new drug, is a line of its own
    paused = patient(
        treatments=[
            {"agents": ["carboplatin", "pemetrexed"], "setting": "metastatic",
             "start": "2024-01", "end": "2024-03", "outcome": "completed"},
            {"agents": ["pemetrexed"], "setting": "metastatic", "start": "2025-02",
             "outcome": "progression"},
        ]
    )  # fmt: skip
    assert judged(crit(m.LineCount, scope="any", settings=("metastatic",), max=1), paused) is (
        NOT_MET
    )


def test_a_measurable_brain_lesion_is_not_answered_by_recist_elsewhere() -> None:
    text = "Inclusion Criteria:\n* At least one measurable brain lesion of 10 mm or more (RANO-BM)"
    (c,) = [c for c in parse_criteria(text) if c.kind == "measurable_disease"]
    liver = {"cancer": "breast cancer", "measurable_disease": True}
    assert judged(c, patient(diagnosis={**liver, "brain_metastases": "none"})) is NOT_MET
    assert judged(c, patient(diagnosis={**liver, "brain_metastases": "active"})) is UNKNOWN


def test_bone_only_disease_is_not_bone_beside_other_sites() -> None:
    only = crit(m.MeasurableDisease, or_bone_only=True).model_copy(
        update={"text": "At least one measurable lesion, or only bone metastases without one"}
    )
    bone_and_peritoneum = patient(
        diagnosis={"measurable_disease": False, "metastatic_sites": ["bone", "peritoneum"]}
    )
    assert judged(only, bone_and_peritoneum) is NOT_MET
    bone = patient(diagnosis={"measurable_disease": False, "metastatic_sites": ["bone"]})
    assert judged(only, bone) is MET


def test_organ_function_names_a_lab_outside_the_usual_limits_even_with_others_missing() -> None:
    renal = crit(m.OrganFunction, systems=("bone marrow", "renal"))
    judgement = evaluate(renal, patient(labs={"creatinine_clearance": 20, "anc": 3.0}))
    assert judgement.result is UNKNOWN
    assert "20" in judgement.explanation and "platelet" in judgement.explanation.lower()


def test_renal_function_is_settled_by_a_normal_serum_creatinine_without_the_clearance() -> None:
    renal = crit(m.OrganFunction, systems=("renal",))
    assert judged(renal, patient(labs={"creatinine": 0.8})) is MET
    assert judged(renal, patient(labs={"creatinine": 2.4})) is UNKNOWN  # the clearance decides
    assert judged(renal, patient(labs={})) is UNKNOWN


# --- comorbidities as a coordinator reads them (review of the judged results) -------------------


def _item(text: str, condition: str, evidence: str, section: str = "exclusion", **more: Any) -> Any:
    """A comorbidity criterion whose evidence is the first occurrence of `evidence` in `text`."""
    assert evidence in text
    return m.Comorbidity(
        section=Section(section), text=text, span=(0, len(text)), item=0,
        condition=condition, evidence=evidence, **more,
    )  # fmt: skip


RESOLVED_HBV = "anti-HBc positive, HBsAg negative, HBV DNA not detected"


@pytest.mark.parametrize(
    ("text", "evidence", "section", "negated", "expected"),
    [
        ("Known to carry the hepatitis B surface antigen", "hepatitis B", "exclusion", False,
         NOT_MET),
        ("HBsAg-positive patients, even with normal transaminases", "HBsAg", "exclusion", False,
         NOT_MET),
        ("Chronic hepatitis B or hepatitis C", "hepatitis B", "exclusion", False, NOT_MET),
        ("Serious active infections such as tuberculosis, HIV, HBV or HCV", "HBV", "exclusion",
         False, NOT_MET),
        ("A negative HBsAg result at screening", "HBsAg", "inclusion", True, MET),
        # a past infection is what a history names; its DNA requirement settles it
        ("For those with a past hepatitis B, a negative HBV PCR is needed", "hepatitis B",
         "exclusion", False, NOT_MET),
        ("History of hepatitis B", "hepatitis B", "exclusion", False, MET),
        ("History of hepatitis B. Those HBsAg negative with HBV DNA not found are eligible",
         "hepatitis B", "exclusion", False, NOT_MET),
        # an item about the HBsAg-negative state itself: its DNA clause decides
        ("HBs antigen negative with anti-HBc positive and HBV DNA positive", "HBs antigen",
         "exclusion", False, NOT_MET),
        # a treated past infection counts too; whether this one was treated is not said
        ("Hepatitis B (active, previously treated or both)", "Hepatitis B", "exclusion", False,
         UNKNOWN),
        # treatment for the infection: nothing recorded on it
        ("Ongoing antiviral therapy against HBV", "HBV", "exclusion", False, UNKNOWN),
    ],
)  # fmt: skip
def test_a_resolved_hepatitis_b_is_not_an_hbsag_positive_one(
    text: str, evidence: str, section: str, negated: bool, expected: Result
) -> None:
    c = _item(text, "hepatitis_b", evidence, section, negated=negated)
    assert judged(c, patient(conditions=[RESOLVED_HBV])) is expected


def test_an_hbsag_negative_entry_without_dna_leaves_an_item_on_the_dna_open() -> None:
    resolved = patient(conditions=["past hepatitis B infection, HBsAg negative"])
    occult = _item("HBs antigen negative with anti-HBc positive and HBV DNA positive",
                   "hepatitis_b", "HBs antigen")  # fmt: skip
    assert judged(occult, resolved) is UNKNOWN
    allowed = _item("History of hepatitis B. Those HBsAg negative with HBV DNA not found are "
                    "eligible", "hepatitis_b", "hepatitis B")  # fmt: skip
    assert judged(allowed, resolved) is UNKNOWN


def test_an_hbsag_negative_entry_with_detectable_dna_is_left_to_the_usual_reading() -> None:
    occult = patient(conditions=["HBsAg negative, HBV DNA detectable at 300 IU/mL"])
    assert judged(_item("Chronic hepatitis B", "hepatitis_b", "hepatitis B"), occult) is MET
    on_drug = patient(conditions=["HBsAg negative, anti-HBc positive, entecavir prophylaxis"])
    treated = _item("Ongoing antiviral therapy against HBV", "hepatitis_b", "HBV")
    assert judged(treated, on_drug) is MET


@pytest.mark.parametrize(
    "text",
    [
        "Uncontrolled intercurrent illness such as diabetes, heart failure, hypertension or asthma",
        "Systemic disease not under stable control, including diabetes, hypertension or cirrhosis",
    ],
)
def test_a_list_opening_qualifier_is_every_examples(text: str) -> None:
    """The qualifier before 'such as' / 'including' is the listed hypertension's too: a
    controlled one is not what the item excludes, an uncontrolled one is."""
    c = _item(text, "hypertension", "hypertension")
    assert judged(c, patient(conditions=["hypertension, controlled on lisinopril"])) is NOT_MET
    assert judged(c, patient(conditions=["uncontrolled hypertension"])) is MET


@pytest.mark.parametrize(
    ("symptomatic", "expected"), [(False, NOT_MET), (None, UNKNOWN), (True, MET)]
)
def test_stacked_brain_metastasis_states_ask_for_both(
    symptomatic: bool | None, expected: Result
) -> None:
    """'Uncontrolled symptomatic' is one kind of metastasis, not either of two."""
    both = crit(m.CnsMetastases, "exclusion", states=("active", "symptomatic")).model_copy(
        update={"text": "Progressing, symptomatic CNS lesions or untreated symptomatic ones"}
    )
    either = both.model_copy(update={"text": "Active or symptomatic brain metastases"})
    diagnosis: dict[str, Any] = {"cancer": "lung cancer", "brain_metastases": "active"}
    if symptomatic is not None:
        diagnosis["brain_metastases_symptomatic"] = symptomatic
    who = patient(diagnosis=diagnosis)
    assert judged(both, who) is expected
    assert judged(either, who) is MET


@pytest.mark.parametrize(
    "words",
    [
        "adenocarcinoma of the prostate, Gleason 7, prostatectomy 2021",
        "follicular lymphoma, in remission since 2019",
        "leiomyosarcoma of the uterus, resected 2018",
        "smouldering myeloma under observation",
    ],
)
def test_another_malignancy_is_recognised_by_its_kind(words: str) -> None:
    """A prior tumour named by its histology, not as 'cancer', is another malignancy."""
    listed = "except skin basal cell carcinoma or cervical carcinoma in situ"
    c = other_malignancy(f"Any other malignancy {listed}", listed)
    assert judged(c, patient(conditions=[words])) is MET
    spread = patient(conditions=["lymphangitic carcinomatosis of the lung"])
    assert judged(c, spread) is NOT_MET


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Active or history of autoimmune disease", "autoimmune"),
        ("Past or active autoimmune disorders", "autoimmune"),
        ("Current or prior autoimmune disease of any kind", "autoimmune"),
    ],
)
@pytest.mark.parametrize(
    "words", ["Hashimoto's thyroiditis, on levothyroxine", "autoimmune thyroiditis, euthyroid"]
)
def test_active_or_past_autoimmune_disease_counts_a_treated_one(
    text: str, evidence: str, words: str
) -> None:
    c = _item(text, "autoimmune_disease", evidence)
    assert judged(c, patient(conditions=[words])) is MET
    # the qualifier alone still asks whether the disease is active
    active_only = _item("Active autoimmune disease", "autoimmune_disease", "autoimmune")
    assert judged(active_only, patient(conditions=[words])) is not MET


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("CKD stage 3b, creatinine stable", NOT_MET),
        ("chronic kidney disease, not on dialysis", NOT_MET),
        ("end-stage kidney disease on haemodialysis three times a week", MET),
        ("chronic kidney disease", UNKNOWN),
    ],
)
def test_kidney_disease_needing_dialysis_is_not_met_by_a_milder_stage(
    words: str, expected: Result
) -> None:
    c = _item("Kidney failure that needs haemodialysis or peritoneal dialysis", "renal_disease",
              "Kidney failure")  # fmt: skip
    assert judged(c, patient(conditions=[words])) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the steroids are a past course: nothing recorded on them leaves it open
        ("Prior pneumonitis requiring systemic steroids", UNKNOWN),
        ("Pneumonitis that needed corticosteroid therapy", UNKNOWN),
        ("Pneumonitis requiring steroid therapy", UNKNOWN),
        # a current need is denied by a condition that is over
        ("Current pneumonitis requiring steroids", NOT_MET),
    ],
)
@pytest.mark.parametrize(
    "words", ["grade 1 pneumonitis from trastuzumab deruxtecan, resolved",
              "grade 2 pneumonitis on everolimus, resolved"],
)  # fmt: skip
def test_steroids_for_a_resolved_pneumonitis_are_not_assumed(
    text: str, expected: Result, words: str
) -> None:
    c = _item(text, "interstitial_lung_disease", "neumonitis")
    assert judged(c, patient(conditions=[words])) is expected
    if expected is UNKNOWN:  # a recorded course of steroids settles it
        assert judged(c, patient(conditions=["pneumonitis, resolved with prednisone"])) is MET


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Toxicity of prior therapy still above 1 grade, or 2 grade for platinum-related "
         "neuropathy", "neuropathy"),
        ("Lasting adverse events (over 1 grade of CTCAE): neuropathy", "neuropathy"),
    ],
)  # fmt: skip
def test_a_grade_written_number_first_is_read(text: str, evidence: str) -> None:
    c = _item(text, "peripheral_neuropathy", evidence)
    assert judged(c, patient(conditions=["grade 1 neuropathy from oxaliplatin"])) is NOT_MET
    assert judged(c, patient(conditions=["grade 3 neuropathy from oxaliplatin"])) is MET


def test_an_unresolved_toxicity_limit_written_number_first_is_read() -> None:
    c = _item("Unresolved toxicity of over 2 grade from earlier therapy", "unresolved_toxicity",
              "Unresolved toxicity")  # fmt: skip
    assert judged(c, patient(conditions=["grade 2 fatigue from capecitabine"])) is NOT_MET
    assert judged(c, patient(conditions=["grade 3 diarrhoea from capecitabine"])) is MET


ADJUVANT_THEN_ONE_LINE = patient(
    treatments=[
        {"agents": ["anastrozole"], "setting": "adjuvant", "start": "2020-03",
         "end": "2025-02", "outcome": "completed"},
        {"agents": ["fulvestrant", "ribociclib"], "setting": "metastatic", "start": "2025-06",
         "end": "2026-09", "outcome": "progression"},
    ]
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "evidence", "expected"),
    [
        # the words after the count restrict it to advanced disease: the adjuvant AI is no line
        ("Progression on two or more prior endocrine lines, with or without a targeted agent, "
         "given to treat metastatic disease", "two or more prior endocrine lines", NOT_MET),
        ("At least 2 endocrine lines (alone or combined) in the advanced setting",
         "At least 2 endocrine lines", NOT_MET),
        # no setting named: relapse within a year of adjuvant therapy may be a line
        ("At least 2 prior endocrine lines", "At least 2 prior endocrine lines", UNKNOWN),
        # 'for advanced disease' belongs to another count, after a ';'
        ("At least 2 endocrine lines in any setting; at most 1 chemotherapy for advanced disease",
         "At least 2 endocrine lines in any setting", UNKNOWN),
    ],
)  # fmt: skip
def test_a_count_of_lines_for_metastatic_disease_leaves_adjuvant_therapy_out(
    text: str, evidence: str, expected: Result
) -> None:
    c = crit(m.LineCount, scope="endocrine_therapy", min=2).model_copy(
        update={"text": text, "evidence": evidence}
    )
    assert judged(c, ADJUVANT_THEN_ONE_LINE) is expected


def test_a_malignancy_criterion_naming_one_kind_is_not_met_by_another() -> None:
    """Recognising a prior prostate adenocarcinoma as another malignancy must not make it the
    breast cancer an item names."""
    prostate = patient(conditions=["prostate adenocarcinoma, prostatectomy 2021"])
    breast = _item("Earlier invasive breast cancer", "other_malignancy", "invasive breast cancer")
    assert judged(breast, prostate) is NOT_MET
    assert judged(breast, patient(conditions=["ductal carcinoma of the left breast"])) is MET
    assert judged(breast, patient(conditions=["history of another malignancy"])) is UNKNOWN
    # an exception's kind is not the kind the item counts
    any_other = _item("Any other cancer except lung cancer", "other_malignancy", "other cancer")
    assert judged(any_other, prostate) is MET


@pytest.mark.parametrize(
    "text",
    [
        "History of interstitial lung disease, drug-induced pneumonitis, or radiation "
        "pneumonitis which needed steroid treatment",
        "Past interstitial lung disease (e.g., organising pneumonia, pulmonary fibrosis and "
        "radiation pneumonitis that required corticosteroids)",
    ],
)
def test_a_relative_clause_qualifies_only_the_example_it_closes(text: str) -> None:
    """'which needed steroids' after the last of a list is that one's: a drug-induced lung
    disease without recorded steroids still counts."""
    c = _item(text, "interstitial_lung_disease", "interstitial lung disease")
    assert judged(c, patient(conditions=["grade 1 pneumonitis from T-DXd, resolved"])) is MET


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("interstitial lung disease, treated with prednisone", UNKNOWN),  # how long: not said
        ("polymyalgia rheumatica on long-term prednisone", MET),
        ("asthma, on daily prednisolone", MET),
        ("polymyalgia rheumatica on prednisone 5 mg daily", MET),
        ("hypertension", NOT_MET),
    ],
)
def test_long_term_steroid_use_needs_an_entry_that_says_how_long(
    words: str, expected: Result
) -> None:
    text = "Patients with long-term systematic use of corticosteroids"
    c = m.PriorTherapy(
        section=Section.EXCLUSION, text=text, span=(0, len(text)), item=0, evidence=text,
        classes=("corticosteroid",), relation="received",
    )  # fmt: skip
    assert judged(c, patient(conditions=[words], treatments=[])) is expected


def test_a_steroid_course_of_unknown_date_leaves_a_recent_use_window_open() -> None:
    c = crit(m.PriorTherapy, "exclusion", classes=("corticosteroid",), within_days=14)
    past_course = patient(conditions=["pneumonitis, treated with prednisone"], treatments=[])
    assert judged(c, past_course) is UNKNOWN
    assert judged(c, patient(conditions=["asthma, on prednisone"], treatments=[])) is MET


@pytest.mark.parametrize(
    ("grade", "expected"),
    [(1, NOT_MET), (2, MET), (3, MET)],
)
def test_an_exception_that_names_a_grade_lets_only_that_grade_stay(
    grade: int, expected: Result
) -> None:
    """'Except alopecia and grade 1 peripheral neuropathy': a grade 2 or 3 neuropathy is not
    excepted, and is no grade 1 one."""
    text = (
        "Has not recovered from clinically significant toxicity of earlier therapy, except "
        "for alopecia and Grade 1 peripheral neuropathy."
    )
    c = _item(text, "unresolved_toxicity", "recovered from clinically significant toxicity",
              exceptions=("except for alopecia and Grade 1 peripheral neuropathy",))  # fmt: skip
    judgement = evaluate(c, patient(conditions=[f"grade {grade} peripheral neuropathy"]))
    assert judgement.result is expected, judgement.explanation


def test_an_exception_without_a_grade_is_said_to_be_the_reason() -> None:
    text = (
        "Recovered from the acute effects of therapy (to baseline or Grade 1) except for "
        "residual alopecia or peripheral neuropathy"
    )
    c = _item(
        text,
        "unresolved_toxicity",
        "ecovered from the acute effects",
        "inclusion",
        negated=True,
        exceptions=("except for residual alopecia or peripheral neuropathy",),
    )
    judgement = evaluate(c, patient(conditions=["grade 2 peripheral neuropathy from docetaxel"]))
    assert judgement.result is MET  # recovered, as the inclusion asks: the neuropathy may stay
    assert "exception" in judgement.explanation
    assert "none above grade 1" not in judgement.explanation


@pytest.mark.parametrize(
    ("text", "grade", "expected"),
    [
        ("Persistent toxicities (CTCAE Grade >2) caused by previous anticancer therapy", 2,
         NOT_MET),
        ("Persistent toxicities (CTCAE Grade >2) caused by previous anticancer therapy", 3, MET),
        ("Toxicities of previous anticancer therapy not resolved to grade 0 to 1", 1, NOT_MET),
        ("Toxicities of previous anticancer therapy not resolved to grade 0 to 1", 2, MET),
        ("Toxicity of previous anticancer therapy not resolved to Grade less than or equal to "
         "(</=) 1", 2, MET),
    ],
)  # fmt: skip
def test_the_grade_limit_written_after_the_word_grade_is_read(
    text: str, grade: int, expected: Result
) -> None:
    c = _item(text, "unresolved_toxicity", "oxicit")
    assert judged(c, patient(conditions=[f"grade {grade} fatigue from capecitabine"])) is expected


@pytest.mark.parametrize(
    "text",
    [
        "All acute treatment-related toxicity must have resolved to Grade <= 1 or be deemed "
        "stable by the Investigator",
        "Unresolved acute toxicities of prior anticancer therapy above grade 1",
    ],
)
def test_a_lasting_toxicity_is_left_open_by_an_acute_or_stable_item(text: str) -> None:
    """A grade 2 neuropathy from adjuvant paclitaxel years ago: the item is about acute
    toxicity, or lets the investigator call it stable, so it does not exclude by itself."""
    c = _item(text, "unresolved_toxicity", "toxicit")
    lasting = patient(conditions=["grade 2 peripheral neuropathy from paclitaxel"])
    assert judged(c, lasting) is UNKNOWN


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Have discontinued previous localized radiotherapy for palliative purposes at least 2 "
         "weeks before and recovered from the acute effects of therapy (to Grade 1)",
         "grade 2 interstitial lung disease from trastuzumab deruxtecan", NOT_MET),
        ("Have discontinued previous localized radiotherapy for palliative purposes at least 2 "
         "weeks before and recovered from the acute effects of therapy (to Grade 1)",
         "grade 3 radiation dermatitis", UNKNOWN),  # acute: the investigator's call
        ("Received systemic corticosteroids within 2 weeks and not fully recovered from side "
         "effects of such treatment", "grade 2 peripheral neuropathy from paclitaxel", NOT_MET),
        ("Received systemic corticosteroids within 2 weeks and not fully recovered from side "
         "effects of such treatment", "grade 2 steroid-induced myopathy", MET),
    ],
)  # fmt: skip
def test_a_toxicity_item_about_one_therapy_counts_only_its_toxicities(
    text: str, words: str, expected: Result
) -> None:
    c = _item(text, "unresolved_toxicity", "recovered from")
    assert judged(c, patient(conditions=[words])) is expected


def test_a_therapy_started_this_month_has_no_negative_time_on_it() -> None:
    """Denosumab started in the month of the match (dated by month only), still ongoing."""
    c = crit(m.PriorTherapy, "exclusion", classes=("rankl_inhibitor",),
             min_duration_months=1)  # fmt: skip
    this_month = f"{AS_OF.year}-{AS_OF.month:02d}"
    started = patient(
        treatments=[{"agents": ["denosumab"], "setting": "metastatic", "start": this_month,
                     "outcome": "ongoing"}]
    )  # fmt: skip
    judgement = evaluate(c, started)
    assert judgement.result is NOT_MET  # under a month so far
    assert ", 0-1 months on treatment" in judgement.explanation, judgement.explanation


# --- a condition entry counts only for the organ or disease it names ----------------------------

INSULIN_DIABETES = patient(conditions=["type 2 diabetes mellitus on insulin"])


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Has significant cardiovascular disease.", "significant cardiovascular disease"),
        ("Any clinically significant cardiac disease", "significant cardiac disease"),
        ("Clinically severe respiratory compromise resulting from intercurrent pulmonary "
         "illnesses", "intercurrent pulmonary illnesses"),
        ("Presence of significant functional gastrointestinal disorders that may affect "
         "absorption", "significant functional gastrointestinal disorders"),
    ],
)  # fmt: skip
def test_an_item_about_one_organ_is_not_met_by_diabetes(text: str, evidence: str) -> None:
    """The insulin in a diabetes entry makes it neither a heart, a lung nor a gut illness."""
    c = _item(text, "serious_illness", evidence)
    assert judged(c, INSULIN_DIABETES) is NOT_MET


def test_an_item_about_one_organ_counts_that_organs_serious_illness() -> None:
    heart = _item("Has significant cardiovascular disease.", "serious_illness",
                  "significant cardiovascular disease")  # fmt: skip
    assert judged(heart, patient(conditions=["unstable angina"])) is MET
    assert judged(heart, patient(conditions=["severe COPD on home oxygen"])) is NOT_MET
    assert judged(heart, SPARSE) is UNKNOWN


def test_insulin_does_not_make_diabetes_a_serious_or_uncontrolled_illness() -> None:
    generic = _item("Serious illness or medical condition.", "serious_illness",
                    "Serious illness or medical condition")  # fmt: skip
    assert judged(generic, INSULIN_DIABETES) is NOT_MET
    assert judged(generic, patient(conditions=["poorly controlled diabetes"])) is MET
    uncontrolled = _item("Uncontrolled diabetes mellitus", "diabetes", "diabetes mellitus")
    assert judged(uncontrolled, INSULIN_DIABETES) is UNKNOWN  # the entry does not say
    needs_insulin = _item("Diabetes requiring insulin", "diabetes", "Diabetes")
    assert judged(needs_insulin, INSULIN_DIABETES) is MET


PACED = patient(conditions=["permanent pacemaker for complete (third degree) heart block"])


def test_complete_heart_block_is_a_conduction_abnormality_the_item_lists() -> None:
    """A pacemaker for complete heart block is heart disease, and an item that lists third
    degree heart block among the abnormalities it counts is met by it."""
    listed = _item(
        "Clinically important resting ECG abnormalities of rhythm, conduction or morphology, "
        "eg, complete left bundle branch block, third degree heart block",
        "cardiac_disease",
        "heart block",
    )
    assert judged(listed, PACED) is MET
    assert judged(listed, patient(conditions=["atrial fibrillation, rate controlled"])) is UNKNOWN
    assert judged(listed, INSULIN_DIABETES) is NOT_MET
    history = _item("History of cardiac arrhythmia or conduction disorder", "cardiac_disease",
                    "cardiac arrhythmia")  # fmt: skip
    assert judged(history, PACED) is not NOT_MET


CURED_HCV = "hepatitis C, cured with sofosbuvir/velpatasvir in 2021"
SVR_HCV = (
    "chronic hepatitis C, treated in 2021 (sustained virological response, HCV RNA undetectable)"
)


@pytest.mark.parametrize("words", [CURED_HCV, SVR_HCV])
@pytest.mark.parametrize(
    ("text", "evidence", "section", "negated", "expected"),
    [
        ("Patients with active hepatitis B or hepatitis C", "hepatitis C", "exclusion", False,
         NOT_MET),
        ("Active hepatitis B or hepatitis C", "hepatitis C", "exclusion", False, NOT_MET),
        ("Active or uncontrolled infection with hepatitis B and/or hepatitis C", "hepatitis C",
         "exclusion", False, NOT_MET),
        ("Known HIV, hepatitis B or hepatitis C infection", "hepatitis C", "exclusion", False,
         NOT_MET),
        # the item lets in whoever had adequate therapy: a completed, curative course is that
        ("Has a negative test or adequate therapy for HIV, hepatitis B, and/or hepatitis C.",
         "hepatitis C", "inclusion", True, MET),
        # a past infection, or the antibody that stays after a cure, is what these count
        ("Known history of HIV, hepatitis B or hepatitis C", "hepatitis C", "exclusion", False,
         MET),
        ("Positive for hepatitis C antibody", "hepatitis C", "exclusion", False, MET),
    ],
)  # fmt: skip
def test_cured_hepatitis_c_is_no_current_infection(
    words: str, text: str, evidence: str, section: str, negated: bool, expected: Result
) -> None:
    c = _item(text, "hepatitis_c", evidence, section, negated=negated)
    assert judged(c, patient(conditions=[words])) is expected


def test_hepatitis_c_not_said_to_be_cured_still_counts() -> None:
    c = _item("Active hepatitis B or hepatitis C", "hepatitis_c", "hepatitis C")
    relapsed = "hepatitis C, SVR12 in 2021, relapsed in 2025"
    assert judged(c, patient(conditions=[relapsed])) is not NOT_MET
    assert judged(c, patient(conditions=["chronic hepatitis C, untreated"])) is not NOT_MET


RT_PNEUMONITIS = "grade 2 radiation pneumonitis after thoracic radiotherapy 2025, resolved"
NO_STEROIDS = f"{RT_PNEUMONITIS} without steroids"
STEROID_ITEM = ("A history of interstitial lung disease, of drug-induced ILD, or of radiation "
                "pneumonitis which required steroid treatment, or any sign of clinically active "
                "ILD.")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        (STEROID_ITEM, NO_STEROIDS, NOT_MET),
        (STEROID_ITEM, RT_PNEUMONITIS, UNKNOWN),  # steroids not said
        (STEROID_ITEM, f"{RT_PNEUMONITIS} with prednisolone", MET),
        (STEROID_ITEM.replace("which required", "requiring"), NO_STEROIDS, NOT_MET),
        (STEROID_ITEM.replace("which required", "requiring"), RT_PNEUMONITIS, UNKNOWN),
        # an element of the entry's cause decides, whatever the bare "history of ILD" says
        ("Current or past interstitial lung disease, or radiation pneumonitis "
         "that needed steroid treatment, or drug-related pneumonitis.", NO_STEROIDS, NOT_MET),
        # an ILD of no stated cause: the elements naming no cause decide ("a history of ILD")
        (STEROID_ITEM, "fibrotic interstitial lung disease, stable, untreated", MET),
        ("Past or present interstitial lung disease, among them clinically significant "
         "radiation pneumonitis", "fibrotic interstitial lung disease, stable, untreated", MET),
    ],
)  # fmt: skip
def test_radiation_pneumonitis_is_judged_by_the_element_that_names_radiation(
    text: str, words: str, expected: Result
) -> None:
    c = _item(text, "interstitial_lung_disease", "interstitial lung disease")
    assert judged(c, patient(conditions=[words])) is expected


def test_grade_2_pneumonitis_is_clinically_significant() -> None:
    """CTCAE grade 2 pneumonitis is symptomatic and needs medical intervention."""
    c = _item(
        "Past or present interstitial lung disease or pneumonitis, among them clinically "
        "significant radiation pneumonitis (i.e. limiting daily activities or needing "
        "therapeutic intervention).",
        "interstitial_lung_disease",
        "interstitial lung disease",
    )
    assert judged(c, patient(conditions=[RT_PNEUMONITIS])) is MET
    assert judged(c, patient(conditions=["grade 1 radiation pneumonitis, resolved"])) is NOT_MET


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("History of interstitial lung disease related to prior EGFR inhibitor therapy.",
         "interstitial lung disease"),
        ("Any history of interstitial lung disease related to EGFR TKI use.",
         "interstitial lung disease"),
        ("History of COVID-19-related pneumonitis requiring hospitalization.", "pneumonitis"),
    ],
)  # fmt: skip
def test_a_cause_the_item_names_must_be_the_entrys(text: str, evidence: str) -> None:
    c = _item(text, "interstitial_lung_disease", evidence)
    assert judged(c, patient(conditions=[RT_PNEUMONITIS])) is NOT_MET
    assert judged(c, patient(conditions=["grade 2 pneumonitis"])) is UNKNOWN  # cause not given


def test_an_egfr_inhibitor_pneumonitis_meets_an_egfr_tki_item() -> None:
    c = _item("Any history of interstitial lung disease related to EGFR TKI use.",
              "interstitial_lung_disease", "interstitial lung disease")  # fmt: skip
    assert judged(c, patient(conditions=["grade 3 pneumonitis from osimertinib 2024"])) is MET


def test_another_kind_of_heart_disease_does_not_meet_an_item_naming_one_kind() -> None:
    angina = _item("Unstable angina pectoris", "cardiac_disease", "angina")
    assert judged(angina, PACED) is NOT_MET
    assert judged(angina, patient(conditions=["unstable angina, admitted 2026"])) is MET
    arrhythmia = _item("Uncontrolled ventricular arrhythmia", "cardiac_disease", "arrhythmia")
    assert judged(arrhythmia, PACED) is UNKNOWN  # the same kind: for the investigator


# --- leptomeningeal disease -------------------------------------------------------------------


def _cns(text: str, *states: str) -> Any:
    return m.CnsMetastases(
        section=Section("exclusion"), text=text, span=(0, len(text)), item=0, states=states
    )


def _lmd_patient(sites: list[str], conditions: list[str], brain: str = "treated_stable") -> Patient:
    return patient(
        diagnosis={"cancer": "breast cancer", "metastatic_sites": sites, "brain_metastases": brain},
        conditions=conditions,
    )


LMD_BY_SITE = _lmd_patient(["bone", "leptomeninges"], [])
LMD_BY_CONDITION = _lmd_patient(["bone"], ["leptomeningeal metastases, intrathecal MTX 2025"])
STABLE_BRAIN_ONLY = _lmd_patient(["bone", "brain"], [])
NO_CNS = _lmd_patient(["bone"], [], brain="none")
ANY_LMD = (
    "Known CNS metastases that are active, uncontrolled or symptomatic, carcinomatous "
    "meningitis, or leptomeningeal disease"
)


def test_leptomeningeal_disease_in_the_sites_or_conditions_meets_an_exclusion_naming_it() -> None:
    c = _cns(ANY_LMD, "active", "symptomatic", "leptomeningeal")
    assert judged(c, LMD_BY_SITE) is MET
    assert judged(c, LMD_BY_CONDITION) is MET
    assert judged(_cns("Leptomeningeal metastase", "leptomeningeal"), LMD_BY_SITE) is MET


def test_leptomeningeal_disease_the_profile_does_not_mention_is_unknown_not_absent() -> None:
    c = _cns(ANY_LMD, "active", "symptomatic", "leptomeningeal")
    assert judged(c, STABLE_BRAIN_ONLY) is UNKNOWN
    assert evaluate(c, STABLE_BRAIN_ONLY).missing == "leptomeningeal disease"
    assert judged(c, NO_CNS) is NOT_MET  # brain_metastases: none rules out CNS disease


def test_a_qualified_leptomeningeal_exclusion_leaves_treated_disease_unknown() -> None:
    active = _cns("Active leptomeningeal disease or poorly controlled CNS metastases.",
                  "active", "leptomeningeal")  # fmt: skip
    assert judged(active, LMD_BY_CONDITION) is UNKNOWN
    growing = _lmd_patient(["bone"], ["progressing leptomeningeal carcinomatosis"])
    assert judged(active, growing) is MET
    denied = _lmd_patient(["bone"], ["no leptomeningeal disease on MRI"], brain="active")
    assert judged(_cns("Leptomeningeal disease", "leptomeningeal"), denied) is UNKNOWN


def test_leptomeningeal_disease_alone_is_no_answer_of_no_brain_metastases() -> None:
    """'Symptomatic or progressive CNS metastases' for a patient whose only CNS disease is
    leptomeningeal ('brain_metastases: none' speaks of the parenchyma): met when the entry says
    it is symptomatic, for the investigator otherwise, never 'no brain metastases'."""
    cns = _cns("Unstable, symptomatic or progressive central nervous system (CNS) metastases",
               "symptomatic", "progressing")  # fmt: skip
    symptomatic = _lmd_patient(["liver", "leptomeninges"],
                               ["leptomeningeal spread, symptomatic, on intrathecal therapy"],
                               brain="none")  # fmt: skip
    assert judged(cns, symptomatic) is MET
    quiet = _lmd_patient(["liver", "leptomeninges"], [], brain="none")
    assert judged(cns, quiet) is UNKNOWN
    brain_only_words = _cns("Active brain metastases", "active")
    assert judged(brain_only_words, symptomatic) is UNKNOWN
    assert judged(cns, NO_CNS) is NOT_MET


# --- brain metastases qualified after the noun; radiotherapy recorded among the conditions -------


def test_brain_metastases_requiring_active_treatment_are_not_treated_stable_ones() -> None:
    text = "Known brain metastasis with clinical symptoms or requiring active treatment"
    c = m.CnsMetastases(section=Section("exclusion"), text=text, span=(0, len(text)), item=0,
                        evidence="brain metastasis", states=("any",))  # fmt: skip
    srs_done = patient(diagnosis={"brain_metastases": "treated_stable",
                                  "brain_metastases_symptomatic": False})  # fmt: skip
    assert judged(c, srs_done) is NOT_MET
    assert judged(c, patient(diagnosis={"brain_metastases": "active"})) is MET
    plain = m.CnsMetastases(
        section=Section("exclusion"), text="Known brain metastases", span=(0, 22), item=0,
        evidence="brain metastases", states=("any",),
    )  # fmt: skip
    assert judged(plain, srs_done) is MET


SRS_DONE = patient(
    diagnosis={"cancer": "breast cancer", "brain_metastases": "treated_stable"},
    treatments=[],
    conditions=["brain metastases treated with stereotactic radiosurgery 6 months ago, stable"],
)
UNDATED_RT = patient(treatments=[], conditions=["prior radiotherapy to the breast"])
NO_RT_WORDS = patient(treatments=[], conditions=["type 2 diabetes"])


def test_radiotherapy_named_in_the_conditions_answers_a_radiotherapy_criterion() -> None:
    completed = crit(
        m.PriorTherapy, classes=("radiotherapy", "corticosteroid"), relation="received"
    )
    assert judged(completed, SRS_DONE) is MET
    # the history holds systemic therapy only: its silence leaves radiotherapy or steroids open
    assert judged(completed, NO_RT_WORDS) is UNKNOWN
    washout = crit(m.PriorTherapy, "exclusion", classes=("chemotherapy", "radiotherapy"),
                   relation="received", within_days=28)  # fmt: skip
    assert judged(washout, SRS_DONE) is NOT_MET  # six months ago
    undated = evaluate(washout, UNDATED_RT)
    assert undated.result is UNKNOWN
    assert undated.missing == "dates of radiotherapy"
    assert "prior radiotherapy to the breast" in undated.explanation


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("radiotherapy to the femur completed 3 weeks ago", NOT_MET),
        ("radiotherapy to the femur completed 2 weeks ago", UNKNOWN),  # the first dose decides
        ("radiotherapy to the femur completed 10 days ago", MET),
        ("radiotherapy to the femur, last fraction 2026-10-20", NOT_MET),  # 35 days before
        ("radiotherapy to the femur, last fraction 2026-11-20", MET),
        ("radiotherapy to the femur in 2026-11", UNKNOWN),  # a month straddles the window
        ("radiotherapy to the femur in 2026-09", NOT_MET),
    ],
)
def test_a_radiotherapy_window_reads_the_entrys_date(entry: str, expected: Result) -> None:
    washout = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), relation="received",
                   within_days=14)  # fmt: skip
    assert judged(washout, patient(treatments=[], conditions=[entry])) is expected


def test_palliative_radiotherapy_let_in_by_the_criterion_is_for_the_investigator() -> None:
    washout = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), relation="received",
                   within_days=28).model_copy(update={"text": (
        "Radiotherapy within 4 weeks; an exception is made for palliative radiotherapy to a "
        "small field")})  # fmt: skip
    palliative = patient(treatments=[], conditions=["palliative radiotherapy to L2, 1 week ago"])
    assert judged(washout, palliative) is UNKNOWN
    curative = patient(treatments=[], conditions=["chest wall radiotherapy, 1 week ago"])
    assert judged(washout, curative) is MET


def test_a_generic_radiotherapy_exclusion_without_window_is_left_to_the_investigator() -> None:
    c = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), relation="received")
    assert judged(c, UNDATED_RT) is UNKNOWN
    wbrt = crit(m.PriorTherapy, "exclusion", classes=("whole_brain_radiotherapy",),
                relation="received")  # fmt: skip
    assert judged(wbrt, patient(treatments=[], conditions=["WBRT in 2024"])) is MET
    assert judged(wbrt, SRS_DONE) is NOT_MET


def test_radiotherapy_to_one_site_is_not_radiotherapy_to_another() -> None:
    """'Received chest radiation therapy' is not met by brain radiosurgery; an entry that does
    not say where leaves it open; an excepted kind of radiotherapy does not count."""
    chest = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), relation="received",
                 evidence="chest radiation therapy")  # fmt: skip
    assert judged(chest, SRS_DONE) is not MET
    thoracic = patient(treatments=[], conditions=["thoracic radiotherapy in 2023"])
    assert judged(chest, thoracic) is MET
    spine = patient(treatments=[], conditions=["radiotherapy to the thoracic spine in 2023"])
    assert judged(chest, spine) is not MET  # a bone field, not a chest one
    assert judged(chest, patient(treatments=[], conditions=["radiotherapy in 2023"])) is UNKNOWN
    but_srs = crit(m.PriorTherapy, "exclusion", classes=("radiotherapy",), relation="received",
                   except_classes=("stereotactic_radiotherapy",))  # fmt: skip
    assert judged(but_srs, SRS_DONE) is not MET


# --- treatment-free intervals -------------------------------------------------------------------

TFI_TEXT = (
    "Patients who have received neo-adjuvant or adjuvant chemotherapy or radiotherapy to cure "
    "non-metastatic disease must have had a treatment free interval of 6 months or more since "
    "their last chemotherapy"
)


def _tfi(settings: tuple[str, ...] = ("adjuvant",), negated: bool = True) -> Any:
    # the parse reads "treatment free" as a denial: negated, as the parser gives it today
    return m.PriorTherapy(
        section=Section("inclusion"), text=TFI_TEXT, span=(0, len(TFI_TEXT)), item=0,
        negated=negated, classes=("chemotherapy", "radiotherapy"), relation="received",
        settings=settings, relapse_after_months=6.0,
    )  # fmt: skip


def _nsclc(adjuvant_end: str | None) -> Patient:
    treatments = [{"agents": ["afatinib"], "setting": "metastatic", "start": "2024-08",
                   "end": "2025-10", "outcome": "progression"}]  # fmt: skip
    if adjuvant_end:
        adjuvant = {"agents": ["cisplatin", "vinorelbine"], "setting": "adjuvant",
                    "start": "2019-05", "end": adjuvant_end, "outcome": "completed"}  # fmt: skip
        treatments.insert(0, adjuvant)
    return patient(diagnosis={"cancer": "non-small cell lung cancer"}, treatments=treatments)


def test_a_long_treatment_free_interval_meets_the_minimum_interval() -> None:
    assert judged(_tfi(), _nsclc("2019-08")) is MET  # 59 months, at least 6 asked
    assert judged(_tfi(), _nsclc("2024-05")) is NOT_MET  # 3 months before relapse


def test_a_minimum_interval_asks_nothing_of_those_without_the_therapy() -> None:
    # "Patients who have received X must have ...": a condition on those who had X, whatever
    # settings the parse gives it
    c = _tfi(("neoadjuvant", "adjuvant", "metastatic"), negated=False)
    assert judged(c, _nsclc(None)) is MET


ADEQUATE_THERAPY = (
    "A negative test, or adequate therapy, for human immunodeficiency virus (HIV), for "
    "hepatitis B and/or for hepatitis C."
)


def test_treated_hepatitis_b_meets_an_item_accepting_adequate_therapy() -> None:
    # the parse reads the item as "no hepatitis B" (a negated inclusion)
    c = _item(ADEQUATE_THERAPY, "hepatitis_b", "hepatitis B", section="inclusion", negated=True)
    on_entecavir = "hepatitis B core antibody positive, HBV DNA undetectable, on entecavir"
    assert judged(c, patient(conditions=[on_entecavir])) is MET
    replicating = "chronic hepatitis B on tenofovir, HBV DNA 5000 IU/mL"
    assert judged(c, patient(conditions=[replicating])) is UNKNOWN
    assert judged(c, patient(conditions=["chronic hepatitis B, untreated"])) is NOT_MET
    hiv = _item(ADEQUATE_THERAPY, "hiv", "human immunodeficiency virus", section="inclusion",
                negated=True)  # fmt: skip
    assert judged(hiv, patient(conditions=["HIV on ART, viral load undetectable"])) is MET


def test_a_variant_tested_negative_rules_out_only_that_variant() -> None:
    after_tki = patient(
        biomarkers=[{"gene": "EGFR", "alteration": "L858R"}],
        tested_negative=["EGFR T790M"],
        treatments=[{"agents": ["erlotinib"], "setting": "metastatic", "outcome": "progression"}],
    )
    t790m = crit(m.Biomarker, genes=("EGFR",), variants=("T790M",))
    assert judged(t790m, after_tki) is NOT_MET  # not "arises under TKI, not reported"
    c797s = crit(m.Biomarker, genes=("EGFR",), variants=("C797S",))
    assert judged(c797s, after_tki) is UNKNOWN  # another resistance variant: still open
    only_variant = patient(tested_negative=["EGFR T790M"])
    assert judged(crit(m.Biomarker, genes=("EGFR",)), only_variant) is UNKNOWN  # the gene: open


def test_an_age_exclusion_says_whether_the_age_is_one_it_excludes() -> None:
    under_18 = crit(m.Age, "exclusion", max_years=17.0)
    adult = evaluate(under_18, POST_CDK)  # 58
    assert adult.result is NOT_MET
    assert adult.explanation == "age 58: not under 18"
    over_75 = evaluate(crit(m.Age, "exclusion", min_years=75.0), patient(age=80))
    assert (over_75.result, over_75.explanation) == (MET, "age 80: 75 or older")
    inclusion = evaluate(crit(m.Age, min_years=18.0, max_years=50.0), POST_CDK)
    assert inclusion.explanation == "age 58; the maximum is 50"
