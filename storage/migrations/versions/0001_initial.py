"""Initial schema: mentions, brands, classifications, triage, cursors, digests, full-text search.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

Full-text search differs by backend:

* SQLite: an FTS5 external-content table ``mentions_fts`` over ``mentions.text``
  (``unicode61 remove_diacritics 2``: case and accents folded), kept in sync by
  triggers. ``save_batch`` suspends the per-row insert trigger inside its own
  write transaction (a row in ``mentions_fts_deferred``) and indexes the whole
  batch with one statement.
* PostgreSQL: a generated ``tsvector`` column ``mentions.search_vector`` with
  the ``simple`` configuration (no stemming; accents folded by ``translate``) over
  the first 100,000 characters of the text (a ``tsvector`` cannot exceed 1 MB,
  and one pathological mention must not fail a whole batch), with a GIN index.
  ``<`` and ``>`` are replaced by spaces first: PostgreSQL's parser would take
  ``<script>alert(1)</script>`` or ``x<y and 3>2`` for markup and drop the words.

Both indexes also hold ``mentions.facets`` (one token per brand; see
``storage.search.facets``) so the brand filter is answered by the index.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_TSVECTOR_MAX_CHARS = 100_000


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    """A UTC timestamp column (text on SQLite, timestamptz on PostgreSQL)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("external_id", sa.String(500), nullable=False),
        sa.Column("author_handle", sa.String(500), nullable=True),
        sa.Column("author_name", sa.String(500), nullable=True),
        sa.Column("author_followers", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("language", sa.String(35), nullable=True),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        _ts("created_at"),
        _ts("collected_at"),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("facets", sa.Text(), nullable=True),
        sa.Column(
            "duplicate_of_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_mentions_duplicate_of_id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("raw", _json(), nullable=True),
        sa.UniqueConstraint("source", "external_id", name="uq_mentions_source_external_id"),
    )
    op.create_index("ix_mentions_created_at", "mentions", ["created_at", "id"])
    op.create_index("ix_mentions_content_hash", "mentions", ["content_hash", "duplicate_of_id"])
    op.create_index(
        "ix_mentions_duplicate_of_id",
        "mentions",
        ["duplicate_of_id"],
        sqlite_where=sa.text("duplicate_of_id IS NOT NULL"),
        postgresql_where=sa.text("duplicate_of_id IS NOT NULL"),
    )

    op.create_table(
        "mention_brands",
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_mention_brands_mention_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("brand", sa.String(200), primary_key=True),
    )
    op.create_index("ix_mention_brands_brand_mention_id", "mention_brands", ["brand", "mention_id"])

    op.create_table(
        "classifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_classifications_mention_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("sentiment", sa.String(20), nullable=False),
        sa.Column("sentiment_scores", _json(), nullable=False),
        sa.Column("topics", _json(), nullable=False),
        sa.Column("topic_scores", _json(), nullable=False),
        sa.Column("expectation_gap", sa.String(20), nullable=False),
        sa.Column("gap_score", sa.Float(), nullable=False),
        sa.Column("gap_evidence", _json(), nullable=True),
        sa.Column("emotion", sa.String(30), nullable=False),
        sa.Column("emotion_scores", _json(), nullable=False),
        sa.Column("flagged", sa.Boolean(), server_default=sa.false(), nullable=False),
        _ts("classified_at"),
        sa.UniqueConstraint("mention_id", "model_version", name="uq_classifications_mention_id_model_version"),
    )
    op.create_index("ix_classifications_flagged", "classifications", ["flagged"])

    op.create_table(
        "triage",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_triage_mention_id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("status", sa.String(20), server_default="open", nullable=False),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("updated_at"),
    )

    op.create_table(
        "triage_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mentions.id", name="fk_triage_events_mention_id", ondelete="CASCADE"),
            nullable=False,
        ),
        _ts("at"),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_triage_events_mention_id_at", "triage_events", ["mention_id", "at"])

    op.create_table(
        "source_cursors",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("brand", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text(), nullable=True),
        _ts("updated_at"),
        _ts("last_success_at", nullable=True),
        _ts("last_error_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("mentions_collected", sa.Integer(), server_default="0", nullable=False),
    )

    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        _ts("period_start"),
        _ts("period_end"),
        sa.Column("status", sa.String(20), server_default="pending", nullable=False),
        sa.Column("message_id", sa.String(500), nullable=True),
        sa.Column("recipients", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("sent_at", nullable=True),
        sa.UniqueConstraint("name", "period_start", "period_end", name="uq_digest_runs_name_period"),
    )

    if dialect == "sqlite":
        _create_sqlite_fts()
    elif dialect == "postgresql":
        _create_postgres_fts()


def _create_sqlite_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE mentions_fts USING fts5("
        "text, facets, content='mentions', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    # While save_batch holds a row here (inside its own write transaction, so no other
    # connection ever sees it), it indexes the whole batch with one INSERT ... SELECT,
    # which is about twice as fast as a trigger call per row.
    op.execute("CREATE TABLE mentions_fts_deferred (active INTEGER NOT NULL)")
    op.execute(
        "CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions "
        "WHEN NOT EXISTS (SELECT 1 FROM mentions_fts_deferred) BEGIN "
        "INSERT INTO mentions_fts(rowid, text, facets) VALUES (new.id, new.text, new.facets); END"
    )
    op.execute(
        "CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN "
        "INSERT INTO mentions_fts(mentions_fts, rowid, text, facets) "
        "VALUES ('delete', old.id, old.text, old.facets); END"
    )
    # Only a change of the text or facets touches the index (not e.g. setting duplicate_of_id).
    op.execute(
        "CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text, facets ON mentions BEGIN "
        "INSERT INTO mentions_fts(mentions_fts, rowid, text, facets) "
        "VALUES ('delete', old.id, old.text, old.facets); "
        "INSERT INTO mentions_fts(rowid, text, facets) VALUES (new.id, new.text, new.facets); END"
    )


def _accent_map() -> tuple[str, str]:
    """Accented Latin letters (U+00C0..U+024F) and their plain letter, for translate().

    PostgreSQL's 'simple' configuration keeps accents and the unaccent extension
    needs a superuser, so the index folds accents itself, as the query parser
    does: ``cafe`` finds ``café`` on both backends.
    """
    accented, plain = "", ""
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char and base.isascii() and base.isalpha():
            accented += char
            plain += base
    return accented, plain


def _create_postgres_fts() -> None:
    accented, plain = _accent_map()
    op.execute(
        "ALTER TABLE mentions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, "
        f"translate(left(text, {PG_TSVECTOR_MAX_CHARS}), '<>{accented}', '  {plain}')) "
        "|| setweight(to_tsvector('simple'::regconfig, coalesce(facets, '')), 'D')) STORED"
    )
    op.execute("CREATE INDEX ix_mentions_search_vector ON mentions USING gin (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("mentions_fts_insert", "mentions_fts_delete", "mentions_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS mentions_fts")
        op.execute("DROP TABLE IF EXISTS mentions_fts_deferred")
    for table in (
        "digest_runs",
        "source_cursors",
        "triage_events",
        "triage",
        "classifications",
        "mention_brands",
        "mentions",
    ):
        op.drop_table(table)
