"""Worker log lines carry the task they belong to: its name and id."""

from __future__ import annotations

import logging

__all__ = ["TaskContext"]


class TaskContext(logging.Filter):
    """Adds ``task_id`` and ``task_name`` to each record (None outside a task); with
    ``prefix`` the message starts with ``[task NAME ID]`` for text logs."""

    def __init__(self, *, prefix: bool = True) -> None:
        super().__init__()
        self._prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        from celery import current_task

        task = current_task
        request = getattr(task, "request", None) if task else None
        task_id = getattr(request, "id", None)
        task_name = getattr(task, "name", None) if task_id else None
        record.__dict__.update(task_id=task_id, task_name=task_name)
        if self._prefix and task_id and not record.__dict__.get("cxpulse_prefixed"):
            record.msg = f"[{task_name} {task_id}] {record.getMessage()}"
            record.args = None
            record.__dict__["cxpulse_prefixed"] = True
        return True
