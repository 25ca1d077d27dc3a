"""What the workspace shows of one mention: the row, every label with its score, and related mentions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from storage.connections import reading
from storage.models import ClassificationModel, MentionModel
from storage.results import MentionRow
from storage.search.execute import brands_of
from storage.store import Store

__all__ = ["MentionLabels", "RelatedMention", "mention_by_id", "mention_labels", "related_mentions"]

m, c = MentionModel, ClassificationModel


@dataclass(frozen=True, slots=True)
class MentionLabels:
    """Everything one model version said about a mention, scores included."""

    model_version: str
    sentiment: str
    sentiment_scores: Mapping[str, float]
    topics: tuple[str, ...]
    topic_scores: Mapping[str, float]
    expectation_gap: str
    gap_score: float
    gap_evidence: tuple[str, ...]
    emotion: str
    emotion_scores: Mapping[str, float]
    flagged: bool
    classified_at: datetime
    about_brand: bool | None = None
    """None for a model before 2.0 (no such head), as for ``switching`` and ``lifecycle``."""
    switching: bool | None = None
    lifecycle: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedMention:
    """A copy of the mention, or another mention by the same author."""

    id: int
    source: str
    text: str
    created_at: datetime
    author_handle: str | None
    duplicate: bool = field(default=False)


def mention_by_id(store: Store, mention_id: int) -> MentionRow | None:
    """The stored mention with this id (``raw`` left out), or None."""
    stmt = select(m).where(m.id == mention_id)
    with reading(store.engine, "read a mention") as connection:
        row = connection.execute(stmt).one_or_none()
        if row is None:
            return None
        return MentionRow.from_row(row, brands_of(connection, [row.id]).get(row.id, ()), with_raw=False)


def mention_labels(store: Store, mention_id: int, model_version: str | None) -> MentionLabels | None:
    """The classification of ``mention_id`` by ``model_version`` (None: its newest), or None."""
    stmt = select(c).where(c.mention_id == mention_id)
    if model_version is not None:
        stmt = stmt.where(c.model_version == model_version)
    stmt = stmt.order_by(c.classified_at.desc(), c.id.desc()).limit(1)
    with reading(store.engine, "read a classification") as connection:
        row = connection.execute(stmt).one_or_none()
    if row is None:
        return None
    return MentionLabels(
        model_version=row.model_version,
        sentiment=row.sentiment,
        sentiment_scores=dict(row.sentiment_scores or {}),
        topics=tuple(row.topics or ()),
        topic_scores=dict(row.topic_scores or {}),
        expectation_gap=row.expectation_gap,
        gap_score=float(row.gap_score),
        gap_evidence=tuple(row.gap_evidence or ()),
        emotion=row.emotion,
        emotion_scores=dict(row.emotion_scores or {}),
        flagged=bool(row.flagged),
        classified_at=row.classified_at,
        about_brand=row.about_brand,
        switching=row.switching,
        lifecycle=row.lifecycle,
    )


def related_mentions(store: Store, mention: MentionRow, *, limit: int = 10) -> list[RelatedMention]:
    """The mention's copies (and its original), then other mentions by the same author, newest first."""
    original = mention.duplicate_of_id or mention.id
    copies = (
        select(m.id, m.source, m.text, m.created_at, m.author_handle)
        .where(or_(m.duplicate_of_id == original, m.id == original), m.id != mention.id)
        .order_by(m.created_at.desc(), m.id.desc())
        .limit(limit)
    )
    found: list[RelatedMention] = []
    with reading(store.engine, "read related mentions") as connection:
        found += [RelatedMention(*row, duplicate=True) for row in connection.execute(copies)]
        if mention.author_handle:
            seen = {r.id for r in found} | {mention.id}
            same_author = (
                select(m.id, m.source, m.text, m.created_at, m.author_handle)
                .where(m.author_handle == mention.author_handle, m.source == mention.source, m.id != mention.id)
                .order_by(m.created_at.desc(), m.id.desc())
                .limit(limit)
            )
            found += [RelatedMention(*row) for row in connection.execute(same_author) if row.id not in seen]
    return found
