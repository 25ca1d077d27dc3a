"""Send a digest exactly once per period, recording every attempt in ``digest_runs``.

The rules (docs/digests.md, "Sending exactly once"; the ledger's states in
:mod:`storage.digest_runs`): a period recorded as sent is never sent again; one
that certainly failed is retried by the next send; one that may have been
delivered (the server never confirmed the message it received, or the run
died while sending) is *uncertain*: it is resent automatically at most once,
always with the same Message-ID, and after that only by an explicit
``resend``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from typing import Literal

from cxpulse.app.digest.build import build_digest, find_digest
from cxpulse.app.digest.message import build_message, message_domain
from cxpulse.app.digest.render import render_digest
from cxpulse.app.mail import Mailer
from cxpulse.config import LoadedConfig
from foundation.clock import utc_now
from foundation.errors import CxPulseError, DeliveryError, DeliveryUncertain
from foundation.periods import Period, parse_period
from storage import Store
from storage.digest_runs import MAX_UNCERTAIN_ATTEMPTS, STALE_AFTER, Claim, claim_run, finish_run, mark_sending

__all__ = ["DigestOutcome", "DigestStatus", "send_digest"]

log = logging.getLogger(__name__)

DigestStatus = Literal["sent", "already_sent", "in_progress", "failed", "uncertain"]


@dataclass(frozen=True)
class DigestOutcome:
    """What :func:`send_digest` did for one digest and period.

    ``status``: ``"sent"`` now (``resent``: an earlier attempt may have arrived
    too); ``"already_sent"`` earlier (nothing sent now); ``"in_progress"``
    another run holds the period right now (nothing sent; ``holder`` and
    ``claimed_at`` say which and since when); ``"failed"`` certainly not
    delivered, recorded with ``error`` and retried on the next send;
    ``"uncertain"`` it may have been delivered (``error`` says why); the next
    send resends it once while ``auto_resend_left``, else only ``resend`` does.
    """

    name: str
    period: Period
    status: DigestStatus
    message_id: str | None
    recipients: tuple[str, ...]
    sent_at: datetime | None = None
    error: str | None = None
    resent: bool = False
    auto_resend_left: bool = False
    holder: str | None = None
    claimed_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the digest is known to be delivered (now or before)."""
        return self.status in ("sent", "already_sent")

    @property
    def stale_at(self) -> datetime | None:
        """For ``in_progress``: when the holding run counts as dead if it has not finished."""
        return None if self.claimed_at is None else self.claimed_at + STALE_AFTER


