"""Full-text search on SQLite: FTS5 ``MATCH`` strings over the index's own tokens, bm25 ranking.

The FTS5 table ``mentions_fts`` (migration 0005) indexes ``search_words``,
``search_tags`` and ``facets`` with the ``ascii`` tokenizer: every token is
``a-z0-9`` (:mod:`storage.search.terms`), so the tokenizer keeps each one as
written. Every token is double-quoted and restricted to its column, so no text
of a query can act as FTS5 syntax or reach the facets column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)

from storage.models import MentionModel
from storage.search.facets import FacetFilter
from storage.search.plan import AnyOf, Narrowing, Sequence, Token
from storage.search.terms import OVERFLOW

__all__ = [
    "RECORD_DAYS",
    "candidates_statement",
    "compile_match",
    "count_statement",
    "full_match",
    "overflow_statement",
    "ranked_ids_statement",
    "window_ids",
]

_fts = table("mentions_fts", column("rowid", Integer))
_fts_ref: ColumnElement[Any] = literal_column("mentions_fts")
_SAFE = re.compile("[a-z0-9]+")


def _quoted(token: str) -> str:
    if not _SAFE.fullmatch(token):  # never: tokens are built by storage.search.terms
        raise ValueError(f"not an index token: {token!r}")
    return f'"{token}"'


def compile_match(node: Narrowing) -> str:
    """The FTS5 query string for ``node``: tokens quoted, each in its column, operators explicit."""
    if isinstance(node, Token):
        return f"{{{node.column}}} : {_quoted(node.token)}{'*' if node.prefix else ''}"
    if isinstance(node, Sequence):
        for token in node.tokens:
            _quoted(token)
        return '{search_words} : "' + " ".join(node.tokens) + '"'
    if isinstance(node, AnyOf):
        return " OR ".join(f"({compile_match(option)})" for option in node.options)
    expression = " AND ".join(f"({compile_match(part)})" for part in node.include)
    if node.exclude:
        # FTS5's NOT is binary: a AND NOT b AND NOT c is a NOT (b OR c).
        excluded = " OR ".join(f"({compile_match(part)})" for part in node.exclude)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def full_match(node: Narrowing | None, facets: FacetFilter | None = None) -> str:
    """The MATCH string: ``node`` (None: the overflow token) and, with a brand filter, its facets."""
    expression = compile_match(node) if node is not None else f"{{search_tags}} : {_quoted(OVERFLOW)}"
    if facets:
        expression = f"({expression}) AND {{facets}} : (" + " OR ".join(_quoted(t) for t in facets.brands) + ")"
    return expression


def _match(node: Narrowing | None, facets: FacetFilter | None = None) -> ColumnElement[bool]:
    return _fts_ref.op("MATCH", is_comparison=True)(bindparam("fts_query", full_match(node, facets)))


RECORD_DAYS = (
    "INSERT INTO mention_days (day, first_id, last_id) "
    "SELECT substr(created_at, 1, 10), min(id), max(id) FROM mentions WHERE id > ? GROUP BY 1 "
    "ON CONFLICT (day) DO UPDATE SET first_id = min(first_id, excluded.first_id), "
    "last_id = max(last_id, excluded.last_id)"
)
"""Record the days of the mentions above an id in ``mention_days`` (migration 0012): what
``save_batch`` runs once per batch while the per-row triggers are suspended."""

_EMPTY = (1, 0)


def window_ids(connection: Connection, since: datetime | None, until: datetime | None) -> tuple[int, int]:
    """``(first, last)``: every mention dated in ``[since, until)`` has an id between the two.

    From ``mention_days`` (the smallest and largest id per UTC day, kept by ``save_batch`` and
    triggers): a few rows read, however many mentions the window holds. An empty window gives
    a range no id is in.
    """
    query = "SELECT min(first_id), max(last_id) FROM mention_days"
    where: list[str] = []
    values: list[str] = []
    if since is not None:
        where.append("day >= ?")
        values.append(_day(since))
    if until is not None:
        where.append("day <= ?")
        values.append(_day(until - timedelta(microseconds=1)))
    if where:
        query += " WHERE " + " AND ".join(where)
    first, last = connection.exec_driver_sql(query, tuple(values)).one()
    return (int(first), int(last)) if first is not None else _EMPTY


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _source(conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None) -> Select[int]:
    m = MentionModel
    stmt = select(_fts.c.rowid)
    if facets is not None and facets.ids is not None:
        # FTS5 takes rowid bounds beside MATCH and skips the doclists' entries outside them.
        first, last = facets.ids
        stmt = stmt.where(_fts.c.rowid.between(bindparam("first_id", first), bindparam("last_id", last)))
    if not conditions:
        return stmt
    return stmt.join(m, m.id == _fts.c.rowid).where(*conditions)


def ranked_ids_statement(
    node: Narrowing,
    conditions: Seq[ColumnElement[bool]],
    limit: int,
    offset: int,
    facets: FacetFilter | None = None,
) -> Select[int, float]:
    """``(id, rank)`` of the best candidates; rank is ``-bm25`` over words and tags (facets weigh 0)."""
    score = func.bm25(_fts_ref, 1.0, 1.0, 0.0, type_=Float)
    return (
        _source(conditions, facets)
        .add_columns((-score).label("rank"))
        .where(_match(node, facets))
        .order_by(score, _fts.c.rowid.desc())
        .limit(limit)
        .offset(offset)
    )


def count_statement(
    node: Narrowing, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    inner = _source(conditions, facets).where(_match(node, facets)).subquery()
    return select(func.count()).select_from(inner)


def candidates_statement(
    node: Narrowing | None, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    """Every candidate id of ``node`` (None: the mentions indexed as overflow), newest id first."""
    return _source(conditions, facets).where(_match(node, facets)).order_by(_fts.c.rowid.desc())


def overflow_statement(conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None) -> Select[int]:
    """Ids of the mentions indexed as overflow (always candidates), newest id first."""
    return candidates_statement(None, conditions, facets)
