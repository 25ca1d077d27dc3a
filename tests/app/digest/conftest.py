"""Fixtures for digest tests: a seeder on the shared ``store`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from testkit.digests import Seeder

from storage import Store


@pytest.fixture
def seeder(store: Store) -> Seeder:
    return Seeder(store)
