"""The job functions APScheduler calls (by text reference, with names as arguments).

Each job catches its own failure: it logs one line (INFO when it worked,
ERROR when it failed), records a :class:`JobOutcome` in the runtime and never
raises, so one broken source or an SMTP server that is down never stops the
other jobs. Heavy modules (the classifier, the digest builder) are imported
inside the job that needs them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from cxpulse.service.runtime import JobOutcome, ServiceRuntime, current
from foundation.errors import CxPulseError

__all__ = ["alerts_job", "classify_job", "collect_job", "digest_job"]

logger = logging.getLogger(__name__)


class _Failed(Exception):
    """A job that ran but did not do its work; the message is its log line."""

    def __init__(self, summary: str, not_before: datetime | None = None) -> None:
        super().__init__(summary)
        self.not_before = not_before


def _run(job_id: str, work: Callable[[ServiceRuntime], str]) -> JobOutcome:
    runtime = current()
    started = time.perf_counter()
    not_before = None
    try:
        if runtime.dispatcher is not None:  # [execution] backend = "celery": a worker does the work
            from cxpulse.app.dispatch import enqueue_job

            kind, _, rest = job_id.partition(":")
            args = rest.split(":", 1) if kind == "collect" else ([rest] if rest else [])
            summary, ok = enqueue_job(runtime.dispatcher, runtime.store, runtime.loaded, kind, args), True
        else:
            summary, ok = work(runtime), True
    except _Failed as exc:
        summary, ok, not_before = str(exc), False, exc.not_before
    except CxPulseError as exc:
        summary, ok = str(exc), False
    except Exception as exc:  # a job must never take the scheduler down
        logger.debug("the traceback of job %s's unexpected error:", job_id, exc_info=True)  # shown with -vv
        summary, ok = f"unexpected {type(exc).__name__}: {exc} (a bug in cxpulse: please report it)", False
    outcome = JobOutcome(job_id, ok, summary, time.perf_counter() - started, not_before)
    if ok:
        logger.info("job %s: %s (%.1fs)", job_id, summary, outcome.seconds)
    else:
        logger.error("job %s failed: %s (%.1fs)", job_id, summary, outcome.seconds)
    runtime.record(outcome)
    return outcome


def collect_job(source: str, brand: str) -> JobOutcome:
    """``collect:SOURCE:BRAND``: collect what is new since the stored cursor."""
    return _run(f"collect:{source}:{brand}", lambda runtime: _collect(runtime, source, brand))


def classify_job() -> JobOutcome:
    """``classify``: classify every stored mention the current model has not seen."""
    return _run("classify", _classify)


def digest_job(name: str) -> JobOutcome:
    """``digest:NAME``: send the digest for its last complete period (never twice)."""
    return _run(f"digest:{name}", lambda runtime: _digest(runtime, name))


def alerts_job() -> JobOutcome:
    """``alerts``: test every brand and topic for a spike and send what is new."""
    return _run("alerts", _alerts)


def _collect(runtime: ServiceRuntime, source_name: str, brand_name: str) -> str:
    from cxpulse.app.collect import collect_named

    result = collect_named(
        runtime.loaded,
        runtime.store,
        runtime.env,
        source_name,
        brand_name,
        clock=runtime.clock,
        should_stop=runtime.should_stop,
    )
    if result.error is not None:
        raise _Failed(result.error, result.retry_at)
    if result.skipped is not None:
        return f"skipped: {result.skipped}"
    stopped = " (stopped early: shutting down)" if runtime.should_stop() else ""
    if result.stopped is not None:
        stopped = " (stopped early: another run moved the cursor and collects the rest)"
    return (
        f"{result.fetched} fetched, {result.stored} new, {result.already_stored} already stored, "
        f"{result.duplicates_linked} duplicates, {sum(result.dropped.values())} dropped, "
        f"{len(result.rejected)} rejected{stopped}"
    )


def _classify(runtime: ServiceRuntime) -> str:
    from cxpulse.app.classify import classify_pending

    classifier = runtime.get_classifier()
    count = classify_pending(runtime.store, classifier, runtime.loaded, should_stop=runtime.should_stop)
    stopped = " (stopped early: shutting down)" if runtime.should_stop() else ""
    return f"{count} mentions classified{stopped}"


def _digest(runtime: ServiceRuntime, name: str) -> str:
    from cxpulse.app.digest import send_digest

    outcome = send_digest(runtime.store, runtime.loaded, name, now=runtime.clock(), env=runtime.env)
    if outcome.status == "failed":
        raise _Failed(f"not sent for {outcome.period.label}: {outcome.error} (retried on the next run)")
    if outcome.status == "uncertain":
        then = (
            "`cxpulse digest send` of that period resends it once"
            if outcome.auto_resend_left
            else "not resent automatically again"
        )
        raise _Failed(
            f"may or may not have been delivered for {outcome.period.label}: {outcome.error} ({then}; "
            "`cxpulse digest status` shows it)"
        )
    if outcome.status == "in_progress":
        raise _Failed(f"not sent for {outcome.period.label}: another run ({outcome.holder}) is sending it")
    if outcome.status == "sent":
        recipients = len(outcome.recipients)
        return f"sent for {outcome.period.label} to {recipients} recipient(s), Message-ID {outcome.message_id}"
    return f"{outcome.status.replace('_', ' ')} for {outcome.period.label}; nothing sent"


def _alerts(runtime: ServiceRuntime) -> str:
    from cxpulse.app.alerts import check_alerts

    result = check_alerts(runtime.store, runtime.loaded, runtime.env, now=runtime.clock())
    if result.failed:
        raise _Failed(result.summary)
    return result.summary
