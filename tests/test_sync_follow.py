"""What the database follows, the exact requests of refresh runs, and the `sync` command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from sync import selectors
from sync.client import Page
from sync.importer import import_paths
from sync.run import sync
from sync.selectors import KNOWN_KEY, Query, Selection, parse_ids, parse_statuses
from sync.standin import Registry, StandIn
from sync.store import open_database
from sync.watchlist import parse_watchlist
from trialmatch.cli import main
from trialmatch.errors import InvalidOption

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "cassettes" / "studies"


class ScriptedClient:
    """Answers every /studies listing from a dict of filter.ids -> studies; records requests."""

    def __init__(self, studies: dict[str, dict[str, Any]]) -> None:
        self.studies = studies
        self.sent: list[dict[str, str]] = []

    def pages(self, params: dict[str, str], *, page_size: int = 1000) -> Iterator[Page]:
        self.sent.append(dict(params))
        wanted = params.get("filter.ids", "").split(",")
        found = [json.dumps(self.studies[i]).encode() for i in wanted if i in self.studies]
        yield Page(1, found, len(found), None, None)

    def study(self, nct_id: str) -> bytes | None:
        self.sent.append({"study": nct_id})
        return None


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


def _fixtures() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in FIXTURES.glob("NCT*.json")}


def test_query_parameters_full_and_incremental() -> None:
    query = Query(cond="breast cancer", status=("RECRUITING",))
    assert query.params(None) == {
        "query.cond": "breast cancer",
        "filter.overallStatus": "RECRUITING",
    }
    assert query.params(date(2026, 11, 22)) == {
        "query.cond": "breast cancer",
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-11-22,MAX]",
        "sort": "LastUpdatePostDate:asc",
    }


def test_statuses_and_ids_are_validated() -> None:
    assert parse_statuses("recruiting, not-yet-recruiting") == ("RECRUITING", "NOT_YET_RECRUITING")
    assert parse_ids(["nct4072952,NCT05654623", "NCT05654623"]) == ("NCT04072952", "NCT05654623")
    with pytest.raises(InvalidOption, match="--status"):
        parse_statuses("OPEN")
    with pytest.raises(InvalidOption, match="--id"):
        parse_ids(["VERITAC"])
    with pytest.raises(InvalidOption, match="empty query"):
        Query()


def test_a_refresh_asks_for_known_trials_by_id_with_the_known_watermark(
    db: sqlite_utils.Database,
) -> None:
    import_paths(db, [FIXTURES / "NCT05654623.json", FIXTURES / "NCT04964934.json"], parse=False)
    watchlist = parse_watchlist("NCT05252416\nNCT05654623\n", source="t", default_name="mine")
    client = ScriptedClient(_fixtures())
    first = sync(db, Selection(watchlists=(watchlist,)), client=client, parse=False)  # type: ignore[arg-type]
    assert first.new == 1  # NCT05252416; NCT05654623 is known and unchanged
    assert client.sent[0] == {"filter.ids": "NCT05252416"}  # new ids: no date filter
    assert client.sent[1] == {"filter.ids": "NCT05654623"}  # known, never refreshed: whole
    assert selectors.watermark(db, KNOWN_KEY) is None  # only a bare refresh moves it

    client.sent.clear()
    refresh = sync(db, client=client, parse=False)  # type: ignore[arg-type]
    assert refresh.ok and refresh.selectors == ["watchlist:mine", "known"]
    assert client.sent == [{"filter.ids": "NCT05252416,NCT05654623,NCT04964934"}]
    today = refresh.started_at[:10]
    assert selectors.watermark(db, KNOWN_KEY) == today

    client.sent.clear()
    sync(db, client=client, parse=False)  # type: ignore[arg-type]
    day_before = date.fromordinal(date.fromisoformat(today).toordinal() - 1).isoformat()
    assert client.sent == [
        {
            "filter.ids": "NCT05252416,NCT05654623,NCT04964934",
            "filter.advanced": f"AREA[LastUpdatePostDate]RANGE[{day_before},MAX]",
        }
    ]


def test_since_and_full_override_the_watermark(db: sqlite_utils.Database) -> None:
    import_paths(db, [FIXTURES / "NCT05654623.json"], parse=False)
    selectors.set_watermarks(db, [KNOWN_KEY], "2026-11-20", run_id=0)
    client = ScriptedClient(_fixtures())
    sync(db, client=client, since=date(2026, 1, 1), parse=False)  # type: ignore[arg-type]
    assert client.sent[-1]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]"
    sync(db, client=client, full=True, parse=False)  # type: ignore[arg-type]
    assert "filter.advanced" not in client.sent[-1]
    later = date(2026, 11, 23)
    before = selectors.watermark(db, KNOWN_KEY)
    sync(db, client=client, since=later, parse=False)  # type: ignore[arg-type]
    assert selectors.watermark(db, KNOWN_KEY) == before  # a narrower --since cannot advance it


def test_unfollow_forgets_a_watch_list_but_keeps_its_trials(db: sqlite_utils.Database) -> None:
    watchlist = parse_watchlist("NCT05252416\n", source="t", default_name="mine")
    sync(
        db,
        Selection(watchlists=(watchlist,)),
        client=ScriptedClient(_fixtures()),  # type: ignore[arg-type]
        parse=False,
    )
    assert selectors.unfollow(db, "watchlist:mine") is True
    assert selectors.unfollow(db, "watchlist:mine") is False
    assert selectors.followed(db).follows == []
    assert db.execute("SELECT count(*) FROM watchlist").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM studies").fetchone()[0] == 1


def test_no_follow_runs_once_without_remembering(db: sqlite_utils.Database) -> None:
    watchlist = parse_watchlist("NCT05252416\n", source="t", default_name="mine")
    sync(
        db,
        Selection(watchlists=(watchlist,)),
        client=ScriptedClient(_fixtures()),  # type: ignore[arg-type]
        follow=False,
        parse=False,
    )
    assert selectors.followed(db).follows == []


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_sync_command_follows_lists_and_unfollows(tmp_path: Path) -> None:
    registry = Registry.from_folder(FIXTURES)
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    with StandIn(registry) as server:
        common = ["--db", db, "--base-url", server.base_url, "--max-rate", "1000", "--no-parse"]
        first = runner.invoke(
            main,
            [
                "sync",
                *common,
                "--cond",
                "breast cancer",
                "--status",
                "recruiting",
                "--id",
                "NCT09000001",
            ],
        )
        assert first.exit_code == 0, first.output
        assert "sync run 1 completed: 5 studies seen (5 new" in first.output
        as_json = runner.invoke(main, ["sync", *common, "--json"])
        report = json.loads(as_json.output)
        assert report["outcome"] == "completed" and report["new"] == 0
    listed = runner.invoke(main, ["sync", "--db", db, "--list"])
    key = 'query:{"cond": "breast cancer", "status": ["RECRUITING"]}'
    assert key in listed.output and "known trials: 5" in listed.output
    assert "recent runs:" in listed.output
    gone = runner.invoke(main, ["sync", "--db", db, "--unfollow", key])
    assert gone.exit_code == 0 and "no longer following" in gone.output
    unknown = runner.invoke(main, ["sync", "--db", db, "--unfollow", "query:nothing"])
    assert unknown.exit_code == 1 and "trialmatch sync --list" in unknown.output


def test_the_sync_command_rejects_bad_selectors_before_any_request(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "t.db")
    bad_status = runner.invoke(main, ["sync", "--db", db, "--cond", "x", "--status", "open"])
    assert bad_status.exit_code == 1 and "--status" in bad_status.output
    assert "RECRUITING" in bad_status.output
    bad_id = runner.invoke(main, ["sync", "--db", db, "--id", "12345"])
    assert bad_id.exit_code == 1 and "--id" in bad_id.output
    missing = runner.invoke(main, ["sync", "--db", db, "--list"])
    assert missing.exit_code == 1 and "no trial database" in missing.output
