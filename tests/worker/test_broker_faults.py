"""The broker misbehaves under two running workers: connections cut, then down for a while and back
empty. No mention is lost or classified twice, and the workers go on consuming."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from testkit.workers import RedisServer, Workers, exactly_once_report, unclassified, wait_until, write_config

from cxpulse.app.classify import current_model_version
from cxpulse.app.collect import collect
from cxpulse.app.dispatch import enqueue_job
from cxpulse.config import load_config
from cxpulse.worker import CeleryDispatcher, build_celery
from storage import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(360)]

LATE = '[[sources]]\ntype = "demo"\nname = "late"\noptions = { seed = 8, count = 40 }\n'


def test_cut_connections_and_a_broker_down_for_a_while_lose_and_repeat_nothing(
    tmp_path: Path, pg_url: str, redis_server: RedisServer
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        database_url=pg_url,
        broker_url=redis_server.url,
        demo_count=300,
        extra=LATE,
        execution={"batch_size": 40},
    )
    loaded = load_config(config, env={})
    store = Store.open(loaded.database_url)
    store.upgrade()
    collect(loaded, store, {}, only=["demo"])
    version = current_model_version(loaded.settings.classifiers)
    assert version is not None
    first_mentions = store.summary().mentions
    dispatcher = CeleryDispatcher(build_celery(loaded, redis_server.url))
    workers = Workers(config, tmp_path)
    try:
        pair = [workers.start(name, "--queues", "classify") for name in ("left", "right")]
        wait_until(
            lambda: workers.cli("workers", "status", "--require", "2").returncode == 0, timeout=60, what="2 workers"
        )
        enqueue_job(dispatcher, store, loaded, "classify")

        wait_until(lambda: unclassified(store, version) <= first_mentions * 0.85, timeout=120, what="15% classified")
        killed = redis_server.client().client_kill_filter(_type="normal")  # every client's connection, cut
        assert killed >= 2

        wait_until(lambda: unclassified(store, version) <= first_mentions * 0.6, timeout=120, what="40% classified")
        redis_server.stop()  # down, queued tasks and all (no persistence)
        time.sleep(4)
        redis_server.start()
        enqueue_job(dispatcher, store, loaded, "classify")  # the scheduler's next classify run

        wait_until(lambda: unclassified(store, version) == 0, timeout=180, what="every mention classified", every=1)
        assert all(worker.process.poll() is None for worker in pair)  # both came through

        collect(loaded, store, {}, only=["late"])  # new mentions after the broker came back
        assert unclassified(store, version) > 0
        enqueue_job(dispatcher, store, loaded, "classify")
        wait_until(lambda: unclassified(store, version) == 0, timeout=120, what="the late mentions classified")

        report = exactly_once_report(store, version)
        assert report["classified"] == report["rows"] == report["mentions"] > first_mentions
        assert report["most_rows_per_mention"] == 1
        assert report["classifier_triage_events"] == report["triage_items"]
        assert workers.cli("workers", "status", "--require", "2").returncode == 0
        assert [worker.terminate() for worker in pair] == [0, 0]
    finally:
        workers.stop_all()
        store.dispose()
