"""Templates: the Jinja2 environment, its filters, and the one function routes render with."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from trialmatch import __version__
from trialmatch.vocab import Kind, Result, Verdict
from trialmatch.web.security import CSRF_FIELD, SESSION_USER, csrf_token

VERDICT_LABELS = {
    Verdict.ELIGIBLE.value: "eligible",
    Verdict.POSSIBLY_ELIGIBLE.value: "possibly eligible",
    Verdict.INELIGIBLE.value: "ineligible",
}
RESULT_LABELS = {
    Result.MET.value: "met",
    Result.NOT_MET.value: "not met",
    Result.UNKNOWN.value: "unknown",
    Result.NOT_APPLICABLE.value: "not applicable",
}

NAV = (
    ("/search", "Search"),
    ("/patient", "Patient"),
    ("/patients", "Saved patients"),
    ("/cohort", "Cohort"),
    ("/status", "Status"),
)

_SNIPPET = re.compile(r"\[([^\[\]]*)\]")


def snippet_html(text: str | None) -> Markup:
    """An FTS snippet with its [matched words] as <mark>, everything else escaped."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(_SNIPPET.sub(r"<mark>\1</mark>", escaped))


def label(value: Any) -> str:
    """An API enum value for reading: 'NOT_YET_RECRUITING' -> 'Not yet recruiting'."""
    text = str(value or "").replace("_", " ").strip().lower()
    text = re.sub(r"\bphase(\d)", r"phase \1", text)
    return text[:1].upper() + text[1:]


def kind_label(value: Any) -> str:
    return str(getattr(value, "value", value)).replace("_", " ")


def filesize(size: int | None) -> str:
    if size is None:
        return "-"
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"


def _context(request: Request) -> dict[str, Any]:
    path = request.url.path
    return {
        "nav": NAV,
        "current": next((href for href, _ in NAV if path.startswith(href)), None),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "user": request.session.get(SESSION_USER),
        "login_required": request.app.state.config.login_required,
        "version": __version__,
        "kinds": [k.value for k in Kind],
    }


@cache
def templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("trialmatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        snippet=snippet_html,
        label=label,
        kind_label=kind_label,
        filesize=filesize,
        verdict_label=lambda v: VERDICT_LABELS.get(str(v), str(v)),
        result_label=lambda v: RESULT_LABELS.get(str(v), str(v)),
    )
    return Jinja2Templates(env=env, context_processors=[_context])


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    response = templates().TemplateResponse(request, name, context or {}, status_code=status_code)
    return response
