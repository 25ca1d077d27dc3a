"""``cxpulse workers status``: queue depths from the broker, heartbeats and claims from the store."""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery

from cxpulse.config.execution import QUEUES
from foundation.errors import BrokerError
from foundation.secrets import scrub
from storage import Store, claims

__all__ = ["WorkersReport", "queue_depths", "workers_report"]

BROKER_TIMEOUT = 5.0
"""Seconds to wait for the broker before saying it cannot be reached."""


def queue_depths(app: Celery) -> dict[str, int]:
    """Messages waiting in each queue (not counting those workers have reserved)."""
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
            channel = connection.default_channel
            depths = {}
            for name in QUEUES:
                declared = channel.queue_declare(queue=name, passive=False, durable=True, auto_delete=False)
                depths[name] = int(declared.message_count)
            return depths
    except Exception as exc:  # kombu and the transports raise many kinds: one message
        detail = scrub(str(exc)) or type(exc).__name__
        raise BrokerError(
            f"cannot read the queues on the broker {scrub(str(app.conf.broker_url))}: {detail}; "
            "check that it runs and [execution] broker_url"
        ) from exc


@dataclass(frozen=True)
class WorkersReport:
    queues: dict[str, int]
    status: claims.WorkStatus

    @property
    def live_workers(self) -> int:
        return sum(1 for w in self.status.workers if w.alive)


def workers_report(app: Celery, store: Store) -> WorkersReport:
    """Queue depths and the store's view of the workers."""
    return WorkersReport(queue_depths(app), claims.work_status(store))
