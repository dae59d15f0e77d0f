"""The `criteria` table: parsed at save time, re-parsed when the parser changes, summarised."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from sync import parsed
from sync.importer import import_paths
from sync.parsed import LoadedParser, criteria_stats, normalize_text, reparse_all, reparse_stale
from sync.runs import RunKind, start_run
from sync.store import open_database, save_studies

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


def _fake(version: str, calls: list[str] | None = None) -> LoadedParser:
    """One 'unrecognized' criterion per non-empty line: enough to see what was stored."""

    def parse(text: str) -> list[dict[str, Any]]:
        if calls is not None:
            calls.append(text)
        if "EXPLODE" in text:
            raise RuntimeError("parser bug")
        return [
            {"section": "inclusion", "text": line.strip("* "), "kind": "unrecognized"}
            for line in text.splitlines()
            if line.strip()
        ]

    return LoadedParser(version, parse)


def _studies() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("NCT*.json"))]


def test_saving_parses_new_and_changed_studies_only(db: sqlite_utils.Database) -> None:
    calls: list[str] = []
    run = start_run(db, RunKind.IMPORT, ["t"])
    save_studies(db, _studies(), run_id=run.id, parser=_fake("v1", calls))
    assert len(calls) == len(_studies())
    save_studies(db, _studies(), run_id=run.id, parser=_fake("v1", calls))
    assert len(calls) == len(_studies())  # unchanged studies are not parsed again
    versions = db.execute("SELECT DISTINCT parser_version FROM criteria").fetchall()
    assert versions == [("v1",)]


def test_a_parser_failure_is_reported_and_leaves_no_row(db: sqlite_utils.Database) -> None:
    study = _studies()[0]
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += "\n* EXPLODE"
    run = start_run(db, RunKind.IMPORT, ["t"])
    result = save_studies(db, [study], run_id=run.id, parser=_fake("v1"))
    assert result.errors == [f"{result.new[0]}: criteria parser failed (RuntimeError)"]
    assert db.execute("SELECT count(*) FROM criteria").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 1


def test_reparse_stale_parses_only_rows_from_another_version(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start_run(db, RunKind.IMPORT, ["t"])
    studies = _studies()
    save_studies(db, studies[:3], run_id=run.id, parser=_fake("v1"))
    save_studies(db, studies[3:], run_id=run.id, parser=None)  # never parsed
    monkeypatch.setattr(parsed, "load_parser", lambda: _fake("v1"))
    assert reparse_stale(db) == len(studies) - 3
    assert reparse_stale(db) == 0
    monkeypatch.setattr(parsed, "load_parser", lambda: _fake("v2"))
    assert reparse_stale(db) == len(studies)
    assert reparse_all(db) == len(studies)
    assert db.execute("SELECT DISTINCT parser_version FROM criteria").fetchall() == [("v2",)]


def test_stats_count_kinds_and_the_commonest_unrecognized_texts(
    db: sqlite_utils.Database,
) -> None:
    rows = [
        (
            "NCT00000001",
            [
                {"kind": "age", "text": "Aged 18 or more"},
                {"kind": "unrecognized", "text": "* Able to swallow 2 tablets."},
            ],
        ),
        (
            "NCT00000002",
            [
                {"kind": "unrecognized", "text": "able to swallow 4  tablets"},
                {"kind": "unrecognized", "text": "Lives near the clinic"},
            ],
        ),
    ]
    with db.atomic():
        for nct_id, items in rows:
            db.execute(
                "INSERT INTO criteria VALUES (?, 'v1', '2026-11-24T00:00:00Z', ?)",
                [nct_id, json.dumps(items)],
            )
    stats = criteria_stats(db)
    assert (stats.trials, stats.criteria, stats.unrecognized) == (2, 4, 3)
    assert stats.unrecognized_share == 0.75
    assert stats.by_kind == {"unrecognized": 3, "age": 1}
    assert stats.top_unrecognized[0] == ("able to swallow # tablets", 2)
    assert stats.to_dict()["top_unrecognized"][0] == {
        "text": "able to swallow # tablets",
        "count": 2,
    }


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("* Platelets >= 100 x 10^9/L.", "platelets >= # x #^#/l"),
        ("2. Signed   consent;", "signed consent"),
        ("ECOG 0-1", "ecog #-#"),
    ],
)
def test_normalising_groups_texts_that_differ_in_numbers_and_layout(text: str, normal: str) -> None:
    assert normalize_text(text) == normal


def test_import_stores_the_real_parsers_output_in_the_contract_form(
    db: sqlite_utils.Database,
) -> None:
    parser = parsed.load_parser()
    if parser is None:
        pytest.skip("the criteria package is not importable here")
    import_paths(db, [FIXTURES / "NCT05654623.json"])
    version, stored = db.execute(
        "SELECT parser_version, criteria FROM criteria WHERE nct_id = 'NCT05654623'"
    ).fetchone()
    from criteria import PARSER_VERSION
    from criteria.model import CRITERIA

    assert version == PARSER_VERSION
    items = json.loads(stored)
    assert items and all({"section", "text", "kind"} <= set(item) for item in items)
    CRITERIA.validate_json(stored)  # loads back into the typed model


def test_a_change_saved_without_parsing_drops_the_stale_criteria(
    db: sqlite_utils.Database,
) -> None:
    run = start_run(db, RunKind.IMPORT, ["t"])
    study = _studies()[0]
    save_studies(db, [study], run_id=run.id, parser=_fake("v1"))
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += "\n* New rule"
    save_studies(db, [study], run_id=run.id, parser=None)
    assert db.execute("SELECT count(*) FROM criteria").fetchone()[0] == 0
