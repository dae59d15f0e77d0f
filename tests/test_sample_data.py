"""The bundled sample keeps its shape: study records as the API returns them, example patients in
the contract's profile format, the cohort in its two layouts, and vignette expectations that point
at real patients, real trials and real criterion text.

These checks read files only; they do not run the importer or the matcher.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from trialmatch.vocab import OPEN_STATUSES, OverallStatus, Phase, StudyType, TrialSex, Verdict

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "trialmatch" / "sample"
STUDIES = sorted((SAMPLE / "studies").glob("*.json"))
PATIENT_FILES = sorted((SAMPLE / "patients").glob("*.yaml"))
EXPECTATIONS = REPO / "tests" / "vignettes" / "expectations.yaml"

MARK = "trialmatch sample record, written for testing; not the registry's text."
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
AGE = re.compile(r"^\d+ (Years|Months|Weeks|Days)$")
#: Patients judged against only some trials (see tests/vignettes/README.md).
SUBSET_PATIENTS = {"pt-sparse-01", "pt-nsclc-01"}
#: Top-level profile fields of CONTRACTS.md section 1.
PROFILE_FIELDS = {
    "id", "age", "sex", "menopausal_status", "ecog", "diagnosis", "receptors", "biomarkers",
    "tested_negative", "treatments", "labs", "conditions", "location",
}  # fmt: skip
#: Lab keys the sample uses, each with a fixed unit (documented in trialmatch/sample/README.md).
LAB_KEYS = {
    "anc", "platelets", "hemoglobin", "bilirubin_xuln", "ast_xuln", "alt_xuln", "creatinine",
    "creatinine_clearance", "hba1c", "fasting_glucose", "qtcf", "lvef",
}  # fmt: skip


@cache
def study(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def studies_by_id() -> dict[str, dict[str, Any]]:
    return {p.stem: study(p) for p in STUDIES}


@cache
def patients() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in PATIENT_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[path.stem] = data
    return out


def expectations() -> list[dict[str, Any]]:
    data = yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))
    assert isinstance(data, list), "expectations.yaml must be a YAML list"
    return data


def unescape(markdown: str) -> str:
    """The API's escaped markdown (`\\>=`, `10\\^9/L`) as plain text."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>^~|])", r"\1", markdown)


