"""Full-text search on SQLite: FTS5 ``MATCH`` strings, bm25 ranking, snippets.

Every term and phrase is double-quoted (inner quotes doubled), so nothing a
user types can act as FTS5 syntax: ``NEAR``, ``*``, ``:``, ``^`` or parentheses
inside a term are just text for the tokenizer. The index folds case and
removes diacritics, so ``cafe`` finds ``café``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from storage.results import SNIPPET_END, SNIPPET_START
from storage.search.facets import FacetFilter
from storage.search.normalize import AnyOf, Leaf, Positive

__all__ = ["compile_match", "count_statement", "full_match", "ids_statement", "ranked_ids_statement", "snippets"]

SNIPPET_TOKENS = 24

_fts = table("mentions_fts", column("rowid", Integer))
_fts_ref: ColumnElement[Any] = literal_column("mentions_fts")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def compile_match(node: Positive) -> str:
    """The FTS5 query string for ``node``: terms quoted, operators explicit."""
    if isinstance(node, Leaf):
        return _quote(" ".join(node.words)) + ("*" if node.prefix else "")
    if isinstance(node, AnyOf):
        return " OR ".join(f"({compile_match(option)})" for option in node.options)
    expression = " AND ".join(f"({compile_match(part)})" for part in node.include)
    for excluded in node.exclude:
        # FTS5's NOT is binary and left-associative: ((a) NOT (b)) NOT (c).
        expression = f"({expression}) NOT ({compile_match(excluded)})"
    return expression


def full_match(node: Positive, facets: FacetFilter | None = None) -> str:
    """The MATCH string: the words in the ``text`` column, brand tokens in ``facets``."""
    expression = f"{{text}} : ({compile_match(node)})"
    if facets:
        expression += " AND {facets} : (" + " OR ".join(_quote(t) for t in facets.brands) + ")"
    return expression


def _match(node: Positive, facets: FacetFilter | None = None) -> ColumnElement[bool]:
    return _fts_ref.op("MATCH", is_comparison=True)(bindparam("fts_query", full_match(node, facets)))


def _source(conditions: Sequence[ColumnElement[bool]]) -> Select[int]:
    m = MentionModel
    if not conditions:
        return select(_fts.c.rowid)
    return select(_fts.c.rowid).join(m, m.id == _fts.c.rowid).where(*conditions)


def ranked_ids_statement(
    node: Positive,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
    facets: FacetFilter | None = None,
) -> Select[int, float]:
    """``(id, rank)`` of the best matches; rank is ``-bm25`` over the text (facets weigh 0)."""
    score = func.bm25(_fts_ref, 1.0, 0.0, type_=Float)
    stmt = (
        _source(conditions)
        .add_columns((-score).label("rank"))
        .where(_match(node, facets))
        .order_by(score, _fts.c.rowid.desc())
        .limit(limit)
        .offset(offset)
    )
    return stmt


def ids_statement(
    node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    """The ids of every match (unranked)."""
    return _source(conditions).where(_match(node, facets))


def count_statement(
    node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    inner = _source(conditions).where(_match(node, facets)).subquery()
    return select(func.count()).select_from(inner)


def snippets(connection: Connection, node: Positive, ids: Sequence[int]) -> dict[int, str]:
    """Snippets with matched terms marked, computed for ``ids`` only."""
    if not ids:
        return {}
    snippet = func.snippet(
        _fts_ref,
        0,
        bindparam("start", SNIPPET_START),
        bindparam("end", SNIPPET_END),
        bindparam("ellipsis", "…"),
        SNIPPET_TOKENS,
    )
    stmt = select(_fts.c.rowid, snippet).where(
        _match(node), _fts.c.rowid.in_(bindparam("ids", list(ids), expanding=True))
    )
    return {row[0]: row[1] for row in connection.execute(stmt)}
