"""Full-text search on PostgreSQL: one ``to_tsquery`` over the index's own tokens, ts_rank_cd.

``mentions.search_vector`` (migration 0005) is ``to_tsvector('simple', ...)`` of
``search_words``, ``search_tags`` and ``facets``. Every token is ``a-z0-9`` and
starts with a letter that says what it is (:mod:`storage.search.terms`), so
PostgreSQL's parser keeps each one whole and a word can never be taken for a
hashtag or a brand facet.

The query is one tsquery *text* (``wacme & (wdelay | wlate) & !wfruit``), built
only from those tokens and the operators ``& | ! <-> :*``, and passed as one
bound parameter to ``to_tsquery``: no user text reaches it unencoded, and its
size does not nest SQL expressions (a tree of ``tsquery_and`` calls made the SQL
compiler recurse past Python's limit at about 90 words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from storage.models import MentionModel
from storage.search.facets import FacetFilter
from storage.search.plan import AnyOf, Narrowing, Sequence, Token
from storage.search.terms import OVERFLOW

__all__ = [
    "candidates_statement",
    "compile_tsquery",
    "count_statement",
    "facet_tsquery",
    "narrowed",
    "overflow_statement",
    "ranked_ids_statement",
    "ranking_plan",
    "search_session",
]

_config = literal_column("'simple'", REGCONFIG)
_search_vector = literal_column("mentions.search_vector", TSVECTOR)
_SAFE = re.compile("[a-z0-9]+")


def _lexeme(token: str) -> str:
    if not _SAFE.fullmatch(token):  # never: tokens are built by storage.search.terms
        raise ValueError(f"not an index token: {token!r}")
    return token


def compile_tsquery(node: Narrowing) -> str:
    """The tsquery text for ``node``."""
    if isinstance(node, Token):
        return _lexeme(node.token) + (":*" if node.prefix else "")
    if isinstance(node, Sequence):
        return "(" + " <-> ".join(_lexeme(token) for token in node.tokens) + ")"
    if isinstance(node, AnyOf):
        return "(" + " | ".join(compile_tsquery(option) for option in node.options) + ")"
    parts = [compile_tsquery(part) for part in node.include]
    if node.exclude:
        parts.append("!(" + " | ".join(compile_tsquery(part) for part in node.exclude) + ")")
    return "(" + " & ".join(parts) + ")"


def _tsquery(node: Narrowing | None) -> ColumnElement[str]:
    text = compile_tsquery(node) if node is not None else OVERFLOW
    return func.to_tsquery(_config, bindparam(None, text), type_=TSQUERY)


def facet_tsquery(facets: FacetFilter) -> str:
    """``b1 | b2``: our own alphanumeric brand tokens."""
    return " | ".join(_lexeme(token) for token in facets.brands)


def _match(tsquery: ColumnElement[str], facets: FacetFilter | None = None) -> ColumnElement[bool]:
    words = _search_vector.op("@@", is_comparison=True)(tsquery)
    if facets is None or not facets.brands:
        return words
    narrowed = func.to_tsquery(_config, bindparam("facet_query", facet_tsquery(facets)), type_=TSQUERY)
    return and_(words, _search_vector.op("@@", is_comparison=True)(narrowed))


def ranked_ids_statement(
    node: Narrowing,
    conditions: Seq[ColumnElement[bool]],
    limit: int,
    offset: int,
    facets: FacetFilter | None = None,
) -> Select[int, float]:
    """``(id, rank)`` of the best candidates by ``ts_rank_cd``."""
    m = MentionModel
    tsquery = _tsquery(node)
    score = func.ts_rank_cd(_search_vector, tsquery, type_=Float)
    return (
        select(m.id, score.label("rank"))
        .where(_match(tsquery, facets), *conditions)
        .order_by(score.desc(), m.id.desc())
        .limit(limit)
        .offset(offset)
    )


def ranking_plan(
    connection: Connection, node: Narrowing, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None
) -> tuple[bool, FacetFilter | None]:
    """``(True, facets)``: there may be candidates (the ranking tells), and the ranking's
    ``ts_rank_cd`` reads only the words' tsquery, so the facets' separate ``@@`` test narrows
    at no cost to the score."""
    return True, facets


def search_session(connection: Connection) -> None:
    """No parallel workers for the rest of this read's transaction. A search's statements take
    milliseconds: launching a worker costs more than it saves, and under concurrent searches the
    workers take the cores the other searches need (the bench's million mentions, one client at
    a time: 24.6 -> 18.7 ms a search, BENCHMARKS.md)."""
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


def narrowed(
    connection: Connection, facets: FacetFilter, since: datetime | None, until: datetime | None
) -> FacetFilter:
    """``facets`` as they are: PostgreSQL checks each candidate's date on its row (a BRIN index on
    ``created_at``, which the planner combined with the GIN index, did not make searches faster,
    BENCHMARKS.md)."""
    return facets


def count_statement(
    node: Narrowing, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    return select(func.count()).select_from(MentionModel).where(_match(_tsquery(node), facets), *conditions)


def candidates_statement(
    node: Narrowing | None, conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    """Every candidate id of ``node`` (None: the mentions indexed as overflow), newest id first."""
    m = MentionModel
    return select(m.id).where(_match(_tsquery(node), facets), *conditions).order_by(m.id.desc())


def overflow_statement(conditions: Seq[ColumnElement[bool]], facets: FacetFilter | None = None) -> Select[int]:
    """Ids of the mentions indexed as overflow (always candidates), newest id first."""
    return candidates_statement(None, conditions, facets)
