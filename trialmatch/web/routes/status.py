"""Status: the last sync and its outcome, recent runs, database size, parser coverage."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from trialmatch.web.render import render
from trialmatch.web.routes.common import config, database, trial_cache
from trialmatch.web.state import file_signature

_coverage_lock = threading.Lock()
_coverage: dict[str, Any] = {}


def coverage(db_path: Path, db: Any) -> Any:
    """`criteria_stats` reads every stored criterion: computed once per database state (and
    ahead of the first visitor, at start-up)."""
    from sync.parsed import criteria_stats

    signature = (str(db_path), file_signature(db_path))
    with _coverage_lock:
        if _coverage.get("signature") == signature:
            return _coverage["stats"]
    stats = criteria_stats(db, top=10)
    with _coverage_lock:
        _coverage.update(signature=signature, stats=stats)
    return stats


def warm_coverage(db_path: Path) -> None:
    from trialmatch.errors import TrialmatchError
    from trialmatch.web.state import trial_db

    try:
        with trial_db(db_path) as db:
            coverage(db_path, db)
    except TrialmatchError:
        pass  # no database yet: the page says so


def status_page(request: Request) -> Response:
    from sync.runs import RunKind, last_completed, list_runs

    path = config(request).db_path
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    with database(request) as db:
        runs = list_runs(db, limit=10)
        last_sync = last_completed(db, RunKind.SYNC)
        last_any = last_completed(db)
        counts = {
            "trials": db.execute("SELECT count(*) FROM studies").fetchone()[0],
            "sites": db.execute("SELECT count(*) FROM locations").fetchone()[0],
            "changes": db.execute("SELECT count(*) FROM changes").fetchone()[0],
        }
        by_status = db.execute(
            "SELECT overall_status, count(*) FROM studies GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        stats = coverage(path, db)
    loaded = trial_cache(request).current
    return render(
        request,
        "status.html",
        {
            "db_path": path,
            "db_size": size,
            "runs": runs,
            "last_sync": last_sync,
            "last_any": last_any,
            "latest": runs[0] if runs else None,
            "counts": counts,
            "by_status": by_status,
            "coverage": stats,
            "loaded": loaded,
            "patients_db": config(request).patients_db,
        },
    )


ROUTES = [Route("/status", status_page, methods=["GET"])]
