"""What became of each digest period: the ``digest_runs`` ledger as ``cxpulse digest status`` shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cxpulse.app.digest.build import find_digest
from cxpulse.config import LoadedConfig
from foundation.clock import utc_now
from foundation.periods import Period
from storage import Store
from storage.digest_runs import MAX_UNCERTAIN_ATTEMPTS, STALE_AFTER, DigestRun, holder_gone, list_runs

__all__ = ["RunStatus", "digest_status"]


@dataclass(frozen=True)
class RunStatus:
    """One digest and period: its state, its attempts, and what happens next."""

    name: str
    period: str
    """The period as people write it (in the digest's time zone), e.g. "16-22 Nov 2026" (with an en dash)."""
    period_start: datetime
    period_end: datetime
    status: str
    """``pending``, ``sending``, ``sent``, ``failed`` or ``uncertain`` (docs/digests.md)."""
    message_id: str | None
    recipients: tuple[str, ...]
    attempts: int
    """How many times the message was handed to a mail server."""
    uncertain_attempts: int
    """How many of those may have delivered a copy the server never confirmed."""
    claimed_at: datetime
    claimed_by: str | None
    sent_at: datetime | None
    error: str | None
    next: str
    """What the next ``cxpulse digest send`` (or scheduled run) of this period does."""


def digest_status(
    store: Store, loaded: LoadedConfig, name: str | None = None, *, now: datetime | None = None
) -> list[RunStatus]:
    """Every recorded period (of digest ``name``, which must be configured), newest first per digest."""
    if name is not None:
        find_digest(loaded.settings, name)
    now = now or utc_now()
    zones = {d.name: (d.timezone, d.period) for d in loaded.settings.digests}
    return [_status(run, zones.get(run.name), now) for run in list_runs(store, name)]


def _status(run: DigestRun, zone: tuple[str, str] | None, now: datetime) -> RunStatus:
    return RunStatus(
        name=run.name,
        period=_label(run, zone),
        period_start=run.period_start,
        period_end=run.period_end,
        status=run.status,
        message_id=run.message_id,
        recipients=run.recipients,
        attempts=run.attempts,
        uncertain_attempts=run.uncertain_attempts,
        claimed_at=run.claimed_at,
        claimed_by=run.claimed_by,
        sent_at=run.sent_at,
        error=run.error,
        next=_next(run, now),
    )


def _label(run: DigestRun, zone: tuple[str, str] | None) -> str:
    if zone is None:  # no longer configured: show the UTC range
        return f"{run.period_start:%Y-%m-%d %H:%M}..{run.period_end:%Y-%m-%d %H:%M} UTC"
    timezone, kind = zone
    tz = ZoneInfo(timezone)
    return Period(run.period_start.astimezone(tz).date(), run.period_end.astimezone(tz).date(), timezone, kind).label


def _next(run: DigestRun, now: datetime) -> str:
    if run.status == "sent":
        return "nothing: never sent again"
    if run.status in ("pending", "sending"):
        if now - run.claimed_at < STALE_AFTER and not holder_gone(run.claimed_by):
            stale = run.claimed_at + STALE_AFTER
            return f"wait: run {run.claimed_by} is on it (taken as dead after {stale:%Y-%m-%d %H:%M} UTC)"
        if run.status == "pending" and not run.uncertain_attempts:
            return "sent by the next send (its run died before handing it over)"
        if run.uncertain_attempts + (run.status == "sending") < MAX_UNCERTAIN_ATTEMPTS:
            return "resent once by the next send, same Message-ID (its run died; it may have arrived)"
        return "none automatic (its run died; it may have arrived): check, then send --resend"
    if run.status == "failed":
        return "retried by the next send, same Message-ID"
    if run.uncertain_attempts < MAX_UNCERTAIN_ATTEMPTS:
        return "resent once by the next send, same Message-ID"
    return "none automatic: ask a recipient whether it arrived; send --resend sends it again"
