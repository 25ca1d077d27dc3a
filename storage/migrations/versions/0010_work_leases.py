"""Leases on work shared by several processes: classification batches, cursors, workers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

* ``work_leases``: one row per piece of work a process holds for a while. ``kind``
  ``classify`` (``name`` the model version, ``item`` the mention id), ``collect``
  (``name`` ``source:brand``, ``item`` 0: one collector per cursor) and ``worker``
  (``name`` the worker, ``item`` 0: its heartbeat, ``info`` what it consumes). A row
  whose ``expires_at`` has passed is free for anyone to take (:mod:`storage.claims`).

Written beside 0009 (another branch) and re-chained after it when merged, so the
history stays one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "work_leases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("holder", sa.String(300), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("info", _json(), nullable=True),
        sa.UniqueConstraint("kind", "name", "item", name="uq_work_leases_kind_name_item"),
    )
    op.create_index("ix_work_leases_holder", "work_leases", ["holder"])
    op.create_index("ix_work_leases_kind_expires_at", "work_leases", ["kind", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_work_leases_kind_expires_at", table_name="work_leases")
    op.drop_index("ix_work_leases_holder", table_name="work_leases")
    op.drop_table("work_leases")
