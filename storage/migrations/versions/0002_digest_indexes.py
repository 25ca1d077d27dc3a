"""Indexes for digests: the newest classifier version, and open flagged mentions.

Revision ID: 0002_digest_indexes
Revises: 0001
Create Date: 2026-11-23

* ``ix_classifications_classified_at``: "the most recent model version" is a
  one-row index read instead of a scan of every classification.
* ``ix_classifications_flagged_model_version``: the flagged mentions of one
  model version (the digest's "still open" count) are one index range. It is
  partial (flagged rows only) on purpose: a full index led SQLite's planner
  to read every classification of a version before the date range.

The digest's period queries themselves need no new index: they walk
``ix_mentions_created_at`` over the date range and look rows up by primary
key in ``mention_brands`` and by ``uq_classifications_mention_id_model_version``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_classifications_classified_at", "classifications", ["classified_at"])
    op.create_index(
        "ix_classifications_flagged_model_version",
        "classifications",
        ["model_version", "mention_id"],
        sqlite_where=sa.text("flagged = 1"),
        postgresql_where=sa.text("flagged = true"),
    )


def downgrade() -> None:
    op.drop_index("ix_classifications_flagged_model_version", table_name="classifications")
    op.drop_index("ix_classifications_classified_at", table_name="classifications")
