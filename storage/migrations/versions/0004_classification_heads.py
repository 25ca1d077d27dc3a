"""The classifier's new heads: about_brand, complaint, switching intent, lifecycle stage.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Classifier 2.0 (trained on annotated real text) adds heads whose answers are stored
with each classification: ``about_brand`` (and its score), ``complaint_score``,
``switching`` (and its score), ``lifecycle`` (and its scores) and ``windows`` (how
many overlapping windows of a long text were read). Rows written by older model
versions keep NULL there: those models had no such heads. Nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


_COLUMNS = (
    ("about_brand", sa.Boolean),
    ("about_brand_score", sa.Float),
    ("complaint_score", sa.Float),
    ("switching", sa.Boolean),
    ("switching_score", sa.Float),
    ("lifecycle", lambda: sa.String(20)),
    ("lifecycle_scores", _json),
    ("windows", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        for name, _kind in reversed(_COLUMNS):
            batch.drop_column(name)
