"""Trial: everything `show` prints, the parsed criteria beside the source text, sites, changes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from trialmatch.errors import InvalidOption
from trialmatch.vocab import Kind, Section
from trialmatch.web.highlight import fields, segments
from trialmatch.web.render import render
from trialmatch.web.routes.common import database, query_text


def stored_criteria(db: Any, nct_id: str) -> tuple[list[Any] | None, str | None]:
    """The trial's parsed criteria (typed by `criteria.model`) and the parser version; None when
    the trial has not been parsed (or its stored criteria no longer validate)."""
    from criteria.model import CRITERIA

    row = db.execute(
        "SELECT criteria, parser_version FROM criteria WHERE nct_id = ?", [nct_id]
    ).fetchone()
    if row is None or row[0] is None:
        return None, None
    try:
        return list(CRITERIA.validate_json(row[0])), row[1]
    except ValidationError:
        return None, row[1]


def trial_page(request: Request) -> Response:
    from sync.show import trial_detail

    nct_id = request.path_params["nct_id"]
    with database(request) as db:
        trial = trial_detail(db, nct_id, with_changes=True)
        if trial.nct_id != nct_id:
            return RedirectResponse(f"/trial/{trial.nct_id}", status_code=301)
        criteria, parser_version = stored_criteria(db, trial.nct_id)
    parsed = criteria or []
    sites_by_status: dict[str, int] = {}
    for site in trial.sites:
        key = site.status or "UNKNOWN"
        sites_by_status[key] = sites_by_status.get(key, 0) + 1
    unrecognized = sum(1 for c in parsed if c.kind == Kind.UNRECOGNIZED)
    return render(
        request,
        "trial.html",
        {
            "trial": trial,
            "parsed": criteria is not None,
            "parser_version": parser_version,
            "segments": segments(trial.eligibility_text or "", parsed),
            "criteria": [
                {"index": n, "c": c, "fields": fields(c), "kind": str(c.kind.value)}
                for n, c in enumerate(parsed)
            ],
            "sections": [s.value for s in Section],
            "unrecognized": unrecognized,
            "sites_by_status": sorted(sites_by_status.items(), key=lambda kv: -kv[1]),
            "changes": trial.changes[:50],
        },
    )


def trial_lookup(request: Request) -> Response:
    """`/trial?nct=NCT...` from the header's box: to the trial's page."""
    from sync.shape import normalize_nct_id

    normal = normalize_nct_id(query_text(request, "nct"))
    if normal is None:
        raise InvalidOption("nct", "an NCT id such as NCT04072952", "not an NCT id")
    return RedirectResponse(f"/trial/{normal}", status_code=303)


ROUTES = [
    Route("/trial", trial_lookup, methods=["GET"]),
    Route("/trial/{nct_id}", trial_page, methods=["GET"]),
]
