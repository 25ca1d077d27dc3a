"""Full-text search on PostgreSQL: tsquery expressions, ts_rank_cd, ts_headline.

The tsquery is built from SQLAlchemy expressions with every piece of user text
in a bound parameter: ``plainto_tsquery`` for a word, ``phraseto_tsquery`` for
a phrase, and ``to_tsquery`` only for prefix terms, whose text is first reduced
to word characters (so no tsquery operator can reach it). They are combined
with ``tsquery_and`` / ``tsquery_or`` / ``tsquery_not``, the functions behind
``&&``, ``||`` and ``!!``.

The ``simple`` configuration folds case but keeps accents; the indexed column
therefore maps accented Latin letters to plain ones with ``translate()`` (see
the initial migration), so the folded ``cafe`` finds ``café`` as on SQLite.
Snippets are cut from the original text: a word found through folding is not
highlighted there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
from storage.results import SNIPPET_END, SNIPPET_START
from storage.search.facets import FacetFilter
from storage.search.normalize import AnyOf, Leaf, Positive

__all__ = [
    "compile_tsquery",
    "count_statement",
    "facet_tsquery",
    "ids_statement",
    "ranked_ids_statement",
    "snippets",
]

PG_TSVECTOR_MAX_CHARS = 100_000  # as in migration 0001: only this much text is indexed
HEADLINE_OPTIONS = (
    f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=…"
)
_WORD = re.compile(r"\w+")

_config = literal_column("'simple'", REGCONFIG)
_search_vector = literal_column("mentions.search_vector", TSVECTOR)


def _leaf(leaf: Leaf) -> ColumnElement[str]:
    if leaf.prefix:
        words = _WORD.findall(" ".join(leaf.words))
        if words:
            lexemes = " <-> ".join(word[:1000] for word in words) + ":*"
            return func.to_tsquery(_config, bindparam(None, lexemes), type_=TSQUERY)
    if len(leaf.words) > 1:
        return func.phraseto_tsquery(_config, bindparam(None, " ".join(leaf.words)), type_=TSQUERY)
    return func.plainto_tsquery(_config, bindparam(None, " ".join(leaf.words)), type_=TSQUERY)


def compile_tsquery(node: Positive) -> ColumnElement[str]:
    """A tsquery expression for ``node``, with user text only in bound parameters."""
    if isinstance(node, Leaf):
        return _leaf(node)
    if isinstance(node, AnyOf):
        parts = [compile_tsquery(option) for option in node.options]
        combine = "tsquery_or"
    else:
        parts = [compile_tsquery(part) for part in node.include]
        parts += [func.tsquery_not(compile_tsquery(excluded), type_=TSQUERY) for excluded in node.exclude]
        combine = "tsquery_and"
    expression = parts[0]
    for part in parts[1:]:
        expression = getattr(func, combine)(expression, part, type_=TSQUERY)
    return expression


def facet_tsquery(facets: FacetFilter) -> str:
    """``b1:D | b2:D``: our own alphanumeric tokens, weight D only."""
    return " | ".join(f"{token}:D" for token in facets.brands)


def _match(tsquery: ColumnElement[str], facets: FacetFilter | None = None) -> ColumnElement[bool]:
    words = _search_vector.op("@@", is_comparison=True)(tsquery)
    if not facets:
        return words
    # Two conditions, not one combined tsquery: an empty word query (all stop characters)
    # must match nothing, while ``'' && facets`` would match every faceted row.
    narrowed = func.to_tsquery(_config, bindparam("facet_query", facet_tsquery(facets)), type_=TSQUERY)
    return and_(words, _search_vector.op("@@", is_comparison=True)(narrowed))


def ranked_ids_statement(
    node: Positive,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
    facets: FacetFilter | None = None,
) -> Select[int, float]:
    """``(id, rank)`` of the best matches by ``ts_rank_cd`` of the words alone."""
    m = MentionModel
    tsquery = compile_tsquery(node)
    score = func.ts_rank_cd(_search_vector, tsquery, type_=Float)
    return (
        select(m.id, score.label("rank"))
        .where(_match(tsquery, facets), *conditions)
        .order_by(score.desc(), m.id.desc())
        .limit(limit)
        .offset(offset)
    )


def ids_statement(
    node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    """The ids of every match (unranked)."""
    return select(MentionModel.id).where(_match(compile_tsquery(node), facets), *conditions)


def count_statement(
    node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
) -> Select[int]:
    return select(func.count()).select_from(MentionModel).where(_match(compile_tsquery(node), facets), *conditions)


def snippets(connection: Connection, node: Positive, ids: Sequence[int]) -> dict[int, str]:
    """Headlines with matched terms marked, computed for ``ids`` only."""
    if not ids:
        return {}
    m = MentionModel
    headline = func.ts_headline(
        _config,
        func.left(m.text, PG_TSVECTOR_MAX_CHARS),
        compile_tsquery(node),
        bindparam("headline_options", HEADLINE_OPTIONS),
    )
    stmt = select(m.id, headline).where(m.id.in_(bindparam("ids", list(ids), expanding=True)))
    return {row[0]: row[1] for row in connection.execute(stmt)}
