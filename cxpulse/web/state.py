"""What every request handler of the workspace shares: the store and the running options."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from cxpulse.app.auth import LoginThrottle
from cxpulse.config.workspace import SlaConfig
from storage import Store

__all__ = ["WorkspaceState", "workspace_state"]


@dataclass
class WorkspaceState:
    """The store, the classifier version whose labels the workspace shows, and the options."""

    store: Store
    model_version: str | None = None
    secure_cookies: bool = True
    """Mark cookies Secure (browsers still send them to http://127.0.0.1 and localhost)."""
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    sla: SlaConfig = field(default_factory=SlaConfig)
    """The targets that mark items overdue (``[workspace.sla]``); "now" is the store's clock."""
    timezone: str = "UTC"
    """The zone trends count periods in (``[reporting] timezone``)."""
    competitors: dict[str, list[str]] | None = None
    """Each brand's competitors, for share of voice (None: every brand in the store)."""
    threads: int | None = None
    """Requests a server process works on at once (None: anyio's default, 40)."""


async def workspace_state(request: Request) -> WorkspaceState:
    """The app's state (async: a dependency of every route, it need not take a thread)."""
    state: WorkspaceState = request.app.state.workspace
    return state
