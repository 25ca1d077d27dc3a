#!/usr/bin/env python3
"""Benchmark the digest: build one weekly digest over 1,000,000 stored mentions on SQLite.

Seeds (once) a SQLite store with ``--size`` classified mentions of three brands
spread over the last ``--days`` days (default 60, as scripts/bench_store.py:
about 117,000 mentions a week), then builds, without sending, the weekly
digest of the brand with half of them against its two competitors, and renders
it (HTML, text and the two PNG charts). Target: build <= 5 s.

    .venv/bin/python scripts/bench_digest.py             # seeds /tmp/cxpulse-bench-digest.db once
    .venv/bin/python scripts/bench_digest.py --fresh     # rebuild the store

The store is written with plain bulk INSERTs (no pipeline, no full-text
index: the digest does not search). Ends with one JSON line, e.g.
``{"digest_build_s": 1.23, ...}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cxpulse.app.digest import build_digest, render_digest
from cxpulse.config import BrandConfig, Settings
from cxpulse.config.digests import DigestConfig
from storage import Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BRANDS = (("Acme", 0.5), ("Globex", 0.3), ("Initech", 0.2))
TOPICS = ("delivery", "refund", "billing", "app", "support", "price", "quality", "staff", "website", "returns")
SENTIMENTS = (("negative", 0.3), ("neutral", 0.4), ("positive", 0.3))
PHRASES = (
    "my parcel never arrived",
    "refund still not processed",
    "charged twice this month",
    "the app keeps crashing",
    "support never answered",
    "great service as usual",
    "price went up again",
    "delivery was two days late",
)
BATCH = 50_000


def _ts(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (UTC wall time)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, size: int, days: int, seed_value: int) -> None:
    if path.exists():
        path.unlink()
    store = Store.open(f"sqlite:///{path}")
    store.upgrade()
    store.dispose()
    rng = random.Random(seed_value)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("INSERT INTO mentions_fts_deferred(active) VALUES (1)")  # no full-text index: not needed here
    start = NOW - timedelta(days=days)
    span = days * 86400
    brand_names = [b for b, _ in BRANDS]
    brand_weights = [w for _, w in BRANDS]
    started = time.perf_counter()
    for first in range(1, size + 1, BATCH):
        mentions, links, classes, triage = [], [], [], []
        for i in range(first, min(first + BATCH, size + 1)):
            created = start + timedelta(seconds=rng.random() * span)
            brand = rng.choices(brand_names, brand_weights)[0]
            sentiment = rng.choices(("negative", "neutral", "positive"), (0.3, 0.4, 0.3))[0]
            shortfall = sentiment == "negative" and rng.random() < 0.3
            phrase = rng.choice(PHRASES)
            text = f"{brand} {phrase}: order {i} was supposed to be here by Friday, as advertised."
            review = rng.random() < 0.15
            mentions.append(
                (
                    i,
                    "appstore" if review else "twitter",
                    str(i),
                    f"@user{i % 5000}",
                    text,
                    f"https://example.com/m/{i}",
                    "en",
                    "appstore" if review else "twitter",
                    float(rng.randint(1, 5)) if review else None,
                    _ts(created),
                    _ts(created),
                    f"h{i}",
                    brand.lower(),
                )
            )
            links.append((i, brand))
            about_brand = rng.random() < 0.9
            flagged = about_brand and sentiment == "negative" and rng.random() < 0.7
            switching = flagged and rng.random() < 0.1
            classes.append(
                (
                    i,
                    "bench-v1",
                    sentiment,
                    "{}",
                    json.dumps(rng.sample(TOPICS, rng.randint(1, 2))),
                    "{}",
                    "shortfall" if shortfall else "none",
                    rng.random() if shortfall else 0.0,
                    json.dumps(["supposed to be here by Friday"]) if shortfall else None,
                    "anger" if sentiment == "negative" else "neutral",
                    "{}",
                    int(flagged),
                    int(about_brand),
                    int(switching),
                    0.9 if switching else 0.05,
                    ("leaving" if switching else "use") if about_brand else None,
                    _ts(created + timedelta(minutes=5)),
                )
            )
            if flagged and rng.random() < 0.6:
                status = rng.choice(("open", "in_progress", "resolved", "resolved", "not_actionable"))
                triage.append((i, status, _ts(NOW)))
        db.executemany(
            "INSERT INTO mentions (id, source, external_id, author_handle, text, url, language, channel, rating, "
            "created_at, collected_at, content_hash, facets) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            mentions,
        )
        db.executemany("INSERT INTO mention_brands (mention_id, brand) VALUES (?,?)", links)
        db.executemany(
            "INSERT INTO classifications (mention_id, model_version, sentiment, sentiment_scores, topics, "
            "topic_scores, expectation_gap, gap_score, gap_evidence, emotion, emotion_scores, flagged, "
            "about_brand, switching, switching_score, lifecycle, classified_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            classes,
        )
        db.executemany("INSERT INTO triage (mention_id, status, updated_at) VALUES (?,?,?)", triage)
        db.commit()
        print(f"seeded {min(first + BATCH - 1, size):,} mentions", file=sys.stderr)
    db.execute("DELETE FROM mentions_fts_deferred")
    db.commit()
    db.close()
    print(f"seeded {size:,} mentions in {time.perf_counter() - started:.1f} s into {path}", file=sys.stderr)


def settings() -> Settings:
    return Settings(
        brands=[
            BrandConfig(name="Acme", query="acme", competitors=["Globex", "Initech"]),
            BrandConfig(name="Globex", query="globex"),
            BrandConfig(name="Initech", query="initech"),
        ],
        digests=[DigestConfig(name="weekly", brands=["Acme"], recipients=["marketing@example.com"])],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/cxpulse-bench-digest.db"), help="SQLite file")  # noqa: S108
    parser.add_argument("--size", type=int, default=1_000_000, help="mentions to store")
    parser.add_argument("--days", type=int, default=60, help="days the mentions are spread over")
    parser.add_argument("--runs", type=int, default=3, help="digest builds to time (the median is reported)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the store even if it exists")
    args = parser.parse_args()

    marker = args.db.with_suffix(".json")
    wanted = {"size": args.size, "days": args.days, "seed": 7}
    if args.fresh or not args.db.exists() or not marker.exists() or json.loads(marker.read_text()) != wanted:
        seed(args.db, args.size, args.days, 7)
        marker.write_text(json.dumps(wanted))
    store = Store.open(f"sqlite:///{args.db}")
    config = settings()
    builds, renders = [], []
    digest = None
    for _ in range(args.runs):
        started = time.perf_counter()
        digest = build_digest(store, config, "weekly", now=NOW)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        rendered = render_digest(digest)
        renders.append(time.perf_counter() - started)
    assert digest is not None
    acme = digest.brands[0]
    print(
        f"weekly digest of Acme for {digest.period.label} over {args.size:,} mentions: "
        f"{int(acme.volume.current or 0):,} mentions this week, {int(acme.volume.previous or 0):,} the week before; "
        f"build {statistics.median(builds):.2f} s (runs: {', '.join(f'{b:.2f}' for b in builds)}), "
        f"render {statistics.median(renders):.2f} s, HTML {len(rendered.html):,} chars",
        file=sys.stderr,
    )
    store.dispose()
    result = {
        "digest_build_s": round(statistics.median(builds), 3),
        "digest_build_first_s": round(builds[0], 3),
        "digest_render_s": round(statistics.median(renders), 3),
        "mentions": args.size,
        "mentions_in_week": int(acme.volume.current or 0),
        "target_s": 5.0,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
