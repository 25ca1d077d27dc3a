"""Claiming shared work through leases, so processes on any number of machines split it.

Built on the statements of :mod:`storage.leases`; every function is one short
transaction on the store.

* **Classification batches.** :func:`claim_batch` leases the next mentions a
  model version still needs and that nobody holds; :func:`save_claimed` writes
  their classifications (an idempotent upsert keyed on mention and model
  version) and gives the leases up in the same transaction. Two processes
  claiming at once get disjoint batches. A process killed mid-batch leaves its
  leases behind: they are free again when they expire, or at once when the
  holder was a process of this host that no longer runs.
* **Cursors.** :func:`hold_cursor` leases ``source:brand`` so one collector at a
  time advances it; :meth:`storage.Store.save_batch` renews the lease in the
  transaction that moves the cursor and refuses (:class:`LeaseLost`) when it was
  taken over, so a cursor never goes backwards.
* **Workers.** :func:`heartbeat` records that a worker is alive and what it
  consumes; :func:`work_status` reads heartbeats and the leases held, for
  ``cxpulse workers status``.

Holders are processes, written ``pid@host`` (:func:`storage.digest_runs.this_holder`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from storage import Store, classifications, leases
from storage.classifications import ClassificationSaveResult, ClassificationValues, MentionText, to_classify
from storage.connections import reading, writing
from storage.digest_runs import holder_gone, this_holder
from storage.leases import CLASSIFY, COLLECT, JOB, WORKER, Lease
from storage.models import MentionModel, WorkLeaseModel

__all__ = [
    "CLASSIFY",
    "COLLECT",
    "DEFAULT_LEASE",
    "JOB",
    "WORKER",
    "HeldLeases",
    "Lease",
    "Waiting",
    "WorkStatus",
    "WorkerBeat",
    "claim_batch",
    "cursor_name",
    "drop_worker",
    "heartbeat",
    "hold_cursor",
    "hold_job",
    "release_batch",
    "release_cursor",
    "release_job",
    "release_mine",
    "save_claimed",
    "this_holder",
    "waiting_on_others",
    "work_status",
]

DEFAULT_LEASE = timedelta(minutes=10)
"""How long a claim lasts when the caller names no length ([execution] lease_seconds)."""
CLAIM_ATTEMPTS = 5
"""Claims in a row that may come back empty while unheld work remains (lost races), before giving up."""

w = WorkLeaseModel
log = logging.getLogger(__name__)


def _reap(store: Store, kind: str) -> int:
    """Free the ``kind`` leases of processes of this host that no longer run; how many."""
    now = store.now()
    with reading(store.engine, "read who holds work") as connection:
        gone = [h for h in leases.holders(connection, now=now, kind=kind) if holder_gone(h)]
    if not gone:
        return 0
    with writing(store.engine, "free the work of stopped processes") as connection:
        freed = leases.release_holders(connection, gone, kind=kind)
    if freed:
        log.warning(
            "freed %d %s lease(s) of %s: that process no longer runs (killed or crashed mid-work); "
            "its unfinished work is taken up again",
            freed,
            kind,
            ", ".join(gone),
        )
    return freed


def claim_batch(
    store: Store,
    model_version: str,
    *,
    limit: int,
    lease_for: timedelta = DEFAULT_LEASE,
    holder: str | None = None,
) -> list[MentionText]:
    """Lease and return up to ``limit`` mentions that ``model_version`` has not classified and
    that no live lease holds, lowest ids first; empty when there are none left to take."""
    holder = holder or this_holder()
    _reap(store, CLASSIFY)
    for _attempt in range(CLAIM_ATTEMPTS):
        now = store.now()
        with writing(store.engine, "claim mentions to classify") as connection:
            ids = leases.claim_mentions(
                connection, model_version, holder=holder, now=now, lease_for=lease_for, limit=limit
            )
        if ids:
            # A new snapshot: a mention another process classified and released between the
            # claim's snapshot and its insert is no longer pending; give it back.
            with reading(store.engine, "read mentions to classify") as connection:
                texts = classifications.mention_texts(connection, ids, model_version)
            done = sorted(set(ids) - {t.id for t in texts})
            if done:
                with writing(store.engine, "release classified mentions") as connection:
                    leases.release_items(connection, CLASSIFY, model_version, done, holder=holder)
            if texts:
                return texts
        elif not _claimable(store, model_version):
            return []
    return []


def _claimable(store: Store, model_version: str) -> bool:
    """True when some mention needs ``model_version`` and no live lease holds it."""
    m, now = MentionModel, store.now()
    live = select(w.id).where(w.kind == CLASSIFY, w.name == model_version, w.item == m.id, w.expires_at > now).exists()
    stmt = select(m.id).where(*to_classify(model_version, False), ~live).limit(1)
    with reading(store.engine, "look for mentions to classify") as connection:
        return connection.execute(stmt).first() is not None


@dataclass(frozen=True)
class Waiting:
    """Mentions still to classify that other processes hold, and when the first lease ends."""

    held: int
    next_expiry: datetime | None


def waiting_on_others(store: Store, model_version: str) -> Waiting:
    """What other processes hold of ``model_version``'s remaining work (a worker with nothing
    left to claim waits for those leases to be released or to expire)."""
    m, now = MentionModel, store.now()
    stmt = (
        select(func.count(), func.min(w.expires_at))
        .select_from(w)
        .join(m, m.id == w.item)
        .where(w.kind == CLASSIFY, w.name == model_version, w.expires_at > now, *to_classify(model_version, False))
    )
    with reading(store.engine, "read leased mentions") as connection:
        held, first = connection.execute(stmt).one()
    return Waiting(int(held or 0), None if first is None else _aware(first))


def save_claimed(
    store: Store, items: Sequence[tuple[int, ClassificationValues]], *, holder: str | None = None
) -> ClassificationSaveResult:
    """Upsert the classifications of claimed mentions and give their leases up, in one transaction.

    Saving after the lease expired (another process took the batch over) writes
    the same rows again: the upsert keyed on mention and model version keeps one.
    """
    holder = holder or this_holder()
    with writing(store.engine, "save classifications") as connection:
        result = classifications.save_classifications(connection, items, now=store.now())
        for version in sorted({value.model_version for _, value in items}):
            ids = [mid for mid, value in items if value.model_version == version]
            leases.release_items(connection, CLASSIFY, version, ids, holder=holder)
    return result


def release_batch(store: Store, model_version: str, ids: Sequence[int], *, holder: str | None = None) -> int:
    """Give up the claims on ``ids`` unclassified (the run stopped or failed before saving them)."""
    with writing(store.engine, "release claimed mentions") as connection:
        return leases.release_items(connection, CLASSIFY, model_version, ids, holder=holder or this_holder())


def release_mine(store: Store, *, holder: str | None = None) -> int:
    """Give up every classify, collect and job lease this process holds (a clean exit); how many."""
    holder = holder or this_holder()
    with writing(store.engine, "release claimed work") as connection:
        return sum(leases.release_holders(connection, [holder], kind=kind) for kind in (CLASSIFY, COLLECT, JOB))


def cursor_name(source: str, brand: str) -> str:
    """The lease name of ``source``'s cursor for ``brand`` (source names have no ``:``)."""
    return f"{source}:{brand}"


