"""Opening the database: creation, WAL, read-only use, migration of older files, refusals."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from sync import schema
from sync.importer import import_paths
from sync.store import integrity_check, open_database, search_index_consistent
from trialmatch.errors import DatabaseError, DatabaseMissing

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "trials.db"
    for p in [tmp_path, *tmp_path.iterdir()]:
        os.chmod(p, stat.S_IRWXU)


def test_a_missing_database_is_an_error_unless_asked_to_create(path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="run `trialmatch sync` or `trialmatch import`"):
        open_database(path)
    with pytest.raises(DatabaseMissing):
        open_database(path, readonly=True)
    assert not path.exists()


def test_creation_makes_every_declared_table_index_and_the_fts_in_wal_mode(path: Path) -> None:
    db = open_database(path, create=True)
    names = set(db.table_names())
    assert {t.name for t in schema.TABLES} <= names and schema.FTS_TABLE in names
    for table in schema.TABLES:
        assert {c.name for c in db.table(table.name).columns} == set(table.columns)
        indexed = {tuple(i.columns) for i in db.table(table.name).indexes}
        assert set(table.indexes) <= indexed
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    db.close()


def test_opening_twice_is_idempotent(path: Path) -> None:
    open_database(path, create=True).close()
    db = open_database(path)
    before = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    db.close()
    db = open_database(path)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == before
    db.close()


def test_read_only_works_on_a_file_and_folder_nobody_may_write(path: Path) -> None:
    db = open_database(path, create=True)
    import_paths(db, [FIXTURES / "NCT05654623.json"], parse=False)
    db.close()
    os.chmod(path, stat.S_IRUSR)
    os.chmod(path.parent, stat.S_IRUSR | stat.S_IXUSR)
    ro = open_database(path, readonly=True)
    assert ro.execute("SELECT nct_id FROM studies").fetchall() == [("NCT05654623",)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        ro.execute("DELETE FROM studies")
    ro.close()


def test_an_older_database_is_migrated_not_rebuilt(path: Path) -> None:
    # a database as an earlier trialmatch wrote it: fewer columns and tables, no meta, no FTS
    old = sqlite_utils.Database(path)
    old["studies"].create({"nct_id": str, "brief_title": str, "raw": str}, pk="nct_id")
    study = json.loads((FIXTURES / "NCT05654623.json").read_text())
    old["studies"].insert(
        {"nct_id": "NCT05654623", "brief_title": "kept", "raw": json.dumps(study)}
    )
    old.close()
    db = open_database(path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    assert db.execute("SELECT brief_title FROM studies").fetchall() == [("kept",)]
    # schema 2 filled the primary purpose in from the stored study JSON
    assert db.execute("SELECT primary_purpose FROM studies").fetchall() == [("TREATMENT",)]
    assert set(schema.TABLES[0].columns) == {c.name for c in db["studies"].columns}
    assert "changes" in db.table_names() and search_index_consistent(db)
    db.close()


def test_a_migration_step_runs_once_for_databases_below_its_version(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(path, create=True).close()
    ran: list[int] = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION, lambda db: ran.append(1))
    open_database(path).close()
    open_database(path).close()
    assert ran == [1]


def test_a_database_from_a_newer_trialmatch_is_refused(path: Path) -> None:
    db = open_database(path, create=True)
    db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    db.conn.commit()
    db.close()
    with pytest.raises(DatabaseError, match="newer trialmatch"):
        open_database(path)
    with pytest.raises(DatabaseError, match="newer trialmatch"):
        open_database(path, readonly=True)


def test_read_only_refuses_a_database_that_needs_migrating(path: Path) -> None:
    sqlite_utils.Database(path)["studies"].create({"nct_id": str}, pk="nct_id")
    with pytest.raises(DatabaseError, match="needs upgrading"):
        open_database(path, readonly=True)


def test_a_file_that_is_not_a_database_is_a_clear_error(path: Path) -> None:
    path.write_text("these are not the trials you are looking for\n" * 100)
    with pytest.raises(DatabaseError, match="not a usable trialmatch database"):
        open_database(path)


def test_integrity_check_reports_ok(path: Path) -> None:
    db = open_database(path, create=True)
    assert integrity_check(db) == "ok"
    db.close()
