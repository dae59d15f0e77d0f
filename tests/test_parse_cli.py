"""`trialmatch criteria` and `trialmatch reparse` on a small database and on plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from criteria import PARSER_VERSION
from trialmatch.cli import main

TEXT = (
    "Inclusion Criteria:\n\n"
    "* Postmenopausal women with HR-positive, HER2-negative advanced breast cancer\n"
    "* Disease progression on a CDK4/6 inhibitor\n"
    "* ECOG 0-1\n\n"
    "Exclusion Criteria:\n\n"
    "* Active brain metastases\n"
    "* The cafeteria closes at noon\n"
)

STUDY = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT09990001", "briefTitle": "A made-up test study"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "eligibilityModule": {"eligibilityCriteria": TEXT, "sex": "FEMALE"},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]},
    }
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    study = tmp_path / "NCT09990001.json"
    study.write_text(json.dumps(STUDY), encoding="utf-8")
    path = tmp_path / "trials.db"
    result = CliRunner().invoke(main, ["import", "--db", str(path), str(study)])
    assert result.exit_code == 0, result.output
    return path


def test_text_from_stdin_as_table() -> None:
    result = CliRunner().invoke(main, ["criteria", "--text", "-"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert "prior_therapy" in result.output
    assert "cdk4_6_inhibitor" in result.output
    assert "unrecognized" in result.output
    assert "of items typed" in result.output


def test_text_as_json_is_the_contract_shape() -> None:
    result = CliRunner().invoke(main, ["criteria", "--text", "-", "--json"], input=TEXT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"section", "text", "kind", "span", "item"} <= set(data[0])
    assert {c["section"] for c in data} == {"inclusion", "exclusion"}
    assert data[-1] == {**data[-1], "kind": "unrecognized", "text": "The cafeteria closes at noon"}


def test_trial_from_database(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["criteria", "--db", str(db_path), "NCT09990001"])
    assert result.exit_code == 0, result.output
    assert "NCT09990001" in result.output
    assert "cns_metastases" in result.output


def test_trial_json_from_database(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["criteria", "--db", str(db_path), "nct9990001", "--json"])
    assert result.exit_code == 0, result.output
    kinds = [c["kind"] for c in json.loads(result.output)]
    assert "performance_status" in kinds


def test_stats(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["criteria", "--db", str(db_path), "--stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["trials"] == 1
    assert stats["parser_version"] == PARSER_VERSION
    assert stats["by_kind"]["unrecognized"] == 1
    table = CliRunner().invoke(main, ["criteria", "--db", str(db_path), "--stats"])
    assert "most common unrecognized" in table.output


def test_reparse(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["reparse", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "re-parsed 0 trials" in result.output
    everything = CliRunner().invoke(main, ["reparse", "--db", str(db_path), "--all"])
    assert "re-parsed 1 trials" in everything.output


@pytest.mark.parametrize(
    "args",
    [["criteria"], ["criteria", "NCT09990001", "--stats"], ["criteria", "--stats", "--text", "-"]],
)
def test_exactly_one_mode(args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [*args, "--db", str(tmp_path / "none.db")], input="")
    assert result.exit_code != 0
    assert "give exactly one" in result.output


def test_unknown_trial_and_missing_database(db_path: Path, tmp_path: Path) -> None:
    unknown = CliRunner().invoke(main, ["criteria", "--db", str(db_path), "NCT09990002"])
    assert unknown.exit_code == 1
    assert "not in the database" in unknown.output
    missing = CliRunner().invoke(main, ["criteria", "--db", str(tmp_path / "x.db"), "NCT09990001"])
    assert missing.exit_code == 1
    assert "no trial database" in missing.output
