"""Write the hand-made test fixtures: API v2 study objects and vcrpy cassettes.

Every text field below was written for these fixtures (facts such as NCT ids, drug names and
phases follow the review the project grew from; the sentences are ours). The shapes follow the
real API v2 responses: module names, enum strings, date structs, `nextPageToken` absent on the last
page, `totalCount` on the first page only, markdown escapes (`\\>=`) in eligibility text, plain-text
400 and 404 bodies.

    python cassettes/build.py          # rewrite cassettes/studies/*.json and cassettes/*.yaml
    python cassettes/build.py --check  # exit 1 if the committed files differ from this script

The tests read the written files; `tests/test_sync_cassettes.py` checks they are up to date.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

HERE = Path(__file__).resolve().parent
API = "https://clinicaltrials.gov/api/v2"
VERSION = "2026-11-20"


def _site(
    facility: str,
    city: str,
    state: str | None,
    zip_: str | None,
    country: str,
    lat: float,
    lon: float,
    status: str | None = None,
) -> dict[str, Any]:
    site: dict[str, Any] = {"facility": facility}
    if status:
        site["status"] = status
    site["city"] = city
    if state:
        site["state"] = state
    if zip_:
        site["zip"] = zip_
    site["country"] = country
    site["geoPoint"] = {"lat": lat, "lon": lon}
    return site


def study(
    nct_id: str,
    *,
    brief: str,
    official: str,
    acronym: str | None,
    status: str,
    phases: list[str],
    sponsor: str,
    sponsor_class: str,
    conditions: list[str],
    keywords: list[str],
    summary: str,
    arms: list[tuple[str, str, str, list[str]]],
    interventions: list[tuple[str, str, str, list[str], list[str]]],
    eligibility: str,
    sex: str,
    min_age: str,
    max_age: str | None,
    enrollment: int,
    start: str,
    updated: str,
    sites: list[dict[str, Any]],
    meshes: list[tuple[str, str]],
) -> dict[str, Any]:
    """An API v2 study object in the registry's key order."""
    elig: dict[str, Any] = {
        "eligibilityCriteria": eligibility,
        "healthyVolunteers": False,
        "sex": sex,
        "minimumAge": min_age,
    }
    if max_age:
        elig["maximumAge"] = max_age
    elig["stdAges"] = ["ADULT", "OLDER_ADULT"]
    ident: dict[str, Any] = {
        "nctId": nct_id,
        "orgStudyIdInfo": {"id": f"TM-{nct_id[-5:]}"},
        "organization": {"fullName": sponsor, "class": sponsor_class},
        "briefTitle": brief,
        "officialTitle": official,
    }
    if acronym:
        ident["acronym"] = acronym
    conds: dict[str, Any] = {"conditions": conditions}
    if keywords:
        conds["keywords"] = keywords
    return {
        "protocolSection": {
            "identificationModule": ident,
            "statusModule": {
                "statusVerifiedDate": updated[:7],
                "overallStatus": status,
                "expandedAccessInfo": {"hasExpandedAccess": False},
                "startDateStruct": {"date": start, "type": "ACTUAL"},
                "primaryCompletionDateStruct": {"date": "2028-06", "type": "ESTIMATED"},
                "completionDateStruct": {"date": "2029-12", "type": "ESTIMATED"},
                "studyFirstSubmitDate": start,
                "studyFirstSubmitQcDate": start,
                "studyFirstPostDateStruct": {"date": start, "type": "ACTUAL"},
                "lastUpdateSubmitDate": updated,
                "lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "responsibleParty": {"type": "SPONSOR"},
                "leadSponsor": {"name": sponsor, "class": sponsor_class},
            },
            "oversightModule": {
                "oversightHasDmc": True,
                "isFdaRegulatedDrug": True,
                "isFdaRegulatedDevice": False,
            },
            "descriptionModule": {"briefSummary": summary},
            "conditionsModule": conds,
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": phases,
                "designInfo": {
                    "allocation": "RANDOMIZED" if len(arms) > 1 else "NA",
                    "interventionModel": "PARALLEL" if len(arms) > 1 else "SINGLE_GROUP",
                    "primaryPurpose": "TREATMENT",
                    "maskingInfo": {"masking": "NONE"},
                },
                "enrollmentInfo": {"count": enrollment, "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {"label": label, "type": kind, "description": text, "interventionNames": names}
                    for label, kind, text, names in arms
                ],
                "interventions": [
                    {
                        "type": kind,
                        "name": name,
                        "description": text,
                        "armGroupLabels": labels,
                        **({"otherNames": other} if other else {}),
                    }
                    for kind, name, text, labels, other in interventions
                ],
            },
            "outcomesModule": {
                "primaryOutcomes": [
                    {
                        "measure": "Progression-free survival",
                        "description": "Time from randomization until the disease grows or the "
                        "participant dies, judged by the investigator.",
                        "timeFrame": "Up to about 3 years",
                    }
                ]
            },
            "eligibilityModule": elig,
            "contactsLocationsModule": {"locations": sites},
        },
        "derivedSection": {
            "miscInfoModule": {"versionHolder": VERSION},
            "conditionBrowseModule": {"meshes": [{"id": i, "term": t} for i, t in meshes]},
        },
        "hasResults": False,
    }


