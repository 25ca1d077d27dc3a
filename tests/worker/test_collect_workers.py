"""Two workers collect six recorded Hacker News sources while one is SIGKILLed mid-collection."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit.http_server import Answer, Request, WebServer, serve_web
from testkit.workers import RedisServer, Workers, holds_claims, wait_until, write_config

from cxpulse.app.dispatch import enqueue_job
from cxpulse.config import load_config
from cxpulse.worker import CeleryDispatcher, build_celery
from storage import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]

FIXTURES = Path(__file__).resolve().parents[1] / "listener" / "sources" / "fixtures" / "hackernews"
SOURCES = [f"hn{i}" for i in range(1, 7)]
PAGE_DELAY = 0.8
"""Seconds the recorded API takes per page, so a collection is long enough to be killed in."""


@pytest.fixture
def recorded_api() -> Iterator[WebServer]:
    pages = {str(n): json.loads((FIXTURES / f"search_page{n}.json").read_text()) for n in (0, 1)}

    def search(request: Request) -> Answer:
        time.sleep(PAGE_DELAY)
        page = dict(part.split("=", 1) for part in request.query.split("&") if "=" in part).get("page", "0")
        return Answer(200, pages.get(page, pages["1"]))

    yield from serve_web({("GET", "/search_by_date"): search})


def test_each_recorded_mention_is_stored_once_and_no_cursor_goes_back_though_a_worker_is_killed(
    tmp_path: Path, pg_url: str, redis_server: RedisServer, recorded_api: WebServer
) -> None:
    sources = "".join(
        f'[[sources]]\ntype = "hackernews"\nname = "{name}"\noptions = {{ api_url = "{recorded_api.url}" }}\n'
        for name in SOURCES
    )
    config = write_config(
        tmp_path / "config.toml",
        database_url=pg_url,
        broker_url=redis_server.url,
        demo_brands=False,
        extra='[[brands]]\nname = "Acme"\nquery = "acme"\n\n' + sources,
    )
    started = time.time()
    loaded = load_config(config, env={})
    store = Store.open(loaded.database_url)
    store.upgrade()
    dispatcher = CeleryDispatcher(build_celery(loaded, redis_server.url))
    workers = Workers(config, tmp_path)
    try:
        victim = workers.start("victim", "--queues", "collect")
        steady = workers.start("steady", "--queues", "collect")
        wait_until(
            lambda: workers.cli("workers", "status", "--require", "2").returncode == 0, timeout=60, what="2 workers"
        )
        for name in SOURCES:
            enqueue_job(dispatcher, store, loaded, "collect", [name, "Acme"])
        wait_until(lambda: holds_claims(store, victim.process.pid, "collect"), timeout=60, what="the victim collecting")
        victim.kill()
        # The scheduler enqueues every source again at its next run; the task the victim had
        # taken would also come back after [execution] visibility_timeout.
        for name in SOURCES:
            enqueue_job(dispatcher, store, loaded, "collect", [name, "Acme"])

        def finished() -> bool:
            status = {s.source: s for s in store.source_status()}
            return all(name in status and status[name].last_success_at is not None for name in SOURCES) and not any(
                h.kind == "collect" for h in _leases(store)
            )

        wait_until(finished, timeout=120, what="every source collected", every=0.5)
        status = {s.source: s for s in store.source_status()}
        # Every cursor is where a complete run leaves it (the first run's backfill start, a week
        # before it began: the recording is older), none behind that.
        afters = [json.loads(status[name].cursor.value or "{}").get("after", 0) for name in SOURCES]
        assert all(after >= started - 7 * 86400 - 60 for after in afters), afters
        assert all(status[name].last_error is None for name in SOURCES)
        per_source = store.summary().by_source
        assert per_source == {name: 3 for name in SOURCES}  # each recorded mention once (one is not Acme)
        assert sum(status[name].mentions_collected for name in SOURCES) == 3 * len(SOURCES)
        assert steady.terminate() == 0
    finally:
        workers.stop_all()
        store.dispose()


def _leases(store: Store) -> list[object]:
    from storage import claims

    return list(claims.work_status(store).leases)
