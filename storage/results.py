"""The typed values the store takes and returns (no SQLAlchemy in them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from foundation.mentions import Cursor, StoredMention

__all__ = [
    "CursorStatus",
    "HitClassification",
    "HitTriage",
    "MentionRow",
    "SaveResult",
    "SearchFilters",
    "SearchHit",
    "StoreSummary",
]

SNIPPET_START = "\x02"
"""Marks the start of a matched term in :attr:`SearchHit.snippet`."""
SNIPPET_END = "\x03"
"""Marks the end of a matched term in :attr:`SearchHit.snippet`."""


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"SearchFilters.{name} must be timezone-aware (UTC), got {value!r}")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Which mentions a search or listing looks at. Empty tuples mean "any".

    ``since`` is inclusive and ``until`` exclusive, both on ``created_at``.
    A mention matches ``brands`` when it is linked to at least one of them.
    """

    brands: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    include_duplicates: bool = True
    sentiments: tuple[str, ...] = ()
    """Only mentions classified with one of these sentiments."""
    topics: tuple[str, ...] = ()
    """Only mentions classified with at least one of these topics (whole names)."""
    gaps: tuple[str, ...] = ()
    """Only mentions classified with one of these expectation gaps."""
    flagged: bool | None = None
    """Only flagged (True) or only unflagged (False) mentions; None: either."""
    about_brand: bool | None = None
    """Only mentions about a brand (True) or only general chatter (False); None: either."""
    switching: bool | None = None
    """Only mentions with (True) or without (False) a switching threat; None: either."""
    lifecycles: tuple[str, ...] = ()
    """Only mentions at one of these lifecycle stages."""
    model_version: str | None = None
    """The classifier version whose classifications the label filters read, and that
    :attr:`SearchHit.classification` shows; None: any version (the newest shown).
    A classification filter never matches a mention without a classification."""
    emotions: tuple[str, ...] = ()
    """Only mentions classified with one of these emotions."""
    statuses: tuple[str, ...] = ()
    """Only mentions whose triage item has one of these statuses (a mention without one has none)."""
    assignees: tuple[str, ...] = ()
    """Only mentions whose triage item is assigned to one of these usernames; ``""`` means unassigned."""
    priorities: tuple[str, ...] = ()
    """Only mentions whose triage item has one of these priorities."""
    tags: tuple[str, ...] = ()
    """Only mentions whose triage item carries at least one of these tags."""
    min_rating: float | None = None
    """Only mentions with a rating of at least this (reviews); mentions without a rating never match."""
    max_rating: float | None = None
    """Only mentions with a rating of at most this."""

    def __post_init__(self) -> None:
        _require_aware("since", self.since)
        _require_aware("until", self.until)

    @property
    def classified(self) -> bool:
        """True when any classification filter is set."""
        return bool(
            self.sentiments
            or self.topics
            or self.gaps
            or self.emotions
            or self.flagged is not None
            or self.about_brand is not None
            or self.switching is not None
            or self.lifecycles
        )

    @property
    def triaged(self) -> bool:
        """True when any triage filter is set."""
        return bool(self.statuses or self.assignees or self.priorities or self.tags)


@dataclass(frozen=True, slots=True)
class DueOrder:
    """The search order "SLA due": open triage items whose next deadline is nearest first.

    The next deadline of an item is its opening time plus the first-action target of its
    priority while nobody has acted on it, else plus the resolution target. Closed items and
    mentions without an item follow, newest first. Targets are seconds per priority; a
    priority without one (or an item without a priority) uses ``default``'s.
    """

    first_action_s: tuple[tuple[str, float], ...]
    resolution_s: tuple[tuple[str, float], ...]
    default: str = "normal"


@dataclass(frozen=True, slots=True)
class HitClassification:
    """What the classifier said about a search hit (see :attr:`SearchFilters.model_version`)."""

    model_version: str
    sentiment: str
    topics: tuple[str, ...]
    expectation_gap: str
    emotion: str
    flagged: bool
    about_brand: bool | None = None
    """None for classifications by a model before 2.0 (no such head)."""
    switching: bool | None = None
    lifecycle: str | None = None


@dataclass(frozen=True, slots=True)
class HitTriage:
    """The handling state of a search hit's triage item."""

    status: str
    assignee: str | None
    priority: str | None
    tags: tuple[str, ...] = ()
    opened_at: datetime | None = None
    first_action_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One mention found by :meth:`storage.Store.search`.

    ``snippet`` is plain text with matched terms between ``"\\x02"`` and
    ``"\\x03"`` (the output layer escapes it, then turns the markers into
    highlighting). ``rank`` is the relevance, higher is better, comparable
    only within one result list; 0.0 for a listing without a query.
    """

    id: int
    source: str
    external_id: str
    brands: tuple[str, ...]
    text: str
    snippet: str
    url: str | None
    author_handle: str | None
    language: str | None
    channel: str | None
    rating: float | None
    created_at: datetime
    duplicate_of_id: int | None
    rank: float
    classification: HitClassification | None = None
    """The mention's classification, None when it has none (yet)."""
    triage: HitTriage | None = None
    """The mention's triage item, None when it has none."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :meth:`storage.Store.save_batch` did with a batch."""

    inserted: int
    """Mentions stored for the first time."""
    already_stored: int
    """Mentions of the batch that were stored before (by ``(source, external_id)``)."""
    duplicates_linked: int
    """New mentions whose content was seen before, linked to the first copy."""


@dataclass(frozen=True, slots=True)
class CursorStatus:
    """How one source instance is doing for one brand."""

    source: str
    brand: str
    cursor: Cursor
    updated_at: datetime
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    mentions_collected: int


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """Totals over the whole store. Count mappings are sorted by count, largest first;
    ``None`` keys count mentions without a language or channel."""

    mentions: int
    duplicates: int
    by_brand: Mapping[str, int] = field(default_factory=dict)
    by_source: Mapping[str, int] = field(default_factory=dict)
    by_language: Mapping[str | None, int] = field(default_factory=dict)
    by_channel: Mapping[str | None, int] = field(default_factory=dict)
    first_created_at: datetime | None = None
    last_created_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MentionRow(StoredMention):
    """One stored mention with everything the store knows about it: the stored
    mention's fields plus its id, its brands and the original it copies, if any."""

    id: int
    brands: tuple[str, ...]
    duplicate_of_id: int | None

    @classmethod
    def from_row(cls, row: Any, brands: tuple[str, ...], *, with_raw: bool = True) -> MentionRow:
        """From a selected ``mentions`` row (``raw`` left out unless ``with_raw``)."""
        return cls(
            id=row.id,
            source=row.source,
            external_id=row.external_id,
            brands=brands,
            text=row.text,
            created_at=row.created_at,
            collected_at=row.collected_at,
            content_hash=row.content_hash,
            duplicate_of_id=row.duplicate_of_id,
            url=row.url,
            author_handle=row.author_handle,
            author_name=row.author_name,
            author_followers=row.author_followers,
            language=row.language,
            channel=row.channel,
            rating=row.rating,
            raw=row.raw if with_raw else None,
        )
