"""``cxpulse run``: the long-running service on APScheduler's background scheduler.

Jobs run in a small thread pool; their next run times live in the results
database (:mod:`cxpulse.service.jobstore`). SIGTERM or SIGINT sets the stop
flag (:mod:`cxpulse.service.signals`, installed by the CLI): running jobs
finish the batch they are on (collect and classify commit per batch and check
the flag between batches), the scheduler shuts down after them, and
:func:`serve` returns 0.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from cxpulse.service.jobstore import JOBSTORE_ALIAS, open_jobstore, sync_jobs
from cxpulse.service.plan import plan_jobs
from cxpulse.service.runtime import JobOutcome, ServiceRuntime, install, uninstall

__all__ = ["WORKERS", "serve"]

logger = logging.getLogger(__name__)

WORKERS = 4
"""Jobs that may run at the same time (each job itself runs at most once at a time)."""


def serve(runtime: ServiceRuntime) -> int:
    """Run the service until SIGTERM/SIGINT (or ``runtime.stop`` is set); returns the exit code 0."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(WORKERS)},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    jobstore = open_jobstore(runtime.store, scheduler)
    specs = plan_jobs(runtime.loaded.settings)
    sync_jobs(jobstore, scheduler, specs, runtime.clock())
    install(runtime)
    scheduler.add_jobstore(jobstore, JOBSTORE_ALIAS)
    scheduler.add_listener(lambda event: _after_job(scheduler, event), EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    try:
        scheduler.start()
        logger.info("service started with %d jobs on %s", len(specs), runtime.store.display_url)
        while not runtime.stop.wait(timeout=0.5):
            pass
        logger.info("stopping: running jobs finish their current batch")
        scheduler.shutdown(wait=True)
        logger.info("service stopped")
    finally:
        uninstall()
    return 0


def _after_job(scheduler: BackgroundScheduler, event: JobEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        logger.warning(
            "job %s missed its run at %s (later than [service] misfire_grace_time); it runs at its next time",
            event.job_id,
            getattr(event, "scheduled_run_time", "?"),
        )
        return
    outcome = event.retval if isinstance(event, JobExecutionEvent) else None
    if isinstance(outcome, JobOutcome) and outcome.not_before is not None:
        job = scheduler.get_job(event.job_id)
        if job is not None and job.next_run_time is not None and job.next_run_time < outcome.not_before:
            scheduler.modify_job(event.job_id, next_run_time=outcome.not_before)
            logger.info("job %s waits until %s", event.job_id, outcome.not_before.isoformat())
