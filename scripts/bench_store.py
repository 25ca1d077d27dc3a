#!/usr/bin/env python3
"""Benchmark the results store: ingest rate and search latency.

Prints, then ends with one JSON line:
  1. ingest: 100,000 demo mentions through the whole pipeline (demo source,
     normalize, detect language, match brand queries, hash, store batch and
     cursor) into a fresh SQLite store. Target: >= 5,000 mentions/s.
  2. search: p50/p95/p99 latency of a two-term query with a brand and a
     30-day date filter (limit 20, ranked, with snippets) over 1,000,000
     stored mentions, on SQLite and on PostgreSQL. Target: p95 <= 50 ms.

    .venv/bin/python scripts/bench_store.py                 # everything (about 10 minutes)
    .venv/bin/python scripts/bench_store.py --search-size 200000 --skip-postgres

The 1M-mention stores are kept in .bench/ (SQLite) and the database
cxpulse_bench (PostgreSQL) so a second run skips seeding; --fresh rebuilds them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import psycopg.sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cxpulse.app.collect import collect
from cxpulse.config import LoadedConfig, Settings
from cxpulse.config.schema import BrandConfig, SourceConfig
from foundation.mentions import Cursor, StoredMention
from foundation.query import parse
from listener.prepare import MentionPreparer
from listener.settings import PipelineConfig
from listener.sources.demo import DEMO_BRANDS, DemoOptions, DemoSource
from storage import SearchFilters, Store

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAYS = 60
STOPWORDS = frozenset(
    "the and for with that this have from your just what when they them their been were will would "
    "about there here than then again still very really into over after before because while where "
    "which could should these those only also even ever every some much more most such other".split()
)
console = Console(stderr=True)


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def demo_settings(count_per_brand: int, batch_size: int) -> Settings:
    return Settings(
        brands=[BrandConfig(name=b.name, query=b.query, competitors=list(b.competitors)) for b in DEMO_BRANDS],
        sources=[
            SourceConfig(
                type="demo",
                name="demo",
                options={
                    "count": count_per_brand,
                    "batch_size": batch_size,
                    "anchor": ANCHOR.isoformat(),
                    "days": DAYS,
                },
            )
        ],
    )


def bench_ingest(total: int) -> dict[str, float]:
    per_brand = -(-total // len(DEMO_BRANDS))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/ingest.db"
        store = Store.open(url)
        store.upgrade()
        settings = demo_settings(per_brand, 1000)
        config = LoadedConfig(settings, Path(folder) / "bench.toml", exists=False, database_url=url)
        with progress() as bar:
            task = bar.add_task("ingest (pipeline → SQLite)", total=per_brand * len(DEMO_BRANDS))
            done: dict[str, int] = {}

            def on_batch(update: object) -> None:
                done[update.brand] = update.fetched  # type: ignore[attr-defined]
                bar.update(task, completed=sum(done.values()))

            started = time.perf_counter()
            results = collect(config, store, os.environ, on_batch=on_batch)
            seconds = time.perf_counter() - started
        fetched = sum(r.fetched for r in results)
        stored = sum(r.stored for r in results)
        store.dispose()
    figures = {
        "fetched": fetched,
        "stored": stored,
        "seconds": seconds,
        "per_s": fetched / seconds,
        "stored_per_s": stored / seconds,
    }
    print(
        f"ingest: {fetched:,} demo mentions through the pipeline into SQLite in {seconds:.1f} s = "
        f"{figures['per_s']:,.0f} mentions/s ({stored:,} stored, {figures['stored_per_s']:,.0f}/s)"
    )
    return figures


def corpus(total: int) -> list[tuple[str, list[StoredMention]]]:
    """Exactly ``total`` distinct prepared mentions, split over the demo brands."""
    share = [total // len(DEMO_BRANDS) + (1 if i < total % len(DEMO_BRANDS) else 0) for i in range(len(DEMO_BRANDS))]
    prepared: list[tuple[str, list[StoredMention]]] = []
    with progress() as bar:
        task = bar.add_task("generate + prepare corpus", total=total)
        for brand_config, wanted in zip(DEMO_BRANDS, share, strict=True):
            brand = BrandConfig(name=brand_config.name, query=brand_config.query).as_query()
            # Every generated mention is stored (the query is not applied), so counts are exact;
            # 3% extra covers the ids the demo repeats on purpose.
            preparer = MentionPreparer(brand, apply_query=False, settings=PipelineConfig())
            options = DemoOptions(count=int(wanted * 1.03) + 10, batch_size=5000, anchor=ANCHOR, days=DAYS)
            rows: dict[str, StoredMention] = {}
            for batch in DemoSource("demo", options).fetch(brand, Cursor()):
                for mention in batch.mentions:
                    outcome = preparer.prepare(mention, ANCHOR)
                    if isinstance(outcome, StoredMention) and outcome.external_id not in rows:
                        rows[outcome.external_id] = dataclasses.replace(outcome, raw=None)
                bar.update(task, completed=sum(len(r) for _, r in prepared) + min(len(rows), wanted))
                if len(rows) >= wanted:
                    break
            prepared.append((brand.name, list(rows.values())[:wanted]))
    return prepared


def seed(store: Store, data: list[tuple[str, list[StoredMention]]], label: str) -> float:
    """Store ``data`` the way collection writes it: in time order, one batch per brand per hour.

    Scheduled collection stores each brand's new mentions every few minutes, so a real store's
    rows (ids, and PostgreSQL's heap pages) follow the mentions' dates; the store is built the
    same way (within an hour, a brand's mentions keep the generator's order).
    """
    total = sum(len(rows) for _, rows in data)
    batches: dict[tuple[datetime, int], list[StoredMention]] = {}
    for position, (_, rows) in enumerate(data):
        for row in rows:
            hour = row.created_at.replace(minute=0, second=0, microsecond=0)
            batches.setdefault((hour, position), []).append(row)
    started = time.perf_counter()
    seeded, analyzed_at = 0, 2_500
    with progress() as bar:
        task = bar.add_task(f"seed {label}", total=total)
        for (hour, position), chunk in sorted(batches.items(), key=lambda item: item[0]):
            brand = data[position][0]
            store.save_batch(chunk, source="demo", brand=brand, cursor=Cursor(f"bench;{hour.isoformat()}"))
            bar.advance(task, len(chunk))
            seeded += len(chunk)
            if seeded >= analyzed_at:  # each time the table has doubled (and every 100,000 rows)
                _analyze(store)
                analyzed_at = min(2 * seeded, seeded + 100_000)
    _analyze(store)
    return time.perf_counter() - started


def _analyze(store: Store) -> None:
    """What autovacuum does on a stock PostgreSQL server (the CI machines' server runs without it).

    Without fresh statistics the planner keeps plans made for a near-empty table, and each
    batch's duplicate lookup reads the whole table: seeding slowed from about 2,000 to 160
    mentions/s by 100,000 mentions (and to 250 mentions/s by 85,000 when the statistics were
    refreshed every 500 batches, about 115,000 mentions).
    """
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def term_pairs(store: Store, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Two words that occur together in a stored mention: queries a user would type, with hits."""
    pairs: list[tuple[str, str]] = []
    with store.engine.connect() as conn:
        top = conn.exec_driver_sql("SELECT max(id) FROM mentions").scalar_one()
        while len(pairs) < count:
            text = conn.exec_driver_sql(
                "SELECT text FROM mentions WHERE id = ?"
                if store.dialect == "sqlite"
                else "SELECT text FROM mentions WHERE id = %s",
                (rng.randint(1, top),),
            ).scalar()
            words = sorted({w for w in re.findall(r"[^\W\d_]{4,}", (text or "").lower()) if w not in STOPWORDS})
            if len(words) >= 2:
                a, b = rng.sample(words, 2)
                pairs.append((a, b))
    return pairs


def bench_search(store: Store, label: str, queries: int, rng: random.Random) -> dict[str, float]:
    brands = [b.name for b in DEMO_BRANDS]
    plans = []
    for a, b in term_pairs(store, queries + 20, rng):
        start = ANCHOR - timedelta(days=rng.randint(30, DAYS))
        plans.append(
            (f"{a} {b}", SearchFilters(brands=(rng.choice(brands),), since=start, until=start + timedelta(days=30)))
        )
    timings, results, plans_timed = [], [], []
    for i, (text, filters) in enumerate(plans):
        node = parse(text)
        started = time.perf_counter()
        hits = store.search(node, filters, limit=20)
        elapsed = (time.perf_counter() - started) * 1000
        if i >= 20:  # the first 20 warm the caches
            timings.append(elapsed)
            results.append(len(hits))
            plans_timed.append((node, filters))
    ordered = sorted(timings)
    figures = {
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1],
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1],
        "mean_hits": statistics.mean(results),
    }
    print(
        f"search {label}: {len(timings)} queries (two terms + brand + 30-day window, top 20 ranked with "
        f"snippets): p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, {figures['mean_hits']:.1f} hits on average"
    )
    # Where the time goes: latency by how many mentions match the words alone (counted untimed).
    matches = [store.count(node, SearchFilters()) for node, _ in plans_timed]
    for low, high in ((0, 1_000), (1_000, 10_000), (10_000, 50_000), (50_000, None)):
        bucket = sorted(t for t, n in zip(timings, matches, strict=True) if low <= n and (high is None or n < high))
        if bucket:
            span = f"{low:,} to {high:,}" if high is not None else f"{low:,} or more"
            print(
                f"  the two words in {span} of all mentions: {len(bucket)} queries, "
                f"p50 {statistics.median(bucket):.1f} ms, p95 {bucket[max(int(len(bucket) * 0.95) - 1, 0)]:.1f} ms"
            )
    return figures


