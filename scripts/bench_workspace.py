#!/usr/bin/env python3
"""Benchmark the workspace: search API latency under 8 concurrent clients, and inbox page renders.

Builds (or reuses) a store of N demo mentions (default 1,000,000, the same corpus as
scripts/bench_store.py) with a synthetic classification per mention (about 15% flagged,
each flagged one with an open triage item and a priority), serves the workspace with
uvicorn on a loopback port as ``cxpulse serve --workers N --threads 1`` runs it (each
process works on one request at a time, the others waiting their turn), and times over HTTP:

  1. search API: ``GET /api/v1/mentions`` with two words that occur together in a stored
     mention, a brand and a 30-day window (top 20, ranked), from 8 concurrent clients, on
     SQLite and on PostgreSQL. Target: p95 <= 150 ms. Each request opens its own connection
     (``--keep-alive``: each client keeps one). With keep-alive, the kernel hands each
     client's one connection to whichever server process accepts it first, and it stays
     there: 7 or all 8 of the 8 were seen on one process (``ss -tnp``), and p95 then measured
     that draw (150 to 300 ms from run to run on the same code) more than the search.
  2. inbox: ``GET /`` (the default view: open flagged work, newest first), and ``GET
     /filters``, the counts per filter value that the page fetches once it shows (before
     2026-12-03 the page counted them itself, so earlier inbox figures include them), one
     client.

Ends with one JSON line: search_p95_ms (SQLite), search_p95_ms_postgres, inbox_p95_ms
(SQLite), inbox_p95_ms_postgres, inbox_counts_p95_ms, inbox_counts_p95_ms_postgres.

    .venv/bin/python scripts/bench_workspace.py                       # 1,000,000 mentions
    .venv/bin/python scripts/bench_workspace.py --size 100000 --skip-postgres
    .venv/bin/python scripts/bench_workspace.py --threads 0          # serve's default threads (40)
    .venv/bin/python scripts/bench_workspace.py --keep-alive         # one connection per client
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import psycopg

from cxpulse.app.auth import LoginThrottle, create_token, log_in
from cxpulse.app.triage import apply_default_priorities
from cxpulse.app.users import add_user, list_users
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS, Classification
from storage import Store

ROOT = Path(__file__).resolve().parent.parent
MODEL = "bench-model"
PASSWORD = "bench password 1"  # noqa: S105 (a throwaway local user)
CLIENTS = 8


def _bench_store_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_store", ROOT / "scripts" / "bench_store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bs = _bench_store_module()


def _labels(rng: random.Random) -> Classification:
    sentiment = rng.choices(SENTIMENTS, weights=(35, 40, 25))[0]
    gap = rng.choices(GAPS, weights=(75, 20, 5))[0]
    flagged = sentiment == "negative" and rng.random() < 0.45
    topics = tuple(
        rng.sample(("delivery_shipping", "refunds", "support", "pricing", "app", "staff"), rng.randint(0, 2))
    )
    emotion = rng.choice(EMOTIONS)
    return Classification(
        sentiment=sentiment,
        sentiment_scores={sentiment: 0.8},
        topics=topics,
        topic_scores={t: 0.7 for t in topics},
        expectation_gap=gap,
        gap_score=0.8,
        gap_evidence=(),
        emotion=emotion,
        emotion_scores={emotion: 0.6},
        flagged=flagged,
        model_version=MODEL,
    )


def prepare(store: Store, size: int, label: str) -> None:
    """Seed ``size`` mentions and classify them, unless the store already holds exactly that."""
    store.upgrade()
    if store.summary().mentions == size and store.latest_model_version() == MODEL:
        return
    if store.summary().mentions != size:
        seconds = bs.seed(store, bs.corpus(size), label)
        print(f"seeded {label} with {size:,} mentions in {seconds:.0f} s", file=sys.stderr)
    rng = random.Random(7)
    started = time.perf_counter()
    after = 0
    batches = 0
    while batch := store.mentions_to_classify(MODEL, after_id=after, limit=5000):
        store.save_classifications([(m.id, _labels(rng)) for m in batch])
        after = batch[-1].id
        batches += 1
        if batches % 20 == 0:
            # Fresh statistics (bs._analyze): with a plan made for an empty classifications table,
            # copying each batch's labels to its duplicates ran minutes per batch.
            bs._analyze(store)
    apply_default_priorities(store)
    print(f"classified {label} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[max(int(len(ordered) * 0.95) - 1, 0)],
        "p99_ms": ordered[max(int(len(ordered) * 0.99) - 1, 0)],
    }


SERVER = (
    "import sys; from cxpulse.web import create_app; from cxpulse.web.serve import serve; from storage import Store; "
    "serve(create_app(Store.open(sys.argv[1]), model_version=sys.argv[2], secure_cookies=False, "
    "threads=int(sys.argv[5]) or None), "
    "port=int(sys.argv[3]), workers=int(sys.argv[4]))"
)
"""The workspace as `cxpulse serve --workers N` runs it, on the bench's store and model version."""


