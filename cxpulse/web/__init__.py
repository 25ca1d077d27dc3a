"""The CX workspace: a web app (``cxpulse serve``) and the REST API under ``/api/v1``.

An entry point like the CLI: each page and route parses the request, calls the
application layer (``cxpulse.app``: workspace, triage, feedback, users, auth) and
renders. Nothing here talks to the database directly.
"""

from cxpulse.web.app import create_app

__all__ = ["create_app"]
