"""Two `cxpulse classify` processes at once on one store claim disjoint batches (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from testkit.workers import Workers, exactly_once_report, unclassified, write_config

from cxpulse.app.classify import current_model_version
from cxpulse.app.collect import collect
from cxpulse.config import load_config
from storage import Store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_two_classify_processes_at_once_classify_each_mention_once_and_skip_none(
    tmp_path: Path, empty_url: str
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        database_url=empty_url,
        broker_url="redis://127.0.0.1:6379/0",
        demo_count=200,
        execution={"backend": "local"},
    )
    loaded = load_config(config, env={})
    store = Store.open(loaded.database_url)
    store.upgrade()
    collect(loaded, store, {})
    version = current_model_version(loaded.settings.classifiers)
    assert version is not None
    mentions = store.summary().mentions
    runner = Workers(config, tmp_path)  # runs the same `cxpulse` a user runs, each as its own process
    processes = [
        subprocess.Popen(
            runner.argv("classify", "--json", "--batch-size", "25"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=runner.env(),
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=280) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err[-2000:] for _, err in outputs]
    counts = [json.loads(out)["classified"] for out, _ in outputs]
    report = exactly_once_report(store, version)
    assert unclassified(store, version) == 0
    assert report["rows"] == report["mentions"] == mentions
    assert sum(counts) == mentions  # what each process classified adds up: none classified twice
    assert all(count > 0 for count in counts), counts  # they did run at the same time
    assert report["claims_left"] == 0
    store.dispose()
