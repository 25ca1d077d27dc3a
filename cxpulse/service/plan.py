"""Which jobs config.toml asks for, with their stable ids and triggers.

======================  =============================================  ==========================
job id                  what it does                                   when
======================  =============================================  ==========================
``collect:SRC:BRAND``   collect new mentions of BRAND from source SRC  ``[[sources]] schedule``
``classify``            classify mentions not yet classified           ``[service] classify_every``
``digest:NAME``         send digest NAME for its last period           its cron, in its time zone
``alerts``              check for spikes and send alerts               ``[alerts] check_every``
======================  =============================================  ==========================

Interval jobs first run as soon as the service starts and then every
interval; cron jobs (a source's ``cron``, digests) first run at their next
cron time. Source crons are read in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from cxpulse.config import Schedule, Settings

__all__ = ["JOB_FUNCTIONS", "JobSpec", "plan_jobs"]

_ALIGN = datetime(2000, 1, 3, tzinfo=UTC)
"""A fixed start for interval triggers, so a trigger never depends on the moment it was built."""

JOB_FUNCTIONS = {
    "collect": "cxpulse.service.jobs:collect_job",
    "classify": "cxpulse.service.jobs:classify_job",
    "digest": "cxpulse.service.jobs:digest_job",
    "alerts": "cxpulse.service.jobs:alerts_job",
}
"""Text references APScheduler stores for each kind of job."""

ORDER = ("collect", "classify", "alerts", "digest")
"""Jobs due at the same moment run in this order: what is collected is classified before it is reported."""


@dataclass(frozen=True)
class JobSpec:
    """One job as config.toml wants it. ``signature`` changes when its schedule does."""

    id: str
    kind: str
    args: tuple[str, ...]
    trigger: BaseTrigger
    signature: str
    misfire_grace_time: int | None
    """Seconds a run may be late and still run; None: however late (digests)."""
    run_at_start: bool

    @property
    def func(self) -> str:
        return JOB_FUNCTIONS[self.kind]


def _interval(every: timedelta) -> IntervalTrigger:
    return IntervalTrigger(seconds=int(every.total_seconds()), start_date=_ALIGN, timezone=UTC)


def _schedule_trigger(schedule: Schedule) -> tuple[BaseTrigger, str, bool]:
    if schedule.every is not None:
        return _interval(timedelta(seconds=schedule.every_seconds or 0)), f"every {schedule.every}", True
    assert schedule.cron is not None
    return CronTrigger.from_crontab(schedule.cron, timezone=UTC), f"cron {schedule.cron} UTC", False


def plan_jobs(settings: Settings) -> list[JobSpec]:
    """Every job of the service, in :data:`ORDER`; disabled sources and alerts have none."""
    grace = int(settings.service.misfire_grace.total_seconds())
    specs: list[JobSpec] = []
    for source in settings.sources:
        if not source.enabled:
            continue
        trigger, signature, at_start = _schedule_trigger(source.schedule)
        for brand in settings.brands_for(source):
            specs.append(
                JobSpec(
                    id=f"collect:{source.instance_name}:{brand.name}",
                    kind="collect",
                    args=(source.instance_name, brand.name),
                    trigger=trigger,
                    signature=signature,
                    misfire_grace_time=grace,
                    run_at_start=at_start,
                )
            )
    if settings.service.classify:
        every = settings.service.classify_interval
        signature = f"every {settings.service.classify_every}"
        specs.append(JobSpec("classify", "classify", (), _interval(every), signature, grace, True))
    alerts = settings.alerts
    if alerts.enabled:
        signature = f"every {alerts.check_every}"
        specs.append(JobSpec("alerts", "alerts", (), _interval(alerts.check_interval), signature, grace, True))
    for digest in settings.digests:
        trigger = CronTrigger.from_crontab(digest.cron, timezone=digest.zone)
        specs.append(
            JobSpec(
                id=f"digest:{digest.name}",
                kind="digest",
                args=(digest.name,),
                trigger=trigger,
                signature=f"cron {digest.cron} {digest.timezone}",
                misfire_grace_time=None,
                run_at_start=False,
            )
        )
    return specs
