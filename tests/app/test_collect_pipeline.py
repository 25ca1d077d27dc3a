"""The pipeline stores each batch with its cursor: reruns store nothing twice,
and one failing source never stops the others."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxpulse.app.collect import collect
from cxpulse.config import LoadedConfig, settings_from_data
from storage import SearchFilters, Store

ANCHOR = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

BRANDS = [
    {
        "name": "Northwind Air",
        "query": '(northwind OR @northwindair) -"northwind traders" -airdrop',
        "competitors": ["Skyhop"],
    },
    {"name": "Skyhop", "query": '(skyhop OR @skyhop) -"skyhop trampoline" -airdrop'},
]


def config_for(tmp_path: Path, sources: list[dict[str, object]]) -> LoadedConfig:
    data = {"brands": BRANDS, "sources": sources}
    path = tmp_path / "config.toml"
    return LoadedConfig(
        settings_from_data(data, path), path, exists=False, database_url=f"sqlite:///{tmp_path / 'cx.db'}"
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 'cx.db'}")
    s.upgrade()
    yield s
    s.dispose()


DEMO = {"type": "demo", "options": {"count": 400, "batch_size": 64, "anchor": ANCHOR.isoformat()}}


def test_second_collect_stores_nothing_twice(tmp_path: Path, store: Store) -> None:
    config = config_for(tmp_path, [DEMO])
    first = collect(config, store, {})
    assert all(r.ok for r in first)
    stored = sum(r.stored for r in first)
    assert stored > 600  # 2 brands x 400, less noise and repeated ids
    assert sum(r.dropped.get("no_match", 0) for r in first) > 0  # spam the brand queries exclude
    assert sum(r.duplicates_linked for r in first) > 0  # retweets and copies linked to the first copy
    summary = store.summary()
    assert summary.mentions == stored
    second = collect(config, store, {})
    assert sum(r.stored for r in second) == 0
    assert store.summary().mentions == stored


def test_a_failing_source_does_not_stop_the_others(tmp_path: Path, store: Store) -> None:
    missing = {
        "type": "file",
        "name": "tickets",
        "brands": ["Skyhop"],
        "options": {"path": str(tmp_path / "missing.csv")},
    }
    broken_secret = {"type": "file", "name": "vault", "options": {"path": {"env": "NOT_SET_ANYWHERE"}}}
    config = config_for(tmp_path, [missing, broken_secret, DEMO])
    results = collect(config, store, {})
    by_source: dict[str, list[str | None]] = {}
    for r in results:
        by_source.setdefault(r.source, []).append(r.error)
    assert by_source["tickets"][0] is not None and "missing.csv" in by_source["tickets"][0]
    assert all(e is not None and "NOT_SET_ANYWHERE" in e for e in by_source["vault"])
    assert by_source["demo"] == [None, None]
    assert store.summary().mentions > 600
    status = {(s.source, s.brand): s for s in store.source_status()}
    assert status[("tickets", "Skyhop")].last_error is not None
    assert status[("demo", "Skyhop")].last_success_at is not None


def test_brand_languages_filter_and_search_after_collect(tmp_path: Path, store: Store) -> None:
    brands = [dict(BRANDS[0], languages=["es"]), BRANDS[1]]
    data = {"brands": brands, "sources": [dict(DEMO, brands=["Northwind Air"])]}
    path = tmp_path / "config.toml"
    config = LoadedConfig(settings_from_data(data, path), path, exists=False, database_url="")
    [result] = collect(config, store, {})
    assert result.ok and result.stored > 0
    hits = store.search(None, SearchFilters(brands=("Northwind Air",)), limit=1000)
    assert {h.language for h in hits} <= {"es", None}
