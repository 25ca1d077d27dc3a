"""A seeded store, the workspace app on it, and logged-in clients (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from testkit.clock import NOW
from testkit.web import BASE_URL, log_in
from testkit.workspace import MODEL, Seeded, seed

from cxpulse.app.auth import LoginThrottle, create_token
from cxpulse.web import create_app
from storage import Store


@pytest.fixture
def seeded(store: Store) -> Seeded:
    return seed(store)


@pytest.fixture
def app(store: Store, seeded: Seeded) -> FastAPI:
    return create_app(store, model_version=MODEL, throttle=LoginThrottle(clock=lambda: NOW))


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def login(app: FastAPI) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """``login("alex")`` -> a client logged in as alex and its CSRF token."""
    clients: list[TestClient] = []

    def make(username: str) -> tuple[TestClient, str]:
        client = TestClient(app, base_url=BASE_URL, follow_redirects=False)
        clients.append(client)
        return client, log_in(client, username)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def token_for(store: Store, seeded: Seeded) -> Callable[[str], dict[str, str]]:
    """``token_for("vera")`` -> headers with a new API token of vera."""

    def make(username: str) -> dict[str, str]:
        token, _ = create_token(store, username, "tests")
        return {"Authorization": f"Bearer {token}"}

    return make
