"""A date window narrows full-text candidates inside the index, on both backends.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A search with words, a brand and a date window (the workspace inbox, ``cxpulse search
--since``) takes its candidates from the full-text index and then read every candidate's
row to apply the date, keeping those in the window. Collection writes mentions roughly in
the order of their dates, so a window is roughly a range of ids (and of heap pages):

* **PostgreSQL**: a BRIN index on ``mentions.created_at`` (the range of dates per block of
  heap pages; a few hundred kilobytes for a million mentions). The planner ANDs the window's
  blocks with the words' GIN bitmap and reads only the pages that can hold a match.
* **SQLite**: ``mention_days`` holds, per UTC day, the smallest and largest id of a mention
  dated that day (``storage.search.sqlite.window_ids``). A window becomes an id range that
  FTS5 applies while it walks the words' doclists (``rowid BETWEEN``). ``save_batch`` keeps
  it with one grouped statement per batch (while the FTS triggers are suspended); triggers
  keep it for every other insert and for a changed date.

Either way the exact ``created_at`` filter still applies: the narrowing is a superset of
the window. A mention backfilled long after its date only widens its day's range (or its
block's), so the narrowing stays correct, just less selective.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_DAY = "substr({row}.created_at, 1, 10)"
"""A mention's UTC day on SQLite, which stores ``created_at`` as ``YYYY-MM-DD HH:MM:SS...`` text."""

_UPSERT = (
    "ON CONFLICT (day) DO UPDATE SET first_id = min(first_id, excluded.first_id), "
    "last_id = max(last_id, excluded.last_id)"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_mentions_created_at_brin ON mentions USING brin (created_at)")
    elif dialect == "sqlite":
        op.execute(
            "CREATE TABLE mention_days (day TEXT PRIMARY KEY, first_id INTEGER NOT NULL, "
            "last_id INTEGER NOT NULL) WITHOUT ROWID"
        )
        op.execute(
            f"INSERT INTO mention_days (day, first_id, last_id) SELECT {SQLITE_DAY.format(row='mentions')}, "
            f"min(id), max(id) FROM mentions WHERE true GROUP BY 1 {_UPSERT}"
        )
        new_day = SQLITE_DAY.format(row="new")
        op.execute(
            "CREATE TRIGGER mention_days_insert AFTER INSERT ON mentions "
            "WHEN NOT EXISTS (SELECT 1 FROM mentions_fts_deferred) BEGIN "
            f"INSERT INTO mention_days (day, first_id, last_id) VALUES ({new_day}, new.id, new.id) {_UPSERT}; END"
        )
        op.execute(
            "CREATE TRIGGER mention_days_update AFTER UPDATE OF created_at ON mentions BEGIN "
            f"INSERT INTO mention_days (day, first_id, last_id) VALUES ({new_day}, new.id, new.id) {_UPSERT}; END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_mentions_created_at_brin")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS mention_days_update")
        op.execute("DROP TRIGGER IF EXISTS mention_days_insert")
        op.execute("DROP TABLE IF EXISTS mention_days")
