"""Triage items, their history, and label feedback: the writes of the workspace.

A person's change to a triage item (status, assignee, priority, tags, a note) is
applied and recorded in ``triage_events`` with who and when, in one transaction,
one event per changed field. A mention with no triage item yet (not flagged, or a
copy) gets one when a person first triages it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, insert, select, update

from storage.connections import reading, writing
from storage.models import (
    CLOSED_STATUSES,
    ClassificationModel,
    LabelFeedbackModel,
    MentionModel,
    TriageEventModel,
    TriageItemModel,
)
from storage.store import Store

__all__ = [
    "LABEL_COLUMNS",
    "FeedbackRecord",
    "PriorityRule",
    "TriageChange",
    "TriageEvent",
    "TriageRecord",
    "add_feedback",
    "apply_default_priorities",
    "apply_triage",
    "existing_mentions",
    "get_triage",
    "list_feedback",
    "triage_history",
]

t, te, c, m, fb = TriageItemModel, TriageEventModel, ClassificationModel, MentionModel, LabelFeedbackModel

LABEL_COLUMNS: dict[str, Any] = {
    "sentiment": c.sentiment,
    "expectation_gap": c.expectation_gap,
    "emotion": c.emotion,
    "flagged": c.flagged,
    "about_brand": c.about_brand,
    "switching": c.switching,
    "lifecycle": c.lifecycle,
}
"""Classification columns a priority rule may read; a new head's column is one more entry."""


@dataclass(frozen=True, slots=True)
class TriageRecord:
    """The handling state of one mention."""

    mention_id: int
    status: str
    assignee: str | None
    priority: str | None
    tags: tuple[str, ...]
    note: str | None
    updated_at: datetime
    opened_at: datetime | None = None
    first_action_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TriageEvent:
    """One recorded change: who changed which field from what to what, and when."""

    mention_id: int
    at: datetime
    actor: str | None
    field: str
    old_value: str | None
    new_value: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class TriageChange:
    """What to change; None leaves a field as it is. ``assignee=""`` unassigns."""

    status: str | None = None
    assignee: str | None = None
    priority: str | None = None
    tags: tuple[str, ...] | None = None
    note: str | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in (self.status, self.assignee, self.priority, self.tags, self.note))


@dataclass(frozen=True, slots=True)
class PriorityRule:
    """Items whose classification has ``column`` (a :data:`LABEL_COLUMNS` key) in ``values`` get ``priority``."""

    column: str
    values: tuple[str | bool, ...]
    priority: str


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """One label correction, with the mention's text (what training reads)."""

    id: int
    mention_id: int
    text: str
    model_version: str | None
    field: str
    predicted: str | None
    corrected: str
    actor: str
    note: str | None
    at: datetime


def _record(row: Any) -> TriageRecord:
    return TriageRecord(
        mention_id=row.mention_id,
        status=row.status,
        assignee=row.assignee,
        priority=row.priority,
        tags=tuple(row.tags or ()),
        note=row.note,
        updated_at=row.updated_at,
        opened_at=row.opened_at,
        first_action_at=row.first_action_at,
        resolved_at=row.resolved_at,
    )


_TRIAGE_COLUMNS = (
    t.mention_id,
    t.status,
    t.assignee,
    t.priority,
    t.tags,
    t.note,
    t.updated_at,
    t.opened_at,
    t.first_action_at,
    t.resolved_at,
)


def get_triage(store: Store, mention_id: int) -> TriageRecord | None:
    """The triage item of ``mention_id``, or None."""
    with reading(store.engine, "read a triage item") as connection:
        row = connection.execute(select(*_TRIAGE_COLUMNS).where(t.mention_id == mention_id)).one_or_none()
    return None if row is None else _record(row)


def triage_history(store: Store, mention_id: int) -> list[TriageEvent]:
    """Every recorded change of ``mention_id``'s triage item, oldest first."""
    stmt = (
        select(te.mention_id, te.at, te.actor, te.field, te.old_value, te.new_value, te.note)
        .where(te.mention_id == mention_id)
        .order_by(te.at, te.id)
    )
    with reading(store.engine, "read triage history") as connection:
        return [TriageEvent(*row) for row in connection.execute(stmt)]


