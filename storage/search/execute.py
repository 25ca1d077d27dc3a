"""Running a search: rank ids on the backend, then load the page's rows, snippets, brands.

The ranking query touches only ids and scores; text, snippets and brands are
fetched for the (at most ``limit``) rows of the page, so large texts and
snippet generation never enter the sort.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, Connection, Select, bindparam, case, func, select
from sqlalchemy.orm import aliased

from foundation.query.ast import Node
from storage.models import PRIORITIES, ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.results import HitClassification, HitTriage, SearchFilters, SearchHit
from storage.search import postgres, sqlite
from storage.search.facets import FacetFilter, facet_filter
from storage.search.filters import filter_conditions
from storage.search.normalize import Positive, normalize

__all__ = ["ORDERS", "count", "matching_ids", "search"]

ORDERS = ("relevance", "newest", "oldest", "priority")
"""How search results can be sorted; "relevance" without a query is "newest"."""

PLAIN_SNIPPET_CHARS = 200


class _Backend(Protocol):
    """What :mod:`storage.search.sqlite` and :mod:`storage.search.postgres` provide."""

    def ranked_ids_statement(
        self,
        node: Positive,
        conditions: Sequence[ColumnElement[bool]],
        limit: int,
        offset: int,
        facets: FacetFilter | None = None,
    ) -> Select[int, float]: ...

    def count_statement(
        self, node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
    ) -> Select[int]: ...

    def snippets(self, connection: Connection, node: Positive, ids: Sequence[int]) -> dict[int, str]: ...

    def ids_statement(
        self, node: Positive, conditions: Sequence[ColumnElement[bool]], facets: FacetFilter | None = None
    ) -> Select[int]: ...


def _backend(connection: Connection) -> _Backend:
    return cast(_Backend, sqlite if connection.dialect.name == "sqlite" else postgres)


def search(
    connection: Connection,
    query: Node | None,
    filters: SearchFilters,
    limit: int,
    offset: int,
    order: str = "relevance",
) -> list[SearchHit]:
    """See :meth:`storage.Store.search`."""
    if limit <= 0:
        return []
    if order not in ORDERS:
        raise ValueError(f"unknown search order {order!r}; use one of {', '.join(ORDERS)}")
    conditions = filter_conditions(filters)
    m = MentionModel
    positive = normalize(query) if query is not None else None
    if positive is None or order != "relevance":
        if positive is not None:
            facets = facet_filter(filters.brands)
            matched = _backend(connection).ids_statement(positive, conditions, facets).correlate(None)
            conditions = [m.id.in_(matched)]
        stmt = select(m.id).where(*conditions)
        if order == "priority":
            t = aliased(TriageItemModel, name="ordering")  # not the triage filter's own table
            stmt = stmt.outerjoin(t, t.mention_id == m.id).order_by(_priority_rank(t.priority))
        if order == "oldest":
            stmt = stmt.order_by(m.created_at, m.id)
        else:
            stmt = stmt.order_by(m.created_at.desc(), m.id.desc())
        stmt = stmt.limit(limit).offset(max(offset, 0))
        ranked = [(row[0], 0.0) for row in connection.execute(stmt)]
    else:
        backend = _backend(connection)
        facets = facet_filter(filters.brands)
        ranked_stmt = backend.ranked_ids_statement(positive, conditions, limit, max(offset, 0), facets)
        ranked = [(row[0], float(row[1])) for row in connection.execute(ranked_stmt)]
    ids = [mention_id for mention_id, _ in ranked]
    if not ids:
        return []
    rows = {row.id: row for row in connection.execute(_page_rows(ids))}
    brands = _brands(connection, ids)
    labels = _classifications(connection, ids, filters.model_version)
    triage = _triage(connection, ids)
    marked = _backend(connection).snippets(connection, positive, ids) if positive else {}
    hits = []
    for mention_id, rank in ranked:
        row = rows[mention_id]
        hits.append(
            SearchHit(
                id=row.id,
                source=row.source,
                external_id=row.external_id,
                brands=brands.get(row.id, ()),
                text=row.text,
                snippet=marked.get(row.id) or _plain_snippet(row.text),
                url=row.url,
                author_handle=row.author_handle,
                language=row.language,
                channel=row.channel,
                rating=row.rating,
                created_at=row.created_at,
                duplicate_of_id=row.duplicate_of_id,
                rank=rank,
                classification=labels.get(row.id),
                triage=triage.get(row.id),
            )
        )
    return hits


def matching_ids(connection: Connection, query: Node | None, filters: SearchFilters) -> Select[int]:
    """A statement selecting the ids of every mention :func:`search` would find."""
    conditions = filter_conditions(filters)
    if query is None:
        return select(MentionModel.id).where(*conditions).correlate(None)
    stmt = _backend(connection).ids_statement(normalize(query), conditions, facet_filter(filters.brands))
    return stmt.correlate(None)


def count(connection: Connection, query: Node | None, filters: SearchFilters) -> int:
    """See :meth:`storage.Store.count`."""
    conditions = filter_conditions(filters)
    if query is None:
        stmt = select(func.count()).select_from(MentionModel).where(*conditions)
    else:
        facets = facet_filter(filters.brands)
        stmt = _backend(connection).count_statement(normalize(query), conditions, facets)
    return int(connection.execute(stmt).scalar_one())


def _page_rows(ids: Sequence[int]) -> Select[Any]:
    m = MentionModel
    return select(  # type: ignore[return-value]
        m.id,
        m.source,
        m.external_id,
        m.text,
        m.url,
        m.author_handle,
        m.language,
        m.channel,
        m.rating,
        m.created_at,
        m.duplicate_of_id,
    ).where(m.id.in_(bindparam("ids", list(ids), expanding=True)))


def brands_of(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The brands each mention in ``ids`` is linked to, sorted by name."""
    return _brands(connection, ids)


