#!/usr/bin/env python3
"""Benchmark trend tables and mention exports over a year of classified mentions.

Builds a store of N mentions (default 1,000,000) on SQLite (a file under /tmp) and on
PostgreSQL (the database ``cxpulse_bench_trends``, created and, unless kept, dropped by
this script): 4 brands, 3 sources, a year of mentions ending at a fixed instant, with
weekly seasonality and growth, 8 topics, sentiments and expectation gaps whose shares
move over the year (a delivery problem at one brand in the last quarter), about 3% copies
(retweets) of earlier mentions, 1% linked to a second brand, and a synthetic
classification for each original (copies get theirs as ``cxpulse classify`` gives them;
flagged mentions get triage items; every label has its full score mapping, as the
classifier writes it). Everything is written through the Store's batch API
(``save_batch``: one ``executemany`` / ``unnest`` insert per batch; ``save_classifications``).
Then it times:

  1. the trend table through the Python API, best of 3, on SQLite and PostgreSQL::

         trends(url, by="week", dims=["brand", "topic", "sentiment"],
                metrics=["mentions", "net_sentiment", "shortfall_rate"],
                since=END - 90 days, until=END)

     Target: <= 2 s. (``cxpulse.trends`` comes with the trends work; without it this part
     reports null.)
  2. ``cxpulse export mentions -o all.parquet`` of every mention, run as a user runs it (the
     CLI in a subprocess), on SQLite and PostgreSQL: seconds, and the subprocess's peak
     resident memory. Target (SQLite): <= 30 s and <= 500 MB.

Prints the figures, then one JSON line: trend_export_s, trend_export_s_postgres,
export_mentions_s, export_peak_mb (and export_cpu_s, the PostgreSQL export figures and
the sizes).

    .venv/bin/python scripts/bench_trends.py                     # 1,000,000 mentions
    .venv/bin/python scripts/bench_trends.py --size 200000 --keep
    .venv/bin/python scripts/bench_trends.py --size 200000 --reuse   # the kept stores again
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import psycopg.sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout, not whichever cxpulse is installed

from classifiers.settings import ClassifiersConfig  # noqa: E402
from cxpulse.app.classify import current_model_version  # noqa: E402
from foundation.labels import EMOTIONS, LIFECYCLE_STAGES, Classification  # noqa: E402
from foundation.mentions import Cursor, StoredMention  # noqa: E402
from storage import Store  # noqa: E402

END = datetime(2026, 11, 30, tzinfo=UTC)
"""The fixed end of the data (exclusive): a Monday, so weeks are whole."""
DAYS = 365
BRANDS = {"Acme": 0.4, "Globex": 0.3, "Initech": 0.2, "Umbrella": 0.1}
SOURCES = {"twitter": 0.55, "reddit": 0.25, "app_store": 0.20}
TOPICS = {
    "delivery": "my parcel is late again",
    "refunds": "still waiting for the refund",
    "pricing": "the new prices are steep",
    "app": "the app keeps crashing at login",
    "support": "support answered within minutes",
    "quality": "the build quality is excellent",
    "billing": "charged twice on my card",
    "staff": "the staff at the store were kind",
}
SENTIMENT_WORDS = {"negative": "so annoyed", "neutral": "just saying", "positive": "really happy"}
WORD_SENTIMENT = {words: label for label, words in SENTIMENT_WORDS.items()}
BATCH = 10_000
PG_DATABASE = "cxpulse_bench_trends"
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


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_weights() -> list[float]:
    """Daily volume: growing over the year, busier on weekdays, a few spike days."""
    spikes = random.Random(7).sample(range(DAYS), 6)
    weights = []
    for day in range(DAYS):
        when = END - timedelta(days=DAYS - day)
        weight = (0.6 + 0.8 * day / DAYS) * (0.7 if when.weekday() >= 5 else 1.0)
        weights.append(weight * (4.0 if day in spikes else 1.0))
    return weights


def _sentiment(rng: random.Random, brand: str, topic: str, created_at: datetime) -> str:
    negative = {"Acme": 0.35, "Globex": 0.45, "Initech": 0.3, "Umbrella": 0.5}[brand]
    if brand == "Globex" and topic == "delivery" and created_at > END - timedelta(days=80):
        negative = 0.8  # the story a trend table should show
    if topic in ("support", "quality", "staff"):
        negative *= 0.5
    roll = rng.random()
    return "negative" if roll < negative else ("neutral" if roll < negative + 0.25 else "positive")


def generate(size: int, seed: int = 20261130) -> Iterator[tuple[str, list[StoredMention]]]:
    """``size`` mentions in batches of about :data:`BATCH`, grouped per (source, brand) as
    ``save_batch`` takes them: (brand, mentions of one source)."""
    rng = random.Random(seed)
    days = _day_weights()
    day_choices = rng.choices(range(DAYS), weights=days, k=size)
    earlier: list[StoredMention] = []
    for start in range(0, size, BATCH):
        groups: dict[tuple[str, str], list[StoredMention]] = {}
        for i in range(start, min(size, start + BATCH)):
            brand, source = _pick(rng, BRANDS), _pick(rng, SOURCES)
            created_at = END - timedelta(days=DAYS - day_choices[i], seconds=-rng.randrange(86_400))
            if earlier and rng.random() < 0.03:  # a copy (retweet, copy-paste) of an earlier mention
                original = rng.choice(earlier)
                text, content_hash = original.text, original.content_hash
            else:
                topics = rng.sample(list(TOPICS), rng.choice((1, 1, 1, 2)))
                sentiment = _sentiment(rng, brand, topics[0], created_at)
                gap = "shortfall" if sentiment == "negative" and rng.random() < 0.45 else "none"
                if sentiment == "positive" and rng.random() < 0.15:
                    gap = "exceeded"
                phrases = ", ".join(TOPICS[t] for t in topics)
                text = f"{brand}: {phrases}, {SENTIMENT_WORDS[sentiment]} [{gap}] #{i}"
                content_hash = f"bench-{i}"
            mention = StoredMention(
                source=source,
                external_id=str(i),
                text=text,
                created_at=min(created_at, END - timedelta(seconds=1)),
                collected_at=END,
                content_hash=content_hash,
                author_handle=f"user{rng.randrange(size // 3 + 1)}",
                language="en",
                channel="app_review" if source == "app_store" else source,
                rating=float(rng.randint(1, 5)) if source == "app_store" else None,
                url=f"https://example.com/{source}/{i}",
            )
            groups.setdefault((source, brand), []).append(mention)
            if len(earlier) < 5000:
                earlier.append(mention)
            elif rng.random() < 0.01:
                earlier[rng.randrange(len(earlier))] = mention
        for (_, brand), mentions in groups.items():
            yield brand, mentions


def label(text: str, model_version: str, rng: random.Random) -> Classification:
    """The synthetic classifier: reads back the labels the text was generated with."""
    sentiment = next(label for words, label in WORD_SENTIMENT.items() if words in text)
    topics = tuple(name for name, phrase in TOPICS.items() if phrase in text)
    gap = "shortfall" if "[shortfall]" in text else "exceeded" if "[exceeded]" in text else "none"
    flagged = sentiment == "negative" and gap == "shortfall" and rng.random() < 0.5
    stage = rng.choice(LIFECYCLE_STAGES)
    emotion = rng.choice(EMOTIONS[:5] if sentiment == "negative" else EMOTIONS[5:])
    top = 0.6 + 0.3 * rng.random()
    rest = (1 - top) / 2
    return Classification(
        sentiment=sentiment,
        sentiment_scores={s: (top if s == sentiment else rest) for s in SENTIMENT_WORDS},
        topics=topics,
        topic_scores={t: (0.8 if t in topics else 0.05) for t in TOPICS},
        expectation_gap=gap,
        gap_score=0.5 + 0.5 * rng.random(),
        gap_evidence=(text.split(",")[0],) if gap != "none" else (),
        emotion=emotion,
        emotion_scores={name: (top if name == emotion else (1 - top) / 8) for name in EMOTIONS},
        flagged=flagged,
        model_version=model_version,
        about_brand=rng.random() < 0.9,
        about_brand_score=0.9,
        complaint_score=0.8 if flagged else 0.1,
        switching=flagged and rng.random() < 0.2,
        switching_score=0.3,
        lifecycle=stage,
        lifecycle_scores={name: (0.7 if name == stage else 0.075) for name in LIFECYCLE_STAGES},
    )


def seed(store: Store, size: int, model_version: str, label_: str) -> float:
    started = time.perf_counter()
    rng = random.Random(5)
    with progress() as bar:
        task = bar.add_task(f"seed mentions, {label_}", total=size)
        for n, (brand, mentions) in enumerate(generate(size)):
            store.save_batch(mentions, source=mentions[0].source, brand=brand, cursor=Cursor(f"bench;{n}"))
            bar.advance(task, len(mentions))
            second = [m for m in mentions if rng.random() < 0.01]
            if second:  # a few mentions name two brands
                other = rng.choice([b for b in BRANDS if b != brand])
                store.save_batch(second, source=second[0].source, brand=other, cursor=Cursor(f"bench;{n}"))
        analyze(store)  # statistics for the classification pages, as autovacuum would give them in time
        print(f"  {label_}: {size:,} mentions stored in {time.perf_counter() - started:.0f} s")
        labelled = time.perf_counter()
        task = bar.add_task(f"classify (synthetic), {label_}", total=store.count_to_classify(model_version))
        after, rng_labels = 0, random.Random(11)
        while page := store.mentions_to_classify(model_version, after_id=after, limit=BATCH):
            store.save_classifications([(m.id, label(m.text, model_version, rng_labels)) for m in page])
            after = page[-1].id
            bar.advance(task, len(page))
    analyze(store)
    print(f"  {label_}: classified (synthetically) in {time.perf_counter() - labelled:.0f} s")
    return time.perf_counter() - started


def analyze(store: Store) -> None:
    with store.engine.begin() as conn:  # ANALYZE statistics are transactional on PostgreSQL
        conn.exec_driver_sql("ANALYZE")


def _holds(store: Store, size: int, model_version: str) -> bool:
    try:
        return (
            store.is_initialized()
            and store.summary().mentions == size
            and store.count_to_classify(model_version) == 0
            and store.has_classifications(model_version)
        )
    except Exception:  # an older or broken bench store: rebuild it
        return False


def sqlite_store(path: Path, size: int, model_version: str, reuse: bool) -> tuple[Store, float | None]:
    store = Store.open(f"sqlite:///{path}")
    if reuse and path.exists() and _holds(store, size, model_version):
        return store, None
    store.dispose()
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    store = Store.open(f"sqlite:///{path}")
    store.upgrade()
    return store, seed(store, size, model_version, "SQLite")


def _admin(base_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(base_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def drop_postgres(base_url: str) -> None:
    with _admin(base_url) as conn:
        conn.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(PG_DATABASE))
        )


def postgres_store(base_url: str, size: int, model_version: str, reuse: bool) -> tuple[Store, float | None]:
    url = base_url.rsplit("/", 1)[0] + "/" + PG_DATABASE
    with _admin(base_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)).fetchone()
    if reuse and exists:
        store = Store.open(url)
        if _holds(store, size, model_version):
            return store, None
        store.dispose()
    drop_postgres(base_url)
    with _admin(base_url) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(PG_DATABASE)))
    store = Store.open(url)
    store.upgrade()
    return store, seed(store, size, model_version, "PostgreSQL")


def bench_trend(url: str, label_: str) -> float | None:
    """Best of 3 of the weekly brand x topic x sentiment table over the last 90 days."""
    try:
        from cxpulse import trends  # type: ignore[attr-defined]
    except ImportError as exc:
        print(f"trend table {label_}: not measured: {exc} (the trends API is not in this checkout)")
        return None
    timings, rows = [], 0
    for _ in range(3):
        started = time.perf_counter()
        df = trends(
            url,
            by="week",
            dims=["brand", "topic", "sentiment"],
            metrics=["mentions", "net_sentiment", "shortfall_rate"],
            since=END - timedelta(days=90),
            until=END,
        )
        timings.append(time.perf_counter() - started)
        rows = len(df)
    best = min(timings)
    print(
        f"trend table {label_}: weekly brand x topic x sentiment over 90 days, {rows:,} rows: "
        f"best of 3 {best:.2f} s ({', '.join(f'{t:.2f}' for t in timings)})"
    )
    return best


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory since it started the export (``VmHWM``, kB).

    Not ``ru_maxrss``: Linux carries into it the memory of this process at the fork,
    before the exec of the export, so it would report this script's size.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])


def bench_export(url: str, label_: str, folder: Path) -> tuple[float, float, int, float]:
    """``cxpulse export mentions -o all.parquet`` in a subprocess: seconds, peak RSS (MB),
    rows, and the CPU seconds it used (user + system: on a shared machine, the wall time
    also counts the waits for a core)."""
    out = folder / "all.parquet"
    command = [sys.executable, "-c", "from cxpulse.cli.main import main; main()"]
    command += ["--db", url, "export", "mentions", "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=stderr)  # noqa: S603
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(child.pid))
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise SystemExit(f"export on {label_} failed (exit code {child.returncode}): {err.strip()}")
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(out).metadata.num_rows
    peak_mb = peak_kb / 1024
    cpu = usage.ru_utime + usage.ru_stime
    size_mb = out.stat().st_size / 1e6
    print(
        f"export {label_}: {rows:,} mentions to Parquet ({size_mb:,.0f} MB) in {seconds:.1f} s = "
        f"{rows / seconds:,.0f} rows/s ({cpu:.1f} s of CPU), peak memory {peak_mb:,.0f} MB"
    )
    out.unlink()
    return seconds, peak_mb, rows, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="mentions in each store (default 1,000,000)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CXPULSE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help=f"PostgreSQL server (the database {PG_DATABASE} is created there)",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--keep", action="store_true", help="keep both stores at the end (for a later --reuse)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse stores kept by --keep when they hold --size mentions"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    keep = args.keep
    model_version = current_model_version(ClassifiersConfig()) or "bench-trends"
    bench_dir = Path(tempfile.gettempdir()) / "cxpulse_bench_trends"
    bench_dir.mkdir(exist_ok=True)
    sqlite_path = bench_dir / f"trends-{args.size}.db"
    figures: dict[str, Any] = {"mentions": args.size}

    store, seeded = sqlite_store(sqlite_path, args.size, model_version, args.reuse)
    if seeded is not None:
        print(f"seeded SQLite with {args.size:,} classified mentions in {seeded:.0f} s")
    url = store.engine.url.render_as_string(hide_password=False)
    store.dispose()
    figures["trend_export_s"] = bench_trend(url, "SQLite")
    seconds, peak, rows, cpu = bench_export(url, "SQLite", bench_dir)
    figures.update(
        export_mentions_s=round(seconds, 2),
        export_peak_mb=round(peak, 1),
        export_cpu_s=round(cpu, 2),
        exported_rows=rows,
    )

    figures["trend_export_s_postgres"] = None
    if not args.skip_postgres:
        pg, seeded = postgres_store(args.pg_url, args.size, model_version, args.reuse)
        if seeded is not None:
            print(f"seeded PostgreSQL with {args.size:,} classified mentions in {seeded:.0f} s")
        pg_url = pg.engine.url.render_as_string(hide_password=False)
        pg.dispose()
        figures["trend_export_s_postgres"] = bench_trend(pg_url, "PostgreSQL")
        seconds, peak, _, cpu = bench_export(pg_url, "PostgreSQL", bench_dir)
        figures.update(
            export_mentions_s_postgres=round(seconds, 2),
            export_peak_mb_postgres=round(peak, 1),
            export_cpu_s_postgres=round(cpu, 2),
        )
        if not keep:
            drop_postgres(args.pg_url)
    if not keep:
        for leftover in bench_dir.glob(f"{sqlite_path.name}*"):
            leftover.unlink()
    for key in ("trend_export_s", "trend_export_s_postgres"):
        if figures[key] is not None:
            figures[key] = round(figures[key], 3)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
