"""Store fixtures for every test folder: a test that takes ``store`` runs on SQLite and PostgreSQL.

PostgreSQL: one fresh database per test session (created through the
``postgres`` maintenance database, dropped at the end), migrated once with
``Store.upgrade()`` and emptied with ``TRUNCATE ... RESTART IDENTITY`` before
each test. Without a reachable server the PostgreSQL tests are skipped, except
under ``CI=true``, where they fail: they are mandatory there.
Set ``CXPULSE_TEST_POSTGRES_URL`` to use another server.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql

from foundation.mentions import StoredMention
from storage import Store
from storage.models import Base
from testkit.clock import NOW

POSTGRES_ADMIN_URL = os.environ.get("CXPULSE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = tuple(table.name for table in reversed(Base.metadata.sorted_tables))
"""Every table the migrations create, emptied before each PostgreSQL test."""
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _admin() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (PostgreSQL tests are mandatory under CI=true)")
        pytest.skip(message)


def _create_database() -> str:
    name = f"cxpulse_test_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop_database(name: str) -> None:
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _database_url(name: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def postgres_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """The session's PostgreSQL store, migrated once."""
    name = _create_database()
    request.addfinalizer(lambda: _drop_database(name))
    store = Store.open(_database_url(name), clock=lambda: NOW)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Store]:
    """A migrated, empty store whose clock is fixed at ``NOW``."""
    if request.param == "sqlite":
        sqlite_store = Store.open(f"sqlite:///{tmp_path / 'cxpulse.db'}", clock=lambda: NOW)
        sqlite_store.upgrade()
        yield sqlite_store
        sqlite_store.dispose()
        return
    pg_store: Store = request.getfixturevalue("postgres_store")
    with pg_store.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield pg_store


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """The URL of an empty database (never migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = _create_database()
    yield _database_url(name)
    _drop_database(name)


MentionFactory = Callable[..., StoredMention]


@pytest.fixture
def mention() -> MentionFactory:
    """Build a :class:`StoredMention`; only ``external_id`` and ``text`` are needed."""

    def build(
        external_id: str,
        text: str,
        *,
        source: str = "twitter",
        created_at: datetime = CREATED,
        content_hash: str | None = None,
        **fields: Any,
    ) -> StoredMention:
        return StoredMention(
            source=source,
            external_id=external_id,
            text=text,
            created_at=created_at,
            collected_at=NOW,
            content_hash=content_hash or f"hash-{source}-{external_id}",
            **fields,
        )

    return build
