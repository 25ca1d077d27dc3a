"""Queries of the spike alerts: mention activity over a time range, and the alerts sent.

Activity is read row by row (one row per mention and brand in the range, with
its current classification if any) and counted by :mod:`cxpulse.app.alerts`:
topics are JSON lists, which SQLite and PostgreSQL unnest differently, and the
range is a few weeks of one service's brands. Copies of a mention already
stored (``duplicate_of_id``) are left out, as in digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, insert, select

from foundation.secrets import scrub
from storage.connections import reading, writing
from storage.models import AlertEventModel, ClassificationModel, MentionBrandModel, MentionModel
from storage.store import Store

__all__ = [
    "Activity",
    "AlertRecord",
    "QuotedMention",
    "activity",
    "last_sent_alert",
    "quoted_mentions",
    "record_alert",
]

m, mb, c, a = MentionModel, MentionBrandModel, ClassificationModel, AlertEventModel


@dataclass(frozen=True, slots=True)
class Activity:
    """One mention of one brand: when, and what the current model said (None: not classified)."""

    mention_id: int
    brand: str
    created_at: datetime
    sentiment: str | None
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuotedMention:
    """What an alert quotes of a mention."""

    id: int
    source: str
    text: str
    url: str | None
    created_at: datetime
    author_handle: str | None
    sentiment: str | None


@dataclass(frozen=True)
class AlertRecord:
    """One alert as stored in ``alert_events``."""

    brand: str
    topic: str
    kind: str
    window_start: datetime
    window_end: datetime
    detected_at: datetime
    observed: float
    expected: float
    p_value: float
    mentions: int
    status: str
    channels: Sequence[str]
    error: str | None = None


def activity(
    store: Store, brands: Sequence[str], start: datetime, end: datetime, model_version: str | None
) -> list[Activity]:
    """Every mention of ``brands`` created in ``[start, end)``, with its classification by ``model_version``."""
    joined = and_(c.mention_id == m.id, c.model_version == model_version) if model_version else false()
    stmt = (
        select(m.id, mb.brand, m.created_at, c.sentiment, c.topics)
        .select_from(m)
        .join(mb, mb.mention_id == m.id)
        .outerjoin(c, joined)
        .where(
            m.created_at >= start,
            m.created_at < end,
            mb.brand.in_(list(brands)),
            m.duplicate_of_id.is_(None),
        )
    )
    with reading(store.engine, "read mention activity") as connection:
        rows = connection.execute(stmt).all()
    return [Activity(int(row.id), row.brand, row.created_at, row.sentiment, tuple(row.topics or ())) for row in rows]


def quoted_mentions(store: Store, ids: Sequence[int], model_version: str | None) -> list[QuotedMention]:
    """The mentions ``ids`` (in that order) with their sentiment."""
    if not ids:
        return []
    joined = and_(c.mention_id == m.id, c.model_version == model_version) if model_version else false()
    stmt = (
        select(m.id, m.source, m.text, m.url, m.created_at, m.author_handle, c.sentiment)
        .select_from(m)
        .outerjoin(c, joined)
        .where(m.id.in_(list(ids)))
    )
    with reading(store.engine, "read mentions") as connection:
        found = {row.id: row for row in connection.execute(stmt)}
    return [
        QuotedMention(r.id, r.source, r.text, r.url, r.created_at, r.author_handle, r.sentiment)
        for r in (found[i] for i in ids if i in found)
    ]


def last_sent_alert(store: Store, brand: str, topic: str, kind: str) -> datetime | None:
    """When the last alert for (brand, topic, kind) was delivered, or may have been ("uncertain"); None if never."""
    stmt = (
        select(a.detected_at)
        .where(a.brand == brand, a.topic == topic, a.kind == kind, a.status.in_(("sent", "uncertain")))
        .order_by(a.detected_at.desc())
        .limit(1)
    )
    with reading(store.engine, "read the alerts sent") as connection:
        value: datetime | None = connection.execute(stmt).scalar()
    return value


def record_alert(store: Store, record: AlertRecord) -> None:
    """Store one alert (sent, uncertain or failed)."""
    values = {
        "brand": record.brand,
        "topic": record.topic,
        "kind": record.kind,
        "window_start": record.window_start,
        "window_end": record.window_end,
        "detected_at": record.detected_at,
        "observed": record.observed,
        "expected": record.expected,
        "p_value": record.p_value,
        "mentions": record.mentions,
        "status": record.status,
        "channels": list(record.channels),
        "error": scrub(record.error) if record.error is not None else None,
    }
    with writing(store.engine, "record an alert") as connection:
        connection.execute(insert(a).values(**values))