def _start_server(store: Store, workers: int, threads: int | None) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [sys.executable, "-c", SERVER, store.url, MODEL, str(port), str(workers), str(threads or 0)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 (our own code)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the workspace server exited with {server.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return server, port
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the workspace server did not start within 120 s")


def bench(
    store: Store,
    label: str,
    queries: int,
    inbox_renders: int,
    rng: random.Random,
    workers: int = 1,
    threads: int | None = 1,
    keep_alive: bool = False,
) -> dict[str, float]:
    if not any(u.username == "bench" for u in list_users(store)):
        add_user(store, "bench", PASSWORD, role="agent")
    token, _ = create_token(store, "bench", "bench")
    session = log_in(store, "bench", PASSWORD, throttle=LoginThrottle(), client="bench")
    server, port = _start_server(store, workers, threads)
    base = f"http://127.0.0.1:{port}"
    brands = [b.name for b in bs.DEMO_BRANDS]
    plans = []
    for a, b in bs.term_pairs(store, queries + 2 * CLIENTS, rng):
        start = bs.ANCHOR - timedelta(days=rng.randint(30, bs.DAYS))
        plans.append(
            {
                "q": f"{a} {b}",
                "brand": rng.choice(brands),
                "since": start.isoformat(),
                "until": (start + timedelta(days=30)).isoformat(),
                "limit": 20,
            }
        )
    local = threading.local()

    def one(params: dict[str, Any]) -> float:
        client = getattr(local, "client", None)
        if client is None:
            headers = {"Authorization": f"Bearer {token}"}
            # No keep-alive: every request is a new connection, which any server process may accept.
            limits = httpx.Limits(max_keepalive_connections=None if keep_alive else 0)
            client = local.client = httpx.Client(base_url=base, headers=headers, timeout=60, limits=limits)
        started = time.perf_counter()
        response = client.get("/api/v1/mentions", params=params)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(one, plans[: 2 * CLIENTS]))  # warm-up
            started = time.perf_counter()
            timings = list(pool.map(one, plans[2 * CLIENTS :]))
            wall = time.perf_counter() - started
        search = _percentiles(timings)
        print(
            f"search API {label}, {workers} server process{'es' if workers > 1 else ''} "
            f"({threads or 40} thread{'s' if threads != 1 else ''} each): "
            f"{len(timings)} requests from {CLIENTS} clients "
            f"({'one connection each' if keep_alive else 'a connection per request'}, "
            "two words + brand + 30 days, top 20): "
            f"p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms, p99 {search['p99_ms']:.1f} ms, "
            f"{len(timings) / wall:.0f} requests/s"
        )
        renders: dict[str, list[float]] = {"/": [], "/filters": [], "/?counts=inline": []}
        with httpx.Client(base_url=base, cookies={"cxpulse_session": session.token}, timeout=120) as client:
            for i in range(inbox_renders + 2):
                for path, marker in (
                    ("/", 'id="total"'),
                    ("/filters", 'class="count"'),
                    ("/?counts=inline", 'class="count"'),
                ):
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200 and marker in response.text, (path, response.status_code)
                    if i >= 2:
                        renders[path].append(elapsed)
        inbox, counts = _percentiles(renders["/"]), _percentiles(renders["/filters"])
        inline = _percentiles(renders["/?counts=inline"])
        plural = "es" if workers > 1 else ""
        print(
            f"inbox page {label}, {workers} server process{plural}: "
            f"{len(renders['/'])} renders (open flagged, newest first; its filters' counts follow): "
            f"p50 {inbox['p50_ms']:.1f} ms, p95 {inbox['p95_ms']:.1f} ms"
        )
        print(
            f"inbox counts {label}, {workers} server process{plural}: "
            f"{len(renders['/filters'])} renders of /filters (counts for 16 filters, fetched by the page): "
            f"p50 {counts['p50_ms']:.1f} ms, p95 {counts['p95_ms']:.1f} ms"
        )
        print(
            f"inbox page with its counts in place (?counts=inline, the page before 2026-12-03; browsers "
            f"without JavaScript) {label}: p50 {inline['p50_ms']:.1f} ms, p95 {inline['p95_ms']:.1f} ms"
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    return {"search_p95": search["p95_ms"], "inbox_p95": inbox["p95_ms"], "counts_p95": counts["p95_ms"]}


def _vacuum(store: Store) -> None:
    """``VACUUM ANALYZE``: what autovacuum does on a stock PostgreSQL server (this machine's runs
    without it). Without it every search also scans the GIN index's pending list of new entries
    (502 pages after the bench's inserts, 5-7 ms a query) and index-only scans read the heap."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def postgres_store(base_url: str, size: int, fresh: bool) -> Store:
    name = f"cxpulse_bench_ws_{size}"
    admin = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return Store.open(base_url.rsplit("/", 1)[0] + f"/{name}")


def _key(backend: str, processes: int) -> str:
    """``search_p95_ms_2_processes``, ``search_p95_ms_postgres_1_process``."""
    where = "" if backend == "sqlite" else "_postgres"
    return f"search_p95_ms{where}_{processes}_process{'es' if processes > 1 else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="mentions in the stores (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=400, help="timed search requests per backend (default 400)")
    parser.add_argument("--inbox", type=int, default=40, help="timed inbox renders per backend (default 40)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CXPULSE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server (a database cxpulse_bench_ws_SIZE is created there)",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--fresh", action="store_true", help="rebuild the stores even if they exist")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="server processes to time, comma-separated (default 1,2: the JSON's figures are the last)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="requests each server process works on at once, as `cxpulse serve --threads N` (default 1, "
        "the advice for many API clients; 0: serve's own default, 40)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="each client keeps one connection (default: a connection per request; see above)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rng = random.Random(20261201)
    folder = ROOT / ".bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"workspace-{args.size}.db"
    if args.fresh:
        for leftover in folder.glob(f"{path.name}*"):
            leftover.unlink()
    sqlite_store = Store.open(f"sqlite:///{path}")
    prepare(sqlite_store, args.size, "SQLite")
    counts = [int(n) for n in args.workers.split(",")]
    runs: dict[str, dict[int, dict[str, float]]] = {"sqlite": {}, "postgres": {}}
    for n in counts:
        runs["sqlite"][n] = bench(
            sqlite_store,
            f"SQLite ({args.size:,} mentions)",
            args.queries,
            args.inbox,
            rng,
            n,
            args.threads,
            args.keep_alive,
        )
    sqlite = runs["sqlite"][counts[-1]]
    sqlite_store.dispose()
    pg: dict[str, float] = {}
    if not args.skip_postgres:
        pg_store = postgres_store(args.pg_url, args.size, args.fresh)
        prepare(pg_store, args.size, "PostgreSQL")
        _vacuum(pg_store)
        for n in counts:
            label = f"PostgreSQL ({args.size:,} mentions)"
            runs["postgres"][n] = bench(
                pg_store, label, args.queries, args.inbox, rng, n, args.threads, args.keep_alive
            )
        pg = runs["postgres"][counts[-1]]
        pg_store.dispose()
    print(
        json.dumps(
            {
                "mentions": args.size,
                "server_processes": counts[-1],
                "search_p95_ms": round(sqlite["search_p95"], 1),
                "search_p95_ms_postgres": round(pg["search_p95"], 1) if pg else None,
                "inbox_p95_ms": round(sqlite["inbox_p95"], 1),
                "inbox_p95_ms_postgres": round(pg["inbox_p95"], 1) if pg else None,
                "inbox_counts_p95_ms": round(sqlite["counts_p95"], 1),
                "inbox_counts_p95_ms_postgres": round(pg["counts_p95"], 1) if pg else None,
                **{
                    _key(backend, n): round(figures["search_p95"], 1)
                    for backend, by_count in runs.items()
                    for n, figures in by_count.items()
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