def _holds(store: Store, size: int) -> bool:
    """True when ``store`` is a current-schema bench store of exactly ``size`` mentions."""
    try:
        return store.is_initialized() and store.summary().mentions == size
    except Exception:  # an older or broken bench store: rebuild it
        return False


def postgres_store(base_url: str, fresh: bool, database: str = "cxpulse_bench") -> tuple[Store, bool]:
    admin = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if exists and fresh:
            conn.execute(psycopg.sql.SQL("DROP DATABASE {}").format(psycopg.sql.Identifier(database)))
            exists = None
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database)))
    url = base_url.rsplit("/", 1)[0] + "/" + database
    store = Store.open(url)
    store.upgrade()
    return store, bool(exists)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingest", type=int, default=100_000, help="mentions for the ingest run (default 100,000)")
    parser.add_argument(
        "--search-size", type=int, default=1_000_000, help="mentions in the search stores (default 1,000,000)"
    )
    parser.add_argument("--queries", type=int, default=500, help="timed queries per backend (default 500)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CXPULSE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server (a database cxpulse_bench is created there)",
    )
    parser.add_argument("--pg-database", default="cxpulse_bench", help="database of the PostgreSQL search store")
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--fresh", action="store_true", help="rebuild the search stores even if they exist")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    ingest = bench_ingest(args.ingest)
    rng = random.Random(20261123)
    bench_dir = ROOT / ".bench"
    bench_dir.mkdir(exist_ok=True)
    sqlite_path = bench_dir / f"search-{args.search_size}.db"
    data = None
    sqlite_store = Store.open(f"sqlite:///{sqlite_path}")
    if sqlite_path.exists() and (args.fresh or not _holds(sqlite_store, args.search_size)):
        sqlite_store.dispose()
        for leftover in bench_dir.glob(f"{sqlite_path.name}*"):
            leftover.unlink()
        sqlite_store = Store.open(f"sqlite:///{sqlite_path}")
    sqlite_store.upgrade()
    if sqlite_store.summary().mentions != args.search_size:
        data = corpus(args.search_size)
        seconds = seed(sqlite_store, data, "SQLite")
        print(f"seeded SQLite with {sqlite_store.summary().mentions:,} mentions in {seconds:.0f} s")
    total = sqlite_store.summary().mentions
    sqlite_figures = bench_search(sqlite_store, f"SQLite ({total:,} mentions)", args.queries, rng)
    sqlite_store.dispose()

    pg_figures: dict[str, float] = {}
    if not args.skip_postgres:
        pg_store, _ = postgres_store(args.pg_url, args.fresh, args.pg_database)
        if not _holds(pg_store, args.search_size):
            pg_store.dispose()
            pg_store, _ = postgres_store(args.pg_url, fresh=True, database=args.pg_database)
            data = data or corpus(args.search_size)
            seconds = seed(pg_store, data, "PostgreSQL")
            print(f"seeded PostgreSQL with {pg_store.summary().mentions:,} mentions in {seconds:.0f} s")
        with pg_store.engine.begin() as conn:  # ANALYZE statistics are transactional
            conn.exec_driver_sql("ANALYZE")
        total = pg_store.summary().mentions
        pg_figures = bench_search(pg_store, f"PostgreSQL ({total:,} mentions)", args.queries, rng)
        pg_store.dispose()

    print(
        json.dumps(
            {
                "ingest_per_s": round(ingest["per_s"], 1),
                "search_p95_ms_sqlite": round(sqlite_figures["p95_ms"], 2),
                "search_p95_ms_postgres": round(pg_figures["p95_ms"], 2) if pg_figures else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
