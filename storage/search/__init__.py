"""Full-text search and filtered listings over stored mentions (SQLite FTS5, PostgreSQL tsquery)."""

from __future__ import annotations

from storage.search.execute import ORDERS, count, search
from storage.search.filters import filter_conditions
from storage.search.normalize import normalize

__all__ = ["ORDERS", "count", "filter_conditions", "normalize", "search"]
