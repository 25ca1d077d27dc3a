"""Shared pieces of the HTTP source tests: a fake clock that never sleeps, stores, configs, fixtures."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxpulse.config import LoadedConfig, settings_from_data
from cxpulse.query import parse
from cxpulse.types import BrandQuery
from listener.sources.http_source import HttpHooks
from storage import SearchFilters, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NOW_EPOCH = int(NOW.timestamp())
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class FakeTime:
    """A wall clock and a monotonic clock that move only when the code under test sleeps."""

    now: datetime = NOW
    elapsed: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds
        self.now += timedelta(seconds=seconds)

    def hooks(self) -> HttpHooks:
        return HttpHooks(
            sleep=self.sleep, now=lambda: self.now, monotonic=lambda: self.elapsed, rng=random.Random(7).random
        )


def brand(query: str = "acme", name: str = "Acme") -> BrandQuery:
    return BrandQuery(name=name, query=query, expression=parse(query))


def fixture_json(source: str, name: str) -> Any:
    return json.loads((FIXTURES / source / name).read_text(encoding="utf-8"))


def fixture_bytes(source: str, name: str) -> bytes:
    return (FIXTURES / source / name).read_bytes()


def open_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'cx.db'}", clock=lambda: NOW)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    yield from open_store(tmp_path)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def config_for(tmp_path: Path, sources: list[dict[str, Any]], query: str = "acme") -> LoadedConfig:
    data = {"brands": [{"name": "Acme", "query": query}], "sources": sources}
    path = tmp_path / "config.toml"
    return LoadedConfig(
        settings_from_data(data, path), path, exists=False, database_url=f"sqlite:///{tmp_path / 'cx.db'}"
    )


def stored(store: Store, source: str) -> list[Any]:
    """Every mention of ``source`` in the store (search with no query)."""
    return store.search(None, SearchFilters(sources=(source,)), limit=100_000)
