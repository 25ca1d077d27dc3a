"""``cxpulse worker`` and ``cxpulse workers status``: executing jobs on Celery workers.

Both need ``[execution] backend = "celery"`` and a PostgreSQL store; the work itself
is :mod:`cxpulse.worker`.
"""

from __future__ import annotations

import logging
import os

import click

from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.logs import use_json_lines
from cxpulse.cli.output import print_json, table
from cxpulse.config import LoadedConfig
from cxpulse.config.execution import QUEUES, check_queues
from foundation.errors import ConfigError

__all__ = ["worker", "workers"]

UNHEALTHY = 3
"""Exit code of `cxpulse workers status` when fewer live workers than --require answer."""


def _celery_config(app: AppContext) -> LoadedConfig:
    loaded = app.config()
    if loaded.settings.execution.backend != "celery":
        raise ConfigError(
            f"{loaded.path}: [execution] backend is {loaded.settings.execution.backend!r}, so `cxpulse run` runs "
            'every job itself and no worker gets any; set backend = "celery" (with a PostgreSQL store) to use workers'
        )
    return loaded


def _queues(value: str | None) -> list[str] | None:
    if value is None:
        return None
    try:
        return check_queues([part.strip() for part in value.split(",") if part.strip()])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--queues") from None


@click.command()
@click.option(
    "--queues",
    "-Q",
    "queues_text",
    metavar="LIST",
    default=None,
    help=f"Comma-separated queues to consume ({', '.join(QUEUES)}). Default: [execution] queues.",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Processes executing tasks; each loads the classifier once and gets cores/N CPU threads.",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "solo", "threads"]),
    default=None,
    help="Celery pool. Default: solo for one process, prefork for more.",
)
@click.option("--name", "-n", default=None, help="Worker name in `cxpulse workers status`. Default: cxpulse-PID@HOST.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per log line (time, level, logger, message, task_name, task_id).",
)
@pass_app
def worker(
    app: AppContext, queues_text: str | None, concurrency: int, pool: str | None, name: str | None, log_format: str
) -> None:
    """Execute the collect, classify, digest and alert tasks `cxpulse run` enqueues.

    Run any number of workers, on any number of machines, against the same
    broker ([execution] broker_url) and PostgreSQL store. Work is claimed in the
    store, so no mention is classified twice and a cursor is advanced by one
    worker at a time. SIGTERM (or Ctrl-C) finishes the batch in hand and exits 0;
    a worker killed outright loses nothing (its task goes back to the queue, its
    claims expire after [execution] lease_seconds).

    \b
    Examples:
      cxpulse worker                                  every queue, one process
      cxpulse worker --queues classify --concurrency 2
      cxpulse worker --queues collect,digest,alerts --log-format json
    """
    from cxpulse.worker import run_worker
    from cxpulse.worker.logs import TaskContext

    loaded = _celery_config(app)
    queues = _queues(queues_text) or list(loaded.settings.execution.queues)
    if log_format == "json":
        use_json_lines(TaskContext(prefix=False))
    else:
        for handler in logging.getLogger().handlers:
            handler.filters.insert(0, TaskContext())
    store = app.store()
    code = run_worker(
        loaded,
        store,
        os.environ,
        loaded.broker_url(os.environ),
        queues=queues,
        concurrency=concurrency,
        pool=pool,
        name=name,
    )
    if code:
        click.get_current_context().exit(code)


@click.group()
def workers() -> None:
    """See the workers: queues, their depths, claims held, heartbeats."""


@workers.command("status")
@click.option(
    "--require",
    type=click.IntRange(0, 10_000),
    default=1,
    show_default=True,
    help=f"Exit code {UNHEALTHY} unless at least this many workers have a live heartbeat (a health check).",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def workers_status(app: AppContext, require: int, as_json: bool) -> None:
    """Queue depths on the broker, every worker's last heartbeat, and the claims held.

    Exit codes, for a process supervisor or a container health check: 0 the
    broker and the store answer and at least --require workers are alive; 1 the
    broker or the store cannot be reached (the line on stderr says which);
    3 fewer live workers than --require.

    \b
    Examples:
      cxpulse workers status
      cxpulse workers status --require 2 --json
    """
    from cxpulse.worker import build_celery, workers_report

    loaded = _celery_config(app)
    report = workers_report(build_celery(loaded, loaded.broker_url(os.environ)), app.store())
    if as_json:
        print_json(
            app.out,
            {
                "queues": report.queues,
                "workers": report.status.workers,
                "leases": report.status.leases,
                "live_workers": report.live_workers,
            },
        )
    else:
        app.out.print(table("queues", ["queue", "waiting"], list(report.queues.items())))
        app.out.print(
            table(
                "workers",
                ["worker", "alive", "last heartbeat", "queues", "processes", "pool"],
                [
                    (
                        w.name,
                        "yes" if w.alive else "no",
                        w.last_beat,
                        ",".join(w.info.get("queues", [])),
                        w.info.get("concurrency", ""),
                        w.info.get("pool", ""),
                    )
                    for w in report.status.workers
                ],
            )
        )
        app.out.print(
            table(
                "claims held",
                ["kind", "holder", "count", "first expiry"],
                [(h.kind, h.holder, h.count, h.expires_at) for h in report.status.leases],
            )
        )
    if report.live_workers < require:
        app.err.print(
            f"unhealthy: {report.live_workers} live worker(s), {require} required; start `cxpulse worker`",
            markup=False,
        )
        click.get_current_context().exit(UNHEALTHY)
