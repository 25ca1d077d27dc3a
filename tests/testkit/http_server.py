"""A real HTTP server on loopback (the standard library's), answering from a table of routes.

For tests that need a whole program (the CLI) to talk HTTP to something real:
a Bluesky PDS, a Slack-compatible webhook. Each route is ``(method, path)`` to a
function of the request that returns status, JSON body and headers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Answer", "Request", "WebServer", "serve_web"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Answer]


@dataclass
class WebServer:
    port: int
    routes: dict[tuple[str, str], Route]
    requests: list[Request] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def serve_web(routes: dict[tuple[str, str], Route]) -> Iterator[WebServer]:
    """Run a server for ``routes`` until the generator is closed (use it from a fixture)."""
    state = WebServer(0, routes)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, parts.path, parts.query, dict(self.headers), self.rfile.read(length))
            state.requests.append(request)
            route = state.routes.get((self.command, parts.path))
            answer = route(request) if route else Answer(404, {"error": "NotFound", "message": "no such route"})
            body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            headers = {"Content-Type": "application/json", **answer.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
