"""The run log: every sync or import run is recorded with what it did and how it ended."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlite_utils

if TYPE_CHECKING:
    from sync.store import SaveResult


log = logging.getLogger("trialmatch.sync")


class Interrupted(Exception):
    """Raised inside a run when its `should_stop()` says so; the run is recorded as interrupted."""


class Outcome(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class RunKind(StrEnum):
    SYNC = "sync"
    IMPORT = "import"


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RunReport:
    """What one run did. Counts are studies; `seen` = new + changed + unchanged + skipped."""

    id: int
    kind: RunKind
    started_at: str
    selectors: list[str]
    finished_at: str | None = None
    pages: int = 0
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    outcome: Outcome = Outcome.RUNNING
    message: str = ""
    #: Things worth telling the user that are not errors (not stored in the run log).
    notes: list[str] = field(default_factory=list)
    #: NCT ids written (new or changed) by this run, for hooks that re-match patients.
    touched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.COMPLETED

    def count_page(self, result: SaveResult, seen: int, invalid: int = 0) -> None:
        """Add one saved page: `seen` studies received, `invalid` of them not studies."""
        self.pages += 1
        self.seen += seen
        self.new += len(result.new)
        self.changed += len(result.changed)
        self.unchanged += result.unchanged
        self.skipped += result.skipped + invalid
        self.errors += result.errors
        self.touched += result.new + result.changed

    def summary(self) -> str:
        text = (
            f"{self.kind.value} run {self.id} {self.outcome.value}: {self.seen} studies seen "
            f"({self.new} new, {self.changed} changed, {self.unchanged} unchanged"
            + (f", {self.skipped} skipped" if self.skipped else "")
            + f") in {self.pages} page{'s' if self.pages != 1 else ''}"
        )
        if self.errors:
            text += f"; {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        if self.message:
            text += f"; {self.message}"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["outcome"] = self.outcome.value
        return data


def start_run(db: sqlite_utils.Database, kind: RunKind, selectors: list[str]) -> RunReport:
    """Record a new run as running. Runs left `running` by a process that died are marked
    interrupted first (one sync or import at a time per database)."""
    started = utcnow()
    with db.atomic():
        db.execute(
            "UPDATE runs SET outcome = ?, message = ? WHERE outcome = ?",
            [
                Outcome.INTERRUPTED.value,
                "the process ended before the run finished; pages saved before then are kept",
                Outcome.RUNNING.value,
            ],
        )
        cursor = db.execute(
            "INSERT INTO runs (kind, started_at, selectors, pages, seen, new, changed, unchanged, "
            "skipped, errors, outcome, message) VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, '[]', ?, '')",
            [kind.value, started, json.dumps(selectors), Outcome.RUNNING.value],
        )
    run_id = cursor.lastrowid
    assert run_id is not None
    return RunReport(id=run_id, kind=kind, started_at=started, selectors=selectors)


def record_progress(db: sqlite_utils.Database, report: RunReport) -> None:
    """Write the counters so far (call inside the page's transaction)."""
    db.execute(
        "UPDATE runs SET pages = ?, seen = ?, new = ?, changed = ?, unchanged = ?, skipped = ?, "
        "errors = ? WHERE id = ?",
        [
            report.pages,
            report.seen,
            report.new,
            report.changed,
            report.unchanged,
            report.skipped,
            json.dumps(report.errors),
            report.id,
        ],
    )


def finish_run(
    db: sqlite_utils.Database, report: RunReport, outcome: Outcome, message: str = ""
) -> RunReport:
    report.outcome = outcome
    report.message = message
    report.finished_at = utcnow()
    with db.atomic():
        record_progress(db, report)
        db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ?, message = ? WHERE id = ?",
            [report.finished_at, outcome.value, message, report.id],
        )
    return report


def get_run(db: sqlite_utils.Database, run_id: int) -> RunReport | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", [run_id]).fetchone()
    return _report(row) if row else None


def list_runs(db: sqlite_utils.Database, limit: int = 20) -> list[RunReport]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return [_report(row) for row in rows]


def last_completed(db: sqlite_utils.Database, kind: RunKind | None = None) -> RunReport | None:
    sql = f"SELECT {_COLUMNS} FROM runs WHERE outcome = 'completed'"
    params: list[Any] = []
    if kind:
        sql += " AND kind = ?"
        params.append(kind.value)
    row = db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    return _report(row) if row else None


_COLUMNS = (
    "id, kind, started_at, finished_at, selectors, pages, seen, new, changed, unchanged, skipped, "
    "errors, outcome, message"
)


def _report(row: tuple[Any, ...]) -> RunReport:
    return RunReport(
        id=row[0],
        kind=RunKind(row[1]),
        started_at=row[2],
        finished_at=row[3],
        selectors=json.loads(row[4] or "[]"),
        pages=row[5] or 0,
        seen=row[6] or 0,
        new=row[7] or 0,
        changed=row[8] or 0,
        unchanged=row[9] or 0,
        skipped=row[10] or 0,
        errors=json.loads(row[11] or "[]"),
        outcome=Outcome(row[12]),
        message=row[13] or "",
    )


AfterHook = Callable[[RunReport], None]


def run_hooks(report: RunReport, hooks: Sequence[AfterHook]) -> None:
    """Call each hook with a completed run's report. A hook that raises is logged with its
    traceback; the others still run."""
    for hook in hooks:
        try:
            hook(report)
        except Exception:  # one broken hook must not stop the others or the scheduler
            log.exception("after-run hook %s failed", getattr(hook, "__name__", hook))
