"""After `cxpulse demo`, the README's next commands find the demo store without --db,
and `cxpulse serve --demo` prints the URL and a login that works."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from testkit.web import BASE_URL

import cxpulse.web.serve


def test_after_the_demo_search_and_serve_find_the_demo_store(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo", "--count", "40", "--no-classify").code == 0
    found = cli("search", "delay OR delayed", "--json")
    assert found.code == 0 and "using the demo store" in found.err and '"text"' in found.out

    served: dict[str, Any] = {}
    monkeypatch.setattr(cxpulse.web.serve, "serve", lambda app, **where: served.update(app=app, **where))
    outcome = cli("serve", "--demo", "--port", "8123")
    assert outcome.code == 0, outcome.err
    assert "workspace: http://127.0.0.1:8123/" in outcome.out
    login = re.search(r"log in as (\S+) with password (\S+)", outcome.out)
    assert login is not None and served["port"] == 8123
    with TestClient(served["app"], base_url=BASE_URL, follow_redirects=False) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={"username": login[1], "password": login[2], "csrf_token": client.cookies.get("cxpulse_login_csrf")},
        )
        assert response.status_code == 303
        assert client.get("/").status_code == 200
    again = cli("serve", "--demo")
    assert again.code == 0 and login[2] not in again.out  # a fresh password each time


def test_serve_demo_without_a_demo_store_says_what_to_run(cli) -> None:  # type: ignore[no-untyped-def]
    outcome = cli("serve", "--demo")
    assert outcome.code == 1 and "make demo" in outcome.err
