"""Shared pieces of the network source tests: a fake clock that never sleeps, brands, recorded
fixtures, a config for `collect`, and what ended up in the store. The ``store`` and ``fake_time``
fixtures are in conftest.py."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from testkit.clock import NOW

from cxpulse.app.collect import RunResult, collect
from cxpulse.config import LoadedConfig, settings_from_data
from cxpulse.config.schema import BrandConfig
from foundation.mentions import BrandQuery
from listener.sources.network import SourceHooks
from storage import SearchFilters, Store

NOW_EPOCH = int(NOW.timestamp())
FIXTURES = Path(__file__).parent / "fixtures"

NORTHWIND = ("Northwind Air", '(northwind OR @northwindair) -"northwind traders"')
"""The brand (name, query) of the client-library source tests (twitter, reddit, google_play, bluesky)."""

DEMO_SOURCE: dict[str, Any] = {"type": "demo", "options": {"count": 50, "batch_size": 25, "anchor": NOW.isoformat()}}
"""A source that always works, to show a failing one does not stop it."""


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

    def hooks(self) -> SourceHooks:
        return SourceHooks(
            sleep=self.sleep, now=lambda: self.now, clock=lambda: self.elapsed, rng=random.Random(7).random
        )


def brand(query: str = "acme", name: str = "Acme") -> BrandQuery:
    return BrandConfig(name=name, query=query).as_query()


def northwind() -> BrandQuery:
    return brand(NORTHWIND[1], NORTHWIND[0])


def fixture_text(source: str, name: str) -> str:
    return (FIXTURES / source / name).read_text(encoding="utf-8")


def fixture_bytes(source: str, name: str) -> bytes:
    return (FIXTURES / source / name).read_bytes()


def fixture_json(source: str, name: str) -> Any:
    return json.loads(fixture_text(source, name))


def config_for(tmp_path: Path, sources: list[dict[str, Any]], query: str = "acme", name: str = "Acme") -> LoadedConfig:
    data = {"brands": [{"name": name, "query": query}], "sources": sources}
    path = tmp_path / "config.toml"
    return LoadedConfig(
        settings_from_data(data, path), path, exists=False, database_url=f"sqlite:///{tmp_path / 'cx.db'}"
    )


def northwind_config(tmp_path: Path, sources: list[dict[str, Any]]) -> LoadedConfig:
    return config_for(tmp_path, sources, NORTHWIND[1], NORTHWIND[0])


def collect_beside_demo(tmp_path: Path, store: Store, entry: dict[str, Any], env: dict[str, str]) -> RunResult:
    """Run ``collect`` on the source ``entry`` and the demo source (Northwind brand): the demo must
    collect as if nothing failed beside it. The result of ``entry``'s source."""
    results = {r.source: r for r in collect(northwind_config(tmp_path, [entry, DEMO_SOURCE]), store, env)}
    assert results["demo"].ok and results["demo"].stored > 0
    return results[entry["type"]]


def stored(store: Store, source: str) -> list[Any]:
    """Every mention of ``source`` in the store (search with no query)."""
    return store.search(None, SearchFilters(sources=(source,)), limit=100_000)
