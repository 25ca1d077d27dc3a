"""Fixtures for digest tests: the shared store fixture, a seeder, and real SMTP servers.

``store`` is the storage tests' fixture (SQLite and PostgreSQL), loaded from
tests/storage/conftest.py. SMTP servers are aiosmtpd Controllers on a free
loopback port: one that records what it receives, one that refuses every
message with 554 on DATA, and the port of one that is down.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from digest_support import Recorder, Refuser, Seeder, SmtpServer, free_port, serve

from storage import Store

_spec = importlib.util.spec_from_file_location(
    "_storage_fixtures", Path(__file__).parents[1] / "storage" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_storage_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_storage_fixtures)
store = _storage_fixtures.store
postgres_store = _storage_fixtures.postgres_store


@pytest.fixture
def seeder(store: Store) -> Seeder:
    return Seeder(store)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that accepts and records every message."""
    yield from serve(Recorder())


@pytest.fixture
def refusing_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that answers 554 to every message."""
    yield from serve(Refuser())


@pytest.fixture
def down_smtp_port() -> int:
    """A loopback port nothing listens on."""
    return free_port()
