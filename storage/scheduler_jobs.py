"""The scheduler's persisted jobs: APScheduler's job store on the results database.

Its table, ``apscheduler_jobs``, is created by our migration 0003 (mapped as
:class:`~storage.models.SchedulerJobModel`), never by APScheduler. The
service gets the job store from here, so the database engine stays inside
``storage``.
"""

from __future__ import annotations

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from storage.models import SchedulerJobModel
from storage.store import Store

__all__ = ["scheduler_job_store"]


def scheduler_job_store(store: Store) -> BaseJobStore:
    """APScheduler's job store on ``store``'s database (not started: the scheduler starts it)."""
    return SQLAlchemyJobStore(engine=store.engine, tablename=SchedulerJobModel.__tablename__)
