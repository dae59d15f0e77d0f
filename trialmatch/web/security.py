"""The safety rules, as middleware and helpers.

- Every response: `Cache-Control: no-store`, a strict content security policy (no inline script),
  no framing, no referrer, no MIME sniffing.
- The access log names the route's pattern (`/trial/{nct_id}`), never the URL as requested and
  never a query string; uvicorn's own access log is switched off by `trialmatch serve`.
- Forms are protected against cross-site request forgery: a per-session token, checked on every
  POST with `checked_form`, and cross-site POSTs are refused outright (Sec-Fetch-Site / Origin).
- A login (session cookie signed with the configured secret) when the app is served beyond this
  machine or a password is set.
- Request bodies larger than the configured limit are refused before they are read.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("trialmatch.web.access")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_CSRF = "csrf"
SESSION_USER = "user"

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        b"object-src 'none'",
    ),
)

#: Paths a visitor may reach before logging in.
PUBLIC_PREFIXES = ("/login", "/static/", "/favicon.ico")


class SafetyHeaders:
    """Adds `HEADERS` to every HTTP response and logs one line per request without its data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {name for name, _ in HEADERS}
                ]
                message["headers"] = kept + list(HEADERS)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            pattern = getattr(route, "path", None) or "(no route)"
            access_log.info(
                "%s %s %d %.0f ms",
                scope["method"],
                pattern,
                status,
                (time.perf_counter() - started) * 1000,
            )


class BodyLimit:
    """Refuses a request whose declared body is over `limit` bytes (413), and stops reading one
    that sends more than that without declaring it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            response = PlainTextResponse(
                f"upload too large: at most {self.limit // (1024 * 1024)} MB", status_code=413
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, f"upload too large: at most {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


class LoginRequired:
    """Sends visitors without a session to /login when the configuration asks for a login."""

    def __init__(self, app: ASGIApp, required: bool) -> None:
        self.app = app
        self.required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.required or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith(PUBLIC_PREFIXES) or scope.get("session", {}).get(SESSION_USER):
            await self.app(scope, receive, send)
            return
        if scope["method"] in {"GET", "HEAD"}:
            response: Any = RedirectResponse("/login", status_code=303)
        else:
            response = PlainTextResponse("log in first: /login", status_code=401)
        await response(scope, receive, send)


# --- cross-site request forgery -----------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """This session's token (made on first use); templates put it in every form."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def _cross_site(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in {"same-origin", "none"}
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] != host


async def checked_form(request: Request, *, max_files: int = 1) -> FormData:
    """The POSTed form, after checking that it came from one of our pages (403 otherwise)."""
    if _cross_site(request):
        raise HTTPException(403, "cross-site form submissions are refused")
    form = await request.form(max_files=max_files, max_fields=2000)
    expected = request.session.get(SESSION_CSRF)
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise HTTPException(
            403, "this form has expired or did not come from trialmatch: reload the page and retry"
        )
    return form


# --- login --------------------------------------------------------------------------------------


class LoginThrottle:
    """At most `attempts` failed logins per `window` seconds for the whole app."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def blocked(self) -> bool:
        now = time.monotonic()
        with self._lock:
            self._failures = [t for t in self._failures if now - t < self.window]
            return len(self._failures) >= self.attempts

    def failed(self) -> None:
        with self._lock:
            self._failures.append(time.monotonic())


def credentials_match(user: str, password: str, want_user: str, want_password: str) -> bool:
    """Constant-time comparison of both fields."""
    ok_user = hmac.compare_digest(user.encode(), want_user.encode())
    ok_password = hmac.compare_digest(password.encode(), want_password.encode())
    return ok_user and ok_password
