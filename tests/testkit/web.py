"""Helpers of the workspace tests: logging a test client in through the real login form."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from testkit.workspace import PASSWORD

__all__ = ["BASE_URL", "Login", "csrf_of", "log_in"]

BASE_URL = "https://testserver"
"""Secure cookies travel over https only, so the test client speaks https."""

Login = Callable[[str], tuple[TestClient, str]]
"""The ``login`` fixture: ``login("alex")`` -> a client logged in as alex and its CSRF token."""


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; the session's CSRF token."""
    form = client.get("/login")
    assert form.status_code == 200
    token = client.cookies.get("cxpulse_login_csrf")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return csrf_of(client)


def csrf_of(client: TestClient) -> str:
    page = client.get("/")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]
