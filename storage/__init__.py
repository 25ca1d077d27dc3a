"""The results store: mentions, brands, cursors, classifications, and search over them.

::

    from storage import SearchFilters, Store

    store = Store.open("sqlite:///cxpulse.db")
    store.upgrade()
    hits = store.search(query, SearchFilters(brands=("acme",)))

Schema changes go through the Alembic migrations in ``storage/migrations``;
the same tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from storage.classifications import ClassificationSaveResult, ClassificationSummary, MentionText
from storage.connections import UPGRADE_HINT
from storage.engine import display_url, normalize_url
from storage.export import EXPORT_COLUMNS, ExportChunk, ExportColumn
from storage.models import PRIORITIES, ROLES, TRIAGE_STATUSES
from storage.results import (
    SNIPPET_END,
    SNIPPET_START,
    CursorStatus,
    DueOrder,
    HitClassification,
    HitTriage,
    MentionRow,
    SaveResult,
    SearchFilters,
    SearchHit,
    StoreSummary,
)
from storage.store import Store

__all__ = [
    "EXPORT_COLUMNS",
    "PRIORITIES",
    "ROLES",
    "SNIPPET_END",
    "SNIPPET_START",
    "TRIAGE_STATUSES",
    "UPGRADE_HINT",
    "ClassificationSaveResult",
    "ClassificationSummary",
    "CursorStatus",
    "DueOrder",
    "ExportChunk",
    "ExportColumn",
    "HitClassification",
    "HitTriage",
    "MentionRow",
    "MentionText",
    "SaveResult",
    "SearchFilters",
    "SearchHit",
    "Store",
    "StoreSummary",
    "display_url",
    "normalize_url",
]
