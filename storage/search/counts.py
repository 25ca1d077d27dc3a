"""Counts per filter value ("negative (12)") for a search: how many matches each value has.

Each dimension is counted under the search's query and every filter *except its own*,
so the counts show what choosing another value would give. One grouped query per
dimension over the ids the search matches (the one-value dimensions that share their filters
in one query); every value is a bound parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select

from foundation.query.ast import Node
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.results import SearchFilters
from storage.search.execute import matching_ids
from storage.search.filters import json_elements

__all__ = ["DIMENSIONS", "facet_counts"]

m, mb, c, t = MentionModel, MentionBrandModel, ClassificationModel, TriageItemModel


def _by_column(column: Any, *joins: Callable[[Select[Any], SearchFilters], Select[Any]]) -> Any:
    def build(ids: Any, filters: SearchFilters) -> Select[Any]:
        stmt: Select[Any] = select(column.label("value"), func.count().label("n")).select_from(m)
        for join in joins:
            stmt = join(stmt, filters)
        return stmt.where(m.id.in_(ids)).group_by(column)

    return build


def _brands(stmt: Select[Any], filters: SearchFilters) -> Select[Any]:
    return stmt.join(mb, mb.mention_id == m.id)


def _labels(stmt: Select[Any], filters: SearchFilters) -> Select[Any]:
    on = c.mention_id == m.id
    if filters.model_version is not None:
        on = and_(on, c.model_version == filters.model_version)
    return stmt.join(c, on)


def _triage(stmt: Select[Any], filters: SearchFilters) -> Select[Any]:
    return stmt.join(t, t.mention_id == m.id)


def _json_list(column: Any, name: str, join: Callable[[Select[Any], SearchFilters], Select[Any]]) -> Any:
    def build(ids: Any, filters: SearchFilters) -> Select[Any]:
        elements = json_elements(column, name)
        stmt = join(select(elements.c.value.label("value"), func.count().label("n")).select_from(m), filters)
        return stmt.join(elements, elements.c.value.is_not(None)).where(m.id.in_(ids)).group_by(elements.c.value)

    return build


DIMENSIONS: Mapping[str, tuple[str, Any]] = {
    # dimension: (the SearchFilters field it clears, how to count it)
    "brand": ("brands", _by_column(mb.brand, _brands)),
    "source": ("sources", _by_column(m.source)),
    "channel": ("channels", _by_column(m.channel)),
    "language": ("languages", _by_column(m.language)),
    "sentiment": ("sentiments", _by_column(c.sentiment, _labels)),
    "gap": ("gaps", _by_column(c.expectation_gap, _labels)),
    "emotion": ("emotions", _by_column(c.emotion, _labels)),
    "flagged": ("flagged", _by_column(c.flagged, _labels)),
    "about_brand": ("about_brand", _by_column(c.about_brand, _labels)),
    "switching": ("switching", _by_column(c.switching, _labels)),
    "lifecycle": ("lifecycles", _by_column(c.lifecycle, _labels)),
    "topic": ("topics", _json_list(c.topics, "topic_value", _labels)),
    "status": ("statuses", _by_column(t.status, _triage)),
    "assignee": ("assignees", _by_column(t.assignee, _triage)),
    "priority": ("priorities", _by_column(t.priority, _triage)),
    "tag": ("tags", _json_list(t.tags, "tag_value", _triage)),
}
"""Every dimension that can be counted; a new label column is one more line here."""


_YES_NO = ("flagged", "about_brand", "switching")
"""The dimensions that are a yes/no filter (None clears them), counted as "true" and "false"."""


_TOGETHER: Mapping[str, Any] = {
    "source": m.source,
    "channel": m.channel,
    "language": m.language,
    "sentiment": c.sentiment,
    "gap": c.expectation_gap,
    "emotion": c.emotion,
    "flagged": c.flagged,
    "about_brand": c.about_brand,
    "switching": c.switching,
    "lifecycle": c.lifecycle,
    "status": t.status,
    "assignee": t.assignee,
    "priority": t.priority,
}
"""The dimensions with one value per mention: those that share their filters are counted in
one grouped query (a mention has at most one triage item and one classification per model)."""


def facet_counts(
    connection: Connection, query: Node | None, filters: SearchFilters, dimensions: Sequence[str]
) -> dict[str, dict[str | None, int]]:
    """For each of ``dimensions``, value -> matches, largest count first.

    Dimensions whose own filter is not set share the search's matches: those are found once,
    and their one-value dimensions counted in a single query (the inbox counts 15 dimensions
    with two filters set: three match sets, not fifteen)."""
    groups: dict[SearchFilters, list[str]] = {}
    for name in dimensions:
        field, _ = DIMENSIONS[name]
        default: Any = None if field in _YES_NO else ()
        groups.setdefault(dataclasses.replace(filters, **{field: default}), []).append(name)
    found: dict[str, dict[str | None, int]] = {}
    for others, names in groups.items():
        ids = matching_ids(connection, query, others)
        together = [name for name in names if name in _TOGETHER]
        if len(together) > 1 and others.model_version is not None:
            found.update(_counted_together(connection, ids, others, together))
            names = [name for name in names if name not in together]
        for name in names:
            stmt = DIMENSIONS[name][1](ids, others).order_by(func.count().desc())
            counts: dict[str | None, int] = {}
            for row in connection.execute(stmt):
                key = _key(row.value)
                counts[key] = counts.get(key, 0) + int(row.n)
            found[name] = counts
    return {name: found[name] for name in dimensions}


def _counted_together(
    connection: Connection, ids: Any, filters: SearchFilters, names: Sequence[str]
) -> dict[str, dict[str | None, int]]:
    """Counts of ``names`` (all in :data:`_TOGETHER`) from one query grouped by all of them;
    a label or triage value counts only where the mention has that row (as the inner joins
    of the one-dimension queries do)."""
    columns = {name: _TOGETHER[name] for name in names}
    has_labels = c.mention_id.is_not(None).label("has_labels")
    has_triage = t.mention_id.is_not(None).label("has_triage")
    keys = [column.label(name) for name, column in columns.items()]
    stmt: Select[Any] = (
        select(*keys, has_labels, has_triage, func.count().label("n"))
        .select_from(m)
        .outerjoin(c, and_(c.mention_id == m.id, c.model_version == filters.model_version))
        .outerjoin(t, t.mention_id == m.id)
        .where(m.id.in_(ids))
        .group_by(*columns.values(), c.mention_id.is_not(None), t.mention_id.is_not(None))
    )
    counts: dict[str, dict[str | None, int]] = {name: {} for name in names}
    for row in connection.execute(stmt):
        for name, column in columns.items():
            if (column.table is c.__table__ and not row.has_labels) or (
                column.table is t.__table__ and not row.has_triage
            ):
                continue
            key = _key(getattr(row, name))
            counts[name][key] = counts[name].get(key, 0) + int(row.n)
    return {name: dict(sorted(found.items(), key=lambda item: -item[1])) for name, found in counts.items()}


def _key(value: Any) -> str | None:
    return None if value is None else ("true" if value is True else "false" if value is False else str(value))
