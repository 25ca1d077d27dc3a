#!/usr/bin/env python3
"""Count where search and the brand-query matcher disagree, on a demo store, on SQLite and PostgreSQL.

Builds a demo store (the demo source, ``--count`` mentions per brand, as ``cxpulse
demo`` collects them) plus a handful of hostile mentions (emoji, symbols, CJK, Thai,
Hangul, full-width and ligature text, letters with strokes, URLs, handles inside
e-mail addresses), then runs the queries of issue 17 and ``--queries`` random ones
drawn from the store's own words, handles, hashtags, symbols and phrases, with OR,
AND and exclusions. A query counts as a mismatch when ``Store.search`` (every page)
or ``Store.count`` differs from the matcher run over the stored texts; an error is a
query the matcher accepts that search refuses or fails on. Ends with one JSON line.

    .venv/bin/python scripts/search_vs_matcher.py                     # both backends, about a minute
    .venv/bin/python scripts/search_vs_matcher.py --skip-postgres --queries 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import psycopg.sql

from cxpulse.app.collect import collect
from cxpulse.app.demo import demo_config
from foundation.errors import CxPulseError, QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query import MatchDocument, matches, parse, require_positive
from foundation.query.text import extract_handles, extract_hashtags, fold, tokenize
from storage import SearchFilters, Store

CREATED = datetime(2026, 11, 1, tzinfo=UTC)
HOSTILE = [
    "refund now 😡😡 please",
    "price was 30€ for nothing",
    "東京駅で遅延 again",
    "ร้านนี้บริการแย่มาก",
    "\uff21\uff23\uff2d\uff25 full width ﬁnally",
    "Łódź øre đuro ħal",
    "see https://example.com/refund/status/123 for details",
    "@skyhop_help is not @skyhop",
    "#NorthwindAirFail vs #northwindair",
    "bob@skyhop.com wrote",
    "삼성이 좋아요",
    "naïve café crème brûlée",
    "straße İSTANBUL",
]
ISSUE_QUERIES = ["😡", "€", "refund 😡", "@skyhop", "#northwindair", "ba*", "東京", "บริการ", "\uff21\uff23\uff2d\uff25"]
ISSUE_QUERIES += ["finally", "lodz", "ore", "duro", "hal", "refund", "status", "삼성", "@skyhop*", "#northwind*"]
ISSUE_QUERIES += [" ".join(f"w{i}" for i in range(120)), "refund -please OR 😡"]


def demo_store(url: str, count: int) -> Store:
    store = Store.open(url)
    store.upgrade()
    collect(demo_config(Path(tempfile.gettempdir()), url, count=count), store, os.environ)
    batch = [
        StoredMention(
            source="hostile", external_id=str(i), text=t, created_at=CREATED, collected_at=CREATED, content_hash=f"h{i}"
        )
        for i, t in enumerate(HOSTILE)
    ]
    store.save_batch(batch, source="hostile", brand="Skyhop", cursor=Cursor())
    return store


def random_queries(texts: list[str], n: int, rng: random.Random) -> list[str]:
    words: list[str] = []
    tags: list[str] = []
    handles: list[str] = []
    symbols: list[str] = []
    phrases: list[str] = []
    for text in rng.sample(texts, min(400, len(texts))):
        folded = fold(text)
        tokens = tokenize(folded)
        words += tokens
        tags += sorted(extract_hashtags(folded))
        handles += sorted(extract_handles(folded))
        symbols += [c for c in folded if not c.isalnum() and not c.isspace() and ord(c) > 0x2000]
        if len(tokens) >= 2:
            i = rng.randrange(len(tokens) - 1)
            phrases.append(f'"{tokens[i]} {tokens[i + 1]}"')
    pools = [words, words, tags or words, handles or words, symbols or words, phrases or words]

    def atom() -> str:
        pool = rng.choice(pools)
        item = rng.choice(pool)
        if pool is tags:
            return "#" + item + ("*" if rng.random() < 0.2 else "")
        if pool is handles:
            return "@" + item
        if pool is words and rng.random() < 0.3:
            return item[:3] + "*"
        return item

    queries = []
    for _ in range(n):
        query = atom()
        for _ in range(rng.randint(0, 2)):
            query += rng.choice([" ", " OR ", " -", " AND "]) + atom()
        queries.append(query)
    return queries


def check(store: Store, label: str, queries: list[str]) -> dict[str, int]:
    with store.engine.connect() as connection:
        texts = dict(connection.exec_driver_sql("SELECT id, text FROM mentions").fetchall())
    docs = {i: MatchDocument.from_text(t) for i, t in texts.items()}
    checked = mismatches = errors = 0
    started = time.perf_counter()
    for query in queries:
        try:
            tree = require_positive(parse(query), query)
        except QueryError:
            continue
        truth = {i for i, doc in docs.items() if matches(tree, doc)}
        try:
            hits = store.search(tree, SearchFilters(), limit=len(docs) + 1)
            total = store.count(tree, SearchFilters())
        except (CxPulseError, RecursionError) as exc:
            errors += 1
            print(f"  {label} error for {query[:60]!r}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
            continue
        checked += 1
        got = {hit.id for hit in hits}
        if got != truth or total != len(truth):
            mismatches += 1
            print(f"  {label} {query[:60]!r}: matcher {len(truth)}, search {len(got)}, count {total}", file=sys.stderr)
    print(
        f"{label}: {checked} queries checked over {len(docs):,} mentions in {time.perf_counter() - started:.0f} s: "
        f"{mismatches} mismatches, {errors} errors"
    )
    return {"checked": checked, "mismatches": mismatches, "errors": errors, "mentions": len(docs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1500, help="demo mentions per brand (default 1,500)")
    parser.add_argument("--queries", type=int, default=300, help="random queries per backend (default 300)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the random queries")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CXPULSE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server (a scratch database is created there and dropped)",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    args = parser.parse_args()
    figures: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in ["sqlite"] if args.skip_postgres else ["sqlite", "postgres"]:
            database = None
            if backend == "sqlite":
                url = f"sqlite:///{folder}/demo.db"
            else:
                database = f"cxpulse_search_check_{os.getpid()}"
                with psycopg.connect(args.pg_url, autocommit=True) as admin:
                    admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database)))
                url = args.pg_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + database
            store = demo_store(url, args.count)
            try:
                with store.engine.connect() as connection:
                    texts = [row[0] for row in connection.exec_driver_sql("SELECT text FROM mentions")]
                queries = ISSUE_QUERIES + random_queries(texts, args.queries, random.Random(args.seed))
                figures[backend] = check(store, backend, queries)
            finally:
                store.dispose()
                if database:
                    with psycopg.connect(args.pg_url, autocommit=True) as admin:
                        admin.execute(
                            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                                psycopg.sql.Identifier(database)
                            )
                        )
    print(json.dumps(figures))
    return 0 if all(f["mismatches"] == f["errors"] == 0 for f in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
