"""Sync against a local stand-in for the registry (real HTTP on 127.0.0.1) with injected faults:
every study lands exactly once, a second run adds nothing, and a process killed mid-run leaves a
sound database that the next run completes."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from sync.client import CtgovClient
from sync.run import sync
from sync.runs import Outcome, list_runs
from sync.selectors import Query, Selection
from sync.standin import STALL, Registry, StandIn, random_faults
from sync.store import integrity_check, open_database

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "cassettes" / "studies"

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


def _registry(n: int) -> Registry:
    """`n` studies cloned from the hand-written fixtures under new ids NCT080000xx."""
    bases = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("NCT*.json"))]
    registry = Registry()
    for i in range(n):
        study = copy.deepcopy(bases[i % len(bases)])
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT08{i:06d}"
        study["protocolSection"].setdefault("conditionsModule", {})["conditions"] = [
            "Breast Cancer"
        ]
        registry.put(study)
    return registry


def _client(server: StandIn, **options: Any) -> CtgovClient:
    options.setdefault("max_retries", 8)
    return CtgovClient(
        server.base_url, min_interval=0.0, sleep=lambda s: None, timeout=(2.0, 5.0), **options
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


QUERY = Query(cond="breast cancer")


def test_faults_do_not_lose_or_duplicate_studies_and_a_second_run_adds_nothing(
    db: sqlite_utils.Database,
) -> None:
    registry = _registry(137)
    with StandIn(registry, faults=random_faults(0.35, seed=7)) as server:
        first = sync(
            db, Selection(queries=(QUERY,)), client=_client(server), page_size=20, parse=False
        )
        statuses = [status for _, _, status in server.requests]
        assert {429, 500, 502, 503} & set(statuses), "the fault plan injected nothing"
        assert first.ok and first.new == 137 and first.pages == 7
        stored = [row[0] for row in db.execute("SELECT nct_id FROM studies ORDER BY nct_id")]
        assert stored == sorted(registry.studies)
        assert db.execute("SELECT count(*) FROM studies_fts").fetchone()[0] == 137

        server.requests.clear()
        second = sync(
            db, Selection(queries=(QUERY,)), client=_client(server), page_size=20, parse=False
        )
        assert second.ok and (second.new, second.changed) == (0, 0)
        sent = [params for path, params, status in server.requests if status == 200]
        assert sent and all(
            p["filter.advanced"].startswith("AREA[LastUpdatePostDate]RANGE[") for p in sent
        )
    assert db.execute("SELECT count(*) FROM changes WHERE field != 'added'").fetchone()[0] == 0
    assert integrity_check(db) == "ok"


def test_a_study_that_changes_upstream_is_updated_once(db: sqlite_utils.Database) -> None:
    registry = _registry(12)
    with StandIn(registry) as server:
        sync(db, Selection(queries=(QUERY,)), client=_client(server), parse=False)
        study = registry.studies["NCT08000003"]
        study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2099-01-01"
        report = sync(db, Selection(queries=(QUERY,)), client=_client(server), parse=False)
    assert (report.seen, report.changed, report.new) == (1, 1, 0)
    status = db.execute(
        "SELECT overall_status FROM studies WHERE nct_id = 'NCT08000003'"
    ).fetchone()[0]
    assert status == "COMPLETED"


def test_a_refresh_with_no_selector_follows_the_defaults_on_a_new_database(
    db: sqlite_utils.Database,
) -> None:
    registry = _registry(5)
    for i, study in enumerate(registry.studies.values()):
        study["protocolSection"]["statusModule"]["overallStatus"] = (
            "RECRUITING" if i % 2 else "COMPLETED"
        )
    with StandIn(registry) as server:
        report = sync(db, client=_client(server), parse=False)
        asked = [params for path, params, _ in server.requests if path.endswith("/studies")]
    assert report.ok and report.notes and "new database" in report.notes[0]
    # the review watch list by id, then open breast cancer trials
    assert asked[0]["filter.ids"].startswith("NCT")
    assert asked[-1]["filter.overallStatus"] == "RECRUITING|NOT_YET_RECRUITING"
    assert report.new == 2  # only the recruiting ones; the review's trials are not in this registry
    assert len([e for e in report.errors if "404" in e]) == 19


def _sync_process(db_path: Path, base_url: str) -> subprocess.Popen[str]:
    code = "from trialmatch.cli import main; main()"
    args = [
        "sync",
        "--db",
        str(db_path),
        "--cond",
        "breast cancer",
        "--page-size",
        "10",
        "--max-rate",
        "1000",
        "--base-url",
        base_url,
        "--no-parse",
    ]
    env = {**os.environ, "TERM": "dumb"}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_sync_process_killed_mid_run_leaves_a_sound_database_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "trials.db"
    registry = _registry(45)
    reached_page_3 = threading.Event()

    def stall_on_page_3(number: int, path: str, params: dict[str, str]) -> str | None:
        if params.get("pageToken") and int(params.get("pageSize", "0")) == 10:
            pages = sum(1 for _, p, s in server.requests if s == 200 and p.get("pageToken"))
            if pages == 1:  # pages 1 and 2 answered: stall the third
                reached_page_3.set()
                return STALL
        return None

    with StandIn(registry, faults=stall_on_page_3) as server:
        process = _sync_process(db_path, server.base_url)
        try:
            assert reached_page_3.wait(60), "the sync never asked for page 3"
            time.sleep(0.3)  # let page 2's transaction commit
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
        db = open_database(db_path)
        assert integrity_check(db) == "ok"
        assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 20
        assert db.execute("SELECT count(*) FROM studies_fts").fetchone()[0] == 20
        assert list_runs(db, 1)[0].outcome is Outcome.RUNNING

        server.faults = None
        report = sync(
            db,
            Selection(queries=(Query(cond="breast cancer"),)),
            client=CtgovClient(server.base_url, min_interval=0.0),
            page_size=10,
            parse=False,
        )
    assert report.ok and (report.new, report.unchanged) == (25, 20)
    runs = list_runs(db, 2)
    assert runs[1].outcome is Outcome.INTERRUPTED and runs[1].pages == 2
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 45
    db.close()


def test_the_command_line_sync_reports_and_exits_nonzero_when_the_registry_fails(
    tmp_path: Path,
) -> None:
    registry = _registry(3)
    always = random_faults(1.0, kinds=["503"])
    with StandIn(registry, faults=always) as server:
        code = "from trialmatch.cli import main; main()"
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                "sync",
                "--db",
                str(tmp_path / "t.db"),
                "--cond",
                "x",
                "--base-url",
                server.base_url,
                "--max-rate",
                "1000",
                "--no-parse",
                "--retries",
                "1",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "Error: sync run 1 failed" in result.stderr
    assert "HTTP 503" in result.stderr
