"""The FastAPI application of the workspace: pages, the REST API, local assets, error handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from cxpulse.app.auth import LoginThrottle
from cxpulse.config.workspace import SlaConfig
from cxpulse.web import api, pages
from cxpulse.web.problems import install_error_handlers
from cxpulse.web.security import SecurityHeaders, api_user
from cxpulse.web.state import WorkspaceState
from storage import Store

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_DESCRIPTION = """Search, read and triage the mentions cxpulse collected and classified.

Authenticate with an API token (`cxpulse tokens create USER --name WHAT`) sent as
`Authorization: Bearer TOKEN`; the token acts with its user's role (viewer: read;
agent, admin: also triage and correct labels). Errors are problem details
(`application/problem+json`, RFC 9457)."""


def create_app(
    store: Store,
    *,
    model_version: str | None = None,
    secure_cookies: bool = True,
    throttle: LoginThrottle | None = None,
    sla: SlaConfig | None = None,
    timezone: str = "UTC",
    competitors: dict[str, list[str]] | None = None,
    threads: int | None = None,
) -> FastAPI:
    """The workspace on ``store``, showing the labels of ``model_version`` (None: each mention's newest);
    trends count in ``timezone`` and compare each brand with its ``competitors``. ``threads``: how
    many requests the process works on at once (their store work runs in threads; the others
    wait their turn, first come first served); None: anyio's default, 40."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="cxpulse workspace API",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,  # Swagger UI loads from a CDN: not here
        redoc_url=None,
        openapi_url=None,  # served below, to token holders only
    )
    app.state.workspace = WorkspaceState(
        store=store,
        model_version=model_version,
        secure_cookies=secure_cookies,
        throttle=throttle or LoginThrottle(),
        sla=sla or SlaConfig(),
        timezone=timezone,
        competitors=competitors,
        threads=threads,
    )
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app, pages.render_error)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.add_api_route(
        "/api/v1/openapi.json", api.openapi_route, include_in_schema=False, dependencies=[Depends(api_user)]
    )
    return app
