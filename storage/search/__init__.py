"""Search over stored mentions: the index narrows, the query matcher decides (SQLite FTS5, PostgreSQL tsquery)."""

from __future__ import annotations

from storage.search.execute import ORDERS, count, search, search_counted
from storage.search.filters import filter_conditions
from storage.search.plan import plan
from storage.search.terms import IndexTerms, index_terms

__all__ = ["ORDERS", "IndexTerms", "count", "filter_conditions", "index_terms", "plan", "search", "search_counted"]
