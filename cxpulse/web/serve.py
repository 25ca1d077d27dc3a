"""Running the workspace with uvicorn (one process; the store's pool serves its threads)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

__all__ = ["serve"]


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``app`` until interrupted. Uvicorn's access log stays off: the workspace logs
    one line per request itself, without query strings or headers."""
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None, proxy_headers=False)
    uvicorn.Server(config).run()