def _dates(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every `date` inside a `...DateStruct`, and the plain `...Date` fields, with their paths."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key.endswith("DateStruct"):
                found.append((where, value["date"]))
                assert value["type"] in {"ACTUAL", "ESTIMATED"}, where
            elif key.endswith("Date") and isinstance(value, str):
                found.append((where, value))
            else:
                found += _dates(value, where)
    elif isinstance(node, list):
        for item in node:
            found += _dates(item, path + "[]")
    return found


# --- study records ------------------------------------------------------------------------------


def test_the_sample_has_24_to_30_studies_with_unique_ids() -> None:
    ids = [study(p)["protocolSection"]["identificationModule"]["nctId"] for p in STUDIES]
    assert 24 <= len(ids) <= 30
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_study_has_the_keys_the_api_always_returns(path: Path) -> None:
    doc = study(path)
    assert set(doc) >= {"protocolSection", "derivedSection", "hasResults"}
    assert isinstance(doc["hasResults"], bool)
    protocol = doc["protocolSection"]
    for module in (
        "identificationModule", "statusModule", "sponsorCollaboratorsModule", "descriptionModule",
        "conditionsModule", "designModule", "armsInterventionsModule", "eligibilityModule",
    ):  # fmt: skip
        assert isinstance(protocol.get(module), dict), f"{module} missing"
    ident = protocol["identificationModule"]
    assert ident["nctId"] == path.stem, "nctId must match the file name"
    assert re.fullmatch(r"NCT\d{8}", ident["nctId"])
    assert ident["briefTitle"] and ident["officialTitle"]
    assert protocol["sponsorCollaboratorsModule"]["leadSponsor"]["name"]
    assert protocol["conditionsModule"]["conditions"]
    assert doc["derivedSection"]["miscInfoModule"]["versionHolder"]


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_study_uses_the_api_enums_and_partial_dates(path: Path) -> None:
    protocol = study(path)["protocolSection"]
    status = protocol["statusModule"]
    assert status["overallStatus"] in {s.value for s in OverallStatus}
    if status["overallStatus"] in {"TERMINATED", "WITHDRAWN", "SUSPENDED"}:
        assert status.get("whyStopped"), "stopped studies say why"
    design = protocol["designModule"]
    assert design["studyType"] in {s.value for s in StudyType}
    assert design["phases"] and set(design["phases"]) <= {p.value for p in Phase}
    assert isinstance(design["enrollmentInfo"]["count"], int)
    eligibility = protocol["eligibilityModule"]
    assert eligibility["sex"] in {s.value for s in TrialSex}
    assert AGE.match(eligibility["minimumAge"])
    assert "maximumAge" not in eligibility or AGE.match(eligibility["maximumAge"])
    assert set(eligibility["stdAges"]) <= {"CHILD", "ADULT", "OLDER_ADULT"}
    dates = _dates(protocol["statusModule"])
    assert dates
    for where, value in dates:
        assert PARTIAL_DATE.match(value), f"{where} is not yyyy, yyyy-MM or yyyy-MM-dd"
    version = study(path)["derivedSection"]["miscInfoModule"]["versionHolder"]
    assert PARTIAL_DATE.match(version)
    assert status["lastUpdatePostDateStruct"]["date"] <= version, "record date precedes an update"


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_study_is_marked_as_a_sample(path: Path) -> None:
    summary = study(path)["protocolSection"]["descriptionModule"]["briefSummary"]
    assert MARK in summary


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_eligibility_text_is_escaped_markdown_with_both_sections(path: Path) -> None:
    text = study(path)["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert re.search(r"^(Key )?Inclusion Criteria:?$", text, re.M | re.I)
    assert re.search(r"^(Key )?Exclusion Criteria:?$", text, re.M | re.I)
    assert re.search(r"^(\* |\d+\. )", text, re.M), "items are `* ` bullets or numbered"
    assert not re.search(r"(?<!\\)[<>]", text), "ASCII comparators are escaped as the API does"


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_arms_name_interventions_that_exist(path: Path) -> None:
    arms = study(path)["protocolSection"]["armsInterventionsModule"]
    names = {i["name"] for i in arms["interventions"]}
    for group in arms["armGroups"]:
        for name in group["interventionNames"]:
            kind, _, drug = name.partition(": ")
            assert kind == "Drug" and drug in names, name


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_locations_have_real_coordinates_and_site_status_only_when_open(path: Path) -> None:
    protocol = study(path)["protocolSection"]
    locations = protocol.get("contactsLocationsModule", {}).get("locations", [])
    is_open = protocol["statusModule"]["overallStatus"] in {s.value for s in OPEN_STATUSES}
    for site in locations:
        assert site["city"] and site["country"] and site["facility"]
        assert -90 <= site["geoPoint"]["lat"] <= 90 and -180 <= site["geoPoint"]["lon"] <= 180
        if "status" in site:
            assert is_open, "site statuses are given only for open studies"
            assert site["status"] in {s.value for s in OverallStatus}


def test_the_sample_covers_statuses_cancers_and_a_record_missing_optional_modules() -> None:
    docs = [study(p)["protocolSection"] for p in STUDIES]
    statuses = Counter(d["statusModule"]["overallStatus"] for d in docs)
    assert statuses["RECRUITING"] + statuses["NOT_YET_RECRUITING"] > len(docs) / 2
    assert {"ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "NOT_YET_RECRUITING"} <= set(
        statuses
    )
    conditions = [" ".join(d["conditionsModule"]["conditions"]).lower() for d in docs]
    non_breast = [c for c in conditions if "breast" not in c]
    assert len(non_breast) >= 2
    assert any(
        "contactsLocationsModule" not in d
        and "maximumAge" not in d["eligibilityModule"]
        and "keywords" not in d["conditionsModule"]
        for d in docs
    )


# --- example patients ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATIENT_FILES, ids=[p.stem for p in PATIENT_FILES])
def test_patient_file_is_a_profile_with_its_file_name_as_id(path: Path) -> None:
    profile = patients()[path.stem]
    assert isinstance(profile, dict)
    assert profile.get("id") == path.stem
    assert set(profile) <= PROFILE_FIELDS, set(profile) - PROFILE_FIELDS
    for key, value in (profile.get("labs") or {}).items():
        assert key in LAB_KEYS, key
        assert isinstance(value, int | float) and not isinstance(value, bool), key
    for treatment in profile.get("treatments") or []:
        assert treatment["agents"]
        for field in ("start", "end"):
            if field in treatment:
                assert re.fullmatch(r"\d{4}-\d{2}", str(treatment[field])), field


def test_there_are_8_to_10_example_patients_and_no_shared_ids() -> None:
    example_ids = [p["id"] for p in patients().values()]
    cohort_ids = [json.loads(line)["id"] for line in _jsonl_lines()]
    assert 8 <= len(example_ids) <= 10
    every = example_ids + cohort_ids
    assert len(every) == len(set(every)), [i for i, n in Counter(every).items() if n > 1]


# --- the cohort ---------------------------------------------------------------------------------


def _jsonl_lines() -> list[str]:
    text = (SAMPLE / "patients" / "cohort.jsonl").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def _documented_columns() -> set[str]:
    """Column names from the first cell of each row of the table in CSV.md."""
    doc = (SAMPLE / "patients" / "CSV.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in doc.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]))
    return names


def test_cohort_csv_and_jsonl_hold_the_same_patients_in_order() -> None:
    with (SAMPLE / "patients" / "cohort.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    jsonl = [json.loads(line) for line in _jsonl_lines()]
    assert 20 <= len(rows) <= 30
    assert [r["id"] for r in rows] == [p["id"] for p in jsonl]
    for profile in jsonl:
        assert set(profile) <= PROFILE_FIELDS, profile["id"]


def test_every_cohort_csv_column_is_documented_in_csv_md() -> None:
    with (SAMPLE / "patients" / "cohort.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert "id" in header
    assert set(header) <= _documented_columns(), set(header) - _documented_columns()


# --- vignette expectations ----------------------------------------------------------------------

_EXPECTED = expectations()


@pytest.mark.parametrize(
    "case", _EXPECTED, ids=[f"{c.get('patient')}/{c.get('trial')}" for c in _EXPECTED]
)
def test_expectation_names_a_patient_a_trial_and_words_of_its_criteria(
    case: dict[str, Any],
) -> None:
    assert set(case) == {"patient", "trial", "verdict", "deciding", "deciding_text", "targets"}
    assert case["patient"] in patients(), "no example patient with this id"
    assert case["trial"] in studies_by_id(), "no sample study with this NCT id"
    assert case["verdict"] in {v.value for v in Verdict}
    assert case["deciding"] and case["deciding_text"]
    assert isinstance(case["targets"], list) and all(isinstance(t, str) for t in case["targets"])
    eligibility = studies_by_id()[case["trial"]]["protocolSection"]["eligibilityModule"]
    words = [unescape(eligibility["eligibilityCriteria"]), eligibility["minimumAge"]]
    words.append(eligibility.get("maximumAge", ""))
    assert any(case["deciding_text"] in w for w in words), "deciding_text is not in the trial"


def test_each_pair_is_judged_once_and_full_profiles_against_every_trial() -> None:
    pairs = Counter((c["patient"], c["trial"]) for c in _EXPECTED)
    assert max(pairs.values()) == 1, [p for p, n in pairs.items() if n > 1]
    for patient in set(patients()) - SUBSET_PATIENTS:
        judged = {t for p, t in pairs if p == patient}
        assert judged == set(studies_by_id()), (patient, set(studies_by_id()) - judged)
    for patient in SUBSET_PATIENTS:
        assert sum(1 for p, _ in pairs if p == patient) >= 5, patient


def test_every_patient_but_the_sparse_one_has_an_eligible_trial() -> None:
    verdicts = Counter(c["verdict"] for c in _EXPECTED)
    assert all(verdicts[v.value] >= 30 for v in Verdict), verdicts
    for patient in set(patients()) - {"pt-sparse-01"}:
        assert any(
            c["patient"] == patient and c["verdict"] == Verdict.ELIGIBLE.value for c in _EXPECTED
        ), patient