def existing_mentions(store: Store, mention_ids: Sequence[int]) -> set[int]:
    """Which of ``mention_ids`` are stored."""
    if not mention_ids:
        return set()
    stmt = select(m.id).where(m.id.in_(bindparam("ids", list(mention_ids), expanding=True)))
    with reading(store.engine, "find mentions") as connection:
        return set(connection.execute(stmt).scalars())


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _apply_one(connection: Connection, mention_id: int, change: TriageChange, actor: str, now: datetime) -> int:
    row = connection.execute(select(*_TRIAGE_COLUMNS).where(t.mention_id == mention_id)).one_or_none()
    events: list[dict[str, Any]] = []
    if row is None:
        connection.execute(
            insert(t).values(mention_id=mention_id, status="open", tags=[], updated_at=now, opened_at=now)
        )
        events.append({"field": "status", "old_value": None, "new_value": "open", "note": "opened by a person"})
        current = TriageRecord(mention_id, "open", None, None, (), None, now, opened_at=now)
    else:
        current = _record(row)
    values: dict[str, Any] = {}
    wanted: dict[str, Any] = {
        "status": change.status,
        "assignee": (change.assignee or None) if change.assignee is not None else current.assignee,
        "priority": change.priority,
        "tags": list(change.tags) if change.tags is not None else None,
    }
    for name, new in wanted.items():
        old = getattr(current, name)
        old = list(old) if name == "tags" else old
        if new is None and name != "assignee":
            continue
        if new != old:
            values[name] = new
            events.append({"field": name, "old_value": _text(old), "new_value": _text(new), "note": None})
    if change.note:
        values["note"] = change.note
        events.append({"field": "note", "old_value": None, "new_value": None, "note": change.note})
    if values:
        if current.first_action_at is None:
            values["first_action_at"] = now
        if "status" in values:
            values["resolved_at"] = now if values["status"] in CLOSED_STATUSES else None
        connection.execute(update(t).where(t.mention_id == mention_id).values(updated_at=now, **values))
    if events:
        connection.execute(
            insert(te), [{"mention_id": mention_id, "at": now, "actor": actor, **event} for event in events]
        )
    return len(events)


def apply_triage(store: Store, mention_ids: Sequence[int], change: TriageChange, *, actor: str) -> int:
    """Apply ``change`` to each of ``mention_ids`` (all stored) in one transaction; the
    number of events recorded (0: nothing changed)."""
    now = store.now()
    recorded = 0
    with writing(store.engine, "update triage items") as connection:
        for mention_id in dict.fromkeys(mention_ids):
            recorded += _apply_one(connection, mention_id, change, actor, now)
    return recorded


def apply_default_priorities(store: Store, rules: Sequence[PriorityRule], *, default: str) -> int:
    """Give each triage item without a priority the first matching rule's priority (by its
    mention's newest classification), else ``default``; how many items got one."""
    whens = [(LABEL_COLUMNS[rule.column].in_(list(rule.values)), rule.priority) for rule in rules if rule.values]
    label = case(*whens, else_=default) if whens else bindparam("default_priority", default)
    chosen = (
        select(label)
        .where(c.mention_id == t.mention_id)
        .order_by(c.classified_at.desc(), c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = update(t).where(t.priority.is_(None)).values(priority=func.coalesce(chosen, default))
    with writing(store.engine, "set default priorities") as connection:
        return int(connection.execute(stmt).rowcount or 0)


def add_feedback(
    store: Store,
    mention_id: int,
    *,
    field: str,
    predicted: str | None,
    corrected: str,
    actor: str,
    model_version: str | None,
    note: str | None = None,
) -> int:
    """Store one label correction; its id."""
    with writing(store.engine, "store label feedback") as connection:
        return int(
            connection.execute(
                insert(fb)
                .values(
                    mention_id=mention_id,
                    model_version=model_version,
                    field=field,
                    predicted=predicted,
                    corrected=corrected,
                    actor=actor,
                    note=note,
                    at=store.now(),
                )
                .returning(fb.id)
            ).scalar_one()
        )


def list_feedback(
    store: Store, *, mention_id: int | None = None, since: datetime | None = None, limit: int | None = None
) -> list[FeedbackRecord]:
    """Label corrections, oldest first; of one mention, or from ``since`` on."""
    stmt = select(
        fb.id, fb.mention_id, m.text, fb.model_version, fb.field, fb.predicted, fb.corrected, fb.actor, fb.note, fb.at
    ).join(m, and_(m.id == fb.mention_id))
    if mention_id is not None:
        stmt = stmt.where(fb.mention_id == mention_id)
    if since is not None:
        stmt = stmt.where(fb.at >= since)
    stmt = stmt.order_by(fb.at, fb.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with reading(store.engine, "read label feedback") as connection:
        return [FeedbackRecord(**row._asdict()) for row in connection.execute(stmt)]
