"""The ``digest_runs`` ledger: each (digest, period) is claimed, handed to the mail server, then marked.

One row per digest and period; its ``status``:

============  ==============================================================================
``pending``   claimed by a run that is building the email; nothing handed to a server yet
``sending``   that run is handing it to the mail server now (``attempts`` counts hand-overs)
``sent``      the server confirmed it: final, never sent again
``failed``    certainly not delivered (server refused it, or was not reached): retried
``uncertain`` it may have been delivered: the connection ended after the whole message
              went out and before the server confirmed it, or the run died while sending
============  ==============================================================================

A run is claimed by inserting the row (the unique key on name and period makes
a second insert fail) or by one UPDATE conditional on the row as it was read,
so two processes never hand the same period to a server at the same time. The
claim records its holder (``pid@host``). A ``pending`` or ``sending`` row whose
holder is gone (a process of this host that no longer runs) or that was claimed
more than :data:`STALE_AFTER` ago belongs to a run that died: a ``pending``
one is claimed again (nothing was sent), a ``sending`` one counts as an
uncertain attempt first.

``uncertain_attempts`` counts the hand-overs that may have delivered a copy. A
period is sent again automatically (always with the same Message-ID) only
while fewer than :data:`MAX_UNCERTAIN_ATTEMPTS` (2) did: the first attempt
and at most one automatic resend, so at most two copies can ever arrive
without an explicit ``resend``. Attempts that certainly failed do not count.
A period once uncertain stays uncertain until a send is confirmed, even when
a later attempt fails outright (the caller records that as ``uncertain``).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.exc import IntegrityError

from foundation.periods import Period
from foundation.secrets import scrub
from storage import Store
from storage.connections import reading, writing
from storage.models import DigestRunModel

__all__ = [
    "MAX_UNCERTAIN_ATTEMPTS",
    "STALE_AFTER",
    "Claim",
    "DigestRun",
    "claim_run",
    "finish_run",
    "holder_gone",
    "list_runs",
    "mark_sending",
    "this_holder",
]

STALE_AFTER = timedelta(minutes=15)
"""A claim older than this belongs to a run that died (when its holder cannot be checked)."""
MAX_UNCERTAIN_ATTEMPTS = 2
"""No automatic send once this many attempts may have delivered a copy: the first and one resend."""
r = DigestRunModel


@dataclass(frozen=True)
class Claim:
    """The outcome of trying to claim a period: ``claimed`` true means this process sends it."""

    claimed: bool
    status: str
    """Status of the row as found (``"new"`` when there was none); ``"uncertain"`` for a
    ``sending`` row whose run died."""
    message_id: str | None
    sent_at: datetime | None
    recipients: tuple[str, ...]
    resend: bool = False
    """True when an earlier attempt may have arrived: this send is a resend."""
    holder: str | None = None
    """Who holds the row when it is not claimed (``pid@host``)."""
    claimed_at: datetime | None = None
    error: str | None = None
    """The error recorded for the earlier attempt."""
    uncertain_attempts: int = 0


@dataclass(frozen=True)
class DigestRun:
    """One row of ``digest_runs``, as ``cxpulse digest status`` shows it."""

    name: str
    period_start: datetime
    period_end: datetime
    status: str
    message_id: str | None
    recipients: tuple[str, ...]
    error: str | None
    claimed_at: datetime
    sent_at: datetime | None
    claimed_by: str | None
    attempts: int
    uncertain_attempts: int


def this_holder() -> str:
    """This process, as a claim records it."""
    return f"{os.getpid()}@{socket.gethostname()}"


def holder_gone(holder: str | None) -> bool:
    """True when ``holder`` is a process of this host that no longer runs (unknown: False)."""
    pid, _, host = (holder or "").partition("@")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it runs, as another user
        return False
    return False


def _key(name: str, period: Period) -> list[ColumnElement[bool]]:
    return [r.name == name, r.period_start == period.start_utc, r.period_end == period.end_utc]


def claim_run(
    store: Store, name: str, period: Period, *, now: datetime, message_id: str, resend: bool = False
) -> Claim:
    """Claim ``(name, period)`` for sending, unless it was sent, another run holds it, or it may
    have been delivered :data:`MAX_UNCERTAIN_ATTEMPTS` times already (then only ``resend`` claims it).
    """
    holder = this_holder()
    for _attempt in range(3):
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
                                claimed_by=holder,
                            )
                        )
                except IntegrityError:
                    continue  # another process inserted it first: look again
                return Claim(True, "new", message_id, None, ())
            recipients = tuple(found.recipients or ())
            if found.status == "sent":
                return Claim(False, "sent", found.message_id, found.sent_at, recipients)
            running = found.status in ("pending", "sending")
            dead = found.created_at < now - STALE_AFTER or holder_gone(found.claimed_by)
            if running and not dead:
                return Claim(
                    False,
                    found.status,
                    found.message_id,
                    None,
                    recipients,
                    holder=found.claimed_by,
                    claimed_at=found.created_at,
                )
            # Reuse the Message-ID of an earlier attempt: if the server did take that one, clients
            # that saw it fold the retry into it instead of showing it twice.
            reuse = found.message_id or message_id
            status, error, uncertain = found.status, found.error, found.uncertain_attempts
            if status == "sending":  # its run died while handing it over
                status, uncertain = "uncertain", uncertain + 1
                error = (
                    f"the run {found.claimed_by or '(unknown)'} that claimed it at {found.created_at:%Y-%m-%d %H:%M} "
                    "UTC stopped while handing it to the mail server (killed?)"
                )
            may_have_arrived = uncertain > 0
            if may_have_arrived and uncertain >= MAX_UNCERTAIN_ATTEMPTS and not resend:
                changed = connection.execute(
                    update(r)
                    .where(*_key(name, period), r.status == found.status, r.created_at == found.created_at)
                    .values(status="uncertain", error=error, uncertain_attempts=uncertain)
                ).rowcount
                if not changed:
                    continue
                return Claim(
                    False,
                    "uncertain",
                    reuse,
                    None,
                    recipients,
                    claimed_at=found.created_at,
                    error=error,
                    uncertain_attempts=uncertain,
                )
            claimed = connection.execute(
                update(r)
                .where(*_key(name, period), r.status == found.status, r.created_at == found.created_at)
                .values(
                    status="pending",
                    created_at=now,
                    message_id=reuse,
                    claimed_by=holder,
                    error=error,
                    uncertain_attempts=uncertain,
                )
            ).rowcount
            if not claimed:
                continue  # another run changed it between our read and write: look again
            return Claim(
                True,
                status,
                reuse,
                None,
                recipients,
                resend=may_have_arrived,
                error=error,
                uncertain_attempts=uncertain,
            )
    raise RuntimeError("digest run claim kept racing")  # pragma: no cover


def mark_sending(store: Store, name: str, period: Period) -> bool:
    """Record that this process starts handing its claimed period to the mail server.

    False when the claim is no longer this process's (another run took it over as
    stale): then it must not send.
    """
    with writing(store.engine, f"record digest {name!r}") as connection:
        changed = connection.execute(
            update(r)
            .where(*_key(name, period), r.status == "pending", r.claimed_by == this_holder())
            .values(status="sending", attempts=r.attempts + 1)
        ).rowcount
    return bool(changed)


def finish_run(
    store: Store,
    name: str,
    period: Period,
    *,
    status: str,
    now: datetime,
    message_id: str | None,
    recipients: tuple[str, ...] | list[str],
    error: str | None,
    may_have_arrived: bool = False,
) -> bool:
    """Record the end of this process's claimed run: ``"sent"`` (with its time), ``"failed"`` or
    ``"uncertain"`` (with the error). ``may_have_arrived``: this attempt may have delivered a copy
    (it counts towards :data:`MAX_UNCERTAIN_ATTEMPTS`).

    False when the claim is no longer this process's (nothing recorded).
    """
    values: dict[str, object] = {
        "status": status,
        "message_id": message_id,
        "recipients": list(recipients),
        "error": scrub(error) if error is not None else None,  # an SMTP reply quoted in it may echo the password
        "sent_at": now if status == "sent" else None,
    }
    if may_have_arrived:
        values["uncertain_attempts"] = r.uncertain_attempts + 1
    with writing(store.engine, f"record the outcome of digest {name!r}") as connection:
        changed = connection.execute(
            update(r)
            .where(*_key(name, period), r.status.in_(("pending", "sending")), r.claimed_by == this_holder())
            .values(**values)
        ).rowcount
    return bool(changed)


def list_runs(store: Store, name: str | None = None) -> list[DigestRun]:
    """Every recorded run (of digest ``name``), newest period first."""
    stmt = select(r).order_by(r.name, r.period_start.desc())
    if name is not None:
        stmt = stmt.where(r.name == name)
    with reading(store.engine, "read the digest runs") as connection:
        rows = connection.execute(stmt).all()
    return [
        DigestRun(
            name=row.name,
            period_start=row.period_start,
            period_end=row.period_end,
            status=row.status,
            message_id=row.message_id,
            recipients=tuple(row.recipients or ()),
            error=row.error,
            claimed_at=row.created_at,
            sent_at=row.sent_at,
            claimed_by=row.claimed_by,
            attempts=row.attempts,
            uncertain_attempts=row.uncertain_attempts,
        )
        for row in rows
    ]
