"""`cxpulse run` with the celery backend keeps the schedule and enqueues; workers status is a health check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit.workers import RedisServer, Workers, write_config

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(200)]


def test_run_once_enqueues_the_due_jobs_on_their_queues_and_status_reports_them(
    tmp_path: Path, pg_url: str, redis_server: RedisServer
) -> None:
    config = write_config(tmp_path / "config.toml", database_url=pg_url, broker_url=redis_server.url, demo_count=50)
    workers = Workers(config, tmp_path)
    assert workers.cli("init").returncode == 0
    ran = workers.cli("run", "--once")
    assert ran.returncode == 0, ran.stderr
    assert "enqueued on queue collect as task" in ran.stderr
    assert "nothing to classify; no task enqueued" in ran.stderr  # nothing stored yet: no classify task
    assert "0 fetched" not in ran.stderr  # nothing was collected here: a worker will

    status = workers.cli("workers", "status", "--json", "--require", "0")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["queues"] == {"collect": 3, "classify": 0, "digest": 0, "alerts": 0}  # one per demo brand
    assert report["live_workers"] == 0
    unhealthy = workers.cli("workers", "status")
    assert unhealthy.returncode == 3 and "0 live worker(s), 1 required" in unhealthy.stderr

    redis_server.stop()
    down = workers.cli("workers", "status")
    assert down.returncode == 1 and down.stderr.startswith("error: cannot read the queues on the broker redis://")
    assert "Traceback" not in down.stderr
