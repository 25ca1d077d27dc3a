"""A source that fails: 500s, timeouts, garbage, dropped connections, 429 with a reset time.

The real ``hackernews`` source (its real HTTP client, retries and rate-limit handling)
talks to a loopback HTTP server that answers like the Algolia search API, from a fixed
set of items, and fails the requests a fault script names. Only the backoff waits are
skipped (the source's ``sleep`` hook records them instead); the timeouts are real.
After the faults, and after as many runs as the faults took, the store must hold what a
fault-free run of the same items stores, and the cursor must end where that run's ends.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from testkit.clock import NOW
from testkit.faults import FaultReport, compare, long_run

from cxpulse.app.collect import RunResult, collect_one
from foundation.mentions import BrandQuery
from foundation.query import parse
from listener.sources.hackernews import HackerNewsOptions, HackerNewsSource
from listener.sources.network import SourceHooks
from storage import Store
from storage.models import MentionModel, SourceCursorModel

BRAND = BrandQuery(name="Northwind", query="northwind", expression=parse("northwind"))
ITEMS = 400 if long_run() else 90
PER_PAGE = 10
TIMEOUT = 0.25
"""Seconds the source waits for an answer; a "timeout" fault answers later than that."""
START = int((NOW - timedelta(days=2)).timestamp())

HITS = [
    {
        "objectID": str(5000 + i),
        "created_at_i": START + 600 * i,
        "title": f"Northwind lost my bag again, flight {i}",
        "author": f"traveller{i % 7}",
        "_tags": ["story", f"story_{5000 + i}"],
        "points": i % 13,
    }
    for i in range(ITEMS)
]
JUNK_HITS = [  # items that are not items: the source must skip them, not fail
    {"objectID": None, "created_at_i": START + 1, "title": "Northwind no id"},
    {"objectID": "junk-1", "created_at_i": "yesterday", "title": "Northwind"},
    {"objectID": "junk-2", "created_at_i": START + 2, "title": 42, "author": "x", "_tags": "story"},
    {"objectID": "junk-3", "created_at_i": START + 3, "comment_text": ["northwind"], "author": "x"},
    {"objectID": "junk-4", "created_at_i": START + 4, "title": "Northwind", "author": None},
    {"objectID": "junk-5", "created_at_i": 10**18, "title": "Northwind from the far future", "author": "x"},
    {"objectID": "junk-6", "created_at_i": True, "title": "Northwind", "author": "x"},
    "not an object",
    17,
]


class Algolia:
    """The search API's answers for :data:`HITS`, and the faults to inject, by request number."""

    def __init__(self) -> None:
        self.faults: dict[int, str] = {}
        self.requests = 0
        self.injected: list[str] = []

    def answer(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        number = self.requests
        self.requests += 1
        fault = self.faults.pop(number, None)
        if fault is not None:
            self.injected.append(fault)
            return self._fault(fault, query)
        return 200, {"Content-Type": "application/json"}, json.dumps(self._page(query)).encode()

    def _page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        after, below = 0, math.inf
        for part in query["numericFilters"][0].split(","):
            if part.startswith("created_at_i>"):
                after = int(part.removeprefix("created_at_i>"))
            elif part.startswith("created_at_i<="):
                below = int(part.removeprefix("created_at_i<="))
        per_page, page = int(query["hitsPerPage"][0]), int(query["page"][0])
        found = sorted((h for h in HITS if after < h["created_at_i"] <= below), key=lambda h: -h["created_at_i"])
        return {
            "hits": found[page * per_page : (page + 1) * per_page],
            "nbHits": len(found),
            "nbPages": math.ceil(len(found) / per_page),
            "page": page,
        }

    def _fault(self, fault: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        json_type = {"Content-Type": "application/json"}
        if fault == "500":
            return 500, json_type, b'{"message": "internal error"}'
        if fault == "503-retry-after":
            return 503, {**json_type, "Retry-After": "7"}, b'{"message": "try later"}'
        if fault == "garbage":
            return 200, {"Content-Type": "text/html"}, b"<html><body>\x00\xffcaptcha</body></ht"
        if fault == "truncated-json":
            return 200, json_type, json.dumps(self._page(query)).encode()[:-40]
        if fault == "wrong-shape":
            return 200, json_type, b'{"message": "the index is being rebuilt"}'
        if fault == "junk-hits":
            page = self._page(query)
            page["hits"] = [*JUNK_HITS, *page["hits"]]
            return 200, json_type, json.dumps(page).encode()
        if fault == "timeout":
            time.sleep(TIMEOUT * 3)
            return 200, json_type, json.dumps(self._page(query)).encode()
        if fault == "429-soon":
            return 429, {**json_type, "Retry-After": "12"}, b'{"message": "slow down"}'
        if fault == "429-reset":
            reset = int((NOW + timedelta(hours=1)).timestamp())
            return 429, {**json_type, "X-RateLimit-Reset": str(reset)}, b'{"message": "quota"}'
        raise AssertionError(f"unknown fault {fault}")


@pytest.fixture
def algolia() -> Iterator[tuple[Algolia, str]]:
    api = Algolia()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/api/v1/search_by_date":
                self.send_error(404)
                return
            if api.faults.get(api.requests) == "disconnect":
                api.faults.pop(api.requests)
                api.requests += 1
                api.injected.append("disconnect")
                self.close_connection = True
                self.connection.close()  # no answer at all
                return
            status, headers, body = api.answer(parse_qs(parts.query))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout fault)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()


class Run:
    """Collects the brand from the server into a store, as `cxpulse collect` does; records the waits."""

    def __init__(self, url: str, store: Store) -> None:
        self.store = store
        self.waits: list[float] = []
        options = HackerNewsOptions(
            api_url=url, kinds=["story"], hits_per_page=PER_PAGE, timeout_seconds=TIMEOUT, max_attempts=3
        )
        hooks = SourceHooks(sleep=self.waits.append, now=lambda: NOW, rng=lambda: 0.5)
        self.source = HackerNewsSource("hackernews", options, hooks=hooks)

    def __call__(self) -> RunResult:
        return collect_one(self.source, BRAND, self.store, clock=lambda: NOW)


def _mentions(store: Store) -> list[tuple[str, str, str]]:
    m = MentionModel
    with store.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(m.source, m.external_id, m.content_hash))]  # type: ignore[misc]


