"""Log in and out (only when the configuration asks for a login)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from trialmatch.web.render import render
from trialmatch.web.routes.common import config
from trialmatch.web.security import SESSION_CSRF, SESSION_USER, checked_form, credentials_match


async def login_form(request: Request) -> Response:
    if not config(request).login_required:
        return RedirectResponse("/search", status_code=303)
    return render(request, "login.html", {"error": None})


async def login(request: Request) -> Response:
    settings = config(request)
    form = await checked_form(request, max_files=0)
    if not settings.login_required or settings.password is None:
        return RedirectResponse("/search", status_code=303)
    throttle = request.app.state.login_throttle
    if throttle.blocked():
        return render(
            request,
            "login.html",
            {
                "error": "too many failed attempts: wait five minutes and try again",
            },
            status_code=429,
        )
    user, password = str(form.get("user") or ""), str(form.get("password") or "")
    if not credentials_match(user, password, settings.user, settings.password):
        throttle.failed()
        await asyncio.sleep(0.5)
        return render(
            request, "login.html", {"error": "wrong user name or password"}, status_code=401
        )
    request.session.clear()
    request.session[SESSION_USER] = settings.user
    request.session.pop(SESSION_CSRF, None)  # a new token for the logged-in session
    return RedirectResponse("/search", status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request, max_files=0)
    request.session.clear()
    return RedirectResponse(
        "/login" if config(request).login_required else "/search", status_code=303
    )


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
