"""``cxpulse worker``: Celery workers that execute the jobs ``cxpulse run`` enqueues.

An entry point like the CLI, the scheduler and the web app: each task calls one
:mod:`cxpulse.app` function (:mod:`cxpulse.worker.tasks`). The Celery app and its
reliability settings: :mod:`cxpulse.worker.celery_app`; the worker process:
:mod:`cxpulse.worker.run`; the scheduler's side: :class:`CeleryDispatcher`.
"""

from cxpulse.worker.celery_app import TASK_NAMES, build_celery
from cxpulse.worker.dispatch import CeleryDispatcher
from cxpulse.worker.run import run_worker, worker_name
from cxpulse.worker.status import WorkersReport, queue_depths, workers_report

__all__ = [
    "TASK_NAMES",
    "CeleryDispatcher",
    "WorkersReport",
    "build_celery",
    "queue_depths",
    "run_worker",
    "worker_name",
    "workers_report",
]
