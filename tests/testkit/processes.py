"""The real `cxpulse` command as a child process, for tests that kill things under it.

``FAULTS_TRACE=1`` prints how long each wait took (where a slow machine spends the suite's time).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

__all__ = ["ROOT", "Child", "cxpulse", "wait_for"]

ROOT = Path(__file__).resolve().parents[2]
"""The checkout under test: its ``cxpulse`` is the one the child processes import."""

_numbers = count()


@dataclass
class Child:
    """A running `cxpulse`; its stderr (the log) goes to a file, so it never blocks on a full pipe."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 300) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would; waits until it is gone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def cxpulse(config: Path, *args: str, env: dict[str, str] | None = None) -> Child:
    """Start ``cxpulse --config CONFIG ARGS`` in the config's folder."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    for name in ("CXPULSE_CONFIG", "CXPULSE_DATABASE_URL"):
        if name not in (env or {}):
            environment.pop(name, None)
    log_path = config.parent / f"cxpulse-{args[0] if args else 'run'}-{next(_numbers)}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "from cxpulse.cli.main import main; main()", "--config", str(config), *args],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=environment,
            cwd=config.parent,
        )
    return Child(process, log_path)


def wait_for(condition: Callable[[], bool], what: str, *, child: Child | None = None) -> None:
    """Poll ``condition`` until it holds; fail (with the child's log) if the child ends first or it never does."""
    started = time.monotonic()
    deadline = started + 120
    while not condition():
        if child is not None and not child.running:
            raise AssertionError(f"the process ended before {what}:\n{child.log()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)
    if os.environ.get("FAULTS_TRACE"):
        print(f"waited {time.monotonic() - started:.1f}s for {what}")
