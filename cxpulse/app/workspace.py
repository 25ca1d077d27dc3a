"""What the workspace and the REST API read: the inbox (search with counts) and a mention's detail.

Both entry points call these, so a query, a filter and a default mean the same
in the browser, in the API and in ``cxpulse search``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cxpulse.app import feedback, triage
from cxpulse.config.workspace import SlaConfig
from foundation.errors import InputError, NotFound
from foundation.query import parse, require_positive
from foundation.query.ast import Node
from storage import PRIORITIES, DueOrder, MentionRow, SearchFilters, SearchHit, Store
from storage import details as stored_details
from storage.details import MentionLabels, RelatedMention
from storage.search import ORDERS as STORE_ORDERS
from storage.triage import FeedbackRecord, TriageEvent, TriageRecord

__all__ = [
    "COUNTED",
    "OPEN_STATUSES",
    "ORDERS",
    "InboxPage",
    "MentionDetail",
    "due_order",
    "filter_counts",
    "inbox",
    "mention_detail",
    "parse_query",
]

ORDERS: tuple[str, ...] = (*STORE_ORDERS, "due")
"""The inbox's orders: the store's, and "due" (the nearest SLA deadline first, from ``[workspace.sla]``)."""

OPEN_STATUSES: tuple[str, ...] = ("open", "in_progress", "waiting_on_customer")
"""The statuses of work still to do: the inbox shows these by default."""

COUNTED: tuple[str, ...] = (
    "brand",
    "source",
    "channel",
    "sentiment",
    "gap",
    "emotion",
    "topic",
    "flagged",
    "about_brand",
    "switching",
    "lifecycle",
    "status",
    "assignee",
    "priority",
    "tag",
    "language",
)
"""The dimensions the inbox counts per value (``storage.search.counts.DIMENSIONS``)."""


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of results, the total and the counts per filter value."""

    hits: list[SearchHit]
    total: int
    offset: int
    limit: int
    counts: dict[str, dict[str | None, int]] = field(default_factory=dict)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


@dataclass(frozen=True, slots=True)
class MentionDetail:
    """Everything the detail page shows of one mention."""

    mention: MentionRow
    labels: MentionLabels | None
    triage: TriageRecord | None
    history: list[TriageEvent]
    related: list[RelatedMention]
    feedback: list[FeedbackRecord]


def parse_query(query: str) -> Node | None:
    """The query language's tree for ``query`` (None when blank); raises QueryError."""
    return require_positive(parse(query), query) if query.strip() else None


def inbox(
    store: Store,
    query: str,
    filters: SearchFilters,
    *,
    order: str = "relevance",
    limit: int = 25,
    offset: int = 0,
    counts: Sequence[str] = (),
    sla: SlaConfig | None = None,
) -> InboxPage:
    """A page of mentions matching ``query`` and ``filters``, their total, and the counts per
    value of ``counts``. ``order`` "due" sorts by the deadlines of ``sla`` (the defaults when
    None). Raises QueryError for a query that does not parse."""
    _no_nul(query, filters)
    node = parse_query(query)
    if order not in ORDERS:
        order = "relevance"
    sort = due_order(sla or SlaConfig()) if order == "due" else order
    if counts:
        hits, total, found = store.search_faceted(node, filters, counts, limit=limit, offset=offset, order=sort)
    else:
        hits, total = store.search_counted(node, filters, limit=limit, offset=offset, order=sort)
        found = {}
    return InboxPage(hits=hits, total=total, offset=offset, limit=limit, counts=found)


def filter_counts(store: Store, query: str, filters: SearchFilters) -> dict[str, dict[str | None, int]]:
    """For each dimension of COUNTED, value -> mentions matching ``query`` and ``filters``
    (each counted without its own filter). Raises QueryError for a query that does not parse."""
    _no_nul(query, filters)
    return store.facet_counts(parse_query(query), filters, COUNTED)


def due_order(sla: SlaConfig) -> DueOrder:
    """The store's order "nearest SLA deadline first" for the targets of ``sla``."""
    targets = {priority: sla.target(priority) for priority in PRIORITIES}
    return DueOrder(
        first_action_s=tuple((p, t.first_action_within.total_seconds()) for p, t in targets.items()),
        resolution_s=tuple((p, t.resolution_within.total_seconds()) for p, t in targets.items()),
    )


def _no_nul(query: str, filters: SearchFilters) -> None:
    """NUL cannot travel to PostgreSQL: refuse it in any filter value up front."""
    values = [query]
    for name in ("brands", "sources", "languages", "channels", "topics", "assignees", "tags", "statuses"):
        values += getattr(filters, name)
    values += list(filters.sentiments) + list(filters.gaps) + list(filters.emotions) + list(filters.priorities)
    if any("\x00" in value for value in values):
        raise InputError("the search holds a NUL character; remove it")


def mention_detail(store: Store, mention_id: int, *, model_version: str | None = None) -> MentionDetail:
    """The detail of one mention; raises NotFound."""
    mention = stored_details.mention_by_id(store, mention_id)
    if mention is None:
        raise NotFound(f"no mention with id {mention_id}")
    return MentionDetail(
        mention=mention,
        labels=stored_details.mention_labels(store, mention_id, model_version),
        triage=triage.triage_item(store, mention_id),
        history=triage.history(store, mention_id),
        related=stored_details.related_mentions(store, mention),
        feedback=feedback.feedback_for(store, mention_id),
    )
