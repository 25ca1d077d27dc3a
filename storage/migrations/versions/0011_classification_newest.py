"""An index for "the newest classification of this mention".

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Default priorities (``storage.triage.apply_default_priorities``, run after every
classification and when the workspace starts) and the labels of a search hit read a
mention's newest classification: ``WHERE mention_id = ? ORDER BY classified_at DESC, id
DESC LIMIT 1``. With only ``ix_classifications_classified_at`` PostgreSQL may walk that
index backwards filtering on the mention, once per triage item: over a million mentions
the update ran for more than an hour. ``(mention_id, classified_at, id)`` answers each
lookup with one index probe (the same update then takes seconds).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_classifications_mention_newest", "classifications", ["mention_id", "classified_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_classifications_mention_newest", table_name="classifications")
