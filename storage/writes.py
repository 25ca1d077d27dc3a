"""Saving one batch of mentions and its cursor in one transaction.

The statements, all set-based (no per-row round trips):

1. Insert the batch with ``ON CONFLICT (source, external_id) DO NOTHING``.
   PostgreSQL: one ``INSERT ... SELECT FROM unnest(<one array per column>)
   RETURNING id``. SQLite: one DB-API ``executemany`` in a transaction that
   began IMMEDIATE (so it holds the write lock), then the ids above the
   previous maximum are the new ones; the batch is added to the FTS index with
   one ``INSERT ... SELECT`` while the per-row trigger is suspended. Each row
   carries its index tokens (``search_words``, ``search_tags``), computed here
   by :func:`storage.search.terms.index_terms` from the text.
2. ``INSERT INTO mention_brands SELECT id, :brand ... ON CONFLICT DO NOTHING``:
   every mention of the batch, new or already stored, is linked to the brand.
3. One query for earlier copies of the new mentions' content hashes, then one
   executemany ``UPDATE`` setting ``duplicate_of_id`` where needed.
4. The cursor upsert, adding the number inserted to ``mentions_collected``.

Known limit: two processes saving the same new content at the same moment on
PostgreSQL may each keep their copy as an original (no duplicate link); the
data stays correct otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect

from foundation.errors import CursorMoved, StorageError
from foundation.mentions import Cursor, StoredMention
from foundation.secrets import scrub
from storage.models import MentionBrandModel, MentionModel, SourceCursorModel
from storage.results import SaveResult
from storage.search import days
from storage.search.facets import brand_token, facets_text, with_brand
from storage.search.terms import index_terms

__all__ = ["matching", "save_batch", "upsert_cursor"]


def _insert(connection: Connection, model: Any) -> Any:
    if connection.dialect.name == "sqlite":
        return sqlite_dialect.insert(model)
    return postgresql.insert(model)


def _matching(connection: Connection, stmt: Any, column: Any, values: list[str]) -> Any:
    return matching(connection.dialect.name, stmt, column, values)


def matching(dialect: str, stmt: Any, column: Any, values: list[str]) -> Any:
    """Restrict ``stmt`` to rows whose ``column`` is one of ``values``.

    PostgreSQL: a join with ``unnest(:values)``, one array parameter. It binds
    and plans much faster than a thousand parameters, and stays a hash or
    index join even before the first ANALYZE of a fast-growing table (an
    ``IN`` list is then a filter on every row). SQLite: ``IN (...)``.
    """
    if dialect == "postgresql":
        wanted = (
            func.unnest(bindparam(None, values, type_=postgresql.ARRAY(String)))
            .table_valued("value")
            .render_derived(name="wanted")
        )
        return stmt.join(wanted, column == wanted.c.value)
    return stmt.where(column.in_(bindparam(None, values, expanding=True)))


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _check(mentions: Sequence[StoredMention], source: str) -> list[StoredMention]:
    """Refuse mentions of another source and naive datetimes; keep the first of each id."""
    unique: dict[str, StoredMention] = {}
    for mention in mentions:
        if mention.source != source:
            raise StorageError(
                f"save_batch for source {source!r} got a mention from {mention.source!r} "
                f"(external_id {mention.external_id!r}): save each source's batch separately"
            )
        for name in ("created_at", "collected_at"):
            value: datetime = getattr(mention, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise StorageError(
                    f"mention {source}:{mention.external_id} has a naive {name} "
                    f"({value.isoformat()}): sources must give timezone-aware UTC datetimes"
                )
        unique.setdefault(mention.external_id, mention)
    return list(unique.values())


def _row(mention: StoredMention, facets: str) -> dict[str, Any]:
    terms = index_terms(mention.text)
    return {
        "facets": facets,
        "search_words": terms.words,
        "search_tags": terms.tags,
        "source": mention.source,
        "external_id": mention.external_id,
        "author_handle": mention.author_handle,
        "author_name": mention.author_name,
        "author_followers": mention.author_followers,
        "text": mention.text,
        "url": mention.url,
        "language": mention.language,
        "channel": mention.channel,
        "rating": mention.rating,
        "created_at": mention.created_at,
        "collected_at": mention.collected_at,
        "content_hash": mention.content_hash,
        "raw": dict(mention.raw) if mention.raw is not None else None,
    }


def save_batch(
    connection: Connection,
    mentions: Sequence[StoredMention],
    *,
    source: str,
    brand: str,
    cursor: Cursor,
    now: datetime,
    expected: Cursor | None = None,
) -> SaveResult:
    """Store ``mentions`` for ``brand`` and advance the cursor; the caller owns the transaction.

    With ``expected`` (the cursor this run last read or wrote), the cursor is advanced only
    if it still holds that value; otherwise :class:`~foundation.errors.CursorMoved` is
    raised, so the caller's transaction rolls back and a cursor never moves backwards.
    """
    batch = _check(mentions, source)
    inserted: dict[str, int] = {}
    stored_before: int | None = None
    if batch:
        if connection.dialect.name == "sqlite":
            stored_before, inserted = _insert_sqlite(connection, batch, brand)
        else:
            inserted = _insert_postgres(connection, batch, brand)
        _link_brand(connection, source, brand, [x.external_id for x in batch])
        _add_brand_facet(connection, source, brand, [x for x in batch if x.external_id not in inserted])
    new = [x for x in batch if x.external_id in inserted]
    linked = _link_duplicates(connection, new, inserted, stored_before)
    if not upsert_cursor(connection, source, brand, now=now, cursor=cursor, collected=len(inserted), expected=expected):
        raise CursorMoved(
            f"another run moved the cursor of {source} for {brand} while this one was collecting; "
            "this run stopped without storing its last batch, the other one collects the rest"
        )
    return SaveResult(inserted=len(inserted), already_stored=len(batch) - len(inserted), duplicates_linked=linked)


def _insert_postgres(connection: Connection, batch: list[StoredMention], brand: str) -> dict[str, int]:
    """Insert new mentions; ``{external_id: id}`` of those inserted.

    One statement whatever the batch size: ``INSERT ... SELECT FROM unnest(:col1,
    :col2, ...) ON CONFLICT DO NOTHING RETURNING id``, one array parameter per
    column (a multi-row VALUES would carry 14,000 parameters for 1,000 mentions).
    """
    m = MentionModel
    facets = facets_text([brand])
    rows = [_row(x, facets) for x in batch]
    arrays = []
    for name in _COLUMNS:
        values = [row[name] for row in rows]
        if name == "raw":
            values = [None if v is None else _json(v) for v in values]
        elif name in ("created_at", "collected_at"):
            values = [v.astimezone(UTC) for v in values]
        arrays.append(bindparam(None, values, type_=postgresql.ARRAY(_PG_ARRAY_TYPES[name])))
    batch_rows = func.unnest(*arrays).table_valued(*_COLUMNS).render_derived(name="batch")
    chosen = select(
        *(cast(batch_rows.c[name], postgresql.JSONB) if name == "raw" else batch_rows.c[name] for name in _COLUMNS)
    )
    stmt = (
        postgresql.insert(m)
        .from_select(list(_COLUMNS), chosen)
        .on_conflict_do_nothing(index_elements=[m.source, m.external_id])
        .returning(m.id, m.external_id)
    )
    return {external_id: mention_id for mention_id, external_id in connection.execute(stmt)}


_COLUMNS = (
    "source",
    "external_id",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "url",
    "language",
    "channel",
    "rating",
    "created_at",
    "collected_at",
    "content_hash",
    "facets",
    "search_words",
    "search_tags",
    "raw",
)
_PG_ARRAY_TYPES: dict[str, Any] = {
    "author_followers": Integer(),
    "rating": Float(),
    "created_at": DateTime(timezone=True),
    "collected_at": DateTime(timezone=True),
    "raw": Text(),
}
for _name in _COLUMNS:
    _PG_ARRAY_TYPES.setdefault(_name, Text())

_SQLITE_INSERT = (
    f"INSERT INTO mentions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT (source, external_id) DO NOTHING"
)


def _insert_sqlite(connection: Connection, batch: list[StoredMention], brand: str) -> tuple[int, dict[str, int]]:
    """Insert new mentions with one DB-API ``executemany`` (the fast path on SQLite).

    The store's SQLite write transactions begin IMMEDIATE, so this connection
    holds the write lock: every id above the largest one before the insert is ours.
    Values go through the columns' own bind processors, so they are stored exactly
    as SQLAlchemy stores them elsewhere.
    """
    dialect = connection.dialect
    table = MentionModel.__table__
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _COLUMNS]
    facets = facets_text([brand])
    rows = []
    for mention in batch:
        values = _row(mention, facets)
        rows.append(
            tuple(
                process(values[name]) if process is not None else values[name]
                for name, process in zip(_COLUMNS, processors, strict=True)
            )
        )
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM mentions").scalar_one()
    # Index the batch, and record its days, in one statement each instead of trigger calls per row
    # (see migrations 0001 and 0012).
    connection.exec_driver_sql("INSERT INTO mentions_fts_deferred (active) VALUES (1)")
    connection.exec_driver_sql(_SQLITE_INSERT, rows)
    connection.exec_driver_sql(
        "INSERT INTO mentions_fts (rowid, search_words, search_tags, facets) "
        "SELECT id, search_words, search_tags, facets FROM mentions WHERE id > ?",
        (before,),
    )
    connection.execute(days.RECORD_SINCE, {"after": before})
    connection.exec_driver_sql("DELETE FROM mentions_fts_deferred")
    new = connection.exec_driver_sql("SELECT id, external_id FROM mentions WHERE id > ?", (before,))
    return int(before), {external_id: mention_id for mention_id, external_id in new.fetchall()}


def _link_brand(connection: Connection, source: str, brand: str, external_ids: list[str]) -> None:
    m, link = MentionModel, MentionBrandModel
    chosen = _matching(
        connection,
        select(m.id, literal(brand)).where(m.source == source),
        m.external_id,
        external_ids,
    )
    stmt = (
        _insert(connection, link)
        .from_select([link.mention_id, link.brand], chosen)
        .on_conflict_do_nothing(index_elements=[link.mention_id, link.brand])
    )
    connection.execute(stmt)


def _add_brand_facet(connection: Connection, source: str, brand: str, existing: list[StoredMention]) -> None:
    """Add ``brand``'s facet token to mentions stored earlier for another brand.

    Rare (a mention that matches two brands) and cheap: only rows that lack the
    token are read and updated; on SQLite the update trigger re-indexes them.
    """
    if not existing:
        return
    m = MentionModel
    token = brand_token(brand)
    rows = connection.execute(
        _matching(
            connection,
            select(m.id, m.facets).where(m.source == source),
            m.external_id,
            [x.external_id for x in existing],
        )
    ).fetchall()
    updates = [
        {"target_id": mention_id, "new_facets": with_brand(facets, brand)}
        for mention_id, facets in rows
        if token not in (facets or "").split()
    ]
    if updates:
        connection.execute(
            update(m).where(m.id == bindparam("target_id")).values(facets=bindparam("new_facets")), updates
        )


def _link_duplicates(
    connection: Connection,
    new: list[StoredMention],
    ids: dict[str, int],
    stored_before: int | None,
) -> int:
    """Point each new mention at the first stored copy of its content.

    The first copy is the lowest-id mention with that hash that is not itself
    a duplicate among those stored before this batch, else the first new one
    in batch order.
    """
    if not new:
        return 0
    m = MentionModel
    new_ids = set(ids.values())
    hashes = list({x.content_hash for x in new})
    stmt = _matching(
        connection,
        select(m.content_hash, m.id).where(m.duplicate_of_id.is_(None)),
        m.content_hash,
        hashes,
    )
    if stored_before is not None:  # SQLite: ids above it are this batch's
        stmt = stmt.where(m.id <= stored_before)
    original: dict[str, int] = {}
    for content_hash, mention_id in connection.execute(stmt).fetchall():
        if mention_id not in new_ids and mention_id < original.get(content_hash, mention_id + 1):
            original[content_hash] = mention_id
    updates: list[dict[str, int]] = []
    for mention in new:
        mention_id = ids[mention.external_id]
        first = original.setdefault(mention.content_hash, mention_id)
        if first != mention_id:
            updates.append({"target_id": mention_id, "original_id": first})
    if updates:
        connection.execute(
            update(m).where(m.id == bindparam("target_id")).values(duplicate_of_id=bindparam("original_id")),
            updates,
        )
    return len(updates)


def upsert_cursor(
    connection: Connection,
    source: str,
    brand: str,
    *,
    now: datetime,
    cursor: Cursor | None = None,
    collected: int = 0,
    error: str | None = None,
    expected: Cursor | None = None,
) -> bool:
    """Record a success (``cursor`` given: value, success time, count) or an ``error``.

    With ``expected``, a stored row is changed only while its value is ``expected.value``;
    returns False when it held another value (nothing changed), True otherwise.

    The error text is scrubbed of secrets first (:func:`foundation.secrets.scrub`):
    a server's reply quoted in it may echo a password.
    """
    c = SourceCursorModel
    values: dict[str, Any] = {"source": source, "brand": brand, "updated_at": now}
    if cursor is not None:
        values |= {"value": cursor.value, "last_success_at": now, "mentions_collected": collected}
    if error is not None:
        values |= {"last_error_at": now, "last_error": scrub(error), "mentions_collected": 0}
    stmt = _insert(connection, c).values(**values)
    changes: dict[str, Any] = {key: stmt.excluded[key] for key in values if key not in ("source", "brand")}
    changes["mentions_collected"] = c.mentions_collected + stmt.excluded.mentions_collected
    guard = None
    if expected is not None:
        guard = c.value.is_(None) if expected.value is None else c.value == expected.value
    upsert = stmt.on_conflict_do_update(index_elements=[c.source, c.brand], set_=changes, where=guard)
    if guard is None:
        connection.execute(upsert)
        return True
    # RETURNING, not rowcount: psycopg reports no row count for an upsert
    return connection.execute(upsert.returning(c.source)).first() is not None
