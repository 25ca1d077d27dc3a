"""One alert check: detect spikes, skip those alerted within the cooldown, send and record the rest.

An alert counts as sent when at least one channel (email, webhook) delivered
it; then no alert for the same brand, topic and kind goes out until the
cooldown (default: the window) has passed. When every channel failed the
alert is recorded as failed and sent again by the next check that still sees
the spike. When no channel confirmed it but the email may have arrived (the
mail server got the whole message and the connection ended before its reply),
the alert is recorded as uncertain and, like a sent one, not sent again
within the cooldown: at most one copy per cooldown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cxpulse.app.alerts.detect import ALL_TOPICS, Detection, Spike, detect, windows_for
from cxpulse.app.alerts.notify import build_email, compose, post_webhook
from cxpulse.app.mail import Mailer
from cxpulse.config import LoadedConfig
from foundation.clock import utc_now
from foundation.errors import DeliveryError, DeliveryUncertain
from storage import Store
from storage.alerts import (
    AlertRecord,
    activity,
    last_sent_alert,
    quoted_mentions,
    record_alert,
)

__all__ = ["AlertCheck", "AlertResult", "check_alerts"]

logger = logging.getLogger(__name__)

Status = Literal["sent", "uncertain", "failed", "cooldown", "dry_run"]


@dataclass(frozen=True)
class AlertResult:
    """What became of one spike."""

    spike: Spike
    status: Status
    channels: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class AlertCheck:
    """The outcome of one check."""

    detection: Detection
    results: list[AlertResult]

    @property
    def failed(self) -> bool:
        """True when an alert was not confirmed delivered (failed, or uncertain)."""
        return any(r.status in ("failed", "uncertain") for r in self.results)

    @property
    def summary(self) -> str:
        statuses = ("sent", "uncertain", "failed", "cooldown", "dry_run")
        counts = {s: sum(r.status == s for r in self.results) for s in statuses}
        parts = [f"{self.detection.tests} tests, {len(self.detection.spikes)} spike(s)"]
        parts += [f"{n} {status.replace('_', ' ')}" for status, n in counts.items() if n]
        return ", ".join(parts)


def _brands(loaded: LoadedConfig) -> list[str]:
    settings = loaded.settings
    known = [b.name for b in settings.brands]
    for i, name in enumerate(settings.alerts.brands):
        if name not in known:
            raise loaded.error(
                ("alerts", "brands", i),
                f"brand {name!r} is not defined in [[brands]] (known: {', '.join(known) or 'none'})",
            )
    return list(settings.alerts.brands) or known


def check_alerts(
    store: Store,
    loaded: LoadedConfig,
    env: Mapping[str, str],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> AlertCheck:
    """Test every configured brand (and topic) for spikes at ``now`` and alert on new ones.

    With ``dry_run`` nothing is sent or recorded. Raises ConfigError when
    alerts are disabled (unless dry run) or have nowhere to go.
    """
    settings = loaded.settings.alerts
    now = now or utc_now()
    brands = _brands(loaded)
    mailer, webhook = (None, None) if dry_run else _channels(loaded, env)
    windows = windows_for(now, settings)
    version = store.latest_model_version()
    detection = detect(activity(store, brands, windows.earliest, windows.end, version), windows, settings)
    results: list[AlertResult] = []
    for spike in detection.spikes:
        last = last_sent_alert(store, spike.brand, spike.topic, spike.kind)
        if last is not None and now - last < settings.cooldown_length:
            results.append(AlertResult(spike, "cooldown"))
            continue
        message = compose(spike, quoted_mentions(store, spike.mention_ids[: settings.top_mentions], version))
        if dry_run:
            results.append(AlertResult(spike, "dry_run"))
            continue
        channels: list[str] = []
        errors: list[str] = []
        unconfirmed = False
        if mailer is not None:
            email = build_email(
                message,
                spike,
                detection,
                sender=mailer.smtp.sender,
                recipients=settings.recipients,
                cooldown=settings.cooldown or settings.window,
            )
            try:
                mailer.send(email, settings.recipients)
                channels.append("email")
            except DeliveryUncertain as exc:
                unconfirmed = True
                errors.append(str(exc))
            except DeliveryError as exc:
                errors.append(str(exc))
        if webhook is not None:
            error = post_webhook(webhook, message, spike, timeout=settings.webhook_timeout)
            if error is None:
                channels.append("webhook")
            else:
                errors.append(error)
        status: Status = "sent" if channels else "uncertain" if unconfirmed else "failed"
        error_text = "; ".join(errors) or None
        record_alert(store, _record(spike, now, status, channels, error_text))
        results.append(AlertResult(spike, status, tuple(channels), error_text))
        _log(spike, status, channels, error_text)
    return AlertCheck(detection, results)


def _channels(loaded: LoadedConfig, env: Mapping[str, str]) -> tuple[Mailer | None, str | None]:
    settings = loaded.settings.alerts
    if not settings.enabled:
        raise loaded.error(("alerts",), "alerts are disabled; set enabled = true in [alerts] (or use --dry-run)")
    if not settings.recipients and settings.webhook is None:
        raise loaded.error(
            ("alerts",),
            'alerts have nowhere to go; add recipients = ["cx@example.com"] or webhook = { env = "SLACK_WEBHOOK_URL" }',
        )
    mailer = Mailer.from_config(loaded, env) if settings.recipients else None
    webhook = None
    if settings.webhook is not None:
        webhook = str(loaded.resolve_secret(settings.webhook, ("alerts", "webhook"), env))
    return mailer, webhook


def _record(spike: Spike, now: datetime, status: Status, channels: list[str], error: str | None) -> AlertRecord:
    return AlertRecord(
        brand=spike.brand,
        topic=spike.topic,
        kind=spike.kind,
        window_start=spike.window_start,
        window_end=spike.window_end,
        detected_at=now,
        observed=spike.observed,
        expected=spike.expected,
        p_value=spike.p_value,
        mentions=spike.mentions,
        status=status,
        channels=channels,
        error=error,
    )


def _log(spike: Spike, status: Status, channels: list[str], error: str | None) -> None:
    topic = spike.topic if spike.topic != ALL_TOPICS else "all topics"
    if status == "sent":
        logger.info("%s alert for %s (%s) sent by %s", spike.kind, spike.brand, topic, " and ".join(channels))
    elif status == "uncertain":
        logger.error(
            "%s alert for %s (%s) may or may not have arrived, not sent again within the cooldown: %s",
            spike.kind,
            spike.brand,
            topic,
            error,
        )
    else:
        logger.error("%s alert for %s (%s) not delivered: %s", spike.kind, spike.brand, topic, error)
    if status == "sent" and error:
        logger.warning("%s alert for %s: %s", spike.kind, spike.brand, error)


def check_alerts_exclusive(
    store: Store, loaded: LoadedConfig, env: Mapping[str, str], *, now: datetime | None = None
) -> AlertCheck | None:
    """:func:`check_alerts` while holding the store's ``alerts`` lease, so two workers never
    check (and send) at the same time; None when another process is checking now.

    The lease lasts ``[execution] lease_seconds``; the alert records then keep a later
    check from sending what this one sent (the cooldown).
    """
    from storage import claims

    lease = claims.hold_job(store, "alerts", lease_for=loaded.settings.execution.lease_length)
    if lease is None:
        return None
    try:
        return check_alerts(store, loaded, env, now=now)
    finally:
        claims.release_job(store, lease)
