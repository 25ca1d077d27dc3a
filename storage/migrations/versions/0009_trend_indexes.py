"""Covering indexes for trends: a period's mentions and their labels without reading a table row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A trend (:mod:`storage.trends`) walks the mentions of a date range and, for each,
looks up its brand and its classification. Mention rows hold the whole text and
its search columns, classification rows every score: reading them for a few
small columns is most of the work. These indexes hold exactly what a trend reads,
so both lookups are index-only (SQLite: "USING COVERING INDEX"; PostgreSQL: an
index-only scan once the table is vacuumed):

* ``ix_mentions_trends``: the range walk, with the duplicate link, the author,
  the rating, source, channel and language;
* ``ix_classifications_trends``: the classification of a mention by one model
  version, with every label a trend splits or counts by (topics included).

``mention_brands`` needs none: its primary key (mention_id, brand) already covers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MENTION_COLUMNS = ["created_at", "duplicate_of_id", "id", "author_handle", "rating", "source", "channel", "language"]
CLASSIFICATION_COLUMNS = [
    "mention_id",
    "model_version",
    "sentiment",
    "expectation_gap",
    "flagged",
    "switching",
    "emotion",
    "about_brand",
    "lifecycle",
    "topics",
]


def upgrade() -> None:
    op.create_index("ix_mentions_trends", "mentions", MENTION_COLUMNS)
    op.create_index("ix_classifications_trends", "classifications", CLASSIFICATION_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_classifications_trends", table_name="classifications")
    op.drop_index("ix_mentions_trends", table_name="mentions")
