"""Counts per filter value ("negative (12)") for a search: how many matches each value has.

Each dimension is counted under the search's query and every filter *except its own*,
so the counts show what choosing another value would give. The dimensions whose own
filter is not set share one match set (the inbox counts 16 dimensions with two filters
set: three match sets, not sixteen).

Every match set is read **once**: one statement per call, whose ``WITH ... AS
MATERIALIZED`` row sets hold each matching mention with its triage item and (for one
model version) its labels, and whose ``UNION ALL`` branches count the dimensions over
those rows. Counting each dimension with its own query re-ran the search for each one:
the default inbox over a million mentions took 6.5 s, most of it finding the same
95,000 open flagged mentions sixteen times (BENCHMARKS.md). Every value is a bound
parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import CTE, Connection, Select, String, and_, cast, func, literal, select, true, union_all
from sqlalchemy.orm import aliased

from foundation.query.ast import Node
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.results import SearchFilters
from storage.search.execute import matching_conditions
from storage.search.filters import (
    classification_conditions,
    json_elements,
    labels_filter,
    mention_conditions,
    triage_conditions,
)

__all__ = ["DIMENSIONS", "FacetCounts", "facet_counts"]

m, mb, c = MentionModel, MentionBrandModel, ClassificationModel

Table = Literal["mention", "labels", "triage", "brand"]


@dataclass(frozen=True, slots=True)
class Dimension:
    """What a count per value reads: ``column`` of ``table`` (a JSON list when ``listed``),
    and the :class:`SearchFilters` field that filters on it."""

    field: str
    table: Table
    column: str
    listed: bool = False

    @property
    def yes_no(self) -> bool:
        """A yes/no filter (None clears it), counted as "true" and "false"."""
        return self.field in ("flagged", "about_brand", "switching")


DIMENSIONS: Mapping[str, Dimension] = {
    "brand": Dimension("brands", "brand", "brand"),
    "source": Dimension("sources", "mention", "source"),
    "channel": Dimension("channels", "mention", "channel"),
    "language": Dimension("languages", "mention", "language"),
    "sentiment": Dimension("sentiments", "labels", "sentiment"),
    "gap": Dimension("gaps", "labels", "expectation_gap"),
    "emotion": Dimension("emotions", "labels", "emotion"),
    "flagged": Dimension("flagged", "labels", "flagged"),
    "about_brand": Dimension("about_brand", "labels", "about_brand"),
    "switching": Dimension("switching", "labels", "switching"),
    "lifecycle": Dimension("lifecycles", "labels", "lifecycle"),
    "topic": Dimension("topics", "labels", "topics", listed=True),
    "status": Dimension("statuses", "triage", "status"),
    "assignee": Dimension("assignees", "triage", "assignee"),
    "priority": Dimension("priorities", "triage", "priority"),
    "tag": Dimension("tags", "triage", "tags", listed=True),
}
"""Every dimension that can be counted; a new label column is one more line here."""


_TOTAL = "#total"
"""The row of the union that counts the search's own matches (no dimension is named so)."""


@dataclass(frozen=True, slots=True)
class FacetCounts:
    """Matches per value of each dimension, largest count first; ``total``: how many match
    the search with every filter, when one of the match sets was exactly that (else None)."""

    counts: dict[str, dict[str | None, int]]
    total: int | None = None


def facet_counts(
    connection: Connection, query: Node | None, filters: SearchFilters, dimensions: Sequence[str]
) -> FacetCounts:
    """For each of ``dimensions``, value -> matches, largest count first, in one statement."""
    groups: dict[SearchFilters, list[str]] = {}
    for name in dimensions:
        dimension = DIMENSIONS[name]
        cleared: Any = None if dimension.yes_no else ()
        groups.setdefault(dataclasses.replace(filters, **{dimension.field: cleared}), []).append(name)
    if not groups:
        return FacetCounts({})
    branches: list[Select[str, str, int]] = []
    for number, (others, names) in enumerate(groups.items()):
        rows = _match_rows(connection, query, others, names, f"facet_rows_{number}")
        if others == filters:
            total_branch = select(literal(_TOTAL), cast(None, String), func.count()).select_from(rows)
            branches.append(total_branch)
        branches += [_branch(rows, name, others) for name in names]
    found: dict[str, dict[str | None, int]] = {name: {} for name in dimensions}
    total = None
    for name, value, n in connection.execute(union_all(*branches)):
        if name == _TOTAL:
            total = int(n)
        else:
            key = _key(value, DIMENSIONS[name])
            found[name][key] = found[name].get(key, 0) + int(n)
    counts = {name: dict(sorted(found[name].items(), key=lambda item: -item[1])) for name in dimensions}
    return FacetCounts(counts, total)


