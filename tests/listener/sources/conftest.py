"""Fixtures of the source tests: a real SQLite store at a fixed clock, and a fake clock that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import NOW, FakeTime

from storage import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'cx.db'}", clock=lambda: NOW)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
