"""Search indexes the query matcher's own tokens, so search finds exactly what a brand query matches.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

* ``mentions.search_words`` and ``mentions.search_tags``: the text's words, and its
  handles, hashtags, symbols and characters of scripts without spaces, as
  ``a-z0-9`` tokens (``storage.search.terms``), filled here for every stored
  mention. ``search_tags`` defaults to ``xoverflow``: a row written without them
  (by hand, by another program) is a candidate of every search, checked by the matcher.
* SQLite: ``mentions_fts`` is rebuilt over ``search_words, search_tags, facets`` with
  the ``ascii`` tokenizer (instead of ``text`` with ``unicode61``), with the same
  insert, delete and update triggers; a change of ``text`` that does not set the
  tokens marks the row ``xoverflow``.
* PostgreSQL: ``search_vector`` becomes ``to_tsvector('simple', search_words || ' ' ||
  search_tags || ' ' || facets)``, with its GIN index, and a trigger marks a row
  whose ``text`` changes without its tokens ``xoverflow``.

Downgrade restores the indexes of migration 0001 and drops the two columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.search.terms import OVERFLOW, index_terms

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
PG_TSVECTOR_MAX_CHARS = 100_000  # as in migration 0001, for the downgrade


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_mentions_search_vector")
        op.execute("ALTER TABLE mentions DROP COLUMN IF EXISTS search_vector")
    op.add_column("mentions", sa.Column("search_words", sa.Text(), nullable=True))
    op.add_column("mentions", sa.Column("search_tags", sa.Text(), nullable=True, server_default=OVERFLOW))
    _fill_terms(dialect)
    if dialect == "sqlite":
        _create_sqlite_fts()
    elif dialect == "postgresql":
        _create_postgres_fts()


def _fill_terms(dialect: str) -> None:
    """Compute every stored mention's tokens, a batch of ids at a time."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, text FROM mentions WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}
        ).fetchall()
        if not rows:
            return
        values = []
        for mention_id, text in rows:
            terms = index_terms(text)
            values.append({"row_id": mention_id, "words": terms.words, "tags": terms.tags})
        bind.execute(
            sa.text("UPDATE mentions SET search_words = :words, search_tags = :tags WHERE id = :row_id"), values
        )
        last = rows[-1][0]


def _drop_sqlite_fts() -> None:
    for trigger in ("mentions_fts_insert", "mentions_fts_delete", "mentions_fts_update", "mentions_text_changed"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS mentions_fts")


def _create_sqlite_fts() -> None:
    columns = "search_words, search_tags, facets"
    new_values = "new.search_words, new.search_tags, new.facets"
    old_values = "old.search_words, old.search_tags, old.facets"
    op.execute(
        f"CREATE VIRTUAL TABLE mentions_fts USING fts5({columns}, content='mentions', content_rowid='id', "
        "tokenize='ascii')"
    )
    # save_batch suspends this trigger (a row in mentions_fts_deferred, see 0001) and indexes
    # the whole batch with one INSERT ... SELECT.
    op.execute(
        "CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions "
        "WHEN NOT EXISTS (SELECT 1 FROM mentions_fts_deferred) BEGIN "
        f"INSERT INTO mentions_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        "CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN "
        f"INSERT INTO mentions_fts(mentions_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER mentions_fts_update AFTER UPDATE OF {columns} ON mentions BEGIN "
        f"INSERT INTO mentions_fts(mentions_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO mentions_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    # A text changed without its tokens: the index no longer describes it, the matcher decides.
    op.execute(
        "CREATE TRIGGER mentions_text_changed AFTER UPDATE OF text ON mentions "
        "WHEN new.text IS NOT old.text AND new.search_words IS old.search_words "
        "AND new.search_tags IS old.search_tags BEGIN "
        f"UPDATE mentions SET search_words = NULL, search_tags = '{OVERFLOW}' WHERE id = new.id; END"
    )
    op.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")


def _create_postgres_fts() -> None:
    op.execute(
        "ALTER TABLE mentions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, coalesce(search_words, '') || ' ' || coalesce(search_tags, '') "
        "|| ' ' || coalesce(facets, ''))) STORED"
    )
    op.execute("CREATE INDEX ix_mentions_search_vector ON mentions USING gin (search_vector)")
    op.execute(
        "CREATE FUNCTION mentions_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.search_words IS NOT DISTINCT FROM OLD.search_words "
        "AND NEW.search_tags IS NOT DISTINCT FROM OLD.search_tags THEN "
        f"NEW.search_words := NULL; NEW.search_tags := '{OVERFLOW}'; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER mentions_text_changed BEFORE UPDATE OF text ON mentions FOR EACH ROW "
        "WHEN (NEW.text IS DISTINCT FROM OLD.text) EXECUTE FUNCTION mentions_text_changed()"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
        op.execute(
            "CREATE VIRTUAL TABLE mentions_fts USING fts5(text, facets, content='mentions', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
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
        op.execute(
            "CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text, facets ON mentions BEGIN "
            "INSERT INTO mentions_fts(mentions_fts, rowid, text, facets) "
            "VALUES ('delete', old.id, old.text, old.facets); "
            "INSERT INTO mentions_fts(rowid, text, facets) VALUES (new.id, new.text, new.facets); END"
        )
        op.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS mentions_text_changed ON mentions")
        op.execute("DROP FUNCTION IF EXISTS mentions_text_changed()")
        op.execute("DROP INDEX IF EXISTS ix_mentions_search_vector")
        op.execute("ALTER TABLE mentions DROP COLUMN IF EXISTS search_vector")
        accented, plain = _accent_map()
        op.execute(
            "ALTER TABLE mentions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, "
            f"translate(left(text, {PG_TSVECTOR_MAX_CHARS}), '<>{accented}', '  {plain}')) "
            "|| setweight(to_tsvector('simple'::regconfig, coalesce(facets, '')), 'D')) STORED"
        )
        op.execute("CREATE INDEX ix_mentions_search_vector ON mentions USING gin (search_vector)")
    op.drop_column("mentions", "search_tags")
    op.drop_column("mentions", "search_words")


def _accent_map() -> tuple[str, str]:
    """Migration 0001's translate() map: accented Latin letters and their plain letter."""
    import unicodedata

    accented, plain = "", ""
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char and base.isascii() and base.isalpha():
            accented += char
            plain += base
    return accented, plain
