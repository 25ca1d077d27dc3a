"""What a running job needs: config, store, environment, clock, stop flag, classifier.

APScheduler persists a job as a text reference to a module-level function and
its arguments (names, never objects), so the live objects a job works with are
installed here, once per process, by whoever runs the jobs
(:mod:`cxpulse.service.daemon` or :mod:`cxpulse.service.due`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cxpulse.app.dispatch import Dispatcher
from cxpulse.config import LoadedConfig
from foundation.clock import Clock, utc_now
from foundation.errors import CxPulseError
from storage import Store

__all__ = ["JobOutcome", "ServiceRuntime", "current", "install", "uninstall"]


@dataclass(frozen=True)
class JobOutcome:
    """What one job run did: one line for the log, and whether it failed.

    ``not_before`` (UTC) asks for the job's next run to wait at least until then
    (a rate-limited source waits for its reset).
    """

    job_id: str
    ok: bool
    summary: str
    seconds: float = 0.0
    not_before: datetime | None = None


def _load_classifier(loaded: LoadedConfig) -> Any:
    from cxpulse.app.classify import get_classifier  # heavy: imported only when a classify job runs

    return get_classifier(loaded.settings.classifiers)


@dataclass
class ServiceRuntime:
    """The live objects of one service process.

    ``classifier`` may be given (tests share one); otherwise it is loaded on the
    first classify job and kept for the life of the process. With a ``dispatcher``
    (``[execution] backend = "celery"``) jobs are enqueued for workers instead of run.
    """

    loaded: LoadedConfig
    store: Store
    env: Mapping[str, str]
    clock: Clock = utc_now
    stop: threading.Event = field(default_factory=threading.Event)
    classifier: Any = None
    classifier_loader: Callable[[LoadedConfig], Any] = _load_classifier
    outcomes: list[JobOutcome] = field(default_factory=list)
    dispatcher: Dispatcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def should_stop(self) -> bool:
        """True once SIGTERM/SIGINT asked the service to stop (jobs check it between batches)."""
        return self.stop.is_set()

    def get_classifier(self) -> Any:
        """The classifier, loaded once per process (the first call pays the load time)."""
        with self._lock:
            if self.classifier is None:
                self.classifier = self.classifier_loader(self.loaded)
            return self.classifier

    def record(self, outcome: JobOutcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)


_current: ServiceRuntime | None = None


def install(runtime: ServiceRuntime) -> None:
    """Make ``runtime`` the one jobs of this process use."""
    global _current
    _current = runtime


def uninstall() -> None:
    global _current
    _current = None


def current() -> ServiceRuntime:
    """The installed runtime; a job run outside `cxpulse run` has none."""
    if _current is None:
        raise CxPulseError("a cxpulse job ran outside `cxpulse run`; start the service with `cxpulse run`")
    return _current
