"""The Celery application of cxpulse: the broker, one queue per kind of work, the tasks.

Settings chosen for "no fault loses or repeats work" (the Celery documentation's
names):

* ``task_acks_late`` with ``task_reject_on_worker_lost``: a task is acknowledged
  after it ran, and a pool process that dies mid-task puts its message back;
  every task is idempotent (:mod:`cxpulse.worker.tasks`), so running one again
  is safe.
* ``worker_prefetch_multiplier`` = ``[execution] prefetch`` (1): a worker reserves
  one task per process, so long classification tasks spread over the workers.
* Redis ``visibility_timeout`` = ``[execution] visibility_timeout``: a task taken by
  a worker that vanished is delivered again after it.
* ``broker_connection_retry_on_startup`` and unlimited
  ``broker_connection_max_retries``: a worker whose broker is down waits for it.
* Failures that may pass (the store or the broker unreachable) are retried with
  exponential backoff and jitter, up to :data:`MAX_RETRIES` times.
* JSON messages only; no result backend (outcomes are in the store and the logs).
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu.entity import Queue

from cxpulse.config import LoadedConfig
from cxpulse.config.execution import QUEUES
from cxpulse.worker import tasks
from foundation.errors import StorageError

__all__ = ["MAX_RETRIES", "TASK_NAMES", "build_celery"]

MAX_RETRIES = 10
"""Retries of a task whose store or broker failed (backoff 1 s, 2 s, 4 s, ... capped at 5 minutes)."""
TASK_NAMES = {kind: f"cxpulse.{kind}" for kind in QUEUES}
"""The registered name of each queue's task."""


def build_celery(loaded: LoadedConfig, broker_url: str) -> Celery:
    """The Celery app for ``broker_url`` with the tasks registered (connects to nothing yet)."""
    execution = loaded.settings.execution
    app = Celery("cxpulse", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=execution.prefetch,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_transport_options={"visibility_timeout": execution.visibility_timeout},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        task_queues=[Queue(name) for name in QUEUES],  # type: ignore[no-untyped-call]
        task_default_queue="classify",
        task_routes={TASK_NAMES[kind]: {"queue": kind} for kind in QUEUES},
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        worker_enable_remote_control=True,
        timezone="UTC",
        enable_utc=True,
    )
    for kind, body in tasks.TASKS.items():
        app.task(
            _bound(body),
            name=TASK_NAMES[kind],
            bind=True,
            autoretry_for=(StorageError, OSError),
            retry_backoff=True,
            retry_backoff_max=300,
            retry_jitter=True,
            max_retries=MAX_RETRIES,
        )
    return app


def _bound(body: Any) -> Any:
    def run(self: Any, *args: Any) -> str:
        return str(body(self, *args))

    run.__name__ = body.__name__
    run.__doc__ = body.__doc__
    run.__module__ = body.__module__
    return run