def _brands(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    link = MentionBrandModel
    stmt = (
        select(link.mention_id, link.brand)
        .where(link.mention_id.in_(bindparam("ids", list(ids), expanding=True)))
        .order_by(link.mention_id, link.brand)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for mention_id, brand in connection.execute(stmt):
        found[mention_id].append(brand)
    return {mention_id: tuple(names) for mention_id, names in found.items()}


def _classifications(
    connection: Connection, ids: Sequence[int], model_version: str | None
) -> dict[int, HitClassification]:
    """The page's classifications by ``model_version`` (None: each mention's newest)."""
    c = ClassificationModel
    stmt = select(c.mention_id, c.model_version, c.sentiment, c.topics, c.expectation_gap, c.emotion, c.flagged).where(
        c.mention_id.in_(bindparam("ids", list(ids), expanding=True))
    )
    if model_version is not None:
        stmt = stmt.where(c.model_version == model_version)
    found: dict[int, HitClassification] = {}
    for row in connection.execute(stmt.order_by(c.classified_at, c.id)):  # the newest wins
        found[row.mention_id] = HitClassification(
            model_version=row.model_version,
            sentiment=row.sentiment,
            topics=tuple(row.topics or ()),
            expectation_gap=row.expectation_gap,
            emotion=row.emotion,
            flagged=bool(row.flagged),
        )
    return found


def _triage(connection: Connection, ids: Sequence[int]) -> dict[int, HitTriage]:
    t = TriageItemModel
    stmt = select(
        t.mention_id, t.status, t.assignee, t.priority, t.tags, t.opened_at, t.first_action_at, t.resolved_at
    ).where(t.mention_id.in_(bindparam("ids", list(ids), expanding=True)))
    return {
        row.mention_id: HitTriage(
            row.status,
            row.assignee,
            row.priority,
            tuple(row.tags or ()),
            row.opened_at,
            row.first_action_at,
            row.resolved_at,
        )
        for row in connection.execute(stmt)
    }


def _priority_rank(priority: Any) -> Any:
    """urgent first, then high, normal, low, then mentions with no priority."""
    return case({name: rank for rank, name in enumerate(PRIORITIES)}, value=priority, else_=len(PRIORITIES))


def _plain_snippet(text: str) -> str:
    if len(text) <= PLAIN_SNIPPET_CHARS:
        return text
    return text[:PLAIN_SNIPPET_CHARS].rstrip() + "…"
