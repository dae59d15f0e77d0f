"""The nightly refresh: trigger settings, the job and its after-run hooks, a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger

from sync import schedule
from sync.runs import Outcome, RunKind, RunReport
from sync.schedule import JOB_ID, NightlySync, build_scheduler
from trialmatch.errors import InvalidOption, RunFailed

REPO = Path(__file__).resolve().parent.parent


def test_the_job_runs_daily_at_the_given_time_and_zone() -> None:
    scheduler = build_scheduler(lambda: None, at="02:30", timezone="Europe/Paris")
    job = scheduler.get_job(JOB_ID)
    assert isinstance(job.trigger, CronTrigger)
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day"]) == ("2", "30", "*")
    assert str(job.trigger.timezone) == "Europe/Paris"
    assert job.misfire_grace_time == 3600
    assert job.coalesce is True and job.max_instances == 1


def test_run_now_schedules_an_immediate_first_run() -> None:
    job = build_scheduler(lambda: None, run_now=True).get_job(JOB_ID)
    assert job.next_run_time is not None


@pytest.mark.parametrize(
    ("at", "zone", "option"),
    [("25:00", "UTC", "--at"), ("2am", "UTC", "--at"), ("02:00", "Mars/Olympus", "--timezone")],
)
def test_bad_times_and_zones_name_the_option(at: str, zone: str, option: str) -> None:
    with pytest.raises(InvalidOption, match=option):
        build_scheduler(lambda: None, at=at, timezone=zone)


def _report(outcome: Outcome) -> RunReport:
    return RunReport(
        id=7, kind=RunKind.SYNC, started_at="2026-11-24T02:00:00Z", selectors=[], outcome=outcome
    )


def test_hooks_run_after_a_completed_sync_even_if_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []
    calls: list[dict[str, Any]] = []

    def fake_sync(db: Any, **options: Any) -> RunReport:
        calls.append(options)
        return _report(Outcome.COMPLETED)

    def broken(report: RunReport) -> None:
        raise RuntimeError("hook bug")

    monkeypatch.setattr(schedule, "sync", fake_sync)
    job = NightlySync(
        tmp_path / "t.db",
        client_factory=lambda: "client",  # type: ignore[arg-type,return-value]
        after=[broken, lambda r: seen.append(r.id)],
    )
    with caplog.at_level("INFO"):
        assert job() is not None
    assert seen == [7]
    assert calls[0]["client"] == "client" and calls[0]["should_stop"]() is False
    assert "after-run hook broken failed" in caplog.text
    assert "nightly sync: sync run 7 completed" in caplog.text


def test_hooks_do_not_run_after_a_failed_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []

    def failing_sync(db: Any, **options: Any) -> RunReport:
        report = _report(Outcome.FAILED)
        raise RunFailed("sync run 7 failed: HTTP 503", report)

    monkeypatch.setattr(schedule, "sync", failing_sync)
    job = NightlySync(tmp_path / "t.db", after=[lambda r: seen.append(r.id)])
    with caplog.at_level("ERROR", logger="trialmatch.schedule"):
        assert job() is None
    assert seen == []
    assert "nightly sync failed: sync run 7 failed: HTTP 503" in caplog.text


def test_a_stop_request_reaches_the_running_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_sync(db: Any, **options: Any) -> RunReport:
        assert options["should_stop"]() is True
        return _report(Outcome.COMPLETED)

    monkeypatch.setattr(schedule, "sync", fake_sync)
    job = NightlySync(tmp_path / "t.db")
    job.stop.set()
    job()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_command_stops_cleanly_on_a_signal(tmp_path: Path, sig: signal.Signals) -> None:
    code = "from trialmatch.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "schedule", "--db", str(tmp_path / "t.db"), "--at", "03:00"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TRIALMATCH_CTGOV_URL": "http://127.0.0.1:9/api/v2"},
    )
    deadline = time.monotonic() + 30
    err = ""
    while "next sync at" not in err and time.monotonic() < deadline:
        line = process.stderr.readline() if process.stderr else ""
        err += line
    assert "next sync at" in err, err
    process.send_signal(sig)
    _, rest = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    assert f"{sig.name} received: stopping" in rest and "scheduler stopped" in rest
