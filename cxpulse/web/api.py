"""The REST API under ``/api/v1``: search, a mention's detail, triage (single and bulk), feedback, trends.

Token auth only (``Authorization: Bearer TOKEN``, from ``cxpulse tokens create``),
with the token user's role: any role reads, agents and admins write. Errors are
problem details (``application/problem+json``). Search pages with an opaque
``cursor``: pass ``next_cursor`` back to get the next page (it carries the position
and a digest of the query and filters, so it cannot be replayed on another search).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from cxpulse.app import feedback, triage, workspace
from cxpulse.app.sla import sla_state
from cxpulse.app.trends import PERIODS
from cxpulse.app.triage import TriageChange
from cxpulse.app.users import User
from cxpulse.web.params import SearchParams
from cxpulse.web.problems import PROBLEM_RESPONSES
from cxpulse.web.security import api_user
from cxpulse.web.state import WorkspaceState, workspace_state
from foundation.errors import InputError
from foundation.labels import EMOTIONS, GAPS, LIFECYCLE_STAGES, SENTIMENTS
from storage import PRIORITIES, TRIAGE_STATUSES, SearchHit

__all__ = ["router"]


def _query_names(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """Refuse query parameters the route does not take: a misspelt filter (``sentimen=``)
    must not silently widen a search; and any value holding a NUL character, which no stored
    text holds and PostgreSQL refuses in a query. (Async: it runs on the event loop.)"""
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            raise InputError(f"query parameter {name!r} holds a NUL character; remove it")
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise InputError(f"unknown query parameter {unknown[0]!r}; this route takes: {known}")


router = APIRouter(
    prefix="/api/v1", tags=["mentions"], responses=PROBLEM_RESPONSES, dependencies=[Depends(known_parameters)]
)

Sentiment = Enum("Sentiment", {s: s for s in SENTIMENTS}, type=str)  # type: ignore[misc]
Gap = Enum("Gap", {g: g for g in GAPS}, type=str)  # type: ignore[misc]
Emotion = Enum("Emotion", {e: e for e in EMOTIONS}, type=str)  # type: ignore[misc]
Lifecycle = Enum("Lifecycle", {e: e for e in LIFECYCLE_STAGES}, type=str)  # type: ignore[misc]
Status = Enum("Status", {s: s for s in TRIAGE_STATUSES}, type=str)  # type: ignore[misc]
Priority = Enum("Priority", {p: p for p in PRIORITIES}, type=str)  # type: ignore[misc]
Order = Enum("Order", {o: o for o in workspace.ORDERS}, type=str)  # type: ignore[misc]
TrendPeriod = Enum("TrendPeriod", {p: p for p in PERIODS}, type=str)  # type: ignore[misc]
FeedbackField = Enum("FeedbackField", {f: f for f in feedback.FEEDBACK_FIELDS}, type=str)  # type: ignore[misc]

Text = Annotated[str, Field(max_length=200)]


class Labels(BaseModel):
    """What the classifier said (read from the store's label objects by attribute)."""

    model_config = ConfigDict(from_attributes=True)

    model_version: str
    sentiment: str
    topics: list[str]
    expectation_gap: str
    emotion: str
    flagged: bool
    about_brand: bool | None = Field(default=None, description="None for a model without the head (before 2.0).")
    switching: bool | None = None
    lifecycle: str | None = None


class TriageState(BaseModel):
    status: str
    assignee: str | None
    priority: str | None
    tags: list[str]
    opened_at: datetime | None = None
    overdue: bool = Field(default=False, description="Past its first-action or resolution target ([workspace.sla]).")


def _triage_state(item: Any, state: WorkspaceState) -> TriageState | None:
    if item is None:
        return None
    due = sla_state(item, state.sla, state.store.now())
    return TriageState(
        status=item.status,
        assignee=item.assignee,
        priority=item.priority,
        tags=list(item.tags),
        opened_at=item.opened_at,
        overdue=bool(due and due.overdue),
    )


class MentionSummary(BaseModel):
    id: int
    source: str
    external_id: str
    brands: list[str]
    created_at: datetime
    author_handle: str | None
    language: str | None
    channel: str | None
    rating: float | None
    url: str | None
    text: str
    snippet: str = Field(description="Plain text around the matched words (no markup).")
    duplicate_of: int | None
    labels: Labels | None
    triage: TriageState | None


class SearchPage(BaseModel):
    items: list[MentionSummary]
    total: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class LabelScores(Labels):
    """The labels with every score and the gap's evidence (the mention detail)."""

    sentiment_scores: dict[str, float]
    topic_scores: dict[str, float]
    gap_score: float
    gap_evidence: list[str]
    emotion_scores: dict[str, float]


class TriageEventOut(BaseModel):
    at: datetime
    actor: str | None
    field: str
    old_value: str | None
    new_value: str | None
    note: str | None


class FeedbackOut(BaseModel):
    id: int
    field: str
    predicted: str | None
    corrected: str
    actor: str
    model_version: str | None
    note: str | None
    at: datetime


class MentionDetailOut(BaseModel):
    id: int
    source: str
    external_id: str
    brands: list[str]
    created_at: datetime
    author_handle: str | None
    author_name: str | None
    author_followers: int | None
    language: str | None
    channel: str | None
    rating: float | None
    url: str | None
    text: str
    duplicate_of: int | None
    labels: LabelScores | None
    triage: TriageState | None
    history: list[TriageEventOut]
    feedback: list[FeedbackOut]


class TriageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    assignee: str | None = Field(default=None, max_length=100, description='A username; "" unassigns.')
    priority: Priority | None = None
    tags: list[Annotated[str, Field(max_length=50)]] | None = Field(default=None, max_length=50)
    note: str | None = Field(default=None, max_length=10_000)

    def change(self) -> TriageChange:
        return TriageChange(
            status=self.status.value if self.status else None,
            assignee=self.assignee,
            priority=self.priority.value if self.priority else None,
            tags=tuple(self.tags) if self.tags is not None else None,
            note=self.note or None,
        )


class BulkTriage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(min_length=1, max_length=triage.MAX_BULK)
    update: TriageUpdate


class TriageResult(BaseModel):
    changes: int = Field(description="Changes recorded (0: everything already was so).")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: FeedbackField
    value: str = Field(min_length=1, max_length=1000, description="The right label (topics: comma-separated).")
    note: str | None = Field(default=None, max_length=2000)


class FeedbackCreated(BaseModel):
    id: int


def _cursor_key(params: SearchParams) -> str:
    payload = json.dumps(
        [
            params.q,
            sorted(params.values.items()),
            str(params.flagged),
            str(params.about_brand),
            str(params.switching),
            str(params.since),
            str(params.until),
            params.min_rating,
            params.max_rating,
            params.order,
        ],
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _encode_cursor(offset: int, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "k": key}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, key: str) -> int:
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, found = int(data["o"]), data["k"]
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InputError("the cursor is not one this API gave out; start again without it") from None
    if found != key or not 0 <= offset <= 1_000_000:
        raise InputError("the cursor belongs to another search; start again without it")
    return offset


def _utc(name: str, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{name} needs a time zone, e.g. 2026-11-20T00:00:00Z")
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InputError(f"{name} is out of range") from None


def _summary(hit: SearchHit, state: WorkspaceState) -> MentionSummary:
    c = hit.classification
    return MentionSummary(
        id=hit.id,
        source=hit.source,
        external_id=hit.external_id,
        brands=list(hit.brands),
        created_at=hit.created_at,
        author_handle=hit.author_handle,
        language=hit.language,
        channel=hit.channel,
        rating=hit.rating,
        url=hit.url,
        text=hit.text,
        snippet=hit.snippet.replace("\x02", "").replace("\x03", ""),
        duplicate_of=hit.duplicate_of_id,
        labels=Labels.model_validate(c) if c else None,
        triage=_triage_state(hit.triage, state),
    )


Reader = Depends(api_user)
State = Depends(workspace_state)
Many = Query()
NO_VALUES: list[Any] = []
"""The default of a repeatable filter (never mutated; FastAPI copies defaults per request)."""
MentionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The mention's id.")]


@router.get("/mentions", response_model=SearchPage, summary="Search mentions")
def search(
    q: Annotated[str, Query(max_length=1000, description="The query language (docs/query-language.md).")] = "",
    brand: Annotated[list[Text], Many] = NO_VALUES,
    source: Annotated[list[Text], Many] = NO_VALUES,
    channel: Annotated[list[Text], Many] = NO_VALUES,
    language: Annotated[list[Text], Many] = NO_VALUES,
    sentiment: Annotated[list[Sentiment], Many] = NO_VALUES,
    topic: Annotated[list[Text], Many] = NO_VALUES,
    gap: Annotated[list[Gap], Many] = NO_VALUES,
    emotion: Annotated[list[Emotion], Many] = NO_VALUES,
    lifecycle: Annotated[list[Lifecycle], Many] = NO_VALUES,
    status: Annotated[list[Status], Many] = NO_VALUES,
    assignee: Annotated[list[Text], Query(description='"" means unassigned.')] = NO_VALUES,
    priority: Annotated[list[Priority], Many] = NO_VALUES,
    tag: Annotated[list[Text], Many] = NO_VALUES,
    flagged: bool | None = None,
    about_brand: Annotated[
        bool | None, Query(description="Only mentions about a brand (true) or only general chatter (false).")
    ] = None,
    switching: Annotated[
        bool | None, Query(description="Only mentions that threaten to switch brands (true) or only others (false).")
    ] = None,
    since: Annotated[datetime | None, Query(description="From this time on (ISO 8601 with a zone).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
    min_rating: Annotated[float | None, Query(ge=-1e9, le=1e9)] = None,
    max_rating: Annotated[float | None, Query(ge=-1e9, le=1e9)] = None,
    order: Order = Order.relevance,  # type: ignore[attr-defined]
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    user: User = Reader,
    state: WorkspaceState = State,
) -> SearchPage:
    """Mentions matching the query and filters (the inbox's), best first or by `order`."""
    since, until = _utc("since", since), _utc("until", until)

    def plain(values: list[Any] | None) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.value if isinstance(v, Enum) else v for v in values or ()))

    params = SearchParams(
        q=q,
        values={
            "brands": plain(brand),
            "sources": plain(source),
            "channels": plain(channel),
            "languages": plain(language),
            "sentiments": plain(sentiment),
            "topics": plain(topic),
            "gaps": plain(gap),
            "emotions": plain(emotion),
            "lifecycles": plain(lifecycle),
            "statuses": plain(status),
            "assignees": plain(assignee),
            "priorities": plain(priority),
            "tags": plain(tag),
        },
        flagged=flagged,
        about_brand=about_brand,
        switching=switching,
        since=since,
        until=until,
        min_rating=min_rating,
        max_rating=max_rating,
        order=order.value,
    )
    key = _cursor_key(params)
    offset = _decode_cursor(cursor, key)
    page = workspace.inbox(
        state.store,
        q,
        params.filters(state.model_version),
        order=params.order,
        sla=state.sla,
        limit=limit,
        offset=offset,
    )
    following = offset + len(page.hits)
    return SearchPage(
        items=[_summary(hit, state) for hit in page.hits],
        total=page.total,
        next_cursor=_encode_cursor(following, key) if page.hits and following < page.total else None,
    )


@router.get("/mentions/{mention_id}", response_model=MentionDetailOut, summary="A mention with labels and history")
def detail(
    mention_id: MentionId,
    user: User = Reader,
    state: WorkspaceState = State,
) -> MentionDetailOut:
    d = workspace.mention_detail(state.store, mention_id, model_version=state.model_version)
    m, labels = d.mention, d.labels
    return MentionDetailOut(
        id=m.id,
        source=m.source,
        external_id=m.external_id,
        brands=list(m.brands),
        created_at=m.created_at,
        author_handle=m.author_handle,
        author_name=m.author_name,
        author_followers=m.author_followers,
        language=m.language,
        channel=m.channel,
        rating=m.rating,
        url=m.url,
        text=m.text,
        duplicate_of=m.duplicate_of_id,
        labels=LabelScores.model_validate(labels) if labels else None,
        triage=_triage_state(d.triage, state),
        history=[
            TriageEventOut(
                at=e.at, actor=e.actor, field=e.field, old_value=e.old_value, new_value=e.new_value, note=e.note
            )
            for e in d.history
        ],
        feedback=[
            FeedbackOut(
                id=f.id,
                field=f.field,
                predicted=f.predicted,
                corrected=f.corrected,
                actor=f.actor,
                model_version=f.model_version,
                note=f.note,
                at=f.at,
            )
            for f in d.feedback
        ],
    )


@router.post("/mentions/{mention_id}/triage", response_model=TriageResult, summary="Change a mention's triage")
def triage_one(
    mention_id: MentionId,
    update: Annotated[TriageUpdate, Body()],
    user: User = Reader,
    state: WorkspaceState = State,
) -> TriageResult:
    return TriageResult(changes=triage.update_triage(state.store, user, [mention_id], update.change()))


@router.post("/triage", response_model=TriageResult, summary="Change the triage of several mentions at once")
def triage_bulk(body: BulkTriage, user: User = Reader, state: WorkspaceState = State) -> TriageResult:
    return TriageResult(changes=triage.update_triage(state.store, user, body.ids, body.update.change()))


@router.post(
    "/mentions/{mention_id}/feedback",
    response_model=FeedbackCreated,
    status_code=201,
    summary="Correct one of a mention's labels",
)
def add_feedback(
    mention_id: MentionId, body: FeedbackIn, user: User = Reader, state: WorkspaceState = State
) -> FeedbackCreated:
    row_id = feedback.correct_label(
        state.store, user, mention_id, body.field.value, body.value, model_version=state.model_version, note=body.note
    )
    return FeedbackCreated(id=row_id)


class TrendsOut(BaseModel):
    """A trend table (docs/trends.md): ``rows`` are objects keyed by ``columns``."""

    by: str
    timezone: str
    dims: list[str]
    metrics: list[str]
    columns: list[str] = Field(description="period_start, period_end, the dimensions, each metric and its _change.")
    rows: list[dict[str, Any]] = Field(description="Times in ISO 8601 with their offset; null: nothing to measure.")


Names = Annotated[str, Query(max_length=500, description="Comma-separated names.")]
When = Annotated[str, Query(max_length=100, description="now, 12h / 7d / 2w ago, 2026-11-01 or 2026-11-01T08:00.")]


@router.get("/trends", response_model=TrendsOut, summary="CX metrics per period and dimension")
def trends(
    by: TrendPeriod = TrendPeriod.week,  # type: ignore[attr-defined]
    dims: Names = "",
    metrics: Names = "mentions",
    since: When = "90d",
    until: When = "now",
    brand: Annotated[list[Text], Many] = NO_VALUES,
    tz: Annotated[str | None, Query(max_length=100, description="IANA zone; default [reporting] timezone.")] = None,
    wide: bool = False,
    include_duplicates: bool = False,
    user: User = Reader,
    state: WorkspaceState = State,
) -> TrendsOut:
    """The trends of `cxpulse trends` (same parameters and numbers): one row per period and
    combination of dimension values, zero-filled, each metric with its change."""
    from cxpulse.app.trends import trends as compute  # pandas loads on the first trends request
    from cxpulse.app.trends.frame import records

    dim_names = [d.strip() for d in dims.split(",") if d.strip()]
    metric_names = [m.strip() for m in metrics.split(",") if m.strip()]
    zone = tz or state.timezone
    frame = compute(
        state.store,
        by=by.value,
        dims=dim_names,
        metrics=metric_names,
        since=since,
        until=until,
        brands=list(dict.fromkeys(brand)) or None,
        timezone=zone,
        wide=wide,
        include_duplicates=include_duplicates,
        competitors=state.competitors,
    )
    return TrendsOut(
        by=by.value,
        timezone=zone,
        dims=dim_names,
        metrics=metric_names,
        columns=[str(c) for c in frame.columns],
        rows=records(frame),
    )


def openapi_route(request: Request, user: User = Reader) -> JSONResponse:
    """The OpenAPI schema (for a token holder)."""
    return JSONResponse(request.app.openapi())
