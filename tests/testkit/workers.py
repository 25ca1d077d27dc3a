"""Real `cxpulse worker` processes for tests: an own Redis broker, a fresh PostgreSQL
database, a config file that points both at them, and helpers to watch the store.

The broker is a ``redis-server`` of the test's own on a free loopback port, without
persistence (``--save '' --appendonly no``): the test starts, stops and restarts it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from listener.sources.demo import DEMO_BRANDS
from testkit.stores import _create_database, _database_url, _drop_database

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
CLI = "import sys; from cxpulse.cli.main import main; sys.argv[0] = 'cxpulse'; main()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RedisServer:
    """A redis-server of the test's own; :meth:`stop` and :meth:`start` take it down and back."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (mandatory under CI=true)."""
    name = _create_database()
    yield _database_url(name)
    _drop_database(name)


def write_config(
    path: Path,
    *,
    database_url: str,
    broker_url: str,
    demo_count: int = 0,
    extra: str = "",
    execution: dict[str, Any] | None = None,
    demo_brands: bool = True,
) -> Path:
    """A config.toml with the demo brands, the demo source (``demo_count`` mentions per brand) and
    ``[execution] backend = "celery"``; one classifier thread per process (two workers
    share this machine's cores)."""
    lines = [f"[database]\nurl = {json.dumps(database_url)}\n", "[classifiers]\nthreads = 1\n"]
    settings = {"backend": "celery", "broker_url": broker_url, "heartbeat_seconds": 1, **(execution or {})}
    lines.append("[execution]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()))
    for brand in DEMO_BRANDS if demo_brands else ():
        lines.append(
            "[[brands]]\n"
            f"name = {json.dumps(brand.name)}\nquery = {json.dumps(brand.query)}\n"
            f"competitors = {json.dumps(list(brand.competitors))}\nlanguages = {json.dumps(list(brand.languages))}\n"
        )
    if demo_count:
        lines.append(f'[[sources]]\ntype = "demo"\nname = "demo"\noptions = {{ seed = 7, count = {demo_count} }}\n')
    lines.append(extra)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self, timeout: float = 120) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Workers:
    config: Path
    folder: Path
    started: list[Worker] = field(default_factory=list)

    def argv(self, *args: str) -> list[str]:
        """The command line of `cxpulse --config CONFIG ARGS...` run from this checkout."""
        return [sys.executable, "-c", CLI, "--config", str(self.config), *args]

    def env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        env.pop("CXPULSE_DATABASE_URL", None)
        env.pop("CXPULSE_CONFIG", None)
        return env

    def start(self, name: str, *args: str) -> Worker:
        log = self.folder / f"{name}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                self.argv("worker", "--name", name, *args),
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=self.env(),
                cwd=self.folder,
            )
        worker = Worker(name, process, log)
        self.started.append(worker)
        return worker

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.folder,
            timeout=timeout,
            check=False,
        )

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGKILL)
                worker.process.wait(timeout=30)


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def unclassified(store: Any, version: str) -> int:
    """Stored mentions without a classification for ``version`` (copies included)."""
    from sqlalchemy import text

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


def exactly_once_report(store: Any, version: str) -> dict[str, int]:
    """What a user checks after a run: mentions, classifications per mention, triage items and
    the triage events the classifier wrote (one per item it opened)."""
    from sqlalchemy import text

    queries = {
        "mentions": "SELECT count(*) FROM mentions",
        "classified": "SELECT count(DISTINCT mention_id) FROM classifications WHERE model_version = :v",
        "rows": "SELECT count(*) FROM classifications WHERE model_version = :v",
        "most_rows_per_mention": "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM classifications "
        "WHERE model_version = :v GROUP BY mention_id) AS per",
        "triage_items": "SELECT count(*) FROM triage",
        "classifier_triage_events": "SELECT count(*) FROM triage_events WHERE actor = 'cxpulse classify'",
        "claims_left": "SELECT count(*) FROM work_leases WHERE kind = 'classify'",
    }
    with store.engine.connect() as connection:
        return {key: int(connection.execute(text(sql), {"v": version}).scalar_one()) for key, sql in queries.items()}


def holds_claims(store: Any, pid: int, kind: str = "classify") -> bool:
    """True while process ``pid`` holds a ``kind`` claim (mid-batch, mid-collection)."""
    from storage import claims

    return any(h.kind == kind and h.holder.startswith(f"{pid}@") for h in claims.work_status(store).leases)
