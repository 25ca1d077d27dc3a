"""SQLite: the smallest and largest mention id of each day, so a date filter narrows the index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

``mention_days`` holds, for each UTC day (``YYYY-MM-DD``, the first ten characters of
``mentions.created_at`` as SQLite stores it), the smallest and largest id of the
mentions created that day: a zone map. Mentions are stored about in the order they
were written, so a date window's mentions lie in a narrow id range, which FTS5 skips
to through its rowid constraint instead of reading every full-text match of the whole
store (:mod:`storage.search.days`). The range only ever grows: a deleted mention leaves
it as it was, which is still true of every mention that is left. The exact date filter
still decides.

Kept by triggers on insert and on a change of ``created_at``. ``save_batch`` suspends
the insert trigger with the full-text one (a row in ``mentions_fts_deferred``, see
0001) and records the whole batch with one statement. PostgreSQL has no such table: its
searches check each candidate's date on its row.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RECORD = (
    "INSERT INTO mention_days (day, min_id, max_id) VALUES (substr(new.created_at, 1, 10), new.id, new.id) "
    "ON CONFLICT (day) DO UPDATE SET min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE mention_days (day TEXT PRIMARY KEY, min_id INTEGER NOT NULL, max_id INTEGER NOT NULL) "
        "WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO mention_days (day, min_id, max_id) "
        "SELECT substr(created_at, 1, 10), min(id), max(id) FROM mentions GROUP BY substr(created_at, 1, 10)"
    )
    op.execute(
        "CREATE TRIGGER mention_days_insert AFTER INSERT ON mentions "
        f"WHEN NOT EXISTS (SELECT 1 FROM mentions_fts_deferred) BEGIN {_RECORD}; END"
    )
    op.execute(f"CREATE TRIGGER mention_days_update AFTER UPDATE OF created_at ON mentions BEGIN {_RECORD}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS mention_days_update")
    op.execute("DROP TRIGGER IF EXISTS mention_days_insert")
    op.execute("DROP TABLE IF EXISTS mention_days")