def hold_cursor(
    store: Store, source: str, brand: str, *, lease_for: timedelta = DEFAULT_LEASE, holder: str | None = None
) -> Lease | None:
    """Lease the cursor of ``source`` for ``brand``; None while another collector holds it."""
    holder = holder or this_holder()
    for attempt in range(2):
        with writing(store.engine, "lease a cursor") as connection:
            lease = leases.acquire(
                connection, COLLECT, cursor_name(source, brand), holder=holder, now=store.now(), lease_for=lease_for
            )
        if lease is not None or attempt or not _reap(store, COLLECT):
            return lease
    return None


def release_cursor(store: Store, lease: Lease) -> None:
    """Give the cursor lease up (a no-op when it was taken over)."""
    with writing(store.engine, "release a cursor") as connection:
        leases.release(connection, lease)


def hold_job(
    store: Store, name: str, *, lease_for: timedelta = DEFAULT_LEASE, holder: str | None = None
) -> Lease | None:
    """Lease job ``name`` (one process at a time runs it); None while another holds it."""
    holder = holder or this_holder()
    for attempt in range(2):
        with writing(store.engine, "lease a job") as connection:
            lease = leases.acquire(connection, JOB, name, holder=holder, now=store.now(), lease_for=lease_for)
        if lease is not None or attempt or not _reap(store, JOB):
            return lease
    return None


def release_job(store: Store, lease: Lease) -> None:
    """Give a job's lease up (a no-op when it was taken over)."""
    with writing(store.engine, "release a job") as connection:
        leases.release(connection, lease)


def heartbeat(store: Store, worker: str, *, info: dict[str, Any], ttl: timedelta) -> bool:
    """Record that ``worker`` (this process) is alive for ``ttl`` more; False when a live
    worker of another process already uses that name."""
    with writing(store.engine, "record a worker heartbeat") as connection:
        lease = leases.acquire(
            connection,
            WORKER,
            worker,
            holder=this_holder(),
            now=store.now(),
            lease_for=ttl,
            info=info,
            reentrant=True,
        )
    return lease is not None


def drop_worker(store: Store, worker: str) -> None:
    """Remove ``worker``'s heartbeat (it stopped cleanly)."""
    with writing(store.engine, "remove a worker heartbeat") as connection:
        connection.execute(delete(w).where(w.kind == WORKER, w.name == worker, w.holder == this_holder()))


@dataclass(frozen=True)
class WorkerBeat:
    """One worker as its latest heartbeat describes it."""

    name: str
    holder: str
    last_beat: datetime
    expires_at: datetime
    alive: bool
    info: dict[str, Any]


@dataclass(frozen=True)
class HeldLeases:
    """The live leases one holder has of one kind."""

    kind: str
    holder: str
    count: int
    expires_at: datetime


@dataclass(frozen=True)
class WorkStatus:
    workers: list[WorkerBeat]
    leases: list[HeldLeases]


def work_status(store: Store) -> WorkStatus:
    """Every worker's latest heartbeat (live or not) and the classify and collect leases held."""
    now = store.now()
    with reading(store.engine, "read the workers' status") as connection:
        beats = connection.execute(select(w).where(w.kind == WORKER).order_by(w.name)).all()
        held = connection.execute(
            select(w.kind, w.holder, func.count(), func.min(w.expires_at))
            .where(w.kind != WORKER, w.expires_at > now)
            .group_by(w.kind, w.holder)
            .order_by(w.kind, w.holder)
        ).all()
    workers = [
        WorkerBeat(b.name, b.holder, b.acquired_at, b.expires_at, b.expires_at > now, dict(b.info or {})) for b in beats
    ]
    return WorkStatus(workers, [HeldLeases(k, h, int(n), _aware(e)) for k, h, n, e in held])


def _aware(value: Any) -> datetime:
    """min() over a SQLite text column loses the column type: parse and mark UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
