"""The aggregate SQL behind a digest: a few GROUP BY queries over one date range.

The period's figures (volumes, sentiment, gaps, ratings, switching, the day chart)
come from the trends engine (:mod:`storage.trends`), so they equal an export's;
these are the rest: topics with their complaints, quotes, complaint texts, backlog.

Every query walks ``ix_mentions_created_at`` over the range (the previous
period's start to the current period's end), looks the brand link up by
primary key and the classification by ``(mention_id, model_version)``, and
returns counts, never rows, except the few quoted shortfalls and switching
threats and the texts of complaints scanned for emerging phrases. Copies of a
mention stored under another id (``duplicate_of_id`` set) are not counted again.
Works the same on SQLite and PostgreSQL. Each query is one unit of work on its
own connection, so a caller may run them side by side.

A **complaint** is a flagged mention. Classifications by a model before 2.0 (no
``about_brand`` head: the column is NULL) were flagged without asking whether the
text is about a brand, so for them a negative mention counts as a complaint too,
as it always did; for newer ones general negativity (politics, a bad day) is not
a complaint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true

from storage.connections import reading
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.store import Store

__all__ = [
    "QuoteRow",
    "ShortfallRow",
    "TopicRow",
    "complaint_texts",
    "newest_switching",
    "open_flagged",
    "top_shortfalls",
    "topic_counts",
]

m, mb, c, t = MentionModel, MentionBrandModel, ClassificationModel, TriageItemModel


@dataclass(frozen=True)
class TopicRow:
    brand: str
    current: bool
    topic: str
    mentions: int
    complaints: int


@dataclass(frozen=True)
class ShortfallRow:
    text: str
    source: str
    channel: str | None
    created_at: datetime
    url: str | None
    author: str | None
    gap_score: float
    evidence: list[str]


@dataclass(frozen=True)
class QuoteRow:
    """A mention quoted in a digest without evidence spans (a switching threat)."""

    text: str
    source: str
    channel: str | None
    created_at: datetime
    url: str | None
    author: str | None
    score: float | None


def _classified(model_version: str | None) -> ColumnElement[bool]:
    if model_version is None:
        return and_(c.mention_id == m.id, false())
    return and_(c.mention_id == m.id, c.model_version == model_version)


def _complaint() -> ColumnElement[bool]:
    """Flagged; or, for a classification by a model without the about_brand head, negative."""
    return or_(c.flagged == true(), and_(c.about_brand.is_(None), c.sentiment == "negative"))


def _in_range(brands: Sequence[str], start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [m.created_at >= start, m.created_at < end, mb.brand.in_(list(brands)), m.duplicate_of_id.is_(None)]


def topic_counts(
    store: Store,
    brands: Sequence[str],
    start: datetime,
    middle: datetime,
    end: datetime,
    model_version: str | None,
) -> list[TopicRow]:
    """Mentions per brand and topic in ``[start, middle)`` (previous) and ``[middle, end)`` (current).

    ``complaints`` counts the complaints among them (see the module doc).
    """
    if model_version is None:
        return []
    if store.dialect == "postgresql":
        topics = func.jsonb_array_elements_text(c.topics).table_valued("value")
    else:
        topics = func.json_each(c.topics).table_valued("value")
    current = case((m.created_at >= middle, 1), else_=0).label("current")
    complaint = case((_complaint(), 1), else_=0)
    stmt = (
        select(mb.brand, current, topics.c.value, func.count(), func.sum(complaint))
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .join(c, _classified(model_version))
        .join(topics, true())
        .where(*_in_range(brands, start, end))
        .group_by(mb.brand, current, topics.c.value)
    )
    with reading(store.engine, "count a digest's topics") as connection:
        rows = connection.execute(stmt).all()
    return [
        TopicRow(brand, bool(cur), str(topic), int(n), int(complaints or 0))
        for brand, cur, topic, n, complaints in rows
    ]


def _quoted() -> tuple[Any, ...]:
    """The columns of a quoted mention: text, source, channel, time, link and author."""
    return (m.text, m.source, m.channel, m.created_at, m.url, func.coalesce(m.author_name, m.author_handle))


def top_shortfalls(
    store: Store, brand: str, start: datetime, end: datetime, model_version: str | None, limit: int
) -> list[ShortfallRow]:
    """The period's strongest expectation shortfalls of ``brand`` (highest gap score first)."""
    if model_version is None or limit <= 0:
        return []
    stmt = (
        select(
            *_quoted(),
            c.gap_score,
            c.gap_evidence,
        )
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .join(c, _classified(model_version))
        .where(*_in_range([brand], start, end), c.expectation_gap == "shortfall")
        .order_by(c.gap_score.desc(), m.created_at.desc(), m.id)
        .limit(limit)
    )
    with reading(store.engine, "read a digest's shortfalls") as connection:
        rows: list[Any] = list(connection.execute(stmt).all())
    return [
        ShortfallRow(text, source, channel, created_at, url, author, float(score), [str(e) for e in evidence or []])
        for text, source, channel, created_at, url, author, score, evidence in rows
    ]


def complaint_texts(
    store: Store,
    brand: str,
    start: datetime,
    end: datetime,
    model_version: str | None,
    *,
    limit: int,
    chars: int = 600,
) -> list[str]:
    """The beginnings of the newest complaints (see the module doc) of ``brand`` in ``[start, end)``."""
    if model_version is None:
        return []
    stmt = (
        select(func.substr(m.text, 1, chars))
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .join(c, _classified(model_version))
        .where(*_in_range([brand], start, end), _complaint())
        .order_by(m.created_at.desc())
        .limit(limit)
    )
    with reading(store.engine, "read a digest's complaint texts") as connection:
        texts = connection.execute(stmt).scalars().all()
    return [str(text) for text in texts]


def newest_switching(
    store: Store, brand: str, start: datetime, end: datetime, model_version: str | None, limit: int
) -> list[QuoteRow]:
    """The period's newest switching threats of ``brand``: customers who say they will leave,
    cancel or move to a competitor (newest first)."""
    if model_version is None or limit <= 0:
        return []
    stmt = (
        select(
            *_quoted(),
            c.switching_score,
        )
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .join(c, _classified(model_version))
        .where(*_in_range([brand], start, end), c.switching == true())
        .order_by(m.created_at.desc(), m.id.desc())
        .limit(limit)
    )
    with reading(store.engine, "read a digest's switching threats") as connection:
        rows: list[Any] = list(connection.execute(stmt).all())
    return [
        QuoteRow(text, source, channel, created_at, url, author, None if score is None else float(score))
        for text, source, channel, created_at, url, author, score in rows
    ]


def open_flagged(store: Store, brands: Sequence[str], model_version: str | None) -> dict[str, int]:
    """Per brand: flagged mentions (of any date) that are still open now.

    Open means no triage row yet, or a triage row with status ``open``. Walks
    the partial index of flagged classifications, not the mentions.
    """
    if model_version is None:
        return {}
    stmt = (
        select(mb.brand, func.count())
        .select_from(c)
        .join(mb, mb.mention_id == c.mention_id)
        .outerjoin(t, t.mention_id == c.mention_id)
        .where(
            c.model_version == model_version,
            c.flagged == true(),
            mb.brand.in_(list(brands)),
            or_(t.id.is_(None), t.status == "open"),
        )
        .group_by(mb.brand)
    )
    with reading(store.engine, "count a digest's open flagged mentions") as connection:
        rows = connection.execute(stmt).all()
    return {brand: int(n) for brand, n in rows}
