"""Saving pages: idempotence, one transaction per page, previous versions, recorded changes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from sync.history import ChangeField, changes_since, parse_since
from sync.runs import RunKind, start_run
from sync.store import open_database, save_studies, search_index_consistent
from trialmatch.errors import InvalidOption

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"


def _load(nct_id: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{nct_id}.json").read_text())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


def _save(db: sqlite_utils.Database, studies: list[dict[str, Any]]) -> Any:
    run = start_run(db, RunKind.IMPORT, ["test"])
    return save_studies(db, studies, run_id=run.id)


def test_saving_the_same_page_twice_changes_nothing(db: sqlite_utils.Database) -> None:
    studies = [_load(p.stem) for p in sorted(FIXTURES.glob("NCT*.json"))]
    first = _save(db, studies)
    rows = db.execute("SELECT * FROM studies ORDER BY nct_id").fetchall()
    second = _save(db, studies)
    assert len(first.new) == len(studies) and second.unchanged == len(studies)
    assert second.new == [] and second.changed == []
    assert db.execute("SELECT * FROM studies ORDER BY nct_id").fetchall() == rows
    assert db.execute("SELECT count(*) FROM changes WHERE field = 'added'").fetchone()[0] == len(
        studies
    )
    assert search_index_consistent(db)


def test_a_new_version_holder_alone_is_not_a_change(db: sqlite_utils.Database) -> None:
    study = _load("NCT05654623")
    _save(db, [study])
    later = copy.deepcopy(study)
    later["derivedSection"]["miscInfoModule"]["versionHolder"] = "2027-01-01"
    assert _save(db, [later]).unchanged == 1


def test_a_changed_study_keeps_its_previous_version_and_records_each_field(
    db: sqlite_utils.Database,
) -> None:
    study = _load("NCT05654623")
    _save(db, [study])
    later = json.loads((FIXTURES / "later" / "NCT05654623.json").read_text())
    result = _save(db, [later])
    assert result.changed == ["NCT05654623"]
    fields = {c.field for c in changes_since(db, "2000-01-01", nct_id="NCT05654623")}
    assert fields == {
        ChangeField.ADDED,
        ChangeField.STATUS,
        ChangeField.ELIGIBILITY,
        ChangeField.SITES,
    }
    old = db.execute("SELECT raw FROM study_versions WHERE nct_id = 'NCT05654623'").fetchone()[0]
    assert json.loads(old) == study
    sites = db.execute("SELECT city FROM locations WHERE nct_id = 'NCT05654623' ORDER BY seq")
    assert [row[0] for row in sites] == ["Boston", "Toronto", "Seville"]


def test_an_untracked_edit_is_recorded_as_other(db: sqlite_utils.Database) -> None:
    study = _load("NCT03990896")
    _save(db, [study])
    later = copy.deepcopy(study)
    later["protocolSection"]["descriptionModule"]["briefSummary"] += " Updated wording."
    _save(db, [later])
    found = changes_since(db, "2000-01-01", nct_id="NCT03990896", fields=[ChangeField.OTHER])
    assert len(found) == 1 and found[0].summary().startswith("record updated")


def test_a_page_is_all_or_nothing(db: sqlite_utils.Database) -> None:
    good = _load("NCT05654623")
    run = start_run(db, RunKind.IMPORT, ["test"])

    def explode(_: Any) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        save_studies(db, [good], run_id=run.id, before_commit=explode)
    for table in ("studies", "locations", "changes", "studies_fts"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_a_study_without_an_id_is_refused(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError, match="nctId"):
        _save(db, [{"protocolSection": {}}])


def test_changes_since_filters_by_time_trial_and_field(db: sqlite_utils.Database) -> None:
    _save(db, [_load("NCT05654623"), _load("NCT04964934")])
    _save(db, [json.loads((FIXTURES / "later" / "NCT05654623.json").read_text())])
    assert len(changes_since(db, "2000-01-01", fields=[ChangeField.ADDED])) == 2
    status = changes_since(db, "1h", fields=[ChangeField.STATUS])
    assert [(c.nct_id, c.before, c.after) for c in status] == [
        ("NCT05654623", "RECRUITING", "ACTIVE_NOT_RECRUITING")
    ]
    assert status[0].title and "Vepdegestrant" in status[0].title
    assert changes_since(db, "2999-01-01") == []


NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),
        ("7d", datetime(2026, 11, 17, 2, 0, tzinfo=UTC)),
        ("2w", datetime(2026, 11, 10, 2, 0, tzinfo=UTC)),
        ("2026-11-23", datetime(2026, 11, 23, tzinfo=UTC)),
        ("2026-11-23T02:30", datetime(2026, 11, 23, 2, 30, tzinfo=UTC)),
        ("2026-11-23T02:30Z", datetime(2026, 11, 23, 2, 30, tzinfo=UTC)),
    ],
)
def test_since_reads_dates_times_and_durations(text: str, expected: datetime) -> None:
    assert parse_since(text, now=NOW) == expected


def test_an_unreadable_since_names_the_option_and_what_is_accepted() -> None:
    with pytest.raises(InvalidOption, match=r"--since: .*accepted: a date"):
        parse_since("last tuesday", now=NOW)
