"""The aggregate SQL behind trends: counts per period and dimension values, never rows.

The application layer (:mod:`cxpulse.app.trends`) turns these counts into metrics.
Periods are given as their UTC boundaries (``bounds``: period ``i`` is
``[bounds[i], bounds[i + 1])``), computed by the caller in the reporting time zone,
so a local week or month is right across a DST change on both backends. The
period of a mention is found in SQL by a balanced ``CASE`` over the boundaries
(about log2(periods) comparisons per row): the same expression on SQLite, which
has no time zones, and on PostgreSQL, so both give the same numbers by design.

Every query walks ``ix_mentions_created_at`` over the range, looks the brand link
up by primary key, the classification by ``(mention_id, model_version)`` and the
triage item by ``mention_id``, and groups in SQL. Copies of a mention
(``duplicate_of_id`` set) are left out unless ``include_duplicates``. A mention
linked to several brands counts once per brand when ``brand`` is a dimension and
once otherwise; a mention with several topics counts once per topic when
``topic`` is a dimension (a mention without a classification or without topics
has topic None).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    distinct,
    false,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.pool import StaticPool

from storage.connections import reading
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.store import Store

__all__ = [
    "CLASSIFIED_DIMENSIONS",
    "COUNTS",
    "DIMENSIONS",
    "Count",
    "Median",
    "TrendScope",
    "resolution_medians",
    "trend_counts",
]

m, mb, c, t = MentionModel, MentionBrandModel, ClassificationModel, TriageItemModel

PARALLEL = 4
WORK_MEM = "64MB"
"""Runs of periods counted side by side (each on its own pooled connection)."""

DIMENSIONS = (
    "brand",
    "source",
    "channel",
    "language",
    "topic",
    "sentiment",
    "gap",
    "emotion",
    "flagged",
    "triage_status",
    "about_brand",
    "switching",
    "lifecycle",
)
"""What a trend may be split by (each a column of the result)."""

CLASSIFIED_DIMENSIONS = frozenset(
    {"topic", "sentiment", "gap", "emotion", "flagged", "about_brand", "switching", "lifecycle"}
)
"""Dimensions read from a classification (None for a mention the model version never read)."""

RATINGS = (1, 2, 3, 4, 5)

COUNTS = (
    "mentions",
    "authors",
    "classified",
    "positive",
    "negative",
    "shortfall",
    "exceeded",
    "flagged",
    "switching",
    "switching_read",
    "rated",
    "rating_sum",
    *(f"rating_{k}" for k in RATINGS),
)
"""The sums :func:`trend_counts` can return for each group."""

CLASSIFIED_COUNTS = frozenset(COUNTS) - {
    "mentions",
    "authors",
    "rated",
    "rating_sum",
    *(f"rating_{k}" for k in RATINGS),
}


@dataclass(frozen=True)
class TrendScope:
    """Which mentions a trend counts, and the periods it splits them into."""

    bounds: Sequence[datetime]
    """UTC boundaries of consecutive periods (at least two)."""
    dimensions: Sequence[str] = ()
    brands: Sequence[str] = ()
    """Only mentions of these brands (empty: every brand)."""
    model_version: str | None = None
    """Whose classifications the classified dimensions and counts read."""
    include_duplicates: bool = False


@dataclass(frozen=True)
class Count:
    """The sums of one period and one combination of dimension values."""

    period: int
    key: tuple[Any, ...]
    """The values of ``scope.dimensions``, in that order."""
    counts: dict[str, float]


@dataclass(frozen=True)
class Median:
    period: int
    key: tuple[Any, ...]
    hours: float
    items: int


def _period(column: Any, inner: Sequence[datetime], offset: int = 0) -> ColumnElement[Any]:
    """The index of the period of ``column``: how many of ``inner`` are at or before it,
    as a balanced CASE (log2 comparisons per row)."""
    if not inner:
        return literal_column(str(offset))
    mid = len(inner) // 2
    return case(
        (column < inner[mid], _period(column, inner[:mid], offset)),
        else_=_period(column, inner[mid + 1 :], offset + mid + 1),
    )


def _is(column: Any, value: Any) -> ColumnElement[Any]:
    return case((column == value, 1), else_=0)


def _count_column(name: str) -> ColumnElement[Any]:
    if name == "mentions":
        return func.count()
    if name == "authors":
        return func.count(distinct(m.author_handle))
    if name == "classified":
        return func.count(c.id)
    if name in ("positive", "negative"):
        return func.coalesce(func.sum(_is(c.sentiment, name)), 0)
    if name in ("shortfall", "exceeded"):
        return func.coalesce(func.sum(_is(c.expectation_gap, name)), 0)
    if name == "flagged":
        return func.coalesce(func.sum(case((c.flagged == true(), 1), else_=0)), 0)
    if name == "switching":
        return func.coalesce(func.sum(case((c.switching == true(), 1), else_=0)), 0)
    if name == "switching_read":
        return func.count(c.switching)
    if name == "rated":
        return func.count(m.rating)
    if name == "rating_sum":
        return func.coalesce(func.sum(m.rating), 0.0)
    if name.startswith("rating_"):
        k = int(name.removeprefix("rating_"))
        return func.coalesce(func.sum(case((and_(m.rating >= k - 0.5, m.rating < k + 0.5), 1), else_=0)), 0)
    raise ValueError(f"unknown count {name!r}; known: {', '.join(COUNTS)}")


def _base(
    store: Store, scope: TrendScope, columns: Sequence[ColumnElement[Any]], *, classified: bool, triage: bool
) -> tuple[Select[Any], list[ColumnElement[Any]]]:
    """``SELECT period, dims..., columns...`` over the scope's mentions, with the joins the
    dimensions need; returns the statement (not yet grouped) and the grouping columns."""
    dims = list(scope.dimensions)
    period = _period(m.created_at, list(scope.bounds[1:-1])).label("period")
    keys: list[ColumnElement[Any]] = [period]
    topics: Any = None
    if "topic" in dims:
        if store.dialect == "postgresql":
            topics = func.jsonb_array_elements_text(c.topics).table_valued("value")
        else:
            topics = func.json_each(c.topics).table_valued("value")
    expressions: dict[str, Any] = {
        "brand": mb.brand,
        "source": m.source,
        "channel": m.channel,
        "language": m.language,
        "topic": topics.c.value if topics is not None else None,
        "sentiment": c.sentiment,
        "gap": c.expectation_gap,
        "emotion": c.emotion,
        "flagged": c.flagged,
        "triage_status": t.status,
        "about_brand": c.about_brand,
        "switching": c.switching,
        "lifecycle": c.lifecycle,
    }
    for i, name in enumerate(dims):
        keys.append(expressions[name].label(f"d{i}"))
    stmt = select(*keys, *columns).select_from(m)
    where: list[ColumnElement[bool]] = [m.created_at >= scope.bounds[0], m.created_at < scope.bounds[-1]]
    if "brand" in dims:
        stmt = stmt.join(mb, mb.mention_id == m.id)
        if scope.brands:
            where.append(mb.brand.in_(list(scope.brands)))
    elif scope.brands:
        where.append(select(mb.mention_id).where(mb.mention_id == m.id, mb.brand.in_(list(scope.brands))).exists())
    if classified or CLASSIFIED_DIMENSIONS & set(dims):
        version = scope.model_version
        on = and_(c.mention_id == m.id, c.model_version == version) if version is not None else false()
        stmt = stmt.outerjoin(c, on)
    if topics is not None:
        stmt = stmt.outerjoin(topics, true())
    if triage or "triage_status" in dims:
        stmt = stmt.outerjoin(t, t.mention_id == m.id)
    if not scope.include_duplicates:
        where.append(m.duplicate_of_id.is_(None))
    return stmt.where(*where), keys


def _roomy(connection: Connection) -> None:
    """PostgreSQL, for this transaction only, the settings a range count wants:

    * ``work_mem``: room to group a range's rows in memory (the default 4 MB spills the
      sort of a few hundred thousand rows to disk);
    * no JIT: the planner guesses 100 topics per mention, so the cost looks big enough to
      compile the query, which took longer (about 1 s) than running it;
    * ``random_page_cost`` 1.1 (the value PostgreSQL's manual suggests for SSDs and cached
      data, instead of 4): the range's mentions come by ``ix_mentions_trends`` and their
      brand links and classifications by index. With 4 the planner scanned and hashed all of
      ``classifications`` and ``mention_brands`` for every run of periods (1M rows each, for
      the quarter of them a 90-day table needs);
    * no parallel workers per query: the runs of periods are already counted side by side
      (:data:`PARALLEL`), and each query's own workers on top of them only added processes
      fighting for the same cores.

    On the 1M-mention bench store the weekly brand x topic x sentiment table over 90 days
    went from 2.10 s to 1.07 s (BENCHMARKS.md)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
        connection.exec_driver_sql("SET LOCAL jit = off")
        connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


