"""The statements on ``work_leases``: work a process holds until its lease expires.

A lease is one row, unique on ``(kind, name, item)``. Taking one is a single
``INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <= now RETURNING``: the
row is taken when it is absent or expired, and of two processes taking it at
once the database lets exactly one win (PostgreSQL makes the second insert wait
for the first to commit, then re-checks the condition; SQLite's write lock
orders them). No ``SELECT ... FOR UPDATE SKIP LOCKED``: SQLite has none, and a
lease that outlives its transaction is what a killed worker needs anyway (the
work is free again when the lease expires, not when a connection drops).

``(holder, acquired_at)`` is the lease's fencing token: renewing checks both,
so a process whose lease expired and was taken over learns it at its next
write (:func:`renew` returns False) instead of overwriting the newer holder's
work. The caller owns the transaction of every function here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, delete, exists, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect

from storage.classifications import to_classify
from storage.models import MentionModel, UTCDateTime, WorkLeaseModel

__all__ = [
    "CLASSIFY",
    "COLLECT",
    "JOB",
    "WORKER",
    "Lease",
    "acquire",
    "claim_mentions",
    "holders",
    "release",
    "release_holders",
    "release_items",
    "renew",
]

CLASSIFY = "classify"
"""A mention being classified: ``name`` the model version, ``item`` the mention id."""
COLLECT = "collect"
"""A cursor being advanced: ``name`` is ``source:brand``."""
JOB = "job"
"""A job that must run on one process at a time (the alert check): ``name`` the job."""
WORKER = "worker"
"""A worker's heartbeat: ``name`` the worker, ``acquired_at`` its latest beat."""

w = WorkLeaseModel


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease held: what, by whom, since when (the fencing token) and until when."""

    kind: str
    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime
    item: int = 0


def _insert(connection: Connection) -> Any:
    if connection.dialect.name == "sqlite":
        return sqlite_dialect.insert(w)
    return postgresql.insert(w)


def _take_over(stmt: Any, now: datetime, *, also_mine: str | None = None) -> Any:
    """``ON CONFLICT`` clause: take the existing row only when it has expired (or is ``also_mine``)."""
    free = w.expires_at <= bindparam("lease_now", now, type_=UTCDateTime())
    condition = free if also_mine is None else free | (w.holder == also_mine)
    return stmt.on_conflict_do_update(
        index_elements=[w.kind, w.name, w.item],
        set_={
            "holder": stmt.excluded.holder,
            "acquired_at": stmt.excluded.acquired_at,
            "expires_at": stmt.excluded.expires_at,
            "info": stmt.excluded.info,
        },
        where=condition,
    )


def acquire(
    connection: Connection,
    kind: str,
    name: str,
    *,
    holder: str,
    now: datetime,
    lease_for: timedelta,
    info: dict[str, Any] | None = None,
    reentrant: bool = False,
) -> Lease | None:
    """Take ``(kind, name)`` until ``now + lease_for``; None when another holder's lease is live.

    With ``reentrant`` the holder may take its own live lease again (a heartbeat).
    """
    row = {
        "kind": kind,
        "name": name,
        "item": 0,
        "holder": holder,
        "acquired_at": now,
        "expires_at": now + lease_for,
        "info": info,
    }
    stmt = _take_over(_insert(connection).values(row), now, also_mine=holder if reentrant else None)
    taken = connection.execute(stmt.returning(w.id)).first()
    if taken is None:
        return None
    return Lease(kind, name, holder, now, now + lease_for)


def renew(connection: Connection, lease: Lease, *, now: datetime, lease_for: timedelta) -> bool:
    """Extend ``lease`` to ``now + lease_for``; False when it is no longer this holder's."""
    stmt = (
        update(w)
        .where(
            w.kind == lease.kind,
            w.name == lease.name,
            w.item == lease.item,
            w.holder == lease.holder,
            w.acquired_at == lease.acquired_at,
        )
        .values(expires_at=now + lease_for)
        .returning(w.id)
    )
    return connection.execute(stmt).first() is not None


def release(connection: Connection, lease: Lease) -> bool:
    """Give ``lease`` up (a no-op when it was taken over); True when it was still held."""
    stmt = delete(w).where(
        w.kind == lease.kind,
        w.name == lease.name,
        w.item == lease.item,
        w.holder == lease.holder,
        w.acquired_at == lease.acquired_at,
    )
    return bool(connection.execute(stmt).rowcount)


def release_items(connection: Connection, kind: str, name: str, items: Sequence[int], *, holder: str) -> int:
    """Give up ``holder``'s leases on ``items`` of ``(kind, name)``; how many were still held."""
    if not items:
        return 0
    stmt = delete(w).where(
        w.kind == kind,
        w.name == name,
        w.holder == holder,
        w.item.in_(bindparam("lease_items", list(items), expanding=True)),
    )
    return int(connection.execute(stmt).rowcount)


def release_holders(connection: Connection, holders_: Sequence[str], *, kind: str | None = None) -> int:
    """Delete every lease of ``holders_`` (processes known to be gone); how many."""
    if not holders_:
        return 0
    stmt = delete(w).where(w.holder.in_(bindparam("lease_holders", list(holders_), expanding=True)))
    if kind is not None:
        stmt = stmt.where(w.kind == kind)
    return int(connection.execute(stmt).rowcount)


def holders(connection: Connection, *, now: datetime, kind: str | None = None) -> list[str]:
    """The distinct holders of live leases (of ``kind``), sorted."""
    stmt = select(w.holder).where(w.expires_at > now).distinct().order_by(w.holder)
    if kind is not None:
        stmt = stmt.where(w.kind == kind)
    return [str(h) for h in connection.execute(stmt).scalars()]


def claim_mentions(
    connection: Connection,
    model_version: str,
    *,
    holder: str,
    now: datetime,
    lease_for: timedelta,
    limit: int,
) -> list[int]:
    """Lease up to ``limit`` of the lowest-id mentions that still need ``model_version`` and
    that nobody holds; their ids, sorted.

    One statement: the mentions to classify (see :mod:`storage.classifications`)
    without a live lease go into ``work_leases``; an expired lease on one is taken
    over. Under PostgreSQL's READ COMMITTED two claims at once may pick the same
    candidates: the unique key hands each row to one of them, and the other gets
    fewer (it asks again).
    """
    m = MentionModel
    live = exists().where(
        w.kind == CLASSIFY,
        w.name == model_version,
        w.item == m.id,
        w.expires_at > bindparam("lease_now", now, type_=UTCDateTime()),
    )
    candidates = (
        select(
            literal(CLASSIFY, String()),
            literal(model_version, String()),
            m.id,
            literal(holder, String()),
            literal(now, UTCDateTime()),
            literal(now + lease_for, UTCDateTime()),
        )
        .where(and_(*to_classify(model_version, False)), ~live)
        .order_by(m.id)
        .limit(max(limit, 0))
    )
    stmt = _insert(connection).from_select(["kind", "name", "item", "holder", "acquired_at", "expires_at"], candidates)
    stmt = stmt.on_conflict_do_update(
        index_elements=[w.kind, w.name, w.item],
        set_={
            "holder": stmt.excluded.holder,
            "acquired_at": stmt.excluded.acquired_at,
            "expires_at": stmt.excluded.expires_at,
        },
        where=w.expires_at <= bindparam("lease_now_conflict", now, type_=UTCDateTime()),
    )
    return sorted(int(item) for item in connection.execute(stmt.returning(w.item)).scalars())
