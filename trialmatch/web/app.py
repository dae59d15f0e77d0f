"""The coordinators' web app: `create_app(config)` returns a Starlette application.

Server-rendered pages (Jinja2), one small CSS file and a little vanilla JavaScript; no build step.
Every page is a thin view over the library: `sync.search`, `sync.show`, `sync.runs`, `matcher`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from trialmatch.errors import (
    DatabaseError,
    DatabaseMissing,
    InvalidOption,
    ProfileError,
    TrialmatchError,
    UnknownTerm,
    UnknownTrial,
)
from trialmatch.web.config import WebConfig
from trialmatch.web.jobs import JobStore
from trialmatch.web.render import render
from trialmatch.web.routes import auth, cohort, patient, saved, search, status, trial
from trialmatch.web.security import BodyLimit, LoginRequired, LoginThrottle, SafetyHeaders
from trialmatch.web.state import FacetCache, TrialCache

log = logging.getLogger("trialmatch.web")

#: HTTP status for each project error shown as a page.
ERROR_STATUS: tuple[tuple[type[TrialmatchError], int], ...] = (
    (UnknownTrial, 404),
    (DatabaseMissing, 503),
    (DatabaseError, 503),
    (InvalidOption, 400),
    (ProfileError, 400),
    (UnknownTerm, 400),
    (TrialmatchError, 400),
)


async def _project_error(request: Request, error: Exception) -> Response:
    code = next(code for kind, code in ERROR_STATUS if isinstance(error, kind))
    return _error_page(request, code, str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else "request refused"
    if error.status_code == 404 and detail == "Not Found":
        detail = "no such page"
    return _error_page(request, error.status_code, detail)


def _error_page(request: Request, code: int, message: str) -> Response:
    if "session" not in request.scope:  # refused before the session middleware ran
        return PlainTextResponse(message, status_code=code)
    return render(request, "error.html", {"code": code, "message": message}, status_code=code)


def _warm(app: Starlette) -> None:
    """Make the slow summaries (unfiltered facet counts, parser coverage) before anyone asks."""
    search.warm_browse_facets(app.state.facets, app.state.config.db_path)
    status.warm_coverage(app.state.config.db_path)


def create_app(config: WebConfig) -> Starlette:
    """The web app for one trial database and one saved-patients file."""
    config.check()
    trials = TrialCache(config.db_path, config.reload_check_seconds)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        trials.try_load()
        threading.Thread(target=_warm, args=(app,), name="trialmatch-warm", daemon=True).start()
        yield
        app.state.jobs.close()

    routes = [
        *search.ROUTES,
        *trial.ROUTES,
        *status.ROUTES,
        *patient.ROUTES,
        *saved.ROUTES,
        *cohort.ROUTES,
        *auth.ROUTES,
        Mount("/static", app=StaticFiles(packages=[("trialmatch.web", "static")]), name="static"),
    ]
    middleware = [
        Middleware(SafetyHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts),
        Middleware(BodyLimit, limit=config.max_upload_bytes),
        Middleware(
            SessionMiddleware,
            secret_key=config.secret,
            session_cookie="trialmatch_session",
            max_age=8 * 3600,
            same_site="strict",
            https_only=False,
        ),
        Middleware(LoginRequired, required=config.login_required),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={TrialmatchError: _project_error, HTTPException: _http_error},
    )
    app.state.config = config
    app.state.trials = trials
    app.state.facets = FacetCache(config.db_path)
    app.state.jobs = JobStore(config)
    app.state.login_throttle = LoginThrottle()
    return app
