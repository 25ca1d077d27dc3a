"""The tasks: each a few lines that call one :mod:`cxpulse.app` function, like the scheduler's jobs.

Every task is acknowledged late and rejected back to the queue when its process
dies (:mod:`cxpulse.worker.celery_app`), and is idempotent: classification claims
its batches in the store and upserts by mention and model version, collection
holds the cursor's lease, digests and alerts keep their claim records. A task
that finds its work held by another process retries when that claim ends.

A classify task drains claimable batches for at most :data:`CLASSIFY_BUDGET`
seconds, or until the worker is asked to stop (SIGTERM: the batch in hand is
finished and saved), and then puts a fresh classify task on the queue when
work is left, so a long backlog is shared out and a stopping worker hands its
share on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from cxpulse.worker.runtime import current
from foundation.clock import utc_now

__all__ = ["CLASSIFY_BUDGET", "alerts", "classify", "collect", "digest"]

logger = logging.getLogger(__name__)

CLASSIFY_BUDGET = 60.0
"""Seconds one classify task keeps claiming new batches before handing on to a fresh task."""


def _stopping() -> bool:
    from celery.worker import state

    return bool(state.should_stop or state.should_terminate)


def collect(task: Any, source: str, brand: str) -> str:
    """Collect ``source`` for ``brand`` under the cursor's lease."""
    from cxpulse.app.collect import collect_named

    runtime = current()
    result = collect_named(runtime.loaded, runtime.store, runtime.env, source, brand, should_stop=_stopping)
    if result.skipped is not None:
        return f"collect {source} for {brand} skipped: {result.skipped}"
    if result.error is not None:
        return f"collect {source} for {brand} failed (recorded for `cxpulse sources status`): {result.error}"
    return f"collect {source} for {brand}: {result.fetched} fetched, {result.stored} new"


def classify(task: Any) -> str:
    """Claim, classify and save batches; wait for batches others hold, hand on what is left."""
    from cxpulse.app.classify import classify_claimed

    runtime = current()
    execution = runtime.loaded.settings.execution
    started = time.monotonic()

    def should_stop() -> bool:
        return _stopping() or time.monotonic() - started > CLASSIFY_BUDGET

    run = classify_claimed(
        runtime.store,
        runtime.classifier(),
        runtime.loaded,
        batch_size=execution.batch_size,
        lease_for=execution.lease_length,
        should_stop=should_stop,
    )
    if run.stopped:
        follow = task.apply_async(queue="classify")
        return f"{run.classified} mentions classified; handed the rest on to task {follow.id}"
    if run.held_by_others and run.next_expiry is not None:
        # Another process holds the last batches; if it died they come free when its lease
        # ends: look again then (sooner if it finishes, it then leaves nothing to do).
        wait = max(1.0, min(float(execution.lease_seconds), (run.next_expiry - utc_now()).total_seconds() + 1))
        logger.info(
            "%d mentions classified; %d more are claimed by other workers: looking again in %.0f s",
            run.classified,
            run.held_by_others,
            wait,
        )
        raise task.retry(countdown=wait, max_retries=None)
    return f"{run.classified} mentions classified"


def digest(task: Any, name: str) -> str:
    """Send digest ``name`` for its last complete period (never twice: the digest_runs claim)."""
    from cxpulse.app.digest import send_digest

    runtime = current()
    outcome = send_digest(runtime.store, runtime.loaded, name, now=utc_now(), env=runtime.env)
    return f"digest {name} for {outcome.period.label}: {outcome.status}"


def alerts(task: Any) -> str:
    """Test every brand and topic for a spike and send what is new, one worker at a time
    (the alerts lease; the alert_events records keep the cooldown)."""
    from cxpulse.app.alerts import check_alerts_exclusive

    runtime = current()
    result = check_alerts_exclusive(runtime.store, runtime.loaded, runtime.env, now=utc_now())
    return "skipped: another worker is checking alerts now" if result is None else result.summary


TASKS: dict[str, Callable[..., str]] = {"collect": collect, "classify": classify, "digest": digest, "alerts": alerts}
"""The task of each queue."""
