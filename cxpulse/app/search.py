"""Searching stored mentions: the query language's text parsed once, then the store's search.

``cxpulse search``, the demo's sample search and (next) the workspace and the REST API
all search through :func:`search_mentions`, so a query means the same everywhere.
"""

from __future__ import annotations

from foundation.query import parse, require_positive
from storage import SearchFilters, SearchHit, Store

__all__ = ["search_mentions"]


def search_mentions(
    store: Store, query: str, filters: SearchFilters, *, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Mentions matching ``query`` (the query language; blank lists the newest) and
    ``filters``, best first. Raises QueryError, naming the position, for a bad query."""
    node = require_positive(parse(query), query) if query.strip() else None
    return store.search(node, filters, limit=limit, offset=offset)
