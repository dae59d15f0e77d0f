"""Trial verdicts: the contract's rule, registry fields, any-of groups and cohorts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.loading import parse_profile
from matcher.match import match_patient
from matcher.report import judged_json
from tests.match_helpers import make_trials
from trialmatch.vocab import Result, Verdict

AS_OF = dt.date(2026, 11, 24)

PATIENT = parse_profile(
    {
        "id": "pt-v",
        "sex": "female",
        "age": 60,
        "ecog": 1,
        "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"},
        "receptors": {"er": "positive", "her2": "negative"},
        "biomarkers": [{"gene": "ESR1", "alteration": "Y537S"}],
        "treatments": [
            {
                "agents": ["letrozole", "palbociclib"],
                "setting": "metastatic",
                "outcome": "progression",
            }
        ],
    }
)

ECOG = {"section": "inclusion", "kind": "performance_status", "scale": "ecog", "max": 1}
ESR1 = {"section": "inclusion", "kind": "biomarker", "genes": ["ESR1"], "alteration": "mutation"}
ESR1_WT = {**ESR1, "negated": True}
LIFE = {"section": "inclusion", "kind": "life_expectancy", "min_weeks": 12}
NO_CDK = {"section": "exclusion", "kind": "prior_therapy", "classes": ["cdk4_6_inhibitor"]}


def verdicts(*specs: dict[str, Any], **options: Any) -> dict[str, Any]:
    report = match_patient(
        PATIENT, make_trials(*specs), as_of=AS_OF, include_ineligible=True, **options
    )
    return {m.trial.nct_id: m.result for m in report.matches}


def test_every_criterion_met_is_eligible() -> None:
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, ESR1]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.targets == ["ESR1 Y537S"]


def test_an_unknown_makes_it_possibly_eligible() -> None:
    assert (
        verdicts({"nct_id": "NCT1", "criteria": [ECOG, LIFE]})["NCT1"].verdict
        is Verdict.POSSIBLY_ELIGIBLE
    )


def test_an_applying_exclusion_makes_it_ineligible() -> None:
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, NO_CDK]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE
    assert "palbociclib" in result.decisive[0].judgement.explanation


def test_criteria_judged_by_their_words_are_not_shared_across_trials() -> None:
    """Two radiotherapy washouts with the same fields but different sites are judged apart (a
    shared judgement gave the second trial the first one's site)."""
    chest = {"section": "exclusion", "kind": "prior_therapy", "classes": ["radiotherapy"],
             "within_days": 28, "text": "Radiotherapy to the chest within 4 weeks"}  # fmt: skip
    any_site = {**chest, "text": "Radiotherapy of any kind within 4 weeks"}

    def verdict_of(conditions: list[str], one: Any, two: Any) -> dict[str, Verdict]:
        report = match_patient(
            parse_profile({"id": "pt-w", "conditions": conditions}),
            make_trials(
                {"nct_id": "NCT1", "criteria": [one]}, {"nct_id": "NCT2", "criteria": [two]}
            ),
            as_of=AS_OF,
            include_ineligible=True,
        )
        return {m.trial.nct_id: m.result.verdict for m in report.matches}

    verdict = verdict_of(["radiotherapy to the spine completed 1 week ago"], chest, any_site)
    assert verdict["NCT2"] is Verdict.INELIGIBLE
    assert verdict["NCT1"] is not Verdict.INELIGIBLE
    # the same for other medicines, judged by what their words say of them
    effect = {"section": "exclusion", "kind": "prior_therapy", "classes": ["anticoagulant"],
              "text": "Anticoagulants precluding intramuscular injections"}  # fmt: skip
    plain = {**effect, "text": "Anticoagulant treatment"}
    verdict = verdict_of(["on apixaban"], effect, plain)
    assert verdict["NCT1"] is not Verdict.INELIGIBLE
    assert verdict["NCT2"] is Verdict.INELIGIBLE


def test_registry_fields_count() -> None:
    results = verdicts(
        {"nct_id": "NCT1", "criteria": [ECOG], "sex": "MALE"},
        {"nct_id": "NCT2", "criteria": [ECOG], "max_age": 55},
        {"nct_id": "NCT3", "criteria": [ECOG], "conditions": ["Non-small Cell Lung Cancer"]},
        {"nct_id": "NCT4", "criteria": [ECOG], "conditions": ["Advanced Solid Tumors"]},
    )
    assert results["NCT1"].verdict is Verdict.INELIGIBLE
    assert results["NCT2"].verdict is Verdict.INELIGIBLE
    assert results["NCT3"].verdict is Verdict.INELIGIBLE
    assert "lung" in results["NCT3"].decisive[0].judgement.explanation
    assert results["NCT4"].verdict is Verdict.ELIGIBLE


def test_any_of_group_holds_when_one_alternative_holds() -> None:
    er = {
        "section": "inclusion",
        "kind": "receptor",
        "receptor": "ER",
        "status": "positive",
        "any_of": 1,
    }
    pr = {
        "section": "inclusion",
        "kind": "receptor",
        "receptor": "PR",
        "status": "positive",
        "any_of": 1,
    }
    result = verdicts({"nct_id": "NCT1", "criteria": [er, pr]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE
    # the open alternative does not count against the trial, says so, and the JSON groups them
    assert result.judgements[-1].result is Result.NOT_APPLICABLE
    assert result.judgements[-1].explanation.endswith("(an alternative to this is met)")
    rows = [judged_json(j) for j in result.judged if j.source == "criteria"]
    assert [r.get("any_of") for r in rows] == [1, 1]


def test_a_group_across_items_holds_only_through_a_whole_route() -> None:
    """'One of: (a) ESR1-mutant and ECOG 0-1; (b) ...': every part of one route must hold."""
    esr1 = {**ESR1, "any_of": 1, "item": 0}
    ecog0 = {**ECOG, "max": 0, "any_of": 1, "item": 0}  # the patient has ECOG 1
    cdk = {**NO_CDK, "section": "inclusion", "any_of": 1, "item": 1, "negated": True}
    route_fails = verdicts({"nct_id": "NCT1", "criteria": [esr1, ecog0, cdk]})["NCT1"]
    assert route_fails.verdict is Verdict.INELIGIBLE  # (a) half holds, (b) fails
    ecog1 = {**ecog0, "max": 1}
    assert (
        verdicts({"nct_id": "NCT1", "criteria": [esr1, ecog1, cdk]})["NCT1"].verdict
        is Verdict.ELIGIBLE
    )
    # alternatives within one item still hold through any one of them
    within = [{**esr1}, {**ecog0}]
    assert verdicts({"nct_id": "NCT1", "criteria": within})["NCT1"].verdict is Verdict.ELIGIBLE


def test_the_routes_of_one_item_each_hold_only_whole() -> None:
    """'Meeting any of the following: ESR1-mutant with ECOG 0; no earlier CDK4/6 inhibitor':
    one item, two ways in; the first needs both of its parts."""
    esr1 = {**ESR1, "any_of": 1, "item": 0, "route": 1}
    ecog0 = {**ECOG, "max": 0, "any_of": 1, "item": 0, "route": 1}  # the patient has ECOG 1
    cdk = {**NO_CDK, "section": "inclusion", "any_of": 1, "item": 0, "route": 2, "negated": True}
    result = verdicts({"nct_id": "NCT1", "criteria": [esr1, ecog0, cdk]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE  # without routes, ESR1 alone would have done
    ecog1 = {**ecog0, "max": 1}
    result = verdicts({"nct_id": "NCT1", "criteria": [esr1, ecog1, cdk]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE
    rows = [judged_json(j) for j in result.judged if j.source == "criteria"]
    assert [r.get("route") for r in rows] == [1, 1, 2]


def test_the_cancers_of_one_route_are_alternatives() -> None:
    """A basket's list item and a single-cancer item joined across items: within the list's
    route the cancers are alternatives (a patient has one primary cancer)."""
    listed = [
        {"section": "inclusion", "kind": "cancer_type", "cancer": name, "any_of": 1, "item": 0}
        for name in ("colorectal cancer", "breast cancer", "ovarian cancer")
    ]
    alone = {**listed[0], "cancer": "melanoma", "item": 1}
    result = verdicts({"nct_id": "NCT1", "criteria": [*listed, alone]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE
    without_breast = [c for c in listed if c["cancer"] != "breast cancer"]
    result = verdicts({"nct_id": "NCT1", "criteria": [*without_breast, alone]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE


def test_a_condition_label_binds_only_the_patients_it_names() -> None:
    """'Patients with prostate cancer must keep taking a GnRH agonist' beside breast cancer."""
    gnrh = {
        "section": "inclusion",
        "kind": "prior_therapy",
        "classes": ["gnrh_agonist"],
        "cohort": "Patients with prostate cancer",
    }
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, gnrh]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.cohort is None
    as_cohort = {**gnrh, "cohort": "Prostate cohort"}  # a cohort to enrol in binds its members
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, as_cohort]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE


def test_a_cohort_named_only_in_the_exclusions_binds_only_that_cohort() -> None:
    """'For the endocrine-naive cohort: earlier endocrine therapy' as the trial's only label, on
    an exclusion: the patient with endocrine therapy is judged in the main population."""
    labelled = {
        "section": "exclusion",
        "kind": "prior_therapy",
        "classes": ["endocrine_therapy"],
        "cohort": "endocrine naive cohort",
    }
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, labelled]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.cohort is None
    as_entry = {**labelled, "section": "inclusion", "negated": True}  # a labelled way in binds
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, as_entry]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE


def test_exclusions_naming_two_cohorts_leave_no_one_outside_both() -> None:
    """'More than 2 endocrine lines in Cohort 1; more than 1 in Cohort 2': every patient is in
    one of the two, so failing both exclusions is failing the trial."""
    one_line = {"section": "exclusion", "kind": "line_count", "scope": "any", "min": 1}
    trial = {
        "nct_id": "NCT1",
        "criteria": [
            ECOG,
            {**one_line, "cohort": "Cohort 1"},
            {**NO_CDK, "cohort": "Cohort 2"},
        ],
    }
    result = verdicts(trial)["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE and result.cohort in {"Cohort 1", "Cohort 2"}


def test_a_cohort_labelled_way_in_leaves_the_unlabelled_ways_open() -> None:
    """'Meet 1 of the following: progressed on first-line endocrine therapy; ...; for the
    endocrine-naive cohort: no earlier endocrine therapy', and that cohort's exclusion of
    earlier endocrine therapy: a patient who progressed on an AI enters by the first way."""
    progressed = {
        "section": "inclusion",
        "kind": "prior_therapy",
        "classes": ["aromatase_inhibitor"],
        "relation": "progressed",
        "any_of": 1,
    }
    naive = {
        "section": "inclusion",
        "kind": "prior_therapy",
        "classes": ["endocrine_therapy"],
        "negated": True,
        "any_of": 1,
        "cohort": "endocrine naive cohort",
    }
    barred = {**naive, "section": "exclusion", "negated": False, "any_of": None}
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, progressed, naive, barred]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.cohort is None
    alone = {**naive, "any_of": None}  # the label's own requirement, not one way among others
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, progressed, alone, barred]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE


def test_breast_receptor_words_do_not_concern_other_cancers() -> None:
    lung = parse_profile(
        {"id": "pt-l", "diagnosis": {"cancer": "non-small cell lung cancer", "stage": "metastatic"}}
    )
    er = {"section": "inclusion", "kind": "receptor", "receptor": "ER", "status": "positive"}
    report = match_patient(
        lung, make_trials({"nct_id": "NCT1", "criteria": [er]}), as_of=AS_OF,
        include_ineligible=True,
    )  # fmt: skip
    assert report.matches[0].result.judgements[-1].result.value == "not_applicable"


def test_a_label_naming_several_parts_applies_to_each_of_their_cohorts() -> None:
    shared = {**ECOG, "max": 0, "cohort": "Part A and Part B"}  # the patient has ECOG 1
    b1 = {**ESR1, "cohort": "Cohort B1"}
    result = verdicts({"nct_id": "NCT1", "criteria": [shared, b1]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE  # Cohort B1 is in Part B: ECOG 0 applies too
    relaxed = {**shared, "max": 1}
    result = verdicts({"nct_id": "NCT1", "criteria": [relaxed, b1]})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.cohort == "Cohort B1"


def test_cohorts_are_judged_separately_and_the_best_one_wins() -> None:
    trial = {
        "nct_id": "NCT1",
        "criteria": [
            ECOG,
            {**ESR1, "cohort": "Cohort A"},
            {**ESR1_WT, "cohort": "Cohort B"},
        ],
    }
    result = verdicts(trial)["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE and result.cohort == "Cohort A"


def test_cohorts_named_by_menopausal_status_take_only_that_status() -> None:
    """A premenopausal woman goes through the premenopausal cohort, whatever the other asks."""
    no_line = {"section": "exclusion", "kind": "line_count", "scope": "any",
               "settings": ["metastatic"], "min": 1}  # fmt: skip
    trial = {
        "nct_id": "NCT1",
        "criteria": [
            ECOG,
            {**ESR1, "cohort": "Premenopausal cohort"},
            {**no_line, "cohort": "Premenopausal cohort"},
            {**ESR1, "cohort": "Postmenopausal cohort"},
        ],
    }
    premenopausal = parse_profile({**PATIENT.model_dump(exclude_none=True),
                                   "menopausal_status": "premenopausal"})  # fmt: skip
    report = match_patient(premenopausal, make_trials(trial), as_of=AS_OF, include_ineligible=True)
    (result,) = [m.result for m in report.matches]
    # her metastatic line excludes her from her cohort; the other cohort is not hers
    assert result.verdict is Verdict.INELIGIBLE and result.cohort == "Premenopausal cohort"
    postmenopausal = parse_profile({**PATIENT.model_dump(exclude_none=True),
                                    "menopausal_status": "postmenopausal"})  # fmt: skip
    report = match_patient(postmenopausal, make_trials(trial), as_of=AS_OF)
    assert [m.result.cohort for m in report.matches] == ["Postmenopausal cohort"]


def test_unparsed_trials_are_never_eligible() -> None:
    result = verdicts({"nct_id": "NCT1", "criteria": [], "parsed": False})["NCT1"]
    assert result.verdict is Verdict.POSSIBLY_ELIGIBLE


def test_trials_without_eligibility_text_are_never_eligible() -> None:
    result = verdicts({"nct_id": "NCT1", "criteria": []})["NCT1"]
    assert result.verdict is Verdict.POSSIBLY_ELIGIBLE
    (decision,) = result.decisive
    assert decision.judgement.missing == "the trial's eligibility criteria"


def test_a_solid_tumour_basket_listing_examples_takes_any_solid_tumour() -> None:
    """'Locally Advanced or Metastatic Solid Tumors; NSCLC; Melanoma; TNBC': the examples do not
    narrow the basket: a breast cancer patient, named by none of them, fits it."""
    conditions = ["Locally Advanced or Metastatic Solid Tumors", "NSCLC", "Melanoma", "HCC"]
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG], "conditions": conditions})["NCT1"]
    assert result.verdict is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (["Fragile X Syndrome"], Verdict.INELIGIBLE),
        (["Axial Spondyloarthritis", "Healthy Volunteers"], Verdict.INELIGIBLE),
        (["ESR1 Mutation"], Verdict.POSSIBLY_ELIGIBLE),  # a cancer gene: judged by hand
        (["Hot Flashes"], Verdict.INELIGIBLE),
        ([], Verdict.POSSIBLY_ELIGIBLE),  # nothing says it is about another disease
    ],
)
def test_trials_of_other_diseases_fit_no_cancer_patient(
    conditions: list[str], expected: Verdict
) -> None:
    trial = {"nct_id": "NCT1", "criteria": [ECOG], "conditions": conditions, "title": "A study"}
    assert verdicts(trial)["NCT1"].verdict is expected


def test_a_title_naming_a_cancer_keeps_the_trial() -> None:
    trial = {"nct_id": "NCT1", "criteria": [ECOG], "conditions": ["Hot Flashes"],
             "title": "Hot flashes in women treated for breast cancer"}  # fmt: skip
    assert verdicts(trial)["NCT1"].verdict is Verdict.ELIGIBLE


def test_default_listing_hides_ineligible_and_closed_trials() -> None:
    trials = make_trials(
        {"nct_id": "NCT1", "criteria": [ECOG]},
        {"nct_id": "NCT2", "criteria": [ECOG], "overall_status": "COMPLETED"},
        {"nct_id": "NCT3", "criteria": [NO_CDK]},
        {"nct_id": "NCT4", "criteria": [ECOG], "overall_status": "NOT_YET_RECRUITING"},
    )
    listed = [m.trial.nct_id for m in match_patient(PATIENT, trials, as_of=AS_OF).matches]
    assert listed == ["NCT1", "NCT4"]
    every = match_patient(PATIENT, trials, as_of=AS_OF, statuses=None, include_ineligible=True)
    assert {m.trial.nct_id for m in every.matches} == {"NCT1", "NCT2", "NCT3", "NCT4"}


def test_open_questions_count_the_trials_each_fact_would_decide() -> None:
    sparse = parse_profile({"id": "pt-s", "age": 50, "diagnosis": {"cancer": "breast cancer"}})
    trials = make_trials(
        {"nct_id": "NCT1", "criteria": [ECOG, ESR1]},
        {"nct_id": "NCT2", "criteria": [ESR1]},
        {"nct_id": "NCT3", "criteria": [ECOG]},
    )
    report = match_patient(sparse, trials, as_of=AS_OF)
    questions = {q.fact: (q.trials, q.sole) for q in report.open_questions}
    assert questions["ESR1 status"] == (2, 1)
    assert questions["ECOG performance status"] == (2, 1)


def test_judgements_that_read_the_words_are_not_shared_between_wordings() -> None:
    plain = {
        "section": "exclusion",
        "kind": "comorbidity",
        "condition": "diabetes",
        "text": "Diabetes",
    }
    qualified = {**plain, "text": "Type 2 diabetes that needs insulin"}
    diabetic = parse_profile(
        {**PATIENT.model_dump(exclude_none=True), "conditions": ["type 2 diabetes"]}
    )
    trials = make_trials(
        {"nct_id": "NCT1", "criteria": [plain]}, {"nct_id": "NCT2", "criteria": [qualified]}
    )
    report = match_patient(diabetic, trials, as_of=AS_OF, include_ineligible=True)
    verdicts = {m.trial.nct_id: m.verdict for m in report.matches}
    assert verdicts == {"NCT1": Verdict.INELIGIBLE, "NCT2": Verdict.POSSIBLY_ELIGIBLE}


def test_the_prefilter_drops_only_what_cannot_match() -> None:
    esr1_trial = {"nct_id": "NCT1", "criteria": [ESR1]}
    trials = make_trials(
        esr1_trial,
        {"nct_id": "NCT2", "criteria": [ECOG], "sex": "MALE"},
        {"nct_id": "NCT3", "criteria": [ECOG], "max_age": 50},
        {"nct_id": "NCT4", "criteria": [{**ESR1, "cohort": "Cohort A"}]},
        {"nct_id": "NCT5", "criteria": [ECOG], "conditions": ["Non-small Cell Lung Cancer"]},
    )
    kept = trials.candidates("breast", sex="female", age=60, ruled_out=frozenset({"ESR1"}))
    assert [trials.trials[i].nct_id for i in kept] == ["NCT4"]
    unknown = trials.candidates("breast")
    assert [trials.trials[i].nct_id for i in unknown] == ["NCT1", "NCT2", "NCT3", "NCT4"]


def test_a_medicine_other_than_cancer_treatment_is_not_settled_by_the_history() -> None:
    """The profile's treatments are the systemic anticancer history (contract section 1): its
    silence about an antacid or a bisphosphonate settles nothing."""
    ppi = {"section": "inclusion", "kind": "prior_therapy", "classes": ["proton_pump_inhibitor"]}
    result = verdicts({"nct_id": "NCT1", "criteria": [ppi]})["NCT1"]
    assert result.verdict is Verdict.POSSIBLY_ELIGIBLE
    taxane = {**ppi, "classes": ["taxane"]}  # a cancer treatment: the history settles it
    assert verdicts({"nct_id": "NCT1", "criteria": [taxane]})["NCT1"].verdict is Verdict.INELIGIBLE
    excluded = {**ppi, "section": "exclusion"}
    assert verdicts({"nct_id": "NCT1", "criteria": [excluded]})["NCT1"].verdict is Verdict.ELIGIBLE


def test_a_condition_naming_the_patients_cancer_binds_her() -> None:
    """'Patients with breast cancer (stage II) ...' beside 'Patients with rectal cancer ...':
    a breast cancer patient goes through the breast condition, not around it."""
    cancers = [
        {"section": "inclusion", "kind": "cancer_type", "cancer": name, "any_of": 1, "item": n}
        for n, name in enumerate(("breast cancer", "colorectal cancer"))
    ]
    early = {
        "section": "inclusion",
        "kind": "disease_stage",
        "stages": ["early"],
        "cohort": "Patients with breast cancer",
    }
    rectal = {**ECOG, "cohort": "Patients with rectal cancer"}
    result = verdicts({"nct_id": "NCT1", "criteria": [*cancers, early, rectal]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE  # the patient is metastatic
    assert result.cohort == "Patients with breast cancer"


def test_registry_conditions_of_early_disease_exclude_metastatic_patients() -> None:
    early = {"nct_id": "NCT1", "conditions": ["Localized Resectable Tumor"], "criteria": [ECOG]}
    assert verdicts(early)["NCT1"].verdict is Verdict.INELIGIBLE  # the patient is metastatic
    mixed = {**early, "conditions": ["Early Breast Cancer", "Metastatic Breast Cancer"]}
    assert verdicts(mixed)["NCT1"].verdict is not Verdict.INELIGIBLE


def test_a_basket_restricted_by_a_biomarker_leaves_other_cancers_open() -> None:
    trials = (
        {
            "nct_id": "NCT1",
            "criteria": [ECOG],
            "conditions": ["Melanoma", "HER2-amplified Solid Tumor"],
        },
        {"nct_id": "NCT2", "criteria": [ECOG], "conditions": ["Melanoma", "Solid Tumor"]},
        {"nct_id": "NCT3", "criteria": [ECOG], "conditions": ["Melanoma"]},
    )
    found = verdicts(*trials)
    assert found["NCT1"].verdict is Verdict.POSSIBLY_ELIGIBLE
    assert found["NCT2"].verdict is Verdict.ELIGIBLE
    assert found["NCT3"].verdict is Verdict.INELIGIBLE


def test_criteria_judged_by_their_words_are_not_shared_across_wordings() -> None:
    # the same fields, but one allowance of bone-only disease needs a lytic lesion: a patient
    # with bone-only disease of unknown type meets the first and is unknown for the second
    bone_only = {"kind": "measurable_disease", "section": "inclusion", "or_bone_only": True}
    trials = make_trials(
        {"nct_id": "NCT00000101",
         "criteria": [{**bone_only, "text": "Measurable disease or bone-only disease"}]},
        {"nct_id": "NCT00000102",
         "criteria": [{**bone_only, "text": "Measurable disease, or bone-only disease with at "
                       "least one predominantly lytic lesion"}]},
    )  # fmt: skip
    profile = parse_profile(
        {"id": "pt-bone", "diagnosis": {"cancer": "breast cancer", "stage": "metastatic",
         "measurable_disease": False, "metastatic_sites": ["bone"]}}
    )  # fmt: skip
    report = match_patient(profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True)
    results = {m.result.trial.nct_id: m.result.judged[-1].judgement.result for m in report.matches}
    assert results == {"NCT00000101": Result.MET, "NCT00000102": Result.UNKNOWN}


def test_a_limit_only_the_title_states_leaves_a_misfit_possibly_eligible() -> None:
    ecog = {"kind": "performance_status", "section": "inclusion", "scale": "ecog", "max": 1}
    trials = make_trials(
        {"nct_id": "NCT00000201", "title": "Drug X for Locally Advanced Breast Cancer",
         "criteria": [ecog]},
        {"nct_id": "NCT00000202", "title": "Drug X for Advanced or Metastatic Breast Cancer",
         "criteria": [ecog]},
        {"nct_id": "NCT00000203", "title": "Drug X in Postmenopausal Women With Breast Cancer",
         "criteria": [ecog]},
    )  # fmt: skip
    profile = parse_profile(
        {"id": "pt-t", "sex": "female", "age": 50, "ecog": 0, "menopausal_status": "premenopausal",
         "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"}}
    )  # fmt: skip
    report = match_patient(profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True)
    verdicts = {m.result.trial.nct_id: m.result.verdict for m in report.matches}
    assert verdicts == {
        "NCT00000201": Verdict.POSSIBLY_ELIGIBLE,  # the title names locally advanced disease
        "NCT00000202": Verdict.ELIGIBLE,
        "NCT00000203": Verdict.POSSIBLY_ELIGIBLE,  # the title names postmenopausal women
    }


@pytest.mark.parametrize(
    "title",
    [
        "Drug X in Pre- and Postmenopausal Chinese Women With Breast Cancer",
        "Drug X in Pre-/Postmenopausal Women With Breast Cancer",
        "Drug X in Postmenopausal or Premenopausal Women With Breast Cancer",
    ],
)
def test_a_title_that_names_both_menopausal_states_restricts_to_neither(title: str) -> None:
    ecog = {"kind": "performance_status", "section": "inclusion", "scale": "ecog", "max": 1}
    trials = make_trials({"nct_id": "NCT00000204", "title": title, "criteria": [ecog]})
    profile = parse_profile(
        {"id": "pt-t", "sex": "female", "age": 41, "ecog": 0, "menopausal_status": "premenopausal",
         "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"}}
    )  # fmt: skip
    report = match_patient(profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True)
    assert [m.result.verdict for m in report.matches] == [Verdict.ELIGIBLE]


def test_a_her2_status_only_the_title_states_is_checked() -> None:
    ecog = {"kind": "performance_status", "section": "inclusion", "scale": "ecog", "max": 1}
    her2_rule = {"kind": "receptor", "section": "inclusion", "receptor": "HER2", "status": "low"}
    trials = make_trials(
        {"nct_id": "NCT00000211", "title": "Drug Y for HER2-expressing Solid Tumours",
         "criteria": [ecog]},
        {"nct_id": "NCT00000212", "title": "Drug Y for HER2-positive Breast Cancer",
         "criteria": [ecog, her2_rule]},
    )  # fmt: skip
    profile = parse_profile(
        {"id": "pt-h", "age": 60, "ecog": 0, "receptors": {"her2": {"ihc": "0"}},
         "diagnosis": {"cancer": "breast cancer", "stage": "metastatic"}}
    )  # fmt: skip
    report = match_patient(profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True)
    verdicts = {m.result.trial.nct_id: m.result.verdict for m in report.matches}
    # the title names HER2-expressing disease and the criteria say nothing: left open
    assert verdicts["NCT00000211"] is Verdict.POSSIBLY_ELIGIBLE
    # the criteria state a HER2 status: they decide, not the title
    assert verdicts["NCT00000212"] is Verdict.INELIGIBLE


def test_a_label_met_only_in_the_exclusions_is_no_way_around_the_inclusions() -> None:
    """'In phase II: earlier X' among the exclusions narrows phase II; it does not open a
    route on which the labelled inclusions (ESR1 wild-type for Part A and Part B) do not
    apply."""
    part_a = {**ESR1_WT, "cohort": "Part A"}
    part_b = {**ESR1_WT, "cohort": "Part B"}
    phase_2 = {**NO_CDK, "classes": ["parp_inhibitor"], "cohort": "Phase II"}
    result = verdicts({"nct_id": "NCT1", "criteria": [ECOG, part_a, part_b, phase_2]})["NCT1"]
    assert result.verdict is Verdict.INELIGIBLE  # the patient's tumour has an ESR1 mutation


def test_brain_metastasis_wordings_are_not_shared() -> None:
    """Two trials whose criteria have the same fields but other words: each is judged by its
    own ("uncontrolled symptomatic" asks for both states; "active or symptomatic" for one)."""
    cns = {"kind": "cns_metastases", "section": "exclusion", "states": ["active", "symptomatic"]}
    either = {**cns, "text": "Active or symptomatic brain metastases"}
    both = {**cns, "text": "Uncontrolled symptomatic brain metastases"}
    trials = make_trials(
        {"nct_id": "NCT00000301", "criteria": [either]},
        {"nct_id": "NCT00000302", "criteria": [both]},
    )
    profile = parse_profile(
        {"id": "pt-cns", "diagnosis": {"cancer": "lung cancer", "stage": "metastatic",
         "brain_metastases": "active", "brain_metastases_symptomatic": False}}
    )  # fmt: skip
    report = match_patient(profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True)
    results = {m.result.trial.nct_id: m.result.judged[-1].judgement.result for m in report.matches}
    assert results == {"NCT00000301": Result.MET, "NCT00000302": Result.NOT_MET}


def test_an_unless_clause_the_parse_lost_is_settled_from_the_history_or_left_open() -> None:
    # the parse keeps "HER2/neu positive disease" and drops "unless trastuzumab was previously
    # received"; a trial whose same criterion has no such clause must still exclude
    text = "HER2/neu positive disease unless trastuzumab was previously received."
    lost = {"section": "exclusion", "kind": "receptor", "receptor": "HER2", "status": "positive",
            "text": text, "evidence": "HER2/neu positive"}  # fmt: skip
    plain = {**lost, "text": "HER2/neu positive disease", "evidence": "HER2/neu positive"}
    her2 = parse_profile({
        "id": "pt-h", "sex": "female", "age": 55, "diagnosis": {"cancer": "breast cancer"},
        "receptors": {"er": "positive", "her2": "positive"},
        "treatments": [{"agents": ["trastuzumab", "docetaxel"], "setting": "metastatic",
                        "outcome": "progression"}],
    })  # fmt: skip
    naive = parse_profile({**her2.model_dump(exclude_none=True), "treatments": []})
    open_ended = {**lost, "text": text.replace(".", " or is contraindicated.")}
    trials = make_trials(
        {"nct_id": "NCT1", "criteria": [plain]},
        {"nct_id": "NCT2", "criteria": [lost]},
        {"nct_id": "NCT3", "criteria": [open_ended]},
    )

    def run(who: Any) -> dict[str, Any]:
        found = match_patient(who, trials, as_of=AS_OF, include_ineligible=True).matches
        return {m.trial.nct_id: m.result for m in found}

    treated, untreated = run(her2), run(naive)
    assert treated["NCT1"].verdict is Verdict.INELIGIBLE
    assert treated["NCT2"].verdict is Verdict.ELIGIBLE
    assert treated["NCT3"].verdict is Verdict.ELIGIBLE
    assert untreated["NCT2"].verdict is Verdict.INELIGIBLE  # no trastuzumab: no exception
    assert untreated["NCT3"].verdict is Verdict.POSSIBLY_ELIGIBLE  # contraindicated? open
