"""Worker log lines carry their task's name and id; as JSON for a log collector, scrubbed."""

from __future__ import annotations

import io
import json
import logging

from celery import Celery

from cxpulse.cli.logs import JsonLines, ScrubSecrets
from cxpulse.worker.logs import TaskContext
from foundation.secrets import forget_secrets, remember_secret


def _capture(
    *filters: logging.Filter, formatter: logging.Formatter | None = None
) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for extra in filters:
        handler.addFilter(extra)
    if formatter is not None:
        handler.setFormatter(formatter)
    logger = logging.getLogger(f"cxpulse.test_worker_logs.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_a_line_logged_in_a_task_names_the_task_and_its_id() -> None:
    logger, stream = _capture(TaskContext())
    app = Celery("t", set_as_current=False)

    @app.task(name="cxpulse.classify")
    def work() -> None:
        logger.info("classified %d mentions", 3)

    work.apply(task_id="abc-123")
    logger.info("outside any task")
    assert stream.getvalue().splitlines() == ["[cxpulse.classify abc-123] classified 3 mentions", "outside any task"]


def test_json_lines_carry_the_task_fields_and_no_secret() -> None:
    forget_secrets()
    remember_secret("hunter2secret")
    logger, stream = _capture(TaskContext(prefix=False), ScrubSecrets(), formatter=JsonLines())
    app = Celery("t", set_as_current=False)

    @app.task(name="cxpulse.collect")
    def work() -> None:
        logger.warning("broker said hunter2secret")

    work.apply(task_id="t-1")
    line = json.loads(stream.getvalue())
    assert line["task_name"] == "cxpulse.collect" and line["task_id"] == "t-1"
    assert line["level"] == "WARNING" and line["message"] == "broker said ***"
    forget_secrets()
