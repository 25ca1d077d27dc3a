"""The persisted jobs: APScheduler's job store in the results database (:mod:`storage.scheduler_jobs`).

The table (``apscheduler_jobs``) is created by our migration 0003. Each job's
next run time lives there, so a restarted service continues where it stopped:
a digest sent before the restart is not due again, and one that came due while
the service was down runs once at start (cron jobs coalesce missed runs).

:func:`sync_jobs` makes the stored jobs match config.toml without touching a
job whose schedule did not change (re-adding it would reset its next run time
and could skip or repeat a run).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.base import BaseScheduler

from cxpulse.service.plan import JobSpec
from storage import Store
from storage.scheduler_jobs import scheduler_job_store

__all__ = ["JOBSTORE_ALIAS", "open_jobstore", "sync_jobs"]

logger = logging.getLogger(__name__)

JOBSTORE_ALIAS = "default"


def open_jobstore(store: Store, scheduler: BaseScheduler) -> BaseJobStore:
    """The job store on ``store``'s database, bound to ``scheduler`` (not started)."""
    jobstore = scheduler_job_store(store)
    jobstore.start(scheduler, JOBSTORE_ALIAS)
    return jobstore


def _same(job: Job, spec: JobSpec) -> bool:
    return (
        job.name == spec.signature
        and job.func_ref == spec.func
        and tuple(job.args) == spec.args
        and job.misfire_grace_time == spec.misfire_grace_time
    )


def sync_jobs(jobstore: BaseJobStore, scheduler: BaseScheduler, specs: Sequence[JobSpec], now: datetime) -> None:
    """Add new jobs, reschedule changed ones, remove those no longer configured; keep the rest."""
    existing = {job.id: job for job in jobstore.get_all_jobs()}
    for spec in specs:
        old = existing.pop(spec.id, None)
        if old is not None and _same(old, spec):
            continue
        if old is None and spec.run_at_start:
            next_run: datetime | None = now
        else:
            next_run = spec.trigger.get_next_fire_time(None, now)
        job = Job(
            scheduler,
            id=spec.id,
            func=spec.func,
            args=spec.args,
            kwargs={},
            trigger=spec.trigger,
            executor="default",
            name=spec.signature,
            misfire_grace_time=spec.misfire_grace_time,
            coalesce=True,
            max_instances=1,
            next_run_time=next_run,
        )
        if old is None:
            jobstore.add_job(job)
            logger.info("job %s added (%s), first run %s", spec.id, spec.signature, _when(next_run))
        else:
            jobstore.update_job(job)
            logger.info("job %s rescheduled (%s), next run %s", spec.id, spec.signature, _when(next_run))
    for job_id in existing:
        jobstore.remove_job(job_id)
        logger.info("job %s removed: no longer in the config", job_id)


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else "never"