def _match_rows(
    connection: Connection, query: Node | None, filters: SearchFilters, names: Sequence[str], alias: str
) -> CTE:
    """The matches of ``query`` and ``filters``, read once: each mention's id and the columns
    ``names`` count, with its triage item and, for one model version, its labels (both at most
    one per mention; ``has_labels``/``has_triage`` say whether it has them).

    Without a query, the label and triage filters are joins, so the database can start from
    whichever rows are fewest (the open items, the flagged labels) rather than list each."""
    wanted = [DIMENSIONS[name] for name in names]
    mv = filters.model_version
    # Aliases: the filters' own subqueries over classifications and triage stay uncorrelated.
    labels, item = aliased(ClassificationModel, name="labels"), aliased(TriageItemModel, name="item")
    models: dict[str, Any] = {"mention": m, "labels": labels, "triage": item}
    join_labels = query is None and filters.classified and mv is not None
    join_triage = query is None and filters.triaged
    if query is None:
        where = mention_conditions(filters)
        if filters.classified and not join_labels:
            where.append(labels_filter(filters))
    else:
        where = matching_conditions(connection, query, filters)
    counts_labels = mv is not None and any(d.table == "labels" for d in wanted)
    counts_triage = any(d.table == "triage" for d in wanted)
    columns: list[Any] = [m.id.label("id")]
    stmt = select().select_from(m)
    if join_labels:
        stmt = stmt.join(labels, and_(labels.mention_id == m.id, *classification_conditions(filters, labels)))
    elif counts_labels:
        stmt = stmt.outerjoin(labels, and_(labels.mention_id == m.id, labels.model_version == mv))
    if join_triage:
        stmt = stmt.join(item, and_(item.mention_id == m.id, *triage_conditions(filters, item)))
    elif counts_triage:
        stmt = stmt.outerjoin(item, item.mention_id == m.id)
    if counts_labels:
        columns.append(labels.mention_id.is_not(None).label("has_labels"))
    if counts_triage:
        columns.append(item.mention_id.is_not(None).label("has_triage"))
    for d in dict.fromkeys(wanted):
        if d.table in ("mention", "triage") or (d.table == "labels" and counts_labels):
            columns.append(getattr(models[d.table], d.column).label(d.column))
    return stmt.add_columns(*columns).where(*where).cte(alias).prefix_with("MATERIALIZED")


def _branch(rows: CTE, name: str, filters: SearchFilters) -> Select[str, str, int]:
    """``(name, value, count)`` per value of dimension ``name`` over ``rows``."""
    d = DIMENSIONS[name]
    source: Any = rows
    conditions: list[Any] = []
    if d.table == "brand":
        source = rows.join(mb, mb.mention_id == rows.c.id)
        value: Any = mb.brand
    elif d.table == "labels" and filters.model_version is None:
        # Every stored classification counts (several model versions per mention).
        source = rows.join(c, c.mention_id == rows.c.id)
        value = getattr(c, d.column)
    else:
        value = rows.c[d.column]
        if d.table != "mention":
            conditions.append(rows.c["has_labels" if d.table == "labels" else "has_triage"] == true())
    if d.listed:
        elements = json_elements(value, f"{name}_value")
        source = source.join(elements, elements.c.value.is_not(None))
        value = elements.c.value
    return (
        select(literal(name), cast(value, String).label("value"), func.count())
        .select_from(source)
        .where(*conditions)
        .group_by(value)
    )


def _key(value: str | None, dimension: Dimension) -> str | None:
    """A counted value as the filters spell it: yes/no dimensions as "true" and "false"
    (SQLite casts its booleans to "1" and "0")."""
    if value is None or not dimension.yes_no:
        return value
    return "true" if value in ("1", "true") else "false"
