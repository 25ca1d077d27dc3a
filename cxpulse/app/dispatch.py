"""Handing jobs to workers instead of running them here (``[execution] backend = "celery"``).

The scheduler keeps the schedule; each due job becomes one task on the queue of
its kind (``collect``, ``classify``, ``digest``, ``alerts``) through a
:class:`Dispatcher`, a small protocol owned here and met by the Celery adapter
in :mod:`cxpulse.worker`. A classify job becomes as many tasks as there are
batches to claim (at most :data:`MAX_CLASSIFY_TASKS`): each task claims batches
in the store until none is left, so extra tasks find nothing and end at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from cxpulse.app.classify import current_model_version
from cxpulse.config import LoadedConfig
from storage import Store

__all__ = ["MAX_CLASSIFY_TASKS", "Dispatcher", "classify_tasks_needed", "enqueue_job"]

MAX_CLASSIFY_TASKS = 64
"""Classify tasks one classify job enqueues at most (each drains batches until none is left)."""


class Dispatcher(Protocol):
    """Puts a task for a kind of job on its queue; returns the task id."""

    def enqueue(self, kind: str, args: Sequence[str] = (), *, countdown: float | None = None) -> str: ...


def classify_tasks_needed(store: Store, loaded: LoadedConfig) -> int:
    """How many classify tasks the mentions waiting for the current model make (0: none waiting)."""
    version = current_model_version(loaded.settings.classifiers)
    if version is None:
        return 1  # the heads cannot be read here; a worker will say why
    pending = store.count_to_classify(version)
    return min(MAX_CLASSIFY_TASKS, math.ceil(pending / loaded.settings.execution.batch_size))


def enqueue_job(dispatcher: Dispatcher, store: Store, loaded: LoadedConfig, kind: str, args: Sequence[str] = ()) -> str:
    """Enqueue the task(s) of one due job; the line the scheduler logs for it."""
    if kind != "classify":
        task_id = dispatcher.enqueue(kind, args)
        return f"enqueued on queue {kind} as task {task_id}"
    count = classify_tasks_needed(store, loaded)
    if count == 0:
        return "nothing to classify; no task enqueued"
    ids = [dispatcher.enqueue("classify") for _ in range(count)]
    return f"enqueued {count} classify task(s) on queue classify (first {ids[0]})"