def _chunks(periods: int, workers: int) -> list[tuple[int, int]]:
    """``[start, end)`` runs of consecutive periods, about equal, at most ``workers`` of them."""
    n = max(1, min(workers, periods))
    edges = [round(i * periods / n) for i in range(n + 1)]
    return [(a, b) for a, b in pairwise(edges) if b > a]


def trend_counts(store: Store, scope: TrendScope, counts: Sequence[str], *, workers: int = PARALLEL) -> list[Count]:
    """The ``counts`` (names from :data:`COUNTS`) per period and dimension values.

    Groups without a mention are not returned (the application fills them). Every
    count is of one period, so runs of periods are counted side by side, each on its
    own connection (``workers`` at most; both backends read concurrently and sqlite3
    releases the GIL while it works), and the results are simply put together.
    """
    periods = len(scope.bounds) - 1
    if isinstance(store.engine.pool, StaticPool):
        workers = 1  # an in-memory SQLite store has one connection
    runs = _chunks(periods, workers)
    if len(runs) == 1:
        return _counts(store, scope, counts, 0)
    with ThreadPoolExecutor(max_workers=len(runs), thread_name_prefix="trends") as pool:
        parts = [
            pool.submit(_counts, store, replace(scope, bounds=scope.bounds[a : b + 1]), counts, a) for a, b in runs
        ]
        return [row for part in parts for row in part.result()]


