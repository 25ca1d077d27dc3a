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
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Exists,
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
from sqlalchemy.sql.visitors import replacement_traverse

from storage.models import MentionModel
from storage.search.days import id_window
from storage.search.facets import FacetFilter
from storage.search.plan import AnyOf, Narrowing, Sequence, Token
from storage.search.terms import OVERFLOW

__all__ = [
    "candidates_statement",
    "compile_match",
    "count_statement",
    "full_match",
    "narrowed",
    "overflow_statement",
    "ranked_ids_statement",
    "ranking_plan",
    "search_session",
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
    if facets and facets.brands:
        expression = f"({expression}) AND {{facets}} : (" + " OR ".join(_quoted(t) for t in facets.brands) + ")"
    return expression


def _match(node: Narrowing | None, facets: FacetFilter | None = None) -> ColumnElement[bool]:
    return _fts_ref.op("MATCH", is_comparison=True)(bindparam("fts_query", full_match(node, facets)))


def checked_on_index_rows(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``condition``, when it is an ``EXISTS`` on the mention's id (the brand filter's), correlated
    to the index row's rowid instead, so SQLite checks it as it reads each candidate from the
    index, before it reads the candidate's row of ``mentions`` for the date and other filters.
    A brand filter turns most of a ranking's candidates away, so most of those row reads are
    saved (the bench's ranking statement over a million mentions: 10.0 -> 7.4 ms, BENCHMARKS.md).
    Other conditions are returned as they are."""
    if not isinstance(condition, Exists):
        return condition
    mentions = MentionModel.__table__

    def rowid(element: Any, **kw: Any) -> Any:
        if isinstance(element, ColumnClause) and element.table is mentions and element.name == "id":
            return _fts.c.rowid
        return None

    no_options: dict[str, Any] = {}
    return replacement_traverse(cast("ColumnElement[bool]", condition), no_options, rowid)


def _source(conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None) -> Select[int]:
    m = MentionModel
    stmt = select(_fts.c.rowid)
    if conditions:
        stmt = stmt.join(m, m.id == _fts.c.rowid).where(*conditions)
    if facets is not None and facets.ids is not None:
        # On the index's own rowid: FTS5 skips to the range (a condition on mentions.id would
        # be checked one match at a time).
        low, high = facets.ids
        stmt = stmt.where(_fts.c.rowid >= bindparam("low_id", low), _fts.c.rowid <= bindparam("high_id", high))
    return stmt


def ranked_ids_statement(
    node: Narrowing,
    conditions: Seq[ColumnElement[bool]],
    limit: int,
    offset: int,
    facets: FacetFilter | None = None,
) -> Select[int, float]:
    """``(id, rank)`` of the best candidates; rank is ``-bm25`` over words and tags (facets weigh 0)."""
    score = func.bm25(_fts_ref, 1.0, 1.0, 0.0, type_=Float)
    # Not for the other statements: with the brand facets in their MATCH, every candidate
    # passes the brand check, and the date check is the one to make first.
    return (
        _source([checked_on_index_rows(c) for c in conditions], facets)
        .add_columns((-score).label("rank"))
        .where(_match(node, facets))
        .order_by(score, _fts.c.rowid.desc())
        .limit(limit)
        .offset(offset)
    )


def ranking_plan(
    connection: Connection, node: Narrowing, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None
) -> tuple[bool, FacetFilter | None]:
    """Whether ``node`` may have candidates that pass ``conditions`` (False: it has none), and
    the facets its ranking should narrow by: without the brands once one candidate is found.

    The facets only narrow (the brand filter's own condition decides) and their column weighs 0,
    so the ranking is the same without them. But ``bm25()`` reads the whole doclist of every phrase
    of its query for the phrase's IDF, and a brand facet's doclist is every mention of the brand:
    333,333 of the bench's million, 7-10 ms of each search (BENCHMARKS.md).
    Checking the brand of each candidate of the words instead costs less for most searches. A
    search with no candidate at all is told by the narrowed index at once (bm25 never runs), where
    the words alone may match thousands of other brands' mentions."""
    if facets is None or not facets.brands:
        return True, facets
    probe = candidates_statement(node, conditions, facets).order_by(None).limit(1)
    if connection.execute(probe).first() is None:
        return False, facets
    return True, replace(facets, brands=())


def search_session(connection: Connection) -> None:
    """Nothing to set: SQLite runs each statement in this process."""


def narrowed(
    connection: Connection, facets: FacetFilter, since: datetime | None, until: datetime | None
) -> FacetFilter:
    """``facets`` with the id range of the date window ``[since, until)`` (:mod:`storage.search.days`)."""
    return replace(facets, ids=id_window(connection, since, until))


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
