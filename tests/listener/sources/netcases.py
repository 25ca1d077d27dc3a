"""Shared pieces of the client-library source tests (twitter, reddit, google_play, bluesky):
a brand, a real store, a fake clock that never sleeps, fixture loading, a config for `collect`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxpulse.config import LoadedConfig, settings_from_data
from cxpulse.config.schema import BrandConfig
from cxpulse.types import BrandQuery
from listener.sources.netbase import Waits
from storage import Store

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

BRAND_DATA: dict[str, Any] = {
    "name": "Northwind Air",
    "query": '(northwind OR @northwindair) -"northwind traders"',
}


def brand() -> BrandQuery:
    return BrandConfig(**BRAND_DATA).as_query()


def fixture_text(source: str, name: str) -> str:
    return (FIXTURES / source / name).read_text(encoding="utf-8")


def fixture_json(source: str, name: str) -> Any:
    return json.loads(fixture_text(source, name))


@dataclass
class FakeTime:
    """A clock that moves only when something sleeps; records every sleep."""

    now_at: datetime = NOW
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_at += timedelta(seconds=seconds)

    def clock(self) -> float:
        return (self.now_at - NOW).total_seconds()

    def now(self) -> datetime:
        return self.now_at

    def waits(self) -> Waits:
        return Waits(sleep=self.sleep, clock=self.clock, now=self.now, rng=lambda: 0.5)


@pytest.fixture(name="fake_time")
def fake_time_fixture() -> FakeTime:
    return FakeTime()


@pytest.fixture(name="store")
def store_fixture(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'cx.db'}")
    s.upgrade()
    yield s
    s.dispose()


def config_for(tmp_path: Path, sources: list[dict[str, Any]]) -> LoadedConfig:
    path = tmp_path / "config.toml"
    data = {"brands": [BRAND_DATA], "sources": sources}
    return LoadedConfig(
        settings_from_data(data, path), path, exists=False, database_url=f"sqlite:///{tmp_path / 'cx.db'}"
    )


DEMO_SOURCE: dict[str, Any] = {"type": "demo", "options": {"count": 50, "batch_size": 25, "anchor": NOW.isoformat()}}
"""A source that always works, to show a failing one does not stop it."""
