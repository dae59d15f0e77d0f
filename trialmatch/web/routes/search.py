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
    for extra in ("page", "counts"):
        if extra in merged:
            pairs += [(extra, merged[extra][0])]
    return "/search?" + urlencode(pairs)


def _query(request: Request) -> tuple[dict[str, list[str]], str | None, dict[str, Any]]:
    """(params as given, text, the library's search options) from the query string."""
    params = {name: query_list(request, name) for name in FILTERS}
    options: dict[str, Any] = {
        "status": params["status"] or None,
        "phase": params["phase"] or None,
        "condition": query_text(request, "condition") or None,
        "drug": query_text(request, "drug") or None,
        "gene": query_text(request, "gene") or None,
        "country": query_text(request, "country") or None,
        "near": _near(request),
    }
    return params, query_text(request, "q") or None, options


def _facets(
    request: Request, db: Any, text: str | None, options: dict[str, Any], *, compute: bool
) -> tuple[dict[str, list[tuple[str, int]]], int] | None:
    """(facet counts, trials in the database) from the cache, or computed when `compute`."""
    from sync.search import facets

    key = facet_key(text, options)
    cache = facet_cache(request)
    if not compute:
        found: tuple[dict[str, list[tuple[str, int]]], int] | None = cache.peek(key)
        return found
    found = cache.get(key, lambda: (facets(db, text, **options), _count(db)))
    return found


def facet_key(text: str | None, options: dict[str, Any]) -> tuple[Any, ...]:
    return (text, *sorted((k, repr(v)) for k, v in options.items()))


#: The search options of the unfiltered browse page (every option off).
BROWSE: dict[str, Any] = dict.fromkeys(
    ("status", "phase", "condition", "drug", "gene", "country", "near")
)


def warm_browse_facets(cache: FacetCache, db_path: Any) -> None:
    """Count the unfiltered facets ahead of the first visitor (run in a thread at start-up)."""
    from sync.search import facets
    from trialmatch.errors import TrialmatchError
    from trialmatch.web.state import trial_db

    try:
        with trial_db(db_path) as db:
            cache.get(facet_key(None, BROWSE), lambda: (facets(db, None, **BROWSE), _count(db)))
    except TrialmatchError:
        pass  # no database yet: the pages say so


def _facet_context(
    params: dict[str, list[str]], found: tuple[dict[str, list[tuple[str, int]]], int]
) -> dict[str, Any]:
    counts, total = found
    return {
        "facets": {
            name: [(value, count, _toggle(params, name, value)) for value, count in values]
            for name, values in counts.items()
            if name in {"status", "phase", "country"}
        },
        "matched": sum(count for _, count in counts.get("status", [])),
        "total": total,
        "has_query": any(params.values()),
        "clear_link": "/search",
    }


def search_page(request: Request) -> Response:
    """Hits at once; facet counts inline when known (cached, or `counts=1` for pages without
    script), otherwise fetched by the page from /search/facets while the reader scans the hits:
    on a large database the counts take longer than the hits."""
    from sync.search import search

    params, text, options = _query(request)
    page = _page(request)
    with database(request) as db:
        hits = search(db, text, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, **options)
        found = _facets(request, db, text, options, compute=query_text(request, "counts") == "1")
    more = len(hits) > PAGE_SIZE
    context: dict[str, Any] = {
        "params": params,
        "hits": hits[:PAGE_SIZE],
        "page": page,
        "has_query": any(params.values()),
        "prev_link": _link(params, page=page - 1) if page > 1 else None,
        "next_link": _link(params, page=page + 1) if more else None,
        "facets_url": None if found else "/search/facets?" + request.url.query,
        "counts_link": _link(params, counts=1),
    }
    if found:
        context.update(_facet_context(params, found))
    return render(request, "search.html", context)


def facets_fragment(request: Request) -> Response:
    """The facet sidebar for a search, as an HTML fragment (what the search page fetches)."""
    params, text, options = _query(request)
    with database(request) as db:
        found = _facets(request, db, text, options, compute=True)
    assert found is not None
    return render(request, "_facets.html", _facet_context(params, found))


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
    Route("/search/facets", facets_fragment, methods=["GET"]),
]
