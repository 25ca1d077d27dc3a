"""Running the workspace with uvicorn: one process, or several that share the port.

With one process the store's connection pool serves uvicorn's threads. With ``workers``
above one, uvicorn starts that many processes; each builds the same app from what the
parent hands it in the environment variable :data:`ENVIRONMENT` (the store's URL, the
model version, the SLA targets, the reporting zone and the competitors), so each opens its
own connections. Login throttling is then counted per process: an address gets ``workers``
times the attempts before a pause.
"""

from __future__ import annotations

import json
import os

import uvicorn
from fastapi import FastAPI

from cxpulse.config.workspace import SlaConfig
from cxpulse.web.app import create_app
from cxpulse.web.state import WorkspaceState
from storage import Store

__all__ = ["ENVIRONMENT", "app_from_environment", "serve"]

ENVIRONMENT = "CXPULSE_WORKSPACE_PROCESS"
"""Where a worker process finds how to build the app (JSON; it holds the store's URL, so it
is set only in the environment of the processes this one starts)."""


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve ``app`` until interrupted, in ``workers`` processes. Uvicorn's access log stays
    off: the workspace logs one line per request itself, without query strings or headers."""
    options = {"host": host, "port": port, "access_log": False, "log_config": None, "proxy_headers": False}
    if workers <= 1:
        uvicorn.Server(uvicorn.Config(app, **options)).run()  # type: ignore[arg-type]
        return
    state: WorkspaceState = app.state.workspace
    os.environ[ENVIRONMENT] = json.dumps(
        {
            "url": state.store.url,
            "model_version": state.model_version,
            "secure_cookies": state.secure_cookies,
            "sla": state.sla.model_dump(),
            "timezone": state.timezone,
            "competitors": state.competitors,
            "threads": state.threads,
        }
    )
    uvicorn.run(f"{__name__}:app_from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def app_from_environment() -> FastAPI:
    """The app a worker process serves, built from :data:`ENVIRONMENT` (see :func:`serve`)."""
    spec = json.loads(os.environ[ENVIRONMENT])
    return create_app(
        Store.open(spec["url"]),
        model_version=spec["model_version"],
        secure_cookies=spec["secure_cookies"],
        sla=SlaConfig.model_validate(spec["sla"]),
        timezone=spec["timezone"],
        competitors=spec["competitors"],
        threads=spec["threads"],
    )
