"""Digest runs that may have been delivered: who claimed a run, and how often it was handed over.

Revision ID: 0007_digest_uncertain
Revises: 0005_search_terms
Create Date: 2026-12-01

``digest_runs`` gains three columns (the statuses ``sending`` and ``uncertain``
need none: ``status`` is a string), read by :mod:`storage.digest_runs`:

* ``claimed_by``: the process (``pid@host``) holding the latest claim, so a run
  killed on this host is recognised at once instead of after the stale window;
* ``attempts``: how many times the message was handed to a mail server;
* ``uncertain_attempts``: how many of those may have delivered a copy that the
  server never confirmed (the connection ended after the whole message went
  out, or the run died while sending); at most one automatic resend follows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(300), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("uncertain_attempts", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.drop_column("uncertain_attempts")
        batch.drop_column("attempts")
        batch.drop_column("claimed_by")