BREAST = [("D001943", "Breast Neoplasms")]
BOSTON = _site(
    "Harborview Cancer Institute",
    "Boston",
    "Massachusetts",
    "02215",
    "United States",
    42.35843,
    -71.05977,
    "RECRUITING",
)
TORONTO = _site(
    "Lakeshore Oncology Centre",
    "Toronto",
    "Ontario",
    "M5G 1X6",
    "Canada",
    43.70011,
    -79.4163,
    "RECRUITING",
)
MADRID = _site(
    "Hospital Universitario del Norte", "Madrid", None, "28034", "Spain", 40.4165, -3.70256
)
SEOUL = _site(
    "Hangang University Hospital", "Seoul", None, "03080", "Korea, Republic of", 37.566, 126.9784
)
LYON = _site(
    "Centre Rhone Oncologie",
    "Lyon",
    None,
    "69008",
    "France",
    45.74846,
    4.84671,
    "NOT_YET_RECRUITING",
)
HOUSTON = _site(
    "Gulf Coast Cancer Center",
    "Houston",
    "Texas",
    "77030",
    "United States",
    29.76328,
    -95.36327,
    "RECRUITING",
)

STUDIES: list[dict[str, Any]] = [
    study(
        "NCT05654623",
        brief="Vepdegestrant Versus Fulvestrant After Endocrine Therapy and a CDK4/6 Inhibitor",
        official="An Open-Label Randomized Phase 3 Study Comparing the Oral ER Degrader "
        "Vepdegestrant (ARV-471) With Fulvestrant in ER+/HER2- Advanced Breast Cancer",
        acronym="VERITAC-2",
        status="RECRUITING",
        phases=["PHASE3"],
        sponsor="Arvinas Estrogen Receptor, Inc.",
        sponsor_class="INDUSTRY",
        conditions=["Breast Cancer", "Advanced Breast Cancer"],
        keywords=["ER-positive", "HER2-negative", "ESR1 mutation", "PROTAC"],
        summary="People whose advanced breast cancer grew during first-line hormone therapy "
        "with a CDK4/6 inhibitor are assigned by chance to vepdegestrant tablets or to "
        "fulvestrant injections, and the time until the cancer grows is compared.",
        arms=[
            (
                "Vepdegestrant",
                "EXPERIMENTAL",
                "Tablets once a day in 28-day cycles.",
                ["Drug: Vepdegestrant"],
            ),
            (
                "Fulvestrant",
                "ACTIVE_COMPARATOR",
                "Injections on days 1 and 15 of cycle 1, then on day 1 of each cycle.",
                ["Drug: Fulvestrant"],
            ),
        ],
        interventions=[
            (
                "DRUG",
                "Vepdegestrant",
                "Oral PROTAC estrogen receptor degrader.",
                ["Vepdegestrant"],
                ["ARV-471", "PF-07850327"],
            ),
            ("DRUG", "Fulvestrant", "Intramuscular injection.", ["Fulvestrant"], ["Faslodex"]),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* Adults of either sex, aged 18 or more, with breast cancer that has spread or "
        "cannot be removed by surgery\n"
        "* Tumour tested ER-positive and HER2-negative on the most recent sample\n"
        "* Exactly one earlier hormone-based regimen for advanced disease, given together with "
        "a CDK4/6 inhibitor, on which the cancer grew\n"
        "* ECOG performance status of 0 or 1\n"
        "* At least one lesion measurable by RECIST 1.1, or bone lesions only\n\n"
        "Exclusion Criteria:\n\n"
        "* Any chemotherapy already given for the advanced cancer\n"
        "* Brain metastases that are untreated or causing symptoms\n"
        "* Neutrophils \\< 1.5 x 10\\^9/L or platelets \\< 100 x 10\\^9/L\n"
        "* Earlier treatment with fulvestrant, an oral SERD or any ER degrader under study",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=560,
        start="2023-03-06",
        updated="2026-10-02",
        sites=[BOSTON, TORONTO, MADRID],
        meshes=BREAST,
    ),
    study(
        "NCT04964934",
        brief="Switching to Camizestrant When ESR1 Mutation Appears in Blood During First-Line "
        "Therapy",
        official="A Double-Blind Randomized Phase III Study of an Early Switch to Camizestrant "
        "Guided by ctDNA ESR1 Mutation Testing in HR+/HER2- Advanced Breast Cancer",
        acronym="SERENA-6",
        status="ACTIVE_NOT_RECRUITING",
        phases=["PHASE3"],
        sponsor="Northwind Oncology",
        sponsor_class="INDUSTRY",
        conditions=["Breast Cancer"],
        keywords=["ctDNA", "ESR1", "camizestrant", "aromatase inhibitor"],
        summary="Blood is tested every few months during first-line aromatase inhibitor and "
        "CDK4/6 inhibitor treatment; when an ESR1 mutation shows up before scans show growth, "
        "people switch either to camizestrant or stay on the aromatase inhibitor.",
        arms=[
            (
                "Camizestrant switch",
                "EXPERIMENTAL",
                "Camizestrant with the same CDK4/6 "
                "inhibitor, plus a placebo for the aromatase inhibitor.",
                ["Drug: Camizestrant", "Drug: Palbociclib"],
            ),
            (
                "Stay on aromatase inhibitor",
                "ACTIVE_COMPARATOR",
                "Aromatase inhibitor with the "
                "same CDK4/6 inhibitor, plus a placebo for camizestrant.",
                ["Drug: Letrozole", "Drug: Palbociclib"],
            ),
        ],
        interventions=[
            (
                "DRUG",
                "Camizestrant",
                "Oral SERD taken daily.",
                ["Camizestrant switch"],
                ["AZD9833"],
            ),
            (
                "DRUG",
                "Palbociclib",
                "CDK4/6 inhibitor capsule.",
                ["Camizestrant switch", "Stay on aromatase inhibitor"],
                ["Ibrance", "PD-0332991"],
            ),
            (
                "DRUG",
                "Letrozole",
                "Aromatase inhibitor tablet.",
                ["Stay on aromatase inhibitor"],
                ["Femara"],
            ),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "1. Women after menopause, or premenopausal women also given ovarian suppression, and "
        "men\n"
        "2. HR-positive, HER2-negative breast cancer that is advanced at enrolment\n"
        "3. Currently on an aromatase inhibitor with palbociclib, ribociclib or abemaciclib as "
        "the first treatment for advanced disease, for at least 6 months\n"
        "4. ESR1 mutation found in a blood sample with no sign of progression on imaging\n\n"
        "Exclusion Criteria:\n\n"
        "1. Visceral crisis or disease needing chemotherapy now\n"
        "2. QTcF \\> 470 ms on the screening heart tracing",
        sex="ALL",
        min_age="18 Years",
        max_age="130 Years",
        enrollment=315,
        start="2021-06-21",
        updated="2026-09-15",
        sites=[HOUSTON, SEOUL, LYON],
        meshes=BREAST,
    ),
    study(
        "NCT04072952",
        brief="Vepdegestrant Alone and With Palbociclib in ER+/HER2- Advanced Breast Cancer",
        official="A Phase 1/2 Dose Escalation and Expansion Study of ARV-471 Alone and in "
        "Combination With Palbociclib in Locally Advanced or Metastatic ER+/HER2- Breast Cancer",
        acronym="VERITAC",
        status="ACTIVE_NOT_RECRUITING",
        phases=["PHASE1", "PHASE2"],
        sponsor="Arvinas Estrogen Receptor, Inc.",
        sponsor_class="INDUSTRY",
        conditions=["Breast Cancer"],
        keywords=["PROTAC"],
        summary="Finds a safe dose of ARV-471, then tests it alone and with palbociclib in "
        "people treated before with hormone therapy.",
        arms=[
            ("Part A and B: ARV-471", "EXPERIMENTAL", "ARV-471 tablets daily.", ["Drug: ARV-471"]),
            (
                "Part C: ARV-471 with palbociclib",
                "EXPERIMENTAL",
                "ARV-471 with palbociclib.",
                ["Drug: ARV-471", "Drug: Palbociclib"],
            ),
        ],
        interventions=[
            (
                "DRUG",
                "ARV-471",
                "PROTAC ER degrader.",
                ["Part A and B: ARV-471", "Part C: ARV-471 with palbociclib"],
                ["Vepdegestrant"],
            ),
            ("DRUG", "Palbociclib", "Capsule.", ["Part C: ARV-471 with palbociclib"], ["Ibrance"]),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* ER+/HER2- breast cancer, locally advanced or metastatic\n"
        "* Part A: at least 2 earlier hormone-based regimens for any stage, 1 of them for "
        "advanced disease\n"
        "* Part C: at most 1 earlier chemotherapy for advanced disease\n\n"
        "Exclusion Criteria:\n\n"
        "* Known brain metastases that are active\n"
        "* Earlier treatment with ARV-471",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=400,
        start="2019-08-07",
        updated="2026-07-30",
        sites=[BOSTON, HOUSTON],
        meshes=BREAST,
    ),
    study(
        "NCT05104866",
        brief="Dato-DXd Versus Chemotherapy of Investigator's Choice in HR+/HER2- Breast Cancer",
        official="A Randomized Open-Label Phase 3 Study of Datopotamab Deruxtecan Versus "
        "Investigator's Choice of Chemotherapy After One or Two Lines of Chemotherapy",
        acronym="TROPION-Breast01",
        status="ACTIVE_NOT_RECRUITING",
        phases=["PHASE3"],
        sponsor="Northwind Oncology",
        sponsor_class="INDUSTRY",
        conditions=["Breast Neoplasms"],
        keywords=["TROP2", "antibody-drug conjugate"],
        summary="Compares an antibody-drug conjugate aimed at TROP2 with standard single-agent "
        "chemotherapy in people whose cancer no longer responds to hormone therapy.",
        arms=[
            (
                "Dato-DXd",
                "EXPERIMENTAL",
                "Infusion every 3 weeks.",
                ["Drug: Datopotamab deruxtecan"],
            ),
            (
                "Chemotherapy",
                "ACTIVE_COMPARATOR",
                "Eribulin, capecitabine, vinorelbine or gemcitabine.",
                ["Drug: Eribulin", "Drug: Capecitabine"],
            ),
        ],
        interventions=[
            (
                "DRUG",
                "Datopotamab deruxtecan",
                "TROP2-directed ADC.",
                ["Dato-DXd"],
                ["Dato-DXd", "DS-1062a"],
            ),
            ("DRUG", "Eribulin", "Infusion.", ["Chemotherapy"], ["Halaven"]),
            ("DRUG", "Capecitabine", "Tablets.", ["Chemotherapy"], ["Xeloda"]),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* HR-positive, HER2-low or HER2-zero breast cancer (IHC 0, 1+, or 2+ with a negative "
        "ISH test) that cannot be cured\n"
        "* Grew on hormone therapy, or hormone therapy is not a good option any more\n"
        "* One or two earlier lines of chemotherapy for the inoperable or spread cancer\n\n"
        "Exclusion Criteria:\n\n"
        "* Past or present interstitial lung disease or pneumonitis needing steroids\n"
        "* Earlier treatment with a TROP2-directed drug or a topoisomerase I inhibitor payload",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=700,
        start="2021-10-29",
        updated="2026-05-12",
        sites=[TORONTO, MADRID, SEOUL],
        meshes=BREAST,
    ),
    study(
        "NCT03990896",
        brief="Talazoparib for Breast Cancer With a BRCA1 or BRCA2 Mutation Found Only in the "
        "Tumour",
        official="A Phase II Study of Talazoparib in Advanced HR-Positive/HER2-Negative or "
        "Triple-Negative Breast Cancer With Somatic BRCA1/2 Mutations",
        acronym=None,
        status="RECRUITING",
        phases=["PHASE2"],
        sponsor="Riverside University Cancer Center",
        sponsor_class="OTHER",
        conditions=["Metastatic Breast Cancer", "BRCA1 Mutation", "BRCA2 Mutation"],
        keywords=["PARP inhibitor", "somatic"],
        summary="Tests whether the PARP inhibitor talazoparib shrinks breast cancers whose "
        "BRCA1 or BRCA2 change was found in the tumour but not inherited.",
        arms=[("Talazoparib", "EXPERIMENTAL", "Capsule once daily.", ["Drug: Talazoparib"])],
        interventions=[
            ("DRUG", "Talazoparib", "PARP inhibitor.", ["Talazoparib"], ["Talzenna"]),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* Breast cancer that has spread, either HR+/HER2- or triple-negative\n"
        "* A harmful BRCA1 or BRCA2 variant in tumour tissue or circulating tumour DNA, with "
        "no inherited BRCA1/2 variant\n"
        "* Measurable disease\n\n"
        "Exclusion Criteria:\n\n"
        "* Earlier PARP inhibitor treatment\n"
        "* Creatinine clearance \\< 30 mL/min",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=30,
        start="2019-11-12",
        updated="2026-10-20",
        sites=[HOUSTON],
        meshes=BREAST,
    ),
    study(
        "NCT05252416",
        brief="BLU-222 Alone or With Other Medicines in Advanced Solid Tumours",
        official="A Phase 1/2 Study of the Selective CDK2 Inhibitor BLU-222 as a Single Agent "
        "and in Combination in Advanced Solid Tumours",
        acronym="VELA",
        status="NOT_YET_RECRUITING",
        phases=["PHASE1", "PHASE2"],
        sponsor="Beacon Kinase Therapeutics",
        sponsor_class="INDUSTRY",
        conditions=["Solid Tumor", "Breast Cancer", "Ovarian Cancer"],
        keywords=["CCNE1 amplification", "CDK2"],
        summary="First study in people of BLU-222, a drug that blocks CDK2, including in "
        "HR+/HER2- breast cancer after a CDK4/6 inhibitor together with ribociclib and "
        "fulvestrant.",
        arms=[
            ("BLU-222 alone", "EXPERIMENTAL", "Dose escalation.", ["Drug: BLU-222"]),
            (
                "BLU-222 with ribociclib and fulvestrant",
                "EXPERIMENTAL",
                "Breast cancer cohort.",
                ["Drug: BLU-222", "Drug: Ribociclib", "Drug: Fulvestrant"],
            ),
        ],
        interventions=[
            (
                "DRUG",
                "BLU-222",
                "Oral CDK2 inhibitor.",
                ["BLU-222 alone", "BLU-222 with ribociclib and fulvestrant"],
                [],
            ),
            (
                "DRUG",
                "Ribociclib",
                "Tablet.",
                ["BLU-222 with ribociclib and fulvestrant"],
                ["Kisqali"],
            ),
            ("DRUG", "Fulvestrant", "Injection.", ["BLU-222 with ribociclib and fulvestrant"], []),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* Advanced solid tumour with no standard treatment left, or CCNE1 amplified tumour\n"
        "* Breast cohort: HR+/HER2- breast cancer that grew on a CDK4/6 inhibitor\n\n"
        "Exclusion Criteria:\n\n"
        "* Earlier treatment with a CDK2 inhibitor",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=365,
        start="2022-03-01",
        updated="2026-11-03",
        sites=[LYON, BOSTON],
        meshes=[("D009369", "Neoplasms"), *BREAST],
    ),
    study(
        "NCT04895358",
        brief="Pembrolizumab With Chemotherapy for HR+/HER2- Breast Cancer After a CDK4/6 "
        "Inhibitor",
        official="A Randomized Double-Blind Phase 3 Study of Pembrolizumab Plus Chemotherapy "
        "Versus Placebo Plus Chemotherapy in PD-L1 Positive HR+/HER2- Locally Recurrent "
        "Inoperable or Metastatic Breast Cancer",
        acronym=None,
        status="RECRUITING",
        phases=["PHASE3"],
        sponsor="Meridian Immunology",
        sponsor_class="INDUSTRY",
        conditions=["Breast Neoplasms"],
        keywords=["PD-L1", "checkpoint inhibitor"],
        summary="Adds the checkpoint inhibitor pembrolizumab, or a placebo, to chemotherapy "
        "chosen by the doctor, for people with PD-L1 positive tumours who have not yet had "
        "chemotherapy for advanced disease.",
        arms=[
            (
                "Pembrolizumab + chemotherapy",
                "EXPERIMENTAL",
                "Every 3 weeks.",
                ["Biological: Pembrolizumab", "Drug: Paclitaxel"],
            ),
            (
                "Placebo + chemotherapy",
                "PLACEBO_COMPARATOR",
                "Every 3 weeks.",
                ["Drug: Placebo", "Drug: Paclitaxel"],
            ),
        ],
        interventions=[
            (
                "BIOLOGICAL",
                "Pembrolizumab",
                "Infusion.",
                ["Pembrolizumab + chemotherapy"],
                ["MK-3475", "Keytruda"],
            ),
            (
                "DRUG",
                "Paclitaxel",
                "Weekly infusion.",
                ["Pembrolizumab + chemotherapy", "Placebo + chemotherapy"],
                [],
            ),
            ("DRUG", "Placebo", "Saline infusion.", ["Placebo + chemotherapy"], []),
        ],
        eligibility="Inclusion Criteria:\n\n"
        "* HR+/HER2- breast cancer that has come back locally and cannot be operated on, or has "
        "spread\n"
        "* PD-L1 combined positive score (CPS) \\>= 1 in a central laboratory\n"
        "* Cancer grew on or within 6 months of a CDK4/6 inhibitor with hormone therapy\n"
        "* No chemotherapy yet for the advanced cancer\n\n"
        "Exclusion Criteria:\n\n"
        "* Autoimmune disease treated in the last 2 years\n"
        "* Earlier anti-PD-1 or anti-PD-L1 treatment",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=1000,
        start="2021-07-14",
        updated="2026-08-08",
        sites=[HOUSTON, TORONTO, SEOUL],
        meshes=BREAST,
    ),
    study(
        "NCT05216432",
        brief="RLY-2608 in Advanced Solid Tumours With a PIK3CA Mutation",
        official="A First-in-Human Phase 1 Study of the Mutant-Selective PI3K-alpha Inhibitor "
        "RLY-2608 Alone or With Fulvestrant",
        acronym="ReDiscover",
        status="RECRUITING",
        phases=["PHASE1"],
        sponsor="Beacon Kinase Therapeutics",
        sponsor_class="INDUSTRY",
        conditions=["Solid Tumor", "Breast Cancer"],
        keywords=["PIK3CA", "PI3K alpha"],
        summary="Tests doses of RLY-2608 in solid tumours carrying a PIK3CA mutation, and with "
        "fulvestrant in HR+/HER2- breast cancer.",
        arms=[("RLY-2608", "EXPERIMENTAL", "Capsules twice daily.", ["Drug: RLY-2608"])],
        interventions=[("DRUG", "RLY-2608", "Oral PI3K-alpha inhibitor.", ["RLY-2608"], [])],
        eligibility="Inclusion Criteria:\n\n"
        "* Solid tumour with a PIK3CA mutation confirmed in tissue or blood\n"
        "* Breast arm: HR+/HER2- disease after a CDK4/6 inhibitor\n\n"
        "Exclusion Criteria:\n\n"
        "* Diabetes needing insulin, or HbA1c \\>= 8%",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=400,
        start="2022-01-10",
        updated="2026-11-10",
        sites=[BOSTON],
        meshes=[("D009369", "Neoplasms")],
    ),
]

# An observational study with most optional modules missing: no phases, no keywords, no arms or
# interventions, no sites, no maximum age, no derived section.
MINIMAL: dict[str, Any] = {
    "protocolSection": {
        "identificationModule": {
            "nctId": "NCT09000001",
            "organization": {"fullName": "Northside Breast Registry Group", "class": "OTHER"},
            "briefTitle": "Registry of Treatment Choices After CDK4/6 Inhibitors",
        },
        "statusModule": {
            "overallStatus": "ENROLLING_BY_INVITATION",
            "lastUpdatePostDateStruct": {"date": "2026-11-18", "type": "ACTUAL"},
        },
        "conditionsModule": {"conditions": ["Metastatic Breast Cancer"]},
        "designModule": {"studyType": "OBSERVATIONAL"},
        "eligibilityModule": {
            "eligibilityCriteria": "People being treated at a network clinic for breast "
            "cancer that has spread, after a CDK4/6 inhibitor.",
            "sex": "FEMALE",
            "minimumAge": "21 Years",
        },
    },
    "hasResults": False,
}


def changed(original: dict[str, Any], **updates: Any) -> dict[str, Any]:
    """A later version of a study: new status, eligibility text, sites and update date."""
    new = copy.deepcopy(original)
    protocol = new["protocolSection"]
    if "status" in updates:
        protocol["statusModule"]["overallStatus"] = updates["status"]
    if "eligibility" in updates:
        protocol["eligibilityModule"]["eligibilityCriteria"] = updates["eligibility"]
    if "sites" in updates:
        protocol["contactsLocationsModule"]["locations"] = updates["sites"]
    protocol["statusModule"]["lastUpdatePostDateStruct"]["date"] = updates["updated"]
    new["derivedSection"]["miscInfoModule"]["versionHolder"] = "2026-11-23"
    return new


BY_ID = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in STUDIES}
VERITAC2_CLOSED = changed(
    BY_ID["NCT05654623"],
    status="ACTIVE_NOT_RECRUITING",
    eligibility=BY_ID["NCT05654623"]["protocolSection"]["eligibilityModule"][
        "eligibilityCriteria"
    ].replace("ECOG performance status of 0 or 1", "ECOG performance status of 0, 1 or 2"),
    sites=[
        BOSTON,
        {**TORONTO, "status": "ACTIVE_NOT_RECRUITING"},
        _site("Clinica del Sol", "Seville", None, "41013", "Spain", 37.38283, -5.97317),
    ],
    updated="2026-11-22",
)
LATE_COMPLETED = changed(
    study(
        "NCT04478266",
        brief="Amcenestrant With Palbociclib Versus Letrozole With Palbociclib, First Line",
        official="A Randomized Double-Blind Phase 3 Study of Amcenestrant Plus Palbociclib "
        "Versus Letrozole Plus Palbociclib for ER+/HER2- Advanced Breast Cancer Not Treated "
        "Before for Advanced Disease",
        acronym="AMEERA-5",
        status="COMPLETED",
        phases=["PHASE3"],
        sponsor="Harbour Pharma",
        sponsor_class="INDUSTRY",
        conditions=["Breast Cancer"],
        keywords=["SERD"],
        summary="Closed early after a planned interim look showed the new combination would "
        "not beat the standard one.",
        arms=[
            (
                "Amcenestrant + palbociclib",
                "EXPERIMENTAL",
                "Daily tablets.",
                ["Drug: Amcenestrant", "Drug: Palbociclib"],
            )
        ],
        interventions=[
            ("DRUG", "Amcenestrant", "Oral SERD.", ["Amcenestrant + palbociclib"], ["SAR439859"])
        ],
        eligibility="Inclusion Criteria:\n\n* No earlier systemic therapy for advanced disease",
        sex="ALL",
        min_age="18 Years",
        max_age=None,
        enrollment=1068,
        start="2020-10-20",
        updated="2026-11-21",
        sites=[MADRID],
        meshes=BREAST,
    ),
    updated="2026-11-22",
)


# --- cassettes ------------------------------------------------------------------------------------

BREAST_OPEN = {
    "query.cond": "breast cancer",
    "filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING",
}


def _uri(path: str, params: dict[str, str]) -> str:
    return f"{API}{path}" + (f"?{urlencode(params)}" if params else "")


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return _response(status, json.dumps(body, ensure_ascii=False), "application/json", headers)


def _text(
    status: int, body: str, content_type: str = "text/plain", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return _response(status, body, content_type, headers)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _response(
    status: int, body: str, content_type: str, headers: dict[str, str] | None
) -> dict[str, Any]:
    all_headers = {"Content-Type": [content_type], **{k: [v] for k, v in (headers or {}).items()}}
    return {
        "status": {"code": status, "message": _REASONS[status]},
        "headers": all_headers,
        "body": {"string": body},
    }


def _interaction(path: str, params: dict[str, str], response: dict[str, Any]) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "uri": _uri(path, params), "body": None, "headers": {}},
        "response": response,
    }


def _page(params: dict[str, str], size: int, token: str | None) -> dict[str, str]:
    out = {**params, "pageSize": str(size), "countTotal": "true"}
    if token:
        out["pageToken"] = token
    return out


def _ids(ids: list[str], extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"filter.ids": ",".join(ids), **(extra or {})}


HTML_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>ClinicalTrials.gov</title></head>'
    "<body><p>We are making some improvements. Please come back shortly.</p></body></html>"
)


def cassettes() -> dict[str, list[dict[str, Any]]]:
    s = STUDIES
    ids_batch = ["NCT05654623", "NCT04964934", "NCT09999999", "NCT03990896"]
    incremental = {
        **BREAST_OPEN,
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-11-22,MAX]",
        "sort": "LastUpdatePostDate:asc",
    }
    incremental.pop("filter.overallStatus")
    return {
        # three pages of three, three and two studies
        "sync_query_multipage": [
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, None),
                _json(200, {"totalCount": 8, "studies": s[0:3], "nextPageToken": "QmF0Y2gtMQ"}),
            ),
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, "QmF0Y2gtMQ"),
                _json(200, {"studies": s[3:6], "nextPageToken": "QmF0Y2gtMg"}),
            ),
            _interaction(
                "/studies", _page(BREAST_OPEN, 3, "QmF0Y2gtMg"), _json(200, {"studies": s[6:8]})
            ),
        ],
        # a batch of ids of which one is unknown, then that id alone: 404 with a text body
        "sync_ids_batch": [
            _interaction(
                "/studies",
                _page(_ids(ids_batch), 4, None),
                _json(
                    200, {"totalCount": 3, "studies": [BY_ID[i] for i in ids_batch if i in BY_ID]}
                ),
            ),
            _interaction(
                "/studies/NCT09999999", {}, _text(404, "NCT number NCT09999999 not found")
            ),
        ],
        # the followed query after its watermark: only what changed, with no status filter
        "sync_incremental": [
            _interaction(
                "/studies",
                _page(incremental, 1000, None),
                _json(200, {"totalCount": 2, "studies": [LATE_COMPLETED, VERITAC2_CLOSED]}),
            ),
        ],
        "sync_429_retry_after": [
            _interaction(
                "/studies",
                _page(_ids(["NCT05216432"]), 1, None),
                _text(429, "Too many requests", headers={"Retry-After": "7"}),
            ),
            _interaction(
                "/studies",
                _page(_ids(["NCT05216432"]), 1, None),
                _json(200, {"totalCount": 1, "studies": [BY_ID["NCT05216432"]]}),
            ),
        ],
        # the registry fails every attempt: the run fails and nothing changes
        "sync_5xx_exhausted": [
            _interaction("/studies", _page(BREAST_OPEN, 1000, None), _text(code, "upstream error"))
            for code in (503, 502, 500, 503)
        ],
        "sync_html_200": [
            _interaction(
                "/studies",
                _page(_ids(["NCT04895358"]), 1, None),
                _text(200, HTML_PAGE, "text/html;charset=UTF-8"),
            ),
            _interaction(
                "/studies",
                _page(_ids(["NCT04895358"]), 1, None),
                _json(200, {"totalCount": 1, "studies": [BY_ID["NCT04895358"]]}),
            ),
        ],
        "sync_truncated_json": [
            _interaction(
                "/studies",
                _page(_ids(["NCT05104866"]), 1, None),
                _text(
                    200,
                    json.dumps({"totalCount": 1, "studies": [BY_ID["NCT05104866"]]})[:900],
                    "application/json",
                ),
            ),
            _interaction(
                "/studies",
                _page(_ids(["NCT05104866"]), 1, None),
                _json(200, {"totalCount": 1, "studies": [BY_ID["NCT05104866"]]}),
            ),
        ],
        "sync_missing_modules": [
            _interaction(
                "/studies",
                _page(_ids(["NCT09000001"]), 1, None),
                _json(200, {"totalCount": 1, "studies": [MINIMAL]}),
            ),
        ],
        "sync_400_text": [
            _interaction(
                "/studies",
                _page({"query.term": "AREA[TrialColour]blue"}, 1000, None),
                _text(400, "Error parsing query in query.term: Unknown area name: `TrialColour`"),
            ),
        ],
        # pages 1 and 2 arrive, page 3 keeps failing: the run dies after saving two pages
        "sync_page3_fails": [
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, None),
                _json(200, {"totalCount": 8, "studies": s[0:3], "nextPageToken": "QmF0Y2gtMQ"}),
            ),
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, "QmF0Y2gtMQ"),
                _json(200, {"studies": s[3:6], "nextPageToken": "QmF0Y2gtMg"}),
            ),
            *[
                _interaction(
                    "/studies", _page(BREAST_OPEN, 3, "QmF0Y2gtMg"), _text(500, "internal error")
                )
                for _ in range(3)
            ],
        ],
        # the registry refreshed its data between pages: the old token is refused
        "sync_token_expired": [
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, None),
                _json(200, {"totalCount": 8, "studies": s[0:3], "nextPageToken": "QmF0Y2gtMQ"}),
            ),
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, "QmF0Y2gtMQ"),
                _text(400, "The page token is no longer valid"),
            ),
            _interaction(
                "/studies",
                _page(BREAST_OPEN, 3, None),
                _json(200, {"totalCount": 8, "studies": s[0:3], "nextPageToken": "UmVmcmVzaC0x"}),
            ),
            _interaction(
                "/studies", _page(BREAST_OPEN, 3, "UmVmcmVzaC0x"), _json(200, {"studies": s[3:8]})
            ),
        ],
    }


def files() -> dict[Path, str]:
    out: dict[Path, str] = {}
    for item in [*STUDIES, MINIMAL]:
        nct_id = item["protocolSection"]["identificationModule"]["nctId"]
        out[HERE / "studies" / f"{nct_id}.json"] = (
            json.dumps(item, indent=2, ensure_ascii=False) + "\n"
        )
    out[HERE / "studies" / "later" / "NCT05654623.json"] = (
        json.dumps(VERITAC2_CLOSED, indent=2, ensure_ascii=False) + "\n"
    )
    for name, interactions in cassettes().items():
        text = yaml.safe_dump(
            {"interactions": interactions, "version": 1},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        out[HERE / f"{name}.yaml"] = text
    return out


def main(argv: list[str]) -> int:
    stale = []
    for path, text in files().items():
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python cassettes/build.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
