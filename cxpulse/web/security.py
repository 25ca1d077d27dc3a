"""Who is asking: session cookies and CSRF for the pages, bearer tokens for the API, and headers.

* Pages: a ``cxpulse_session`` cookie (HttpOnly, Secure, SameSite=Lax) holds a
  random token; the store holds its hash (:mod:`cxpulse.app.auth`). Without a live
  session every page redirects to ``/login``.
* CSRF: every state-changing form carries the session's CSRF token in a hidden
  ``csrf_token`` field, compared in constant time; the login form, before there is
  a session, carries the value of a ``cxpulse_login_csrf`` cookie instead (double
  submit). A POST without it, or with a wrong one, is refused (403).
* API: ``Authorization: Bearer TOKEN`` only; cookies are never read there, so
  another site cannot make a logged-in browser call it.
* Every response carries a strict Content-Security-Policy (scripts and styles
  from this server only, no inline script), ``nosniff``, no framing.
"""

from __future__ import annotations

import hmac
import logging
import time

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cxpulse.app import auth
from cxpulse.app.auth import Session
from cxpulse.app.users import User
from cxpulse.web.problems import CsrfRefused, LoginRequired
from cxpulse.web.state import WorkspaceState, workspace_state
from foundation.errors import AccessError

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "SecurityHeaders",
    "api_user",
    "check_login_csrf",
    "csrf_session",
    "page_session",
    "set_cookie",
]

log = logging.getLogger("cxpulse.web.requests")

SESSION_COOKIE = "cxpulse_session"
LOGIN_CSRF_COOKIE = "cxpulse_login_csrf"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def set_cookie(
    response: Response, state: WorkspaceState, name: str, value: str, *, max_age: int, samesite: str = "lax"
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=state.secure_cookies,
        httponly=True,
        samesite=samesite,  # type: ignore[arg-type]
    )


def page_session(request: Request, state: WorkspaceState = Depends(workspace_state)) -> Session:  # noqa: B008
    """The live session of the request's cookie, or a redirect to the login page."""
    session = auth.resolve_session(state.store, request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        raise LoginRequired()
    request.state.username = session.user.username
    return session


async def csrf_session(request: Request, session: Session = Depends(page_session)) -> Session:  # noqa: B008
    """:func:`page_session`, for a state-changing form: its ``csrf_token`` must be the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not auth.csrf_matches(session, sent):
        raise CsrfRefused()
    return session


def check_login_csrf(request: Request, sent: str) -> None:
    """The login form's token must equal its cookie (set when the form was shown)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfRefused()


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `cxpulse tokens create USER --name WHAT`.",
)


def api_user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
    state: WorkspaceState = Depends(workspace_state),  # noqa: B008
) -> User:
    """The user of the request's bearer token; 401 without a valid one."""
    token = credentials.credentials.strip() if credentials and credentials.scheme.lower() == "bearer" else ""
    if not token:
        raise AccessError("send an API token: `Authorization: Bearer TOKEN` (`cxpulse tokens create`)")
    user = auth.resolve_token(state.store, token)
    if user is None:
        raise AccessError("the API token is unknown, revoked, or its user is disabled")
    request.state.username = user.username
    return user


class SecurityHeaders:
    """Security headers on every response, and one log line per request (no query string,
    no headers: search text, cookies and tokens stay out of the log).

    A plain ASGI middleware: it edits the response's start message as it passes. (Starlette's
    ``@app.middleware("http")`` runs each request's app in a task of its own and streams the
    response through a memory channel: over half of a small API request's middleware time.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                if not path.startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "%s %s %d %.0fms user=%s",
                scope["method"],
                path,
                status,
                (time.perf_counter() - started) * 1000,
                scope.get("state", {}).get("username", "-"),
            )
