#!/usr/bin/env python3
"""Classification throughput on the local backend and on 1 and 2 Celery worker processes.

    python scripts/bench_scale.py                  # 5,000 demo mentions
    python scripts/bench_scale.py --mentions 2000  # quicker

Everything runs on this machine, in one run, on the same stored mentions: a
fresh PostgreSQL database (dropped at the end) and a redis-server of its own
on a free loopback port. Each figure classifies every stored mention from
scratch (classifications, triage and claims emptied in between), with a warm
model. Each figure is the median of ``--repeats`` runs (3), and the local and
1-worker runs alternate, run by run, so that a slow spell of a shared machine
falls on both (single runs of the same code differed by 15 %):

* local: ``classify_pending`` in this process, as ``cxpulse classify`` and the
  local backend's classify job run it (one process, every core's threads);
* 1 worker: one ``cxpulse worker --queues classify`` (solo pool, every core's
  threads), timed from enqueueing the classify job to the last mention stored;
* 2 workers: one ``cxpulse worker --concurrency 2`` (two prefork processes,
  cores/2 threads each), timed the same way.

``enqueue_overhead_ms`` is what the queue adds to one classify run of these
mentions: the 1-worker time less the local time (publishing, a worker taking
the task, claiming each batch in the store). ``enqueue_call_ms`` is the mean
time to publish one task. Workers are warmed up by a classify task that finds
nothing to do (it loads the model).

Ends with one JSON line: classify_per_s_local, classify_per_s_1_worker,
classify_per_s_2_workers, enqueue_overhead_ms, enqueue_call_ms, ratio_1_worker_vs_local,
ratio_runs (each run's pair), repeats, mentions, cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import text  # noqa: E402

from cxpulse.app.classify import classify_pending, current_model_version, get_classifier  # noqa: E402
from cxpulse.app.collect import collect  # noqa: E402
from cxpulse.app.dispatch import classify_tasks_needed, enqueue_job  # noqa: E402
from cxpulse.config import LoadedConfig, load_config  # noqa: E402
from cxpulse.worker import CeleryDispatcher, build_celery  # noqa: E402
from listener.sources.demo import DEMO_BRANDS  # noqa: E402
from storage import Store  # noqa: E402

if TYPE_CHECKING:
    from celery import Celery

    from classifiers.engine import Classifier

KEPT = 0.93
"""Share of the demo stream the demo brands' queries keep (the rest is dropped: other brands, spam)."""
CLI = "import sys; from cxpulse.cli.main import main; sys.argv[0] = 'cxpulse'; main()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, database_url: str, broker_url: str, per_brand: int) -> Path:
    lines = [
        f"[database]\nurl = {json.dumps(database_url)}\n",
        f'[execution]\nbackend = "celery"\nbroker_url = {json.dumps(broker_url)}\nheartbeat_seconds = 1\n',
        f'[[sources]]\ntype = "demo"\nname = "demo"\noptions = {{ seed = 11, count = {per_brand} }}\n',
    ]
    for brand in DEMO_BRANDS:
        lines.append(
            f"[[brands]]\nname = {json.dumps(brand.name)}\nquery = {json.dumps(brand.query)}\n"
            f"languages = {json.dumps(list(brand.languages))}\n"
        )
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def reset(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("TRUNCATE classifications, triage_events, triage, work_leases RESTART IDENTITY"))


def unclassified(store: Store, version: str) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM classifications c "
                    "WHERE c.mention_id = m.id AND c.model_version = :v)"
                ),
                {"v": version},
            ).scalar_one()
        )


def wait(check: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise SystemExit(f"timed out waiting for {what}")


class Workers:
    """One ``cxpulse worker`` process (and its pool), warm, timed on as many runs as asked."""

    def __init__(self, config: Path, folder: Path, celery: Celery, args: list[str]) -> None:
        self.celery = celery
        self.log = folder / f"worker-{len(args)}.log"
        self.processes = 2 if "--concurrency" in args else 1
        self.expected = 0
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log.open("wb") as handle:
            self.worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "-c", CLI, "--config", str(config), "worker", "--queues", "classify", *args],
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def finished(self) -> int:
        """Tasks this worker has finished (succeeded, or put back to look again later)."""
        log = self.log.read_text(errors="replace")
        return log.count("] succeeded in") + log.count("] retry:")

    def warm_up(self, dispatcher: CeleryDispatcher) -> None:
        """Tasks that find nothing to do (every mention is classified): each pool process loads its model."""
        for _ in range(self.processes * 2):
            dispatcher.enqueue("classify")
        self.expected = self.processes * 2
        wait(lambda: self.finished() >= self.expected, 300, "the warm-up")

    def time_once(self, store: Store, version: str, dispatcher: CeleryDispatcher, loaded: LoadedConfig) -> float:
        """Seconds from enqueueing the classify job to every mention classified; then waits until
        the worker is idle (the job's other tasks, no-ops by then, taken off the queue or finished)."""
        reset(store)
        tasks = classify_tasks_needed(store, loaded)
        started = time.perf_counter()
        enqueue_job(dispatcher, store, loaded, "classify")
        # polled every 0.2 s: each poll is a count over the store, on the cores the workers need
        # (at 0.05 s the polling alone took several percent of the run); at most 0.2 s late
        wait(lambda: unclassified(store, version) == 0, 1800, "every mention classified", every=0.2)
        seconds = time.perf_counter() - started
        # the job enqueued one task per batch (for as many workers as there might be); those not
        # yet taken would classify the next run's mentions before its clock starts
        self.expected += tasks - int(self.celery.control.purge() or 0)
        wait(lambda: self.finished() >= self.expected, 300, "the worker to go idle")
        return seconds

    def stop(self) -> None:
        self.worker.send_signal(signal.SIGTERM)
        self.worker.wait(timeout=120)


