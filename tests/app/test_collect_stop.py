"""``should_stop``: a collect run asked to stop ends after a stored batch, and the next run resumes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxpulse.app.collect import collect_source
from cxpulse.config import BrandConfig
from listener.sources.demo import DemoOptions, DemoSource
from storage import SearchFilters, Store

ANCHOR = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'cx.db'}")
    s.upgrade()
    yield s
    s.dispose()


def test_a_stopped_run_keeps_its_batches_and_the_next_run_resumes(store: Store, tmp_path: Path) -> None:
    brand = BrandConfig(name="Northwind Air", query="northwind").as_query()
    source = DemoSource("demo", DemoOptions(count=300, batch_size=50, anchor=ANCHOR))
    batches = []
    stopped = collect_source(source, brand, store, on_batch=batches.append, should_stop=lambda: len(batches) >= 2)
    assert len(batches) == 2 and stopped.fetched == 100
    assert store.count(None, SearchFilters()) == stopped.stored
    assert store.load_cursor("demo", "Northwind Air").value.endswith("next=100")

    rest = collect_source(source, brand, store)
    assert rest.fetched == 200
    uninterrupted = Store.open(f"sqlite:///{tmp_path / 'whole.db'}")
    try:
        uninterrupted.upgrade()
        collect_source(source, brand, uninterrupted)
        assert store.count(None, SearchFilters()) == uninterrupted.count(None, SearchFilters())
    finally:
        uninterrupted.dispose()
