"""End-to-end sync runs replayed from hand-written vcrpy cassettes (record mode "none": a request
the cassette does not hold fails the test, so the cassettes also pin the exact requests sent)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import vcr

from sync import selectors
from sync.client import CtgovClient
from sync.history import ChangeField, changes_since
from sync.importer import import_paths
from sync.run import sync
from sync.runs import Outcome, list_runs
from sync.selectors import Query, Selection
from sync.store import integrity_check, open_database
from trialmatch.errors import RunFailed

REPO = Path(__file__).resolve().parent.parent
CASSETTES = REPO / "cassettes"
FIXTURES = CASSETTES / "studies"
API = "https://clinicaltrials.gov/api/v2"
BREAST_OPEN = Query(cond="breast cancer", status=("RECRUITING", "NOT_YET_RECRUITING"))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


class Replay:
    """A client whose sleeps are recorded, not slept, replaying one cassette."""

    def __init__(self, name: str, **options: Any) -> None:
        self.sleeps: list[float] = []
        self.client = CtgovClient(
            API, min_interval=0.0, sleep=self.sleeps.append, rng=lambda: 0.5, **options
        )
        self.recorder = vcr.VCR(
            record_mode="none",
            cassette_library_dir=str(CASSETTES),
            decode_compressed_response=True,
        )
        self.name = name
        self.cassette: Any = None

    def __enter__(self) -> Replay:
        self._context = self.recorder.use_cassette(
            f"{self.name}.yaml", allow_playback_repeats=False
        )
        self.cassette = self._context.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)


def _snapshot(db: sqlite_utils.Database) -> list[tuple[Any, ...]]:
    return (
        db.execute(
            "SELECT nct_id, content_hash, changed_at FROM studies ORDER BY nct_id"
        ).fetchall()
        + db.execute("SELECT count(*) FROM locations").fetchall()
    )


def _seed(db: sqlite_utils.Database) -> None:
    import_paths(db, sorted(FIXTURES.glob("NCT*.json")), parse=False)


def test_the_cassettes_are_what_the_builder_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(CASSETTES / "build.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_a_multi_page_query_lands_every_study_once_and_is_followed(
    db: sqlite_utils.Database,
) -> None:
    pages: list[tuple[str, int | None, int]] = []
    with Replay("sync_query_multipage") as replay:
        report = sync(
            db,
            Selection(queries=(BREAST_OPEN,)),
            client=replay.client,
            page_size=3,
            parse=False,
            on_page=lambda label, page: pages.append((label, page.total_count, len(page.studies))),
        )
        assert replay.cassette.all_played
    assert report.outcome is Outcome.COMPLETED
    assert (report.pages, report.seen, report.new, report.unchanged) == (3, 8, 8, 0)
    assert [(total, n) for _, total, n in pages] == [(8, 3), (None, 3), (None, 2)]
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 8
    assert integrity_check(db) == "ok"
    follows = selectors.followed(db)
    assert [q.key for q in follows.queries] == [BREAST_OPEN.key]
    assert follows.follows[0].watermark == report.started_at[:10]


def test_an_id_batch_asks_for_a_missing_id_alone_and_records_the_404(
    db: sqlite_utils.Database,
) -> None:
    ids = ("NCT05654623", "NCT04964934", "NCT09999999", "NCT03990896")
    with Replay("sync_ids_batch") as replay:
        report = sync(db, Selection(ids=ids), client=replay.client, parse=False)
        assert replay.cassette.all_played
    assert report.ok and report.new == 3
    assert report.errors == ["NCT09999999: not found in the registry (404)"]
    stored = {row[0] for row in db.execute("SELECT nct_id FROM studies")}
    assert stored == {"NCT05654623", "NCT04964934", "NCT03990896"}


def test_an_incremental_run_asks_from_the_watermark_and_records_what_changed(
    db: sqlite_utils.Database,
) -> None:
    _seed(db)
    with db.atomic():
        selectors.follow_query(db, BREAST_OPEN)
    selectors.set_watermarks(db, [BREAST_OPEN.key], "2026-11-23", run_id=0)
    with Replay("sync_incremental") as replay:
        report = sync(db, Selection(queries=(BREAST_OPEN,)), client=replay.client, parse=False)
        assert replay.cassette.all_played  # the request had RANGE[2026-11-22,MAX], no status
    assert (report.seen, report.changed, report.new, report.skipped) == (2, 1, 0, 1)
    assert db.execute("SELECT 1 FROM studies WHERE nct_id = 'NCT04478266'").fetchone() is None
    row = db.execute(
        "SELECT overall_status, eligibility_text FROM studies WHERE nct_id = 'NCT05654623'"
    ).fetchone()
    assert row[0] == "ACTIVE_NOT_RECRUITING" and "0, 1 or 2" in row[1]
    found = {c.field: c for c in changes_since(db, "2000-01-01", nct_id="NCT05654623")}
    assert found[ChangeField.STATUS].before == "RECRUITING"
    assert found[ChangeField.STATUS].after == "ACTIVE_NOT_RECRUITING"
    assert "0 or 1" in (found[ChangeField.ELIGIBILITY].before or "")
    sites = found[ChangeField.SITES].detail or {}
    assert sites["added"] == ["Clinica del Sol, Seville, Spain"]
    assert sites["removed"] == ["Hospital Universitario del Norte, Madrid, Spain"]
    assert sites["status"] == [
        {
            "site": "Lakeshore Oncology Centre, Toronto, Ontario, Canada",
            "before": "RECRUITING",
            "after": "ACTIVE_NOT_RECRUITING",
        }
    ]
    previous = db.execute("SELECT raw FROM study_versions WHERE nct_id = 'NCT05654623'").fetchall()
    assert len(previous) == 1
    assert json.loads(previous[0][0])["protocolSection"]["statusModule"]["overallStatus"] == (
        "RECRUITING"
    )
    assert selectors.watermark(db, BREAST_OPEN.key) == report.started_at[:10]


def test_429_then_success_waits_for_retry_after(db: sqlite_utils.Database) -> None:
    with Replay("sync_429_retry_after") as replay:
        report = sync(db, Selection(ids=("NCT05216432",)), client=replay.client, parse=False)
        assert replay.cassette.all_played
    assert report.ok and report.new == 1
    assert replay.sleeps == [7.0]


def test_5xx_until_the_retries_run_out_fails_the_run_and_changes_nothing(
    db: sqlite_utils.Database,
) -> None:
    _seed(db)
    before = _snapshot(db)
    with Replay("sync_5xx_exhausted", max_retries=3) as replay:
        with pytest.raises(RunFailed) as failed:
            sync(db, Selection(queries=(BREAST_OPEN,)), client=replay.client, parse=False)
        assert replay.cassette.all_played
    report = failed.value.report
    assert report.outcome is Outcome.FAILED
    assert "kept failing after 4 attempts" in report.message
    assert "nothing was written" in report.message
    assert _snapshot(db) == before
    assert integrity_check(db) == "ok"
    assert list_runs(db, 1)[0].outcome is Outcome.FAILED
    assert selectors.watermark(db, BREAST_OPEN.key) is None  # no complete run: no watermark


@pytest.mark.parametrize(
    ("cassette", "nct_id"),
    [("sync_html_200", "NCT04895358"), ("sync_truncated_json", "NCT05104866")],
    ids=["html-200", "truncated-json"],
)
def test_an_unreadable_200_is_retried(
    db: sqlite_utils.Database, cassette: str, nct_id: str
) -> None:
    with Replay(cassette) as replay:
        report = sync(db, Selection(ids=(nct_id,)), client=replay.client, parse=False)
        assert replay.cassette.all_played
    assert report.ok and report.new == 1 and len(replay.sleeps) == 1
    assert db.execute("SELECT count(*) FROM studies WHERE nct_id = ?", [nct_id]).fetchone()[0] == 1


def test_a_study_missing_optional_modules_is_stored_with_nulls(
    db: sqlite_utils.Database,
) -> None:
    with Replay("sync_missing_modules") as replay:
        report = sync(db, Selection(ids=("NCT09000001",)), client=replay.client, parse=False)
    assert report.ok and report.new == 1
    row = db.execute(
        "SELECT phases, keywords, interventions, study_type, sex, minimum_age_years, "
        "maximum_age_years, enrollment, sponsor, version_holder, healthy_volunteers "
        "FROM studies WHERE nct_id = 'NCT09000001'"
    ).fetchone()
    assert row == ("[]", "[]", "[]", "OBSERVATIONAL", "FEMALE", 21.0, None, None, None, None, None)
    assert db.execute("SELECT count(*) FROM locations").fetchone()[0] == 0


def test_a_400_is_not_retried_and_its_text_is_the_reason(db: sqlite_utils.Database) -> None:
    with Replay("sync_400_text") as replay:
        with pytest.raises(RunFailed) as failed:
            sync(
                db,
                Selection(queries=(Query(term="AREA[TrialColour]blue"),)),
                client=replay.client,
                parse=False,
            )
        assert replay.cassette.all_played
    assert "Unknown area name: `TrialColour`" in failed.value.report.message
    assert "rejected the request (400)" in str(failed.value.report.message)
    assert replay.sleeps == []


def test_a_run_that_dies_on_page_3_keeps_pages_1_and_2_and_the_next_run_completes(
    db: sqlite_utils.Database,
) -> None:
    with Replay("sync_page3_fails", max_retries=2) as replay:
        with pytest.raises(RunFailed) as failed:
            sync(
                db,
                Selection(queries=(BREAST_OPEN,)),
                client=replay.client,
                page_size=3,
                parse=False,
            )
        assert replay.cassette.all_played
    report = failed.value.report
    assert (report.pages, report.new) == (2, 6)
    assert "the 2 pages saved before it are kept" in report.message
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 6
    assert db.execute("SELECT count(*) FROM studies_fts").fetchone()[0] == 6
    assert integrity_check(db) == "ok"
    with Replay("sync_query_multipage") as replay:  # no watermark yet: a full fetch again
        again = sync(
            db, Selection(queries=(BREAST_OPEN,)), client=replay.client, page_size=3, parse=False
        )
        assert replay.cassette.all_played
    assert again.ok and (again.new, again.unchanged, again.changed) == (2, 6, 0)
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 8


def test_an_expired_page_token_restarts_the_listing(db: sqlite_utils.Database) -> None:
    with Replay("sync_token_expired") as replay:
        report = sync(
            db, Selection(queries=(BREAST_OPEN,)), client=replay.client, page_size=3, parse=False
        )
        assert replay.cassette.all_played
    assert report.ok
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 8
    assert report.new == 8 and report.unchanged == 3  # page 1 came twice