def time_local(store: Store, loaded: LoadedConfig, version: str, classifier: Classifier) -> float:
    """Seconds for ``classify_pending`` in this process to classify every stored mention."""
    reset(store)
    started = time.perf_counter()
    classify_pending(store, classifier, loaded, batch_size=loaded.settings.execution.batch_size)
    seconds = time.perf_counter() - started
    assert unclassified(store, version) == 0
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=5000, help="about how many demo mentions to store and classify")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each figure (the median is reported)")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="PostgreSQL admin URL")
    options = parser.parse_args()

    name = f"cxpulse_bench_scale_{secrets.token_hex(4)}"
    with psycopg.connect(options.pg, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    database_url = f"{options.pg.rsplit('/', 1)[0]}/{name}"
    port = free_port()
    redis = subprocess.Popen(  # noqa: S603
        ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    store = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            per_brand = math.ceil(options.mentions / len(DEMO_BRANDS) / KEPT)
            config = write_config(folder, database_url, f"redis://127.0.0.1:{port}/0", per_brand)
            loaded = load_config(config, env={})
            store = Store.open(loaded.database_url)
            store.upgrade()
            collect(loaded, store, {})
            version = current_model_version(loaded.settings.classifiers)
            assert version is not None
            mentions = store.summary().mentions
            print(f"{mentions:,} demo mentions stored; {os.cpu_count()} cores", file=sys.stderr)

            classifier = get_classifier(loaded.settings.classifiers)
            classifier.classify(["warm-up text"] * 8)
            time_local(store, loaded, version, classifier)  # untimed: leaves nothing for the workers' warm-up
            celery = build_celery(loaded, f"redis://127.0.0.1:{port}/0")
            dispatcher = CeleryDispatcher(celery)
            publish = time.perf_counter()
            probes = [dispatcher.enqueue("alerts") for _ in range(50)]
            enqueue_call = (time.perf_counter() - publish) / len(probes)
            celery.control.purge()  # the probes are not to run

            # local and 1 worker alternate, run by run, so a slow spell of the machine
            # falls on both; the worker idles (as it would) while the local run works
            locals_: list[float] = []
            ones: list[float] = []
            workers = Workers(config, folder, celery, [])
            try:
                workers.warm_up(dispatcher)
                for run in range(options.repeats):
                    locals_.append(time_local(store, loaded, version, classifier))
                    ones.append(workers.time_once(store, version, dispatcher, loaded))
                    print(
                        f"run {run + 1}: local {mentions / locals_[-1]:,.0f} mentions/s ({locals_[-1]:.1f} s), "
                        f"1 worker {mentions / ones[-1]:,.0f} mentions/s ({ones[-1]:.1f} s)",
                        file=sys.stderr,
                    )
            finally:
                workers.stop()
            twos: list[float] = []
            workers = Workers(config, folder, celery, ["--concurrency", "2"])
            try:
                workers.warm_up(dispatcher)
                for run in range(options.repeats):
                    twos.append(workers.time_once(store, version, dispatcher, loaded))
                    print(
                        f"run {run + 1}: 2 worker processes {mentions / twos[-1]:,.0f} mentions/s ({twos[-1]:.1f} s)",
                        file=sys.stderr,
                    )
            finally:
                workers.stop()
            local, one, two = statistics.median(locals_), statistics.median(ones), statistics.median(twos)
            print(
                f"median of {options.repeats}: local {mentions / local:,.0f}/s, 1 worker {mentions / one:,.0f}/s "
                f"({local / one:.3f} of local), 2 worker processes {mentions / two:,.0f}/s",
                file=sys.stderr,
            )
    finally:
        if store is not None:
            store.dispose()
        redis.terminate()
        redis.wait(timeout=10)
        with psycopg.connect(options.pg, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print(
        json.dumps(
            {
                "classify_per_s_local": round(mentions / local, 1),
                "classify_per_s_1_worker": round(mentions / one, 1),
                "classify_per_s_2_workers": round(mentions / two, 1),
                "enqueue_overhead_ms": round((one - local) * 1000, 1),
                "enqueue_call_ms": round(enqueue_call * 1000, 2),
                "ratio_1_worker_vs_local": round(local / one, 3),
                "ratio_runs": [round(a / b, 3) for a, b in zip(locals_, ones, strict=True)],
                "repeats": options.repeats,
                "mentions": mentions,
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
