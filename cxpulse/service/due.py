"""``cxpulse run --once``: run every job whose time has come, once, and return.

For cron users (``*/15 * * * * cxpulse run --once``) and for tests, which pass
a controlled clock. It reads and advances the same persisted jobs as the
long-running service, exactly as APScheduler would: a job is due when its
stored next run time is not after ``now``; missed runs are coalesced into one
run; the next run time is stored before the job runs. Unlike the daemon, a
late job is never skipped for being later than ``misfire_grace_time``: between
two ``--once`` calls nothing else would run it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

from cxpulse.service.jobstore import open_jobstore, sync_jobs
from cxpulse.service.plan import ORDER, plan_jobs
from cxpulse.service.runtime import JobOutcome, ServiceRuntime, install

__all__ = ["run_due"]

logger = logging.getLogger(__name__)


def run_due(runtime: ServiceRuntime, now: datetime | None = None) -> list[JobOutcome]:
    """Sync the jobs with the config, run those due at ``now`` (default: the runtime's clock) in order."""
    now = now or runtime.clock()
    scheduler = BackgroundScheduler(timezone=UTC)  # never started: it only owns the jobs
    jobstore = open_jobstore(runtime.store, scheduler)
    sync_jobs(jobstore, scheduler, plan_jobs(runtime.loaded.settings), now)
    install(runtime)
    due = sorted(jobstore.get_due_jobs(now), key=_order)
    if not due:
        logger.info("no job is due at %s", now.isoformat())
    outcomes: list[JobOutcome] = []
    for job in due:
        if runtime.should_stop():
            logger.info("stopping: %d due job(s) left for the next run", len(due) - len(outcomes))
            break
        following = _next_after(job.trigger, job.next_run_time, now)
        _store_next_run(jobstore, job, following)
        outcome: JobOutcome = job.func(*job.args, **job.kwargs)
        outcomes.append(outcome)
        if outcome.not_before is not None and following is not None and outcome.not_before > following:
            _store_next_run(jobstore, job, outcome.not_before)
    return outcomes


def _order(job: Job) -> tuple[int, str]:
    kind = str(job.id).split(":", 1)[0]
    return (ORDER.index(kind) if kind in ORDER else len(ORDER), str(job.id))


def _next_after(trigger: BaseTrigger, scheduled: datetime, now: datetime) -> datetime | None:
    """The first fire time after ``now`` (the runs missed until now coalesce into this one)."""
    following: datetime | None = trigger.get_next_fire_time(scheduled, now)
    while following is not None and following <= now:
        following = trigger.get_next_fire_time(following, now)
    return following


def _store_next_run(jobstore: BaseJobStore, job: Job, moment: datetime | None) -> None:
    if moment is None:
        jobstore.remove_job(job.id)
        return
    job.next_run_time = moment
    jobstore.update_job(job)
