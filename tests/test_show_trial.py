"""`show NCT_ID` and `changes`: one trial in full, and what changed since a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from sync.importer import import_paths
from sync.show import render_text, trial_detail
from sync.store import open_database
from trialmatch.cli import main
from trialmatch.errors import InvalidOption, UnknownTrial

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "trials.db"
    database = open_database(path, create=True)
    import_paths(database, sorted(FIXTURES.glob("NCT*.json")), parse=False)
    import_paths(database, [FIXTURES / "later" / "NCT05654623.json"], parse=False)
    database.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(db_path, readonly=True)
    yield database
    database.close()


def test_the_detail_has_status_phases_arms_interventions_sites_and_eligibility(
    db: sqlite_utils.Database,
) -> None:
    trial = trial_detail(db, "nct4964934")
    assert trial.nct_id == "NCT04964934" and trial.acronym == "SERENA-6"
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING" and trial.phases == ["PHASE3"]
    assert [a.label for a in trial.arms] == ["Camizestrant switch", "Stay on aromatase inhibitor"]
    assert trial.arms[0].interventions == ["Drug: Camizestrant", "Drug: Palbociclib"]
    assert [i.name for i in trial.interventions] == ["Camizestrant", "Palbociclib", "Letrozole"]
    assert trial.interventions[1].other_names == ["Ibrance", "PD-0332991"]
    assert [s.city for s in trial.sites] == ["Houston", "Seoul", "Lyon"]
    assert trial.sites[2].status == "NOT_YET_RECRUITING"
    assert (trial.minimum_age, trial.maximum_age) == ("18 Years", "130 Years")
    assert trial.eligibility_text and "QTcF \\> 470" in trial.eligibility_text
    assert "QTcF > 470" in trial.eligibility
    assert trial.url == "https://clinicaltrials.gov/study/NCT04964934"


def test_the_detail_can_carry_its_changes(db: sqlite_utils.Database) -> None:
    trial = trial_detail(db, "NCT05654623", with_changes=True)
    fields = [c.field.value for c in trial.changes]
    assert set(fields) == {"added", "status", "eligibility", "sites"}
    data = trial.to_dict()
    assert data["changes"][0]["field"] in fields and json.dumps(data)


def test_a_trial_with_few_modules_still_shows(db: sqlite_utils.Database) -> None:
    trial = trial_detail(db, "NCT09000001")
    assert trial.arms == [] and trial.interventions == [] and trial.sites == []
    text = render_text(trial)
    assert "Sites (0):" in text and "ENROLLING_BY_INVITATION" in text


def test_an_absent_trial_says_how_to_fetch_it(db: sqlite_utils.Database) -> None:
    with pytest.raises(UnknownTrial, match="trialmatch sync --id NCT01234567"):
        trial_detail(db, "NCT01234567")


def test_a_malformed_id_is_refused(db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidOption, match="NCT_ID"):
        trial_detail(db, "VERITAC-2")


def test_the_text_view_lists_the_essentials(db: sqlite_utils.Database) -> None:
    text = render_text(trial_detail(db, "NCT05104866", with_changes=True))
    for expected in (
        "NCT05104866  Dato-DXd Versus Chemotherapy",
        "Acronym: TROPION-Breast01",
        "Status: ACTIVE_NOT_RECRUITING",
        "Phases: PHASE3",
        "  - Dato-DXd [EXPERIMENTAL]: Drug: Datopotamab deruxtecan",
        "  - Datopotamab deruxtecan [DRUG] (also: Dato-DXd, DS-1062a)",
        "Sites (3):",
        "  - Hangang University Hospital, Seoul, Korea, Republic of",
        "Eligibility:",
        "IHC 0, 1+, or 2+",
        "Changes recorded:",
    ):
        assert expected in text, expected


def test_show_command_text_and_json(db_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["show", "--db", str(db_path), "NCT03990896"])
    assert text.exit_code == 0 and "Talazoparib" in text.output
    data = json.loads(
        runner.invoke(main, ["show", "--db", str(db_path), "NCT03990896", "--json"]).output
    )
    assert data["nct_id"] == "NCT03990896" and data["sites"][0]["city"] == "Houston"
    missing = runner.invoke(main, ["show", "--db", str(db_path), "NCT01234567"])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: NCT01234567 is not in the database")


def test_show_on_a_missing_database_says_what_to_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["show", "--db", str(tmp_path / "no.db"), "NCT03990896"])
    assert result.exit_code == 1 and "run `trialmatch sync` or `trialmatch import`" in result.output


def test_changes_command_lists_what_changed_since_a_time(db_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["changes", "--db", str(db_path), "--since", "1h", "--field", "status"]
    )
    assert result.exit_code == 0, result.output
    assert "NCT05654623  Vepdegestrant Versus Fulvestrant" in result.output
    assert "status: RECRUITING -> ACTIVE_NOT_RECRUITING" in result.output
    data = json.loads(
        runner.invoke(
            main, ["changes", "--db", str(db_path), "--id", "NCT05654623", "--json"]
        ).output
    )
    sites = next(c for c in data if c["field"] == "sites")
    assert sites["detail"]["added"] == ["Clinica del Sol, Seville, Spain"]
    none = runner.invoke(main, ["changes", "--db", str(db_path), "--since", "2999-01-01"])
    assert "No changes recorded" in none.output
    bad = runner.invoke(main, ["changes", "--db", str(db_path), "--field", "colour"])
    assert bad.exit_code == 1 and "--field" in bad.output and "eligibility" in bad.output