def _cursor(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return connection.execute(select(SourceCursorModel.value)).scalar_one()


@pytest.fixture
def reference(algolia: tuple[Algolia, str], tmp_path: Any) -> Iterator[tuple[list[tuple[str, str, str]], str | None]]:
    api, url = algolia
    clean = Store.open(f"sqlite:///{tmp_path / 'reference.db'}", clock=lambda: NOW)
    clean.upgrade()
    result = Run(url, clean)()
    assert result.ok and result.stored == ITEMS
    api.requests = 0
    yield _mentions(clean), _cursor(clean)
    clean.dispose()


def test_transient_failures_are_retried_within_the_run_and_store_what_a_clean_run_stores(
    store: Store,
    algolia: tuple[Algolia, str],
    reference: tuple[list[tuple[str, str, str]], str | None],
    fault_report: FaultReport,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    api, url = algolia
    pages = math.ceil(ITEMS / PER_PAGE)
    script = ["500", "timeout", "garbage", "disconnect", "429-soon", "truncated-json", "503-retry-after", "junk-hits"]
    # a fault on each page's first request, none on its retry: every fault is retried and the run goes on
    api.faults = {2 * i: script[i % len(script)] for i in range(pages)}
    run = Run(url, store)

    with caplog.at_level(logging.INFO):
        result = run()

    assert result.ok, result.error
    mentions = compare(reference[0], _mentions(store))
    assert mentions.equal, mentions
    assert _cursor(store) == reference[1]
    assert 12.0 in run.waits and 7.0 in run.waits  # the waits the server asked for, waited exactly
    retries = [r.getMessage() for r in caplog.records if "retry 1 of 2" in r.getMessage()]
    transient = [f for f in api.injected if f != "junk-hits"]
    assert len(retries) == len(transient)  # one log line per fault, saying what happened
    assert any("429 Too Many Requests" in line for line in retries)
    assert any("ReadTimeout" in line for line in retries)
    assert any("skipped 6 search hit(s)" in r.getMessage() for r in caplog.records)
    fault_report.record(
        request.node.name,
        "source: 500, 503, timeout, garbage, drop, 429 soon, junk",
        injected=len(api.injected),
        comparisons=[mentions],
    )


def test_failures_that_outlast_the_retries_end_the_run_and_the_next_runs_catch_up(
    store: Store,
    algolia: tuple[Algolia, str],
    reference: tuple[list[tuple[str, str, str]], str | None],
    fault_report: FaultReport,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    api, url = algolia
    run = Run(url, store)
    # run 1: page 3 fails three times (every attempt); run 2: rate limited for an hour;
    # run 3: an answer that is not a search result; run 4: no fault
    rounds = [
        ({3: "500", 4: "500", 5: "500"}, "500 Internal Server Error"),
        ({2: "429-reset"}, "rate limited until 2026-11-23T13:00:00+00:00"),
        ({1: "wrong-shape"}, "answered without a 'hits' list"),
    ] * (3 if long_run() else 1)
    cursors: list[str | None] = []
    failed = 0
    with caplog.at_level(logging.INFO):
        for faults, error in rounds:
            api.requests, api.faults = 0, dict(faults)
            result = run()
            assert not result.ok and error in (result.error or ""), result.error
            assert result.retry_at == (NOW + timedelta(hours=1) if "rate limited" in error else None)
            failed += 1
            cursors.append(_cursor(store))
        api.requests = 0
        assert run().ok

    mentions = compare(reference[0], _mentions(store))
    assert mentions.equal, mentions
    assert _cursor(store) == reference[1]
    assert cursors == [None] * len(cursors)  # the cursor moved only when a run finished: no gap
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "source hackernews failed" in r.getMessage()]
    assert len(errors) == failed  # each failed run says why, on one line
    (status,) = store.source_status()
    assert status.last_error is not None and "hits" in status.last_error
    fault_report.record(
        request.node.name,
        "source: 500 x3, 429 for 1h, wrong answer; reruns",
        injected=len(api.injected),
        comparisons=[mentions],
    )
