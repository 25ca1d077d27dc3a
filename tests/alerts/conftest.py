"""Fixtures for alert (and service) tests: stores on SQLite and PostgreSQL, real SMTP servers, a seeder.

The PostgreSQL session store and the backends come from tests/storage/conftest.py;
the aiosmtpd servers from tests/digest/digest_support.py (both
loaded by path: the test folders are not packages). ``store`` here also empties
the tables of migration 0003 on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import insert, select

from cxpulse.types import Cursor, StoredMention
from storage import Store
from storage.models import Classification, MentionModel

TESTS = Path(__file__).resolve().parents[1]


def load(relative: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


storage_fixtures = load("storage/conftest.py", "_alerts_storage_fixtures")
digest_support = load("digest/digest_support.py", "_alerts_digest_support")
postgres_store = storage_fixtures.postgres_store
SERVICE_TABLES = ("alert_events", "apscheduler_jobs")


@pytest.fixture(params=storage_fixtures.BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store (SQLite file or the session's PostgreSQL database)."""
    if request.param == "sqlite":
        sqlite_store = Store.open(f"sqlite:///{tmp_path / 'cxpulse.db'}")
        sqlite_store.upgrade()
        yield sqlite_store
        sqlite_store.dispose()
        return
    pg_store: Store = request.getfixturevalue("postgres_store")
    tables = (*storage_fixtures.TABLES, *SERVICE_TABLES)
    with pg_store.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    yield pg_store


class BulkSeeder:
    """Collects mentions with their classification and stores them in one batch on :meth:`flush`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[tuple[StoredMention, str | None, tuple[str, ...]]] = []
        self.count = 0

    def add(
        self,
        brand: str,
        text: str,
        created_at: datetime,
        *,
        sentiment: str | None = "neutral",
        topics: tuple[str, ...] = (),
        url: str | None = None,
    ) -> None:
        assert brand == "Acme", "one brand per seeder batch"
        self.count += 1
        mention = StoredMention(
            source="twitter",
            external_id=f"m{self.count}",
            text=text,
            created_at=created_at,
            collected_at=created_at,
            content_hash=f"hash-{self.count}",
            url=url,
            author_handle="@someone",
        )
        self.pending.append((mention, sentiment, topics))

    def flush(self) -> None:
        mentions = [m for m, _, _ in self.pending]
        self.store.save_batch(mentions, source="twitter", brand="Acme", cursor=Cursor(str(self.count)))
        with self.store.engine.begin() as connection:
            found = connection.execute(
                select(MentionModel.external_id, MentionModel.id).where(
                    MentionModel.external_id.in_([m.external_id for m in mentions])
                )
            )
            ids = {external_id: mention_id for external_id, mention_id in found}
            rows = [
                {
                    "mention_id": ids[m.external_id],
                    "model_version": "v1",
                    "sentiment": sentiment,
                    "sentiment_scores": {},
                    "topics": list(topics),
                    "topic_scores": {},
                    "expectation_gap": "none",
                    "gap_score": 0.0,
                    "emotion": "neutral",
                    "emotion_scores": {},
                    "flagged": False,
                    "classified_at": m.created_at,
                }
                for m, sentiment, topics in self.pending
                if sentiment is not None
            ]
            if rows:
                connection.execute(insert(Classification), rows)
        self.pending.clear()


@pytest.fixture
def seeder(store: Store) -> BulkSeeder:
    return BulkSeeder(store)


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A running SMTP server on loopback that accepts and records every message."""
    yield from digest_support.serve(digest_support.Recorder())


@pytest.fixture
def down_smtp_port() -> int:
    """A loopback port nothing listens on."""
    port: int = digest_support.free_port()
    return port
