"""The typed columns extracted from a study: ages, ids, hashes, interventions, sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync import shape

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("18 Years", 18.0),
        ("6 Months", 0.5),
        ("1 Year", 1.0),
        ("2 Weeks", 0.0383),
        ("30 Days", 0.0821),
        ("N/A", None),
        (None, None),
        ("", None),
    ],
)
def test_ages_become_years(text: str | None, years: float | None) -> None:
    assert shape.age_in_years(text) == years


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("NCT04072952", "NCT04072952"),
        ("nct04072952", "NCT04072952"),
        ("NCT4072952", "NCT04072952"),
        (" NCT04072952 ", "NCT04072952"),
        ("NCT00000000", None),
        ("04072952", None),
        ("NCT123456789", None),  # nine digits: beyond the registry's pattern
    ],
)
def test_nct_ids_are_normalised_or_refused(given: str, normal: str | None) -> None:
    assert shape.normalize_nct_id(given) == normal


def _row(study: dict) -> dict:  # type: ignore[type-arg]
    return dict(zip(shape.STUDY_COLUMNS, shape.shape_dict(study).row, strict=True))


def test_the_row_carries_the_contract_columns() -> None:
    study = json.loads((FIXTURES / "NCT04964934.json").read_text())
    row = _row(study)
    assert row["nct_id"] == "NCT04964934" and row["acronym"] == "SERENA-6"
    assert json.loads(row["phases"]) == ["PHASE3"]
    assert json.loads(row["conditions"]) == ["Breast Cancer"]
    assert json.loads(row["interventions"])[1] == {
        "name": "Palbociclib",
        "type": "DRUG",
        "other_names": ["Ibrance", "PD-0332991"],
    }
    assert (row["minimum_age_years"], row["maximum_age_years"]) == (18.0, 130.0)
    assert row["healthy_volunteers"] == 0 and row["enrollment"] == 315
    assert row["eligibility_text"].count("\\>") == 1  # exactly as received, escapes kept
    assert json.loads(row["raw"]) == study


def test_the_unknown_enrollment_sentinel_is_null() -> None:
    study = json.loads((FIXTURES / "NCT03990896.json").read_text())
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 99999999
    assert _row(study)["enrollment"] is None


def test_the_content_hash_ignores_only_the_version_holder_and_layout() -> None:
    study = json.loads((FIXTURES / "NCT04964934.json").read_text())
    base = shape.shape_dict(study).content_hash
    pretty = json.dumps(study, indent=4).encode()
    assert shape.shape_raw(pretty).content_hash == base
    study["derivedSection"]["miscInfoModule"]["versionHolder"] = "2030-01-01"
    assert shape.shape_dict(study).content_hash == base
    study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    assert shape.shape_dict(study).content_hash != base


def test_raw_is_the_study_as_received_without_insignificant_whitespace() -> None:
    text = (FIXTURES / "NCT04964934.json").read_text()
    raw = shape.shape_raw(text.encode()).row[shape.STUDY_COLUMNS.index("raw")]
    assert json.loads(raw) == json.loads(text) and "\n  " not in raw and ", " not in raw[:200]


@pytest.mark.parametrize(
    "data",
    [b"[]", b'{"protocolSection": {"identificationModule": {"nctId": "12"}}}', b"{", b"{}"],
    ids=["a-list", "bad-id", "truncated", "empty-object"],
)
def test_what_is_not_a_study_is_refused(data: bytes) -> None:
    with pytest.raises(shape.NotAStudy):
        shape.shape_raw(data)


def test_sites_keep_their_order_status_and_coordinates() -> None:
    study = json.loads((FIXTURES / "NCT04964934.json").read_text())
    rows = shape.shape_dict(study).sites
    assert [r[1] for r in rows] == [0, 1, 2]
    assert rows[0][2:] == (
        "Gulf Coast Cancer Center",
        "Houston",
        "Texas",
        "77030",
        "United States",
        "RECRUITING",
        29.76328,
        -95.36327,
    )
    assert rows[1][7] is None  # no site status given


def test_search_text_is_unescaped_and_names_every_intervention() -> None:
    study = json.loads((FIXTURES / "NCT05654623.json").read_text())
    shaped = shape.shape_dict(study)
    title, conditions, interventions, eligibility = shaped.search
    assert shape.search_text(_row(study)) == shaped.search  # the rebuild path agrees
    assert "VERITAC-2" in title and "ESR1 mutation" in conditions
    assert "ARV-471" in interventions and "Faslodex" in interventions
    assert "< 1.5 x 10^9/L" in eligibility and "\\<" not in eligibility
