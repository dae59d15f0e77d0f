"""The nightly refresh (`trialmatch schedule`): an APScheduler 3.x blocking scheduler.

One cron job a day (time and time zone configurable) that runs the same sync as a bare
`trialmatch sync`: a misfire grace time of an hour, coalescing of missed runs, one instance at a
time, one log line per run, and a clean stop on SIGINT/SIGTERM (the running sync stops after the
page in hand; everything saved is kept).

After each *completed* run, the callables in `after` are called with its `RunReport`: the seam
where later work re-matches saved patients. A hook that raises is logged with its traceback and
does not stop the other hooks or the scheduler.

The alternative without a resident process is to call the one-shot command from cron or a systemd
timer, e.g. `15 2 * * * cd /srv/trialmatch && .venv/bin/trialmatch sync --db trials.db`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from sync.client import CtgovClient
from sync.run import sync
from sync.runs import AfterHook, RunReport, run_hooks
from sync.store import open_database
from trialmatch.errors import InvalidOption, RunFailed

log = logging.getLogger("trialmatch.schedule")

JOB_ID = "nightly-sync"
MISFIRE_GRACE_SECONDS = 3600
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(value: str) -> tuple[int, int]:
    match = _TIME.match(value.strip())
    if not match:
        raise InvalidOption("--at", "a 24-hour time HH:MM such as 02:30", "not a time")
    return int(match.group(1)), int(match.group(2))


def parse_timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidOption(
            "--timezone", "an IANA time zone such as UTC or America/New_York", "unknown zone"
        ) from None


class NightlySync:
    """The scheduled job: open the database, sync what it follows, call the hooks."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        client_factory: Callable[[], CtgovClient] = CtgovClient,
        after: Sequence[AfterHook] = (),
        stop: threading.Event | None = None,
        sync_options: dict[str, Any] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.client_factory = client_factory
        self.after = list(after)
        self.stop = stop or threading.Event()
        self.sync_options = sync_options or {}

    def __call__(self) -> RunReport | None:
        db = open_database(self.db_path, create=True)
        try:
            report = sync(
                db,
                client=self.client_factory(),
                should_stop=self.stop.is_set,
                **self.sync_options,
            )
        except RunFailed as error:
            log.error("nightly sync failed: %s", error)
            return None
        finally:
            db.close()
        log.info("nightly sync: %s", report.summary())
        run_hooks(report, self.after)
        return report


def build_scheduler(
    job: Callable[[], object],
    *,
    at: str = "02:00",
    timezone: str = "UTC",
    run_now: bool = False,
) -> BlockingScheduler:
    """A blocking scheduler with the daily job added (not started)."""
    hour, minute = parse_time(at)
    zone = parse_timezone(timezone)
    scheduler = BlockingScheduler(timezone=zone)
    scheduler.add_job(
        job,
        CronTrigger(hour=hour, minute=minute, timezone=zone),
        id=JOB_ID,
        name="nightly sync",
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
        **({"next_run_time": datetime.now(zone)} if run_now else {}),
    )
    return scheduler


def run_forever(scheduler: BlockingScheduler, stop: threading.Event) -> None:
    """Run the scheduler in the foreground until SIGINT or SIGTERM.

    The scheduler's loop runs in a thread of its own and the main thread waits for the stop flag
    in half-second steps. A signal's handler only runs between bytecodes of the main thread, and
    one that arrives just as a wait of hours begins (the scheduler's own loop, when it runs in
    the main thread) is never handled: about one stop in sixteen hung that way."""
    received: list[str] = []

    def handle(signum: int, frame: FrameType | None) -> None:
        received.append(signal.Signals(signum).name)
        stop.set()

    def shut_down() -> None:
        with contextlib.suppress(SchedulerNotRunningError):  # stopped already, or never started
            scheduler.shutdown(wait=False)

    def started(event: object) -> None:
        # runs inside start(), once the scheduler counts as running: a signal that came earlier
        # (when there was nothing to shut down yet) is honoured here
        if stop.is_set():
            shut_down()
            return
        job = scheduler.get_job(JOB_ID)
        when = getattr(job, "next_run_time", None)
        log.info("scheduler started; next sync at %s", when.isoformat() if when else "(none)")

    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    runner = threading.Thread(target=scheduler.start, name="trialmatch-scheduler", daemon=True)
    try:
        runner.start()
        while runner.is_alive() and not stop.wait(0.5):
            pass
        if received:
            log.info("%s received: stopping (a running sync stops after its current page)",
                     received[0])  # fmt: skip
        if scheduler.running:
            shut_down()
        runner.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped")
