"""Search: full text plus filters, facet counts, and why each trial matched (`sync.search`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from trialmatch.errors import InvalidOption
from trialmatch.web.render import render
from trialmatch.web.routes.common import database, query_list, query_text
from trialmatch.web.state import FacetCache

PAGE_SIZE = 25
#: Filters kept in links (facet clicks, paging), in form order.
FILTERS = ("q", "status", "phase", "condition", "drug", "gene", "country", "lat", "lon", "km")


def _near(request: Request) -> tuple[float, float, float] | None:
    values = [query_text(request, n) for n in ("lat", "lon", "km")]
    if not any(values):
        return None
    if not all(values):
        raise InvalidOption(
            "distance", "latitude, longitude and kilometres together", "give all three or none"
        )
    try:
        lat, lon, km = (float(v) for v in values)
    except ValueError:
        raise InvalidOption(
            "distance",
            "numbers: latitude -90 to 90, longitude -180 to 180, km above 0",
            "not a number",
        ) from None
    return (lat, lon, km)


def _count(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM studies").fetchone()[0])


def facet_cache(request: Request) -> FacetCache:
    cache: FacetCache = request.app.state.facets
    return cache


def _page(request: Request) -> int:
    text = query_text(request, "page") or "1"
    if not text.isdigit() or int(text) < 1:
        raise InvalidOption("page", "a page number from 1", "not a page number")
    return int(text)


def _link(params: dict[str, list[str]], **change: Any) -> str:
    """The search URL with some filters changed (a value of None removes a filter)."""
    merged = {k: list(v) for k, v in params.items()}
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value if isinstance(value, list) else [str(value)]
    pairs = [(k, v) for k in FILTERS for v in merged.get(k, [])]
    if "page" in merged:
        pairs += [("page", merged["page"][0])]
    return "/search?" + urlencode(pairs)


def search_page(request: Request) -> Response:
    from sync.search import facets, search

    params = {name: query_list(request, name) for name in FILTERS}
    has_query = any(params.values())
    options: dict[str, Any] = {
        "status": params["status"] or None,
        "phase": params["phase"] or None,
        "condition": query_text(request, "condition") or None,
        "drug": query_text(request, "drug") or None,
        "gene": query_text(request, "gene") or None,
        "country": query_text(request, "country") or None,
        "near": _near(request),
    }
    page = _page(request)
    text = query_text(request, "q") or None
    with database(request) as db:
        hits = search(db, text, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, **options)
        counts, total = facet_cache(request).get(
            (text, *sorted((k, repr(v)) for k, v in options.items())),
            lambda: (facets(db, text, **options), _count(db)),
        )
    more = len(hits) > PAGE_SIZE
    facet_links = {
        name: [(value, count, _toggle(params, name, value)) for value, count in values]
        for name, values in counts.items()
        if name in {"status", "phase", "country"}
    }
    matched = sum(count for _, count in counts.get("status", []))
    return render(
        request,
        "search.html",
        {
            "params": params,
            "hits": hits[:PAGE_SIZE],
            "facets": facet_links,
            "study_types": counts.get("study_type", []),
            "matched": matched,
            "total": total,
            "page": page,
            "has_query": has_query,
            "prev_link": _link(params, page=page - 1) if page > 1 else None,
            "next_link": _link(params, page=page + 1) if more else None,
            "clear_link": "/search",
        },
    )


def _toggle(params: dict[str, list[str]], name: str, value: str) -> tuple[bool, str]:
    """(selected, link): a facet link adds its value to the filter, or removes it if there."""
    chosen = params.get(name, [])
    if name == "country":
        selected = chosen == [value]
        return selected, _link(params, country=None if selected else value, page=None)
    selected = value in chosen
    values = [v for v in chosen if v != value] if selected else [*chosen, value]
    return selected, _link(params, **{name: values or None, "page": None})


def home(request: Request) -> Response:
    return RedirectResponse("/search", status_code=303)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/search", search_page, methods=["GET"]),
]
