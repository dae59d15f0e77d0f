"""The patient page: profiles from the form, a file or pasted text; the ranked result is the
library's (`matcher.match_patient` + `matcher.report`), with every criterion explained."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.support import SAMPLE_PATIENTS, client, text_of, token
from trialmatch.errors import ProfileError
from trialmatch.web.profile_form import form_to_profile, profile_to_form

AS_OF = "2026-11-24"
PATIENT_FILES = sorted(SAMPLE_PATIENTS.glob("*.yaml"))


@pytest.fixture(scope="module")
def web(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    patients = tmp_path_factory.mktemp("web-patient") / "patients.db"
    with client(sample_db, patients) as test_client:
        yield test_client


def _listed(html: str) -> list[str]:
    """NCT ids of the ranked matches, in page order."""
    import re

    return re.findall(r'<li class="match panel v-[a-z_]+" id="m-(NCT\d{8})">', html)


def _library_order(sample_trials: Any, data: dict[str, Any], **options: Any) -> list[str]:
    from matcher import match_patient, parse_profile

    report = match_patient(
        parse_profile(data), sample_trials, as_of=dt.date.fromisoformat(AS_OF), **options
    )
    return [m.result.trial.nct_id for m in report.matches]


@pytest.mark.parametrize("path", PATIENT_FILES, ids=[p.stem for p in PATIENT_FILES])
def test_uploaded_profile_gets_the_library_ranking(
    web: Any, sample_trials: Any, path: Path
) -> None:
    csrf = token(web)
    response = web.post(
        "/patient/match",
        data={"csrf_token": csrf, "as_of": AS_OF, "top": "50", "scope": "open"},
        files={"profile_file": (path.name, path.read_bytes(), "text/yaml")},
    )
    assert response.status_code == 200, text_of(response.text)[:400]
    data = yaml.safe_load(path.read_text())
    assert _listed(response.text) == _library_order(sample_trials, data, top=50)
    page = text_of(response.text)
    assert f"Trials for {data['id']}" in page
    assert f"As of {AS_OF}" in page


@pytest.mark.parametrize("path", PATIENT_FILES, ids=[p.stem for p in PATIENT_FILES])
def test_form_round_trip_keeps_the_profile(path: Path) -> None:
    """A profile put into the form and read back is the same profile (as the matcher sees it)."""
    from matcher import parse_profile

    data = yaml.safe_load(path.read_text())
    values = profile_to_form(data)
    assert parse_profile(form_to_profile(values)) == parse_profile(data)


def test_form_fields_become_a_profile(web: Any, sample_trials: Any) -> None:
    fields = {
        "id": "pt-form-1",
        "age": "64",
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "ecog": "1",
        "dx_cancer": "breast cancer",
        "dx_stage": "metastatic",
        "dx_measurable_disease": "yes",
        "dx_brain_metastases": "none",
        "er": "positive",
        "pr": "positive",
        "her2_ihc": "0",
        "bm-0-gene": "ESR1",
        "bm-0-alteration": "Y537S",
        "bm-0-specimen": "ctdna",
        "tx-0-agents": "letrozole, Ibrance",
        "tx-0-setting": "metastatic",
        "tx-0-outcome": "progression",
        "tx-0-start": "2024-02",
        "lab-0-key": "hba1c",
        "lab-0-value": "5.6",
        "no_conditions": "yes",
        "loc_lat": "42.34",
        "loc_lon": "-71.1",
    }
    response = web.post(
        "/patient/match", data={**fields, "csrf_token": token(web), "as_of": AS_OF, "top": ""}
    )
    assert response.status_code == 200
    assert _listed(response.text) == _library_order(sample_trials, form_to_profile(fields))
    page = text_of(response.text)
    assert "Selects for:" in page or "no trials listed" in page.lower()


def test_result_explains_every_criterion_and_the_open_questions(
    web: Any, sample_trials: Any
) -> None:
    from matcher import match_patient, parse_profile
    from matcher.report import report_json

    path = SAMPLE_PATIENTS / "pt-esr1-01.yaml"
    data = yaml.safe_load(path.read_text())
    response = web.post(
        "/patient/match",
        data={
            "csrf_token": token(web),
            "as_of": AS_OF,
            "top": "5",
            "profile_text": path.read_text(),
        },
    )
    assert response.status_code == 200
    report = report_json(
        match_patient(parse_profile(data), sample_trials, as_of=dt.date.fromisoformat(AS_OF), top=5)
    )
    page = text_of(response.text)
    for match in report["matches"]:
        assert match["nct_id"] in page
        assert response.text.count(f'id="m-{match["nct_id"]}"') == 1
        for criterion in match["criteria"][:5]:
            assert text_of(criterion["explanation"]) in page
    if report["open_questions"]:
        assert "What would settle the unknowns" in page
        assert report["open_questions"][0]["fact"] in page
    assert "Print for tumour board" in page


def test_pasted_json_and_include_ineligible(web: Any, sample_trials: Any) -> None:
    data = {"id": "pt-json-1", "sex": "male", "diagnosis": {"cancer": "breast cancer"}}
    response = web.post(
        "/patient/match",
        data={
            "csrf_token": token(web),
            "as_of": AS_OF,
            "top": "",
            "scope": "any",
            "include_ineligible": "yes",
            "profile_text": json.dumps(data),
        },
    )
    assert response.status_code == 200
    expected = _library_order(sample_trials, data, statuses=None, include_ineligible=True)
    assert _listed(response.text) == expected
    assert "ineligible" in text_of(response.text)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"id": "pt-1", "age": "sixty"}, "age"),
        ({"id": "pt-1", "bm-0-gene": "ESR9"}, "biomarkers[0].gene"),
        ({"id": "pt-1", "tx-0-agents": "letrozol"}, "did you mean letrozole"),
        ({"id": "pt-1", "her2": "low", "her2_ihc": "1+"}, "receptors.her2"),
        ({"id": "John Smith"}, "pseudonymous"),
        ({"id": "pt-1", "lab-0-key": "anc", "lab-0-value": "lots"}, "labs"),
        (
            {"id": "pt-1", "tx-0-agents": "letrozole", "tx-0-start": "last spring"},
            "treatments[0].start",
        ),
        ({"id": "pt-1", "as_of": "tomorrow"}, "as of"),
    ],
    ids=["age", "gene", "drug-suggestion", "her2-both", "not-pseudonymous", "lab", "date", "as-of"],
)
def test_invalid_profile_names_the_field_and_keeps_the_form(
    web: Any, fields: dict[str, str], words: str
) -> None:
    response = web.post("/patient/match", data={**fields, "csrf_token": token(web)})
    assert response.status_code == 400
    error = response.text.split('id="profile-error"')[1].split("</div>")[0]
    assert words in text_of(error)
    # the offending values are not repeated back (profiles hold health data)
    for key in ("age", "bm-0-gene", "lab-0-value", "tx-0-start"):
        if key in fields:
            assert fields[key] not in text_of(error)
    # what was typed is still in the form
    assert 'name="id" value="' in response.text


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (("many.yaml", b"- {id: a}\n- {id: b}\n"), "use the Cohort page"),
        (("notes.txt", b"id: a\n"), "accepted types"),
        (("broken.yaml", b"id: [unclosed\n"), "not valid YAML (line"),
        (("broken.json", b'{"id": '), "not valid JSON"),
        (("scalar.yaml", b"just words\n"), "must be a mapping"),
    ],
    ids=["list", "type", "yaml", "json", "scalar"],
)
def test_bad_profile_files_are_explained(web: Any, upload: tuple[str, bytes], words: str) -> None:
    response = web.post(
        "/patient/match",
        data={"csrf_token": token(web)},
        files={"profile_file": (upload[0], upload[1], "application/octet-stream")},
    )
    assert response.status_code == 400
    assert words in text_of(response.text)


def test_edit_fills_the_form_from_a_profile(web: Any) -> None:
    data = yaml.safe_load((SAMPLE_PATIENTS / "pt-esr1-01.yaml").read_text())
    response = web.post(
        "/patient/edit",
        data={"csrf_token": token(web), "profile_json": json.dumps(data, default=str)},
    )
    assert response.status_code == 200
    assert 'name="bm-0-gene" value="ESR1"' in response.text
    assert 'name="tx-0-agents" value="letrozole, palbociclib"' in response.text
    assert '<option value="metastatic" selected>' in response.text


def test_her2_category_and_test_cannot_both_be_given() -> None:
    with pytest.raises(ProfileError, match=r"receptors\.her2"):
        form_to_profile({"id": "x", "her2": "low", "her2_ish": "negative"})


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"id": "a"}, {"id": "a"}),
        ({"id": "a", "treatment_naive": "yes"}, {"id": "a", "treatments": []}),
        ({"id": "a", "no_conditions": "yes"}, {"id": "a", "conditions": []}),
        (
            {"id": "a", "dx_visceral_crisis": "no"},
            {"id": "a", "diagnosis": {"visceral_crisis": False}},
        ),
        (
            {"id": "a", "tested_negative": "AKT1; PTEN"},
            {"id": "a", "tested_negative": ["AKT1", "PTEN"]},
        ),
        (
            {"id": "a", "mk-0-marker": "PD-L1", "mk-0-value": "12", "mk-0-unit": "CPS"},
            {"id": "a", "biomarkers": [{"marker": "PD-L1", "value": 12, "unit": "CPS"}]},
        ),
        (
            {"id": "a", "loc_postal_code": "02215"},
            {"id": "a", "location": {"postal_code": "02215"}},
        ),
    ],
    ids=["blank-is-unknown", "naive", "no-conditions", "flag-no", "gene-list", "marker", "postal"],
)
def test_form_mapping(values: dict[str, str], expected: dict[str, Any]) -> None:
    assert form_to_profile(values) == expected
