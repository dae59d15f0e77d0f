"""Saved patients and alerts: the list, what changed for them, saving and removing.

The saved-patients file (`sync.patients_db`) is the only file the app writes; it is created with
mode 0600 on the first save. Patient ids go in POST bodies here too, never in URLs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from trialmatch.errors import InvalidOption, ProfileError, TrialmatchError
from trialmatch.web.render import render
from trialmatch.web.routes.common import config, database, query_text, trial_set
from trialmatch.web.routes.patient import match_options, run_match
from trialmatch.web.security import checked_form

#: The alert periods offered, label first.
PERIODS = (
    ("sync", "since the last sync"),
    ("unseen", "not yet marked seen"),
    ("7d", "last 7 days"),
    ("30d", "last 30 days"),
    ("all", "all"),
)


@contextmanager
def patients_store(request: Request, *, create: bool = False) -> Iterator[sqlite_utils.Database]:
    from sync.patients_db import open_patients

    store = open_patients(config(request).patients_db, create=create)
    try:
        yield store
    finally:
        store.close()


def _last_sync_start(request: Request) -> dt.datetime | None:
    from sync.runs import last_completed

    try:
        with database(request) as db:
            run = last_completed(db)
    except TrialmatchError:  # no trial database yet: no sync to count from
        return None
    if run is None:
        return None
    return dt.datetime.strptime(run.started_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _since(request: Request, period: str) -> tuple[dt.datetime | None, bool]:
    """(since, all): the alerts' lower bound for a period; `unseen` is (None, False)."""
    now = dt.datetime.now(dt.UTC)
    if period == "sync":
        start = _last_sync_start(request)
        return (start or now - dt.timedelta(days=7)), False
    if period in {"7d", "30d"}:
        return now - dt.timedelta(days=int(period[:-1])), False
    if period == "all":
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC), True
    return None, False


def patients_page(request: Request) -> Response:
    from sync.patients_db import list_alerts, list_patients

    period = query_text(request, "alerts") or "sync"
    if period not in dict(PERIODS):
        raise InvalidOption("alerts", ", ".join(dict(PERIODS)), "not a period")
    exists = config(request).patients_db.exists()
    patients: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    if exists:
        since, _ = _since(request, period)
        with patients_store(request) as store:
            patients = list_patients(store)
            alerts = list_alerts(store, since=since, mark_seen=False)
    counts = {
        kind: sum(1 for a in alerts if a["change"] == kind) for kind in ("new", "lost", "changed")
    }
    return render(
        request,
        "patients.html",
        {
            "exists": exists,
            "patients": patients,
            "alerts": list(reversed(alerts)),
            "counts": counts,
            "period": period,
            "periods": PERIODS,
            "patients_db": config(request).patients_db,
        },
    )


async def save_patient(request: Request) -> Response:
    """Save the profile a result page holds, and match it now (its first snapshot)."""
    from matcher import parse_profile
    from matcher.alerts import rematch
    from sync.patients_db import save_profiles

    form = await checked_form(request, max_files=0)
    try:
        data = json.loads(str(form.get("profile_json") or ""))
    except json.JSONDecodeError:
        raise ProfileError(
            "profile: the page's stored profile is damaged; enter it again"
        ) from None
    profile = parse_profile(data, "profile")

    def work() -> None:
        trials = trial_set(request)
        with patients_store(request, create=True) as store:
            save_profiles(store, [profile])
            rematch(store, config(request).db_path, ids=[profile.id], trials=trials)

    await run_in_threadpool(work)
    return RedirectResponse("/patients", status_code=303)


async def open_patient(request: Request) -> Response:
    """Match a saved patient now and show the result page."""
    from sync.patients_db import saved_profiles

    form = await checked_form(request, max_files=0)
    patient_id = str(form.get("id") or "")

    def work() -> dict[str, Any]:
        with patients_store(request) as store:
            found = saved_profiles(store, [patient_id])
        if not found:
            raise HTTPException(404, "no saved patient with that id")
        return run_match(request, json.loads(found[0][1]), match_options(form))

    context = await run_in_threadpool(work)
    context["options_echo"] = {}
    context["saved"] = True
    return render(request, "patient_result.html", context)


async def remove_patient(request: Request) -> Response:
    from sync.patients_db import remove_patients

    form = await checked_form(request, max_files=0)
    ids = [str(v) for v in form.getlist("id") if str(v)]
    if not ids:
        raise InvalidOption("id", "the id of a saved patient", "none given")

    def work() -> None:
        with patients_store(request) as store:
            remove_patients(store, ids)

    await run_in_threadpool(work)
    return RedirectResponse("/patients", status_code=303)


async def rematch_all(request: Request) -> Response:
    """Match every saved patient against the current trials and record what changed."""
    from matcher.alerts import rematch

    await checked_form(request, max_files=0)

    def work() -> None:
        trials = trial_set(request)
        with patients_store(request) as store:
            rematch(store, config(request).db_path, trials=trials)

    await run_in_threadpool(work)
    return RedirectResponse("/patients", status_code=303)


async def mark_seen(request: Request) -> Response:
    """Move the 'seen' mark (shared with `trialmatch alerts`) past every alert so far."""
    from sync.patients_db import list_alerts

    await checked_form(request, max_files=0)

    def work() -> None:
        with patients_store(request) as store:
            list_alerts(store, mark_seen=True)

    await run_in_threadpool(work)
    return RedirectResponse("/patients?alerts=unseen", status_code=303)


ROUTES = [
    Route("/patients", patients_page, methods=["GET"]),
    Route("/patients/save", save_patient, methods=["POST"]),
    Route("/patients/open", open_patient, methods=["POST"]),
    Route("/patients/remove", remove_patient, methods=["POST"]),
    Route("/patients/rematch", rematch_all, methods=["POST"]),
    Route("/alerts/seen", mark_seen, methods=["POST"]),
]
