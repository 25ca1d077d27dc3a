"""Facet tokens: the brand filter answered inside the full-text index.

A search for common words with a brand filter over a million mentions would
otherwise check every full-text match against ``mention_brands`` one row at a
time. So each mention also indexes a short ``facets`` text with one token per
brand it belongs to (``b5d41402abc``), and a search with a brand filter adds
a ``facets`` condition to the full-text query (an FTS5 column filter on
SQLite, weight-D lexemes on PostgreSQL): the index intersects it with the
words. The facet only narrows the candidates; the exact SQL filter still
applies, so it can never let through a mention the filter would reject.

On SQLite the *ranking* leaves the facets out once the narrowed index has found a
candidate (:func:`storage.search.sqlite.ranking_plan`): bm25() would read the
facet's whole doclist, every mention of the brand, for a term it weighs 0.

Dates are not faceted: day or month tokens OR-ed over a window were measured
slower than the plain ``created_at`` filter (BENCHMARKS.md). SQLite narrows a date
window by id instead (:mod:`storage.search.days`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

__all__ = ["FacetFilter", "Interior", "brand_token", "facet_filter", "facets_text", "with_brand"]


@lru_cache(maxsize=4096)
def brand_token(brand: str) -> str:
    """One index token for a brand name (any characters): ``b`` + 10 hex digits."""
    return "b" + hashlib.blake2b(brand.encode("utf-8"), digest_size=5).hexdigest()


def facets_text(brands: Iterable[str]) -> str:
    """The facets of a mention that belongs to ``brands``."""
    return " ".join(brand_token(b) for b in sorted(set(brands)))


def with_brand(facets: str | None, brand: str) -> str:
    """``facets`` with ``brand``'s token added."""
    token = brand_token(brand)
    existing = (facets or "").split()
    if token in existing:
        return " ".join(existing)
    return " ".join([*existing, token])


@dataclass(frozen=True, slots=True)
class Interior:
    """Every mention with an id from ``low`` to ``high`` was created in ``[since, until)``, the
    date filter's window (:func:`storage.search.days.interior`)."""

    low: int
    high: int
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True, slots=True)
class FacetFilter:
    """What the index narrows the candidates by: a match must carry one of ``brands`` (no
    condition when empty) and, on SQLite, have an id in ``ids`` (the date filter's range,
    :mod:`storage.search.days`; None: any id). ``interior``: on SQLite, the ids within the
    range whose date needs no check (None: check every candidate's)."""

    brands: tuple[str, ...] = ()
    ids: tuple[int, int] | None = None
    interior: Interior | None = None

    def __bool__(self) -> bool:
        """Whether it narrows at all."""
        return bool(self.brands) or self.ids is not None


def facet_filter(brands: Iterable[str]) -> FacetFilter:
    """The facet tokens for a brand filter."""
    return FacetFilter(tuple(brand_token(b) for b in sorted(set(brands))))
