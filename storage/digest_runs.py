"""The ``digest_runs`` ledger: each (digest, period) is claimed, then marked sent or failed.

A run is *claimed* by inserting its row (the unique key on name and period
makes a second insert fail) or by moving a failed row back to pending in one
conditional UPDATE, so two processes never send the same period. A sent row
is final. A pending row older than :data:`STALE_AFTER` belongs to a run
that died mid-way and may be claimed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from foundation.periods import Period
from foundation.secrets import scrub
from storage import Store
from storage.connections import writing
from storage.models import DigestRunModel

__all__ = ["STALE_AFTER", "Claim", "claim_run", "finish_run"]

STALE_AFTER = timedelta(minutes=15)
r = DigestRunModel


@dataclass(frozen=True)
class Claim:
    """The outcome of trying to claim a period: ``claimed`` true means this process sends it."""

    claimed: bool
    status: str
    """Status of the row as found: ``"new"``, ``"failed"``, ``"pending"`` or ``"sent"``."""
    message_id: str | None
    sent_at: datetime | None
    recipients: tuple[str, ...]


def _key(name: str, period: Period) -> list[ColumnElement[bool]]:
    return [r.name == name, r.period_start == period.start_utc, r.period_end == period.end_utc]


def claim_run(store: Store, name: str, period: Period, *, now: datetime, message_id: str) -> Claim:
    """Claim ``(name, period)`` for sending, unless it was sent or another run holds it."""
    stale = now - STALE_AFTER
    for _attempt in range(2):
        with writing(store.engine, f"record digest {name!r}") as connection:
            found = connection.execute(select(r).where(*_key(name, period))).one_or_none()
            if found is None:
                try:
                    with connection.begin_nested():
                        connection.execute(
                            insert(r).values(
                                name=name,
                                period_start=period.start_utc,
                                period_end=period.end_utc,
                                status="pending",
                                message_id=message_id,
                                created_at=now,
                            )
                        )
                except IntegrityError:
                    continue  # another process inserted it first: look again
                return Claim(True, "new", message_id, None, ())
            recipients = tuple(found.recipients or ())
            if found.status == "sent":
                return Claim(False, "sent", found.message_id, found.sent_at, recipients)
            # Reuse the Message-ID of an earlier attempt: if the server did take that one, clients
            # that saw it fold the retry into it instead of showing it twice.
            reuse = found.message_id or message_id
            claimed = connection.execute(
                update(r)
                .where(
                    *_key(name, period),
                    or_(r.status == "failed", and_(r.status == "pending", r.created_at < stale)),
                )
                .values(status="pending", created_at=now, message_id=reuse)
            ).rowcount
            return Claim(bool(claimed), found.status, reuse, None, recipients)
    raise RuntimeError("digest run claim kept racing")  # pragma: no cover


def finish_run(
    store: Store,
    name: str,
    period: Period,
    *,
    status: str,
    now: datetime,
    message_id: str | None,
    recipients: Sequence[str],
    error: str | None,
) -> None:
    """Record the end of a claimed run: ``"sent"`` (with its time) or ``"failed"`` (with the error,
    scrubbed of secrets: an SMTP reply quoted in it may echo the password)."""
    with writing(store.engine, f"record the outcome of digest {name!r}") as connection:
        connection.execute(
            update(r)
            .where(*_key(name, period), r.status == "pending")
            .values(
                status=status,
                message_id=message_id,
                recipients=list(recipients),
                error=scrub(error) if error is not None else None,
                sent_at=now if status == "sent" else None,
            )
        )
