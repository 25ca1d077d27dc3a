"""SQL conditions for :class:`storage.SearchFilters` (shared by both backends)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists

from storage.models import MentionBrandModel, MentionModel
from storage.results import SearchFilters

__all__ = ["filter_conditions"]


def filter_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Conditions on ``mentions`` for ``filters``; an empty list means every mention."""
    m = MentionModel
    conditions: list[ColumnElement[bool]] = []
    if filters.brands:
        link = MentionBrandModel
        # A primary-key probe per candidate row: (mention_id, brand).
        conditions.append(exists().where(link.mention_id == m.id, link.brand.in_(filters.brands)))
    if filters.sources:
        conditions.append(m.source.in_(filters.sources))
    if filters.since is not None:
        conditions.append(m.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(m.created_at < filters.until)
    if filters.languages:
        conditions.append(m.language.in_(filters.languages))
    if filters.channels:
        conditions.append(m.channel.in_(filters.channels))
    if not filters.include_duplicates:
        conditions.append(m.duplicate_of_id.is_(None))
    # Classification filters (sentiment, topic, expectation gap, flagged) will add
    # an EXISTS over `classifications` here, keyed on (mention_id, model_version).
    return conditions
