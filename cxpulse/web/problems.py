"""Errors as responses: JSON problem details (RFC 9457) for the API, an HTML page for the workspace.

Every :class:`~foundation.errors.CxPulseError` a use case raises has one status:
AccessError 401 (PermissionDenied 403, LoginThrottled 429 with Retry-After),
NotFound 404, InputError and QueryError 400. Only a bug gives a 500, and its
response says nothing about it beyond that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from foundation.errors import (
    AccessError,
    CxPulseError,
    InputError,
    LoginThrottled,
    NotFound,
    PermissionDenied,
    QueryError,
)

__all__ = ["PROBLEM_RESPONSES", "Problem", "install_error_handlers", "status_of"]

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


class Problem(BaseModel):
    """A problem detail (RFC 9457)."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong here and what to do about it.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Invalid request fields, when any.")


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {PROBLEM_TYPE: {}}}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_response("The request or the search query is invalid."),
    401: _problem_response("No valid API token (send `Authorization: Bearer TOKEN`)."),
    403: _problem_response("The token's user does not have the role this needs."),
    404: _problem_response("No such mention."),
    422: _problem_response("A parameter or a field of the body is invalid."),
}
"""The error answers every API route documents."""

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
}


def status_of(exc: CxPulseError) -> int:
    if isinstance(exc, LoginThrottled):
        return 429
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, AccessError):
        return 401
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError | QueryError):
        return 400
    return 500


def problem(status: int, detail: str | None, *, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail, errors=errors)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


class LoginRequired(Exception):
    """A page was asked for without a live session: send the browser to the login page."""


class CsrfRefused(Exception):
    """A state-changing form came without the session's CSRF token."""


def install_error_handlers(app: FastAPI, render_error: Callable[[Request, int, str], Response]) -> None:
    """``render_error(request, status, message)`` renders the HTML error page."""

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        log.warning("refused %s %s: missing or wrong CSRF token", request.method, request.url.path)
        return render_error(
            request, 403, "This form has expired or did not come from this workspace; reload the page and try again."
        )

    @app.exception_handler(CxPulseError)
    async def _ours(request: Request, exc: CxPulseError) -> Response:
        status = status_of(exc)
        if status == 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc)
            detail = "the workspace could not do this; the server log says why"
        else:
            detail = str(exc)
        response: Response = problem(status, detail) if _is_api(request) else render_error(request, status, detail)
        if isinstance(exc, LoginThrottled):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        if _is_api(request):
            return problem(422, "a parameter or a field of the body is invalid", errors=errors)
        return render_error(request, 422, "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else None
        if _is_api(request):
            response: Response = problem(exc.status_code, detail)
        else:
            response = render_error(request, exc.status_code, detail or TITLES.get(exc.status_code, "Error"))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        if _is_api(request):
            return problem(500, "an unexpected error; the server log has the details")
        return render_error(request, 500, "An unexpected error; the server log has the details.")
