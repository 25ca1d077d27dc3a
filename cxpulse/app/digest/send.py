"""Send a digest exactly once per period, recording every attempt in ``digest_runs``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
from foundation.errors import CxPulseError
from foundation.periods import Period, parse_period
from storage import Store
from storage.digest_runs import claim_run, finish_run

__all__ = ["DigestOutcome", "send_digest"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestOutcome:
    """What :func:`send_digest` did for one digest and period.

    ``status``: ``"sent"`` now; ``"already_sent"`` earlier (nothing sent now);
    ``"in_progress"`` another run holds the period right now (nothing sent);
    ``"failed"`` not sent, recorded with ``error`` and retried on the next run.
    """

    name: str
    period: Period
    status: Literal["sent", "already_sent", "in_progress", "failed"]
    message_id: str | None
    recipients: tuple[str, ...]
    sent_at: datetime | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


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
) -> DigestOutcome:
    """Send digest ``digest_name`` for ``period`` (default: its last complete period) unless sent before.

    Idempotent: a period recorded as sent is never sent again. A failed send
    (server down or refusing) is recorded with its error and returned as
    ``status="failed"``; the next call tries again. Configuration problems
    (unknown digest, no ``[smtp]``, unset password variable) raise
    :class:`~foundation.errors.ConfigError` before anything is recorded.
    """
    digest = find_digest(loaded_config.settings, digest_name)
    now = now or utc_now()
    if not isinstance(period, Period):
        period = parse_period(period, digest.period, digest.timezone, now)
    mailer = mailer or Mailer.from_config(loaded_config, env)
    recipients = tuple(digest.recipients)
    fresh_id = make_msgid(idstring="digest", domain=message_domain(mailer.smtp.sender))
    claim = claim_run(store, digest.name, period, now=now, message_id=fresh_id)
    if not claim.claimed:
        status: Literal["already_sent", "in_progress"] = "already_sent" if claim.status == "sent" else "in_progress"
        log.info("digest %s for %s not sent again: %s", digest.name, period.label, status.replace("_", " "))
        return DigestOutcome(digest.name, period, status, claim.message_id, claim.recipients, claim.sent_at)

    message_id = claim.message_id or fresh_id
    try:
        built = build_digest(store, loaded_config, digest.name, period, now=now, model_version=model_version)
        message = build_message(
            render_digest(built), sender=mailer.smtp.sender, recipients=recipients, now=now, message_id=message_id
        )
        refused = mailer.send(message, recipients)
    except (CxPulseError, OSError, ValueError) as exc:
        error = str(exc)
        log.warning("digest %s for %s failed, will retry on the next run: %s", digest.name, period.label, error)
        finish_run(
            store,
            digest.name,
            period,
            status="failed",
            now=now,
            message_id=message_id,
            recipients=recipients,
            error=error,
        )
        return DigestOutcome(digest.name, period, "failed", message_id, recipients, None, error)
    note = "; ".join(f"{rcpt} refused: {code}" for rcpt, (code, _) in refused.items()) or None
    finish_run(
        store, digest.name, period, status="sent", now=now, message_id=message_id, recipients=recipients, error=note
    )
    log.info("sent digest %s for %s to %d recipient(s)", digest.name, period.label, len(recipients))
    return DigestOutcome(digest.name, period, "sent", message_id, recipients, now, note)
