"""The service's job store and the spike alerts sent.

Revision ID: 0003_scheduler_alerts
Revises: 0002_digest_indexes
Create Date: 2026-11-23

* ``apscheduler_jobs``: the table of APScheduler's ``SQLAlchemyJobStore``,
  exactly as APScheduler 3 defines it (it finds the table and creates nothing),
  so ``cxpulse run`` keeps its jobs' next run times across restarts.
* ``alert_events``: one row per spike alert (brand, topic, kind), read to send
  at most one alert per cooldown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])

    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("brand", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        _ts("window_start"),
        _ts("window_end"),
        _ts("detected_at"),
        sa.Column("observed", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channels", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_alert_events_key_detected_at", "alert_events", ["brand", "topic", "kind", "detected_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_events_key_detected_at", table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_index("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
