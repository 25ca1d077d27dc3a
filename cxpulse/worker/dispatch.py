"""The Celery adapter of :class:`cxpulse.app.dispatch.Dispatcher`: a job becomes a task on its queue."""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery
from kombu.exceptions import OperationalError

from cxpulse.worker.celery_app import TASK_NAMES
from foundation.errors import BrokerError
from foundation.secrets import scrub

__all__ = ["CeleryDispatcher"]


class CeleryDispatcher:
    """Sends tasks by name: the scheduler needs no task code, only the broker."""

    def __init__(self, app: Celery) -> None:
        self._app = app

    def enqueue(self, kind: str, args: Sequence[str] = (), *, countdown: float | None = None) -> str:
        try:
            result = self._app.send_task(TASK_NAMES[kind], args=list(args), queue=kind, countdown=countdown)
        except OperationalError as exc:
            raise BrokerError(
                f"cannot put a {kind} task on the broker {scrub(str(self._app.conf.broker_url))}: {scrub(str(exc))}; "
                "check that it runs and [execution] broker_url"
            ) from exc
        return str(result.id)
