"""The queries of the workspace's overview: volume and sentiment per brand and day, topics and
their shortfall rate, and the open triage items. Copies of a mention (``duplicate_of_id``)
are left out, as in digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.connections import reading
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.search.filters import json_elements
from storage.store import Store

__all__ = ["DayCount", "OpenItem", "TopicCount", "day_counts", "open_items", "topic_counts"]

m, mb, c, t = MentionModel, MentionBrandModel, ClassificationModel, TriageItemModel


class utc_day(FunctionElement[str]):
    """``YYYY-MM-DD`` of a UTC timestamp column on either backend."""

    type = String()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"  # stored as UTC text


@compiles(utc_day, "postgresql")
def _utc_day_postgres(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@dataclass(frozen=True, slots=True)
class DayCount:
    brand: str
    day: str
    sentiment: str | None
    mentions: int


@dataclass(frozen=True, slots=True)
class TopicCount:
    brand: str
    topic: str
    mentions: int
    shortfalls: int


@dataclass(frozen=True, slots=True)
class OpenItem:
    assignee: str | None
    priority: str | None
    opened_at: datetime | None
    first_action_at: datetime | None


def _labels(model_version: str | None) -> Any:
    on = c.mention_id == m.id
    return and_(on, c.model_version == model_version) if model_version is not None else on


def day_counts(store: Store, since: datetime, until: datetime, model_version: str | None) -> list[DayCount]:
    """Mentions per brand, UTC day and sentiment (None: not classified) in ``[since, until)``."""
    day = utc_day(m.created_at)
    stmt = (
        select(mb.brand, day.label("day"), c.sentiment, func.count().label("n"))
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .outerjoin(c, _labels(model_version))
        .where(m.created_at >= since, m.created_at < until, m.duplicate_of_id.is_(None))
        .group_by(mb.brand, day, c.sentiment)
    )
    with reading(store.engine, "count mentions per day") as connection:
        return [DayCount(row.brand, row.day, row.sentiment, int(row.n)) for row in connection.execute(stmt)]


def topic_counts(store: Store, since: datetime, until: datetime, model_version: str | None) -> list[TopicCount]:
    """Classified mentions per brand and topic in ``[since, until)``, and how many were shortfalls."""
    topic = json_elements(c.topics, "overview_topic")
    shortfall = func.count().filter(c.expectation_gap == "shortfall")
    stmt = (
        select(mb.brand, topic.c.value.label("topic"), func.count().label("n"), shortfall.label("short"))
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .join(c, _labels(model_version))
        .join(topic, topic.c.value.is_not(None))
        .where(m.created_at >= since, m.created_at < until, m.duplicate_of_id.is_(None))
        .group_by(mb.brand, topic.c.value)
    )
    with reading(store.engine, "count topics") as connection:
        return [
            TopicCount(row.brand, str(row.topic), int(row.n), int(row.short or 0)) for row in connection.execute(stmt)
        ]


def open_items(store: Store, statuses: tuple[str, ...]) -> list[OpenItem]:
    """Every triage item with one of ``statuses``: who has it, its priority and SLA times."""
    stmt = select(t.assignee, t.priority, t.opened_at, t.first_action_at).where(t.status.in_(statuses))
    with reading(store.engine, "list open triage items") as connection:
        return [OpenItem(*row) for row in connection.execute(stmt)]
