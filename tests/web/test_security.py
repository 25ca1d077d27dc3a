"""What the workspace refuses: anonymous requests, forged forms, roles above one's own,
hostile text that would run, search syntax that would break the SQL, and leaks into logs."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from testkit.web import BASE_URL, Login, log_in
from testkit.workspace import HOSTILE_URL, PASSWORD, Seeded

from cxpulse.app import auth, triage
from storage import Store

OPEN_ROUTES = {"/login"}


def _all_routes(routes: list[Any]) -> list[Any]:
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI includes routers lazily
        found += _all_routes(included.routes) if included is not None else [route]
    return found


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in _all_routes(app.routes):
        if isinstance(route, APIRoute) and route.path not in OPEN_ROUTES:
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            found += [(method, path) for method in sorted(route.methods)]
    return found


def test_every_page_and_api_route_refuses_anonymous_requests(app: FastAPI, anonymous: TestClient) -> None:
    routes = _routes(app)
    assert len(routes) >= 15
    for method, path in routes:
        response = anonymous.request(method, path, json={} if path.startswith("/api/") else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == 401
        else:
            assert response.status_code == 303 and response.headers["location"] == "/login", (method, path)
            assert "<table" not in response.text


def test_a_revoked_or_made_up_token_is_refused(anonymous: TestClient, store: Store, seeded: Seeded) -> None:
    token, record = auth.create_token(store, "vera", "x")
    assert anonymous.get("/api/v1/mentions", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    auth.revoke_token(store, record.prefix)
    assert anonymous.get("/api/v1/mentions", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert anonymous.get("/api/v1/mentions", headers={"Authorization": "Bearer cxp_made_up"}).status_code == 401
    assert anonymous.get("/api/v1/mentions", headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_the_api_ignores_the_session_cookie(login: Login) -> None:
    client, _ = login("alex")
    assert client.get("/api/v1/mentions").status_code == 401


@pytest.mark.parametrize("sent", [None, "", "wrong-token"])
def test_forms_without_the_right_csrf_token_are_refused(login: Login, seeded: Seeded, store: Store, sent: str | None) -> None:
    client, _ = login("alex")
    refund = seeded.ids["refund"]
    data = {"status": "resolved"} | ({} if sent is None else {"csrf_token": sent})
    for path in (f"/mentions/{refund}/triage", "/triage/bulk", f"/mentions/{refund}/feedback", "/logout"):
        response = client.post(path, data={**data, "ids": str(refund), "field": "sentiment", "value": "neutral"})
        assert response.status_code == 403, path
    item = triage.triage_item(store, refund)
    assert item is not None and item.status == "open"
    assert client.get("/").status_code == 200  # still logged in


def test_the_login_form_needs_its_csrf_token(anonymous: TestClient) -> None:
    anonymous.get("/login")
    response = anonymous.post("/login", data={"username": "alex", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "cxpulse_session" not in response.cookies


def test_a_viewer_cannot_triage_or_correct(login: Login, seeded: Seeded, store: Store, token_for) -> None:  # type: ignore[no-untyped-def]
    client, csrf = login("vera")
    refund = seeded.ids["refund"]
    page = client.get(f"/mentions/{refund}").text
    assert 'id="triage-form"' not in page
    assert client.post(f"/mentions/{refund}/triage", data={"csrf_token": csrf, "status": "resolved"}).status_code == 403
    bulk = client.post("/triage/bulk", data={"csrf_token": csrf, "ids": str(refund), "status": "resolved"})
    assert bulk.status_code == 403
    fb = client.post(f"/mentions/{refund}/feedback", data={"csrf_token": csrf, "field": "sentiment", "value": "neutral"})
    assert fb.status_code == 403
    api = client.post(f"/api/v1/mentions/{refund}/triage", json={"status": "resolved"}, headers=token_for("vera"))
    assert api.status_code == 403 and api.headers["content-type"] == "application/problem+json"
    item = triage.triage_item(store, refund)
    assert item is not None and item.status == "open"


def test_an_agent_cannot_manage_users(login: Login, store: Store) -> None:
    client, csrf = login("alex")
    assert client.get("/admin/users").status_code == 403
    added = client.post("/admin/users", data={"csrf_token": csrf, "username": "eve", "password": PASSWORD, "role": "admin"})
    assert added.status_code == 403
    assert client.post("/admin/users/alex", data={"csrf_token": csrf, "role": "admin"}).status_code == 403
    assert [u.username for u in __import__("cxpulse.app.users", fromlist=["x"]).list_users(store)].count("eve") == 0
    assert 'href="/admin/users"' not in client.get("/").text


def _no_live_markup(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert "\u202e" not in html and "\u202c" not in html


def test_hostile_mention_text_is_inert_in_inbox_detail_and_api(login: Login, seeded: Seeded, token_for) -> None:  # type: ignore[no-untyped-def]
    client, _ = login("vera")
    hostile = seeded.ids["hostile"]
    searched = client.get("/", params={"f": "1", "q": "refund"})
    assert f'data-id="{hostile}"' in searched.text
    _no_live_markup(searched.text)
    inbox = client.get("/")  # a listing shows the text itself
    _no_live_markup(inbox.text)
    for params in ({}, {"f": "1", "q": "refund"}):  # the filters' values (brands, tags …) come from mentions too
        _no_live_markup(client.get("/filters", params=params).text)
    assert "&lt;script&gt;" in inbox.text and "⟨U+202E⟩" in inbox.text
    detail = client.get(f"/mentions/{hostile}")
    _no_live_markup(detail.text)
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail.text
    assert HOSTILE_URL in detail.text and 'class="unsafe-url"' in detail.text  # shown, never a link
    assert "&lt;b&gt;evil&lt;/b&gt;" in detail.text
    csp = detail.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert detail.headers["x-content-type-options"] == "nosniff"
    api = client.get(f"/api/v1/mentions/{hostile}", headers=token_for("vera"))
    assert api.headers["content-type"] == "application/json"
    assert api.json()["text"].startswith('Refund please <script>alert("x")</script>')  # data, as stored
    assert api.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", "'; DROP TABLE mentions; --", 'refund" NEAR(a b)', "text:refund", "refund*", "(((", ")", "-", '"', "a^b", "\x00"],
)
def test_search_syntax_never_breaks_the_page_or_the_api(login: Login, token_for, query: str) -> None:  # type: ignore[no-untyped-def]
    client, _ = login("vera")
    page = client.get("/", params={"f": "1", "q": query})
    assert page.status_code == 200
    assert 'id="total"' in page.text or "could not be read" in page.text or "NUL" in page.text
    assert client.get("/filters", params={"f": "1", "q": query}).status_code == 200  # the page says what is wrong
    api = client.get("/api/v1/mentions", params={"q": query}, headers=token_for("vera"))
    assert api.status_code in (200, 400)
    if api.status_code == 400:
        assert api.headers["content-type"] == "application/problem+json" and api.json()["detail"]


def test_session_cookies_are_secure_httponly_and_samesite(anonymous: TestClient) -> None:
    form = anonymous.get("/login")
    login_cookie = form.headers["set-cookie"]
    assert "HttpOnly" in login_cookie and "Secure" in login_cookie and "SameSite=strict" in login_cookie
    token = anonymous.cookies.get("cxpulse_login_csrf")
    response = anonymous.post("/login", data={"username": "alex", "password": PASSWORD, "csrf_token": token})
    session_cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("cxpulse_session="))
    assert "HttpOnly" in session_cookie and "Secure" in session_cookie and "SameSite=lax" in session_cookie
    assert "Path=/" in session_cookie


def test_logins_are_rate_limited(app: FastAPI) -> None:
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        client.get("/login")
        token = client.cookies.get("cxpulse_login_csrf")
        codes = [
            client.post("/login", data={"username": "ada", "password": f"guess {i}", "csrf_token": token}).status_code
            for i in range(auth.MAX_FAILURES_PER_USER + 1)
        ]
        assert codes == [401] * auth.MAX_FAILURES_PER_USER + [429]
        last = client.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token})
        assert last.status_code == 429 and int(last.headers["retry-after"]) > 0  # even the right password waits


def test_passwords_and_tokens_never_reach_the_log(
    app: FastAPI, store: Store, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token, _ = auth.create_token(store, "alex", "script")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        log_in(client, "alex")
        session = client.cookies.get("cxpulse_session")
        client.get("/api/v1/mentions", params={"q": "refund"}, headers={"Authorization": f"Bearer {token}"})
        client.get("/login")
        wrong = client.cookies.get("cxpulse_login_csrf")
        client.post("/login", data={"username": "alex", "password": "Sup3r-secret-guess", "csrf_token": wrong})
    text = caplog.text
    assert "user alex logged in" in text and "GET /api/v1/mentions 200" in text
    for secret in (PASSWORD, token, session, "Sup3r-secret-guess"):
        assert secret and secret not in text
