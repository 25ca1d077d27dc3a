"""The CX workspace: users, sessions, API tokens, label feedback, and fuller triage items.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

* ``users``: who may log in (argon2 password hash, role viewer/agent/admin, disabled).
* ``web_sessions``: server-side sessions of the workspace; the cookie carries a
  random token, the table only its SHA-256 (a leaked table logs nobody in).
* ``api_tokens``: per-user tokens for scripts and the REST API, hashed the same way,
  revocable.
* ``saved_searches``: an inbox search saved by a user, private or shared with everyone.
* ``label_feedback``: a person's correction of a classifier label (sentiment, gap,
  emotion, topic, flag), for training to read.
* ``triage`` gains ``priority`` (urgent/high/normal/low), ``tags``, and the times the
  SLA is measured by (``opened_at``, ``first_action_at``, ``resolved_at``); the status
  ``dismissed`` of the first schema is renamed ``not_actionable``.

Written in parallel with 0004-0007 and re-chained after 0007 when merged, so the
history stays one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_web_sessions_user_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_api_tokens_user_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("last_used_at", nullable=True),
        _ts("revoked_at", nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "label_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_label_feedback_mention_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("predicted", sa.Text(), nullable=True),
        sa.Column("corrected", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("at"),
    )
    op.create_index("ix_label_feedback_mention_id", "label_feedback", ["mention_id"])
    op.create_index("ix_label_feedback_at", "label_feedback", ["at"])

    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_saved_searches_owner_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("owner_id", "name", name="uq_saved_searches_owner_id_name"),
    )

    op.add_column("triage", sa.Column("priority", sa.String(10), nullable=True))
    op.add_column("triage", sa.Column("tags", _json(), nullable=True))
    op.add_column("triage", _ts("opened_at", nullable=True))
    op.add_column("triage", _ts("first_action_at", nullable=True))
    op.add_column("triage", _ts("resolved_at", nullable=True))
    op.execute("UPDATE triage SET opened_at = updated_at")
    op.execute("UPDATE triage SET resolved_at = updated_at WHERE status IN ('resolved', 'dismissed')")
    op.create_index("ix_triage_status", "triage", ["status"])
    op.execute("UPDATE triage SET status = 'not_actionable' WHERE status = 'dismissed'")


def downgrade() -> None:
    op.execute("UPDATE triage SET status = 'dismissed' WHERE status = 'not_actionable'")
    op.drop_index("ix_triage_status", table_name="triage")
    with op.batch_alter_table("triage") as batch:
        batch.drop_column("resolved_at")
        batch.drop_column("first_action_at")
        batch.drop_column("opened_at")
        batch.drop_column("tags")
        batch.drop_column("priority")
    op.drop_table("saved_searches")
    op.drop_index("ix_label_feedback_at", table_name="label_feedback")
    op.drop_index("ix_label_feedback_mention_id", table_name="label_feedback")
    op.drop_table("label_feedback")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
