"""``cxpulse worker``: a Celery worker consuming some queues, with a heartbeat in the store.

With ``concurrency`` 1 the worker runs tasks in its own process (Celery's
``solo`` pool); with more, in that many forked processes (``prefork``), each
loading its own classifier once and giving it ``cores / concurrency`` CPU
threads so the processes do not oversubscribe the machine.

SIGTERM (or Ctrl-C) is Celery's warm shutdown: the worker takes no new task,
a classify task finishes and saves the batch in hand and hands the rest on,
and the worker exits 0. SIGKILL loses nothing either: the task's message goes
back to the queue (acknowledged late) and its claims in the store expire.

While it runs, the worker records a heartbeat every ``[execution]
heartbeat_seconds`` in the store (``cxpulse workers status`` reads it).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from celery.signals import worker_process_init

from cxpulse.config import LoadedConfig
from cxpulse.worker.celery_app import build_celery
from cxpulse.worker.runtime import WorkerRuntime, after_fork, install
from foundation.clock import utc_now
from foundation.errors import CxPulseError
from storage import Store, claims

__all__ = ["Heartbeat", "run_worker", "worker_name"]

logger = logging.getLogger(__name__)

POOLS = ("prefork", "solo", "threads")


def worker_name() -> str:
    """This worker's name: ``cxpulse-PID@HOST`` (unique per process on a host)."""
    return f"cxpulse-{os.getpid()}@{socket.gethostname()}"


class Heartbeat:
    """A thread that records the worker's heartbeat until stopped, then removes it."""

    def __init__(self, store: Store, name: str, info: dict[str, Any], every: float) -> None:
        self._store = store
        self._name = name
        self._info = info
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="cxpulse-heartbeat", daemon=True)

    def start(self) -> None:
        self._record()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._every + 5)
        try:
            claims.drop_worker(self._store, self._name)
        except CxPulseError as exc:
            logger.warning("the heartbeat of %s was not removed: %s", self._name, exc)

    def _record(self) -> None:
        ttl = timedelta(seconds=max(3 * self._every, self._every + 5))
        try:
            if not claims.heartbeat(self._store, self._name, info=self._info, ttl=ttl):
                logger.warning("another live worker is named %s; this one's heartbeat is not recorded", self._name)
        except CxPulseError as exc:  # the store is down: say so, keep working, beat again later
            logger.warning("heartbeat of %s not recorded: %s", self._name, exc)

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            self._record()


def run_worker(
    loaded: LoadedConfig,
    store: Store,
    env: Mapping[str, str],
    broker_url: str,
    *,
    queues: Sequence[str],
    concurrency: int,
    pool: str | None = None,
    name: str | None = None,
) -> int:
    """Run a worker until it is stopped; returns its exit code (0 after a warm shutdown)."""
    cores = os.cpu_count() or 1
    chosen_pool = pool or ("solo" if concurrency == 1 else "prefork")
    if chosen_pool not in POOLS:
        raise CxPulseError(f"unknown pool {chosen_pool!r}; use one of {', '.join(POOLS)}")
    threads = max(1, cores // concurrency) if chosen_pool != "threads" else max(1, cores)
    install(WorkerRuntime(loaded, store, env, threads=threads))
    worker_process_init.connect(lambda **_: after_fork(), weak=False)
    app = build_celery(loaded, broker_url)
    name = name or worker_name()
    info = {
        "queues": list(queues),
        "concurrency": concurrency,
        "pool": chosen_pool,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": utc_now().isoformat(timespec="seconds"),
    }
    heartbeat = Heartbeat(store, name, info, float(loaded.settings.execution.heartbeat_seconds))
    heartbeat.start()
    logger.info(
        "worker %s consuming %s with %d %s process(es), %d classifier thread(s) each",
        name,
        ",".join(queues),
        concurrency,
        chosen_pool,
        threads,
    )
    argv = [
        "worker",
        f"--queues={','.join(queues)}",
        f"--concurrency={concurrency}",
        f"--pool={chosen_pool}",
        f"--hostname={name}",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
    ]
    try:
        app.worker_main(argv=argv)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else 0
    finally:
        heartbeat.stop()
        try:
            claims.release_mine(store)
        except CxPulseError as exc:
            logger.warning("claims of this worker not released (they expire): %s", exc)
    return 0
