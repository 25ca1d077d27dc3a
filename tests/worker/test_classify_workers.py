"""Two `cxpulse worker` processes classify 5,000 demo mentions while one is SIGKILLed mid-batch, twice."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from testkit.workers import (
    RedisServer,
    Workers,
    exactly_once_report,
    holds_claims,
    unclassified,
    wait_until,
    write_config,
)

from cxpulse.app.classify import current_model_version
from cxpulse.app.collect import collect
from cxpulse.app.dispatch import enqueue_job
from cxpulse.config import load_config
from cxpulse.worker import CeleryDispatcher, build_celery
from storage import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(420)]


def test_every_mention_is_classified_exactly_once_though_a_worker_is_killed_mid_batch_twice(
    tmp_path: Path, pg_url: str, redis_server: RedisServer
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        database_url=pg_url,
        broker_url=redis_server.url,
        demo_count=1800,  # per demo brand: about 5,000 stored
        execution={"batch_size": 100, "lease_seconds": 120},
    )
    loaded = load_config(config, env={})
    store = Store.open(loaded.database_url)
    store.upgrade()
    collect(loaded, store, {})
    version = current_model_version(loaded.settings.classifiers)
    assert version is not None
    mentions = store.summary().mentions
    assert mentions >= 5000  # the three demo streams, minus what the brand queries drop

    workers = Workers(config, tmp_path)
    try:
        first = workers.start("first", "--queues", "classify")
        steady = workers.start("steady", "--queues", "classify")
        status = workers.cli("workers", "status", "--require", "2", "--json")
        wait_until(
            lambda: workers.cli("workers", "status", "--require", "2").returncode == 0, timeout=60, what="2 workers"
        )
        summary = enqueue_job(CeleryDispatcher(build_celery(loaded, redis_server.url)), store, loaded, "classify")
        assert summary.startswith("enqueued ")

        rng = random.Random(16)
        for victim, share in ((first, rng.uniform(0.1, 0.3)), (None, rng.uniform(0.45, 0.7))):
            if victim is None:  # the second kill: a worker started in the meantime
                victim = workers.start("second", "--queues", "classify")
            wait_until(
                lambda victim=victim, share=share: (
                    unclassified(store, version) <= mentions * (1 - share) and holds_claims(store, victim.process.pid)
                ),
                timeout=240,
                what=f"{share:.0%} classified with worker {victim.name} mid-batch",
            )
            victim.kill()

        status = workers.cli("workers", "status", "--json", "--require", "1")
        assert status.returncode == 0, status.stderr
        seen = {w["name"]: w["alive"] for w in json.loads(status.stdout)["workers"]}
        assert seen["steady"] is True
        wait_until(lambda: unclassified(store, version) == 0, timeout=300, what="every mention classified", every=1)
        report = exactly_once_report(store, version)
        assert report["classified"] == report["rows"] == report["mentions"] == mentions
        assert report["most_rows_per_mention"] == 1
        assert report["classifier_triage_events"] == report["triage_items"] > 0  # each opened once
        wait_until(lambda: exactly_once_report(store, version)["claims_left"] == 0, timeout=30, what="claims released")
        assert steady.terminate() == 0  # SIGTERM: a warm shutdown
        assert "Traceback" not in steady.output()
    finally:
        workers.stop_all()
        store.dispose()
