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
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import replacement_traverse

from storage.models import MentionModel
from storage.search.days import id_window, interior
from storage.search.facets import FacetFilter, Interior
from storage.search.filters import created_conditions
from storage.search.plan import AnyOf, Narrowing, Sequence, Token
from storage.search.terms import OVERFLOW

__all__ = [
    "candidates_statement",
    "compile_match",
    "count_statement",
    "created_outside",
    "full_match",
    "narrowed",
    "overflow_statement",
    "ranked_ids_statement",
    "ranking_plan",
    "search_session",
]

_fts = table("mentions_fts", column("rowid", Integer))
_DATED = aliased(MentionModel, name="dated")
"""The mention whose date :func:`created_outside` checks (made once: an alias costs a millisecond)."""
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


def created_outside(inner: Interior) -> ColumnElement[bool]:
    """The date filter, checked on the row of ``mentions`` only for a candidate outside the
    ids of ``inner`` (an id inside is a mention of the window). Over the bench's million
    mentions, the ranking reads no row for 93% of a 30-day window's candidates (BENCHMARKS.md)."""
    return or_(
        _fts.c.rowid.between(bindparam("interior_low", inner.low), bindparam("interior_high", inner.high)),
        exists().where(_DATED.id == _fts.c.rowid, *created_conditions(inner.since, inner.until, _DATED)),
    )


def _source(
    conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None, *, join: bool | None = None
) -> Select[int]:
    """The index's rows in the facets' id range, with ``conditions``, joined to their row of
    ``mentions`` when ``join`` (None: when there are conditions)."""
    m = MentionModel
    stmt = select(_fts.c.rowid)
    if join or (join is None and conditions):
        stmt = stmt.join(m, m.id == _fts.c.rowid)
    if conditions:
        stmt = stmt.where(*conditions)
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
    """``(id, rank)`` of the best candidates; rank is ``-bm25`` over words and tags (facets weigh 0).

    With ``facets.interior``, ``conditions`` leave the date filter out and the ranking checks
    it with :func:`created_outside`; it then reads a candidate's row of ``mentions`` only for a
    condition that is not an ``EXISTS`` on its id."""
    score = func.bm25(_fts_ref, 1.0, 1.0, 0.0, type_=Float)
    # Not for the other statements: with the brand facets in their MATCH, every candidate
    # passes the brand check, and the date check is the one to make first.
    checked = [checked_on_index_rows(c) for c in conditions]
    join = any(not isinstance(c, Exists) for c in checked)
    if facets is not None and facets.interior is not None:
        checked.append(created_outside(facets.interior))
    return (
        _source(checked, facets, join=join)
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
    """``facets`` with the id range of the date window ``[since, until)`` and the part of it
    whose dates need no check (:mod:`storage.search.days`)."""
    window = id_window(connection, since, until)
    inner = interior(connection, since, until, window) if window is not None else None
    return replace(facets, ids=window, interior=Interior(*inner, since, until) if inner is not None else None)


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
