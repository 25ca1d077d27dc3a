"""What a worker process's tasks work with: config, store, environment, classifier.

Installed once in the worker's main process by :func:`cxpulse.worker.run.run_worker`,
before Celery forks its pool; each pool process then opens its own database
connections (:func:`after_fork`) and loads the classifier the first time it
classifies, once for the life of the process (one model per process, with the
CPU threads the worker gives each process).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cxpulse.config import LoadedConfig
from foundation.errors import CxPulseError
from storage import Store

if TYPE_CHECKING:
    from classifiers.engine import Classifier

__all__ = ["WorkerRuntime", "after_fork", "current", "install"]


@dataclass
class WorkerRuntime:
    """The live objects of one worker (shared by its pool processes through fork)."""

    loaded: LoadedConfig
    store: Store
    env: Mapping[str, str]
    threads: int | None = None
    """CPU threads each process gives the classifier (None: [classifiers] threads)."""
    _classifier: Classifier | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def classifier(self) -> Classifier:
        """This process's classifier, loaded on first use and kept."""
        with self._lock:
            if self._classifier is None:
                from cxpulse.app.classify import get_classifier

                config = self.loaded.settings.classifiers
                if self.threads is not None and config.threads is None:
                    config = config.model_copy(update={"threads": self.threads})
                self._classifier = get_classifier(config)
            return self._classifier


_current: WorkerRuntime | None = None


def install(runtime: WorkerRuntime) -> None:
    """Make ``runtime`` the one this process's tasks use."""
    global _current
    _current = runtime


def current() -> WorkerRuntime:
    """The installed runtime; a task run outside `cxpulse worker` has none."""
    if _current is None:
        raise CxPulseError("a cxpulse task ran outside `cxpulse worker`; start workers with `cxpulse worker`")
    return _current


def after_fork() -> None:
    """In a new pool process: drop the parent's pooled connections (never share a socket)."""
    if _current is not None:
        _current.store.engine.dispose(close=False)
        _current._classifier = None
        _current._lock = threading.Lock()