def send_digest(
    store: Store,
    loaded_config: LoadedConfig,
    digest_name: str,
    period: Period | str | None = None,
    *,
    now: datetime | None = None,
    model_version: str | None = None,
    mailer: Mailer | None = None,
    env: Mapping[str, str] | None = None,
    resend: bool = False,
) -> DigestOutcome:
    """Send digest ``digest_name`` for ``period`` (default: its last complete period) unless sent before.

    Idempotent: a period recorded as sent is never sent again. A send that
    certainly failed (server down or refusing) is recorded with its error and
    returned as ``status="failed"``; the next call tries again. One that may
    have been delivered is ``"uncertain"``: the next call resends it once, with
    the same Message-ID; after that only ``resend=True`` sends it again.
    Configuration problems (unknown digest, no ``[smtp]``, unset password
    variable) raise :class:`~foundation.errors.ConfigError` before anything is recorded.
    """
    digest = find_digest(loaded_config.settings, digest_name)
    now = now or utc_now()
    if not isinstance(period, Period):
        period = parse_period(period, digest.period, digest.timezone, now)
    mailer = mailer or Mailer.from_config(loaded_config, env)
    recipients = tuple(digest.recipients)
    fresh_id = make_msgid(idstring="digest", domain=message_domain(mailer.smtp.sender))
    claim = claim_run(store, digest.name, period, now=now, message_id=fresh_id, resend=resend)
    if not claim.claimed:
        return _not_claimed(digest.name, period, claim)

    message_id = claim.message_id or fresh_id

    def finish(status: str, error: str | None, *, may_have_arrived: bool = False) -> None:
        recorded = finish_run(
            store,
            digest.name,
            period,
            status=status,
            now=now,
            message_id=message_id,
            recipients=recipients,
            error=error,
            may_have_arrived=may_have_arrived,
        )
        if not recorded:
            log.warning("digest %s for %s: another run took the claim over; not recorded", digest.name, period.label)

    try:
        built = build_digest(store, loaded_config, digest.name, period, now=now, model_version=model_version)
        message = build_message(
            render_digest(built), sender=mailer.smtp.sender, recipients=recipients, now=now, message_id=message_id
        )
    except (CxPulseError, OSError, ValueError) as exc:
        return _failed(digest.name, period, claim, message_id, recipients, str(exc), finish)
    if not mark_sending(store, digest.name, period):
        log.warning("digest %s for %s: another run took the claim over; not sent", digest.name, period.label)
        return DigestOutcome(digest.name, period, "in_progress", message_id, recipients)
    try:
        refused = mailer.send(message, recipients)
    except DeliveryUncertain as exc:
        left = claim.uncertain_attempts + 1 < MAX_UNCERTAIN_ATTEMPTS
        log.warning("digest %s for %s may or may not have arrived: %s", digest.name, period.label, exc)
        finish("uncertain", str(exc), may_have_arrived=True)
        return DigestOutcome(
            digest.name, period, "uncertain", message_id, recipients, None, str(exc), claim.resend, left
        )
    except DeliveryError as exc:
        return _failed(digest.name, period, claim, message_id, recipients, str(exc), finish)
    except BaseException as exc:  # interrupted or crashed mid-send: the server may have the message
        try:
            error = f"stopped while handing it to the mail server ({type(exc).__name__})"
            finish("uncertain", error, may_have_arrived=True)
        except Exception:  # the store failed too: the row stays "sending", which the next run reads the same way
            log.exception("digest %s for %s: could not record the interrupted send", digest.name, period.label)
        raise
    notes = [f"{rcpt} refused: {code}" for rcpt, (code, _) in refused.items()]
    if claim.resend:
        earlier = f" ({claim.error})" if claim.error else ""
        notes.insert(0, f"resent with the same Message-ID after an attempt that may have arrived{earlier}")
    note = "; ".join(notes) or None
    finish("sent", note)
    log.info("sent digest %s for %s to %d recipient(s)", digest.name, period.label, len(recipients))
    return DigestOutcome(digest.name, period, "sent", message_id, recipients, now, note, claim.resend)


def _not_claimed(name: str, period: Period, claim: Claim) -> DigestOutcome:
    if claim.status == "sent":
        log.info("digest %s for %s not sent again: already sent", name, period.label)
        return DigestOutcome(name, period, "already_sent", claim.message_id, claim.recipients, claim.sent_at)
    if claim.status == "uncertain":
        log.warning(
            "digest %s for %s not resent: %d attempts may have arrived (%s)",
            name,
            period.label,
            claim.uncertain_attempts,
            claim.error,
        )
        return DigestOutcome(name, period, "uncertain", claim.message_id, claim.recipients, None, claim.error)
    since = f"{claim.claimed_at:%Y-%m-%d %H:%M} UTC" if claim.claimed_at else "unknown"
    log.info("digest %s for %s not sent: run %s holds it since %s", name, period.label, claim.holder, since)
    return DigestOutcome(
        name,
        period,
        "in_progress",
        claim.message_id,
        claim.recipients,
        holder=claim.holder,
        claimed_at=claim.claimed_at,
    )


def _failed(
    name: str,
    period: Period,
    claim: Claim,
    message_id: str,
    recipients: tuple[str, ...],
    error: str,
    finish: Callable[..., None],
) -> DigestOutcome:
    """This attempt certainly failed; the period stays uncertain when an earlier one may have arrived."""
    if claim.uncertain_attempts:
        error = f"{error}; an earlier attempt may have arrived ({claim.error})"
        log.warning("digest %s for %s: the resend failed: %s", name, period.label, error)
        finish("uncertain", error)
        left = claim.uncertain_attempts < MAX_UNCERTAIN_ATTEMPTS
        return DigestOutcome(name, period, "uncertain", message_id, recipients, None, error, True, left)
    log.warning("digest %s for %s failed, will retry on the next run: %s", name, period.label, error)
    finish("failed", error)
    return DigestOutcome(name, period, "failed", message_id, recipients, None, error)