def _counts(store: Store, scope: TrendScope, counts: Sequence[str], offset: int) -> list[Count]:
    names = list(dict.fromkeys(["mentions", *counts]))
    columns = [_count_column(name).label(f"n{i}") for i, name in enumerate(names)]
    stmt, keys = _base(store, scope, columns, classified=bool(CLASSIFIED_COUNTS & set(names)), triage=False)
    # one period: the period is the constant 0, and "GROUP BY 0" would mean a column position
    stmt = stmt.group_by(*(keys if len(scope.bounds) > 2 else keys[1:]))
    width = len(keys)
    with reading(store.engine, "count mentions per period for a trend") as connection:
        _roomy(connection)
        rows = connection.execute(stmt).all()
    return [
        Count(
            offset + int(row[0]),
            tuple(row[1:width]),
            {name: float(value or 0) for name, value in zip(names, row[width:], strict=True)},
        )
        for row in rows
        if row[width]  # no mention: an ungrouped count over nothing
    ]


def _hours(store: Store) -> ColumnElement[Any]:
    if store.dialect == "postgresql":
        return func.extract("epoch", t.resolved_at - t.opened_at) / 3600.0
    return (func.julianday(t.resolved_at) - func.julianday(t.opened_at)) * 24.0


def resolution_medians(store: Store, scope: TrendScope) -> list[Median]:
    """The median hours from opening to resolution of the resolved triage items of the
    scope's mentions (flagged ones: only they get triage items), per period and dimension
    values, computed in SQL with window functions (both backends lack a common MEDIAN)."""
    hours = _hours(store).label("hours")
    stmt, keys = _base(store, scope, [hours], classified=False, triage=True)
    stmt = stmt.where(t.status == "resolved", t.resolved_at.is_not(None), t.opened_at.is_not(None))
    inner = stmt.subquery("resolved")
    group = [inner.c[key.name] for key in keys]
    ranked = select(
        *group,
        inner.c.hours,
        func.row_number().over(partition_by=group, order_by=inner.c.hours).label("rn"),
        func.count().over(partition_by=group).label("cnt"),
    ).subquery("ranked")
    rgroup = [ranked.c[key.name] for key in keys]
    middle = select(*rgroup, func.avg(ranked.c.hours), func.max(ranked.c.cnt)).where(
        (ranked.c.rn * 2).in_([ranked.c.cnt, ranked.c.cnt + 1, ranked.c.cnt + 2])
    )
    final = middle.group_by(*rgroup)
    width = len(keys)
    with reading(store.engine, "compute resolution times for a trend") as connection:
        _roomy(connection)
        rows = connection.execute(final).all()
    return [Median(int(row[0]), tuple(row[1:width]), float(row[width]), int(row[width + 1])) for row in rows]
