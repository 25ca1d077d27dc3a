"""``cxpulse run``: the service (scheduled collect, classify, digest and alert jobs)."""

from __future__ import annotations

import os

import click

from cxpulse.cli.context import AppContext, pass_app

__all__ = ["run_service"]


@click.command("run")
@click.option(
    "--once",
    is_flag=True,
    help="Run every job that is due once, then exit (for cron); exit code 1 if any job failed.",
)
@pass_app
def run_service(app: AppContext, once: bool) -> None:
    """Run the service: collect, classify, send digests and alerts on their schedules.

    Sources are collected on their [[sources]] schedule, new mentions are
    classified every [service] classify_every, each [[digests]] entry is sent
    on its cron in its time zone, and [alerts] are checked every check_every.
    Each job logs one line on stderr; a failing job is logged and the others
    go on. With [execution] backend = "celery" each due job is put on the
    broker instead, for `cxpulse worker` processes to execute. Job times are
    kept in the results store, so a restart neither loses nor repeats a run.
    SIGTERM or Ctrl-C finishes the current batch and exits 0.

    \b
    Examples:
      cxpulse run                  long-running (systemd, a container)
      cxpulse run --once           from cron: */15 * * * * cxpulse run --once
    """
    from cxpulse.service import ServiceRuntime, run_due, serve
    from cxpulse.service.signals import stop_on_signals

    loaded = app.config()
    dispatcher = None
    if loaded.settings.execution.backend == "celery":  # jobs become tasks for `cxpulse worker`
        from cxpulse.worker import CeleryDispatcher, build_celery

        dispatcher = CeleryDispatcher(build_celery(loaded, loaded.broker_url(os.environ)))
    runtime = ServiceRuntime(loaded, app.store(), os.environ, dispatcher=dispatcher)
    with stop_on_signals(runtime.stop):
        if not once:
            serve(runtime)
            return
        outcomes = run_due(runtime)
    failed = [o for o in outcomes if not o.ok]
    app.err.print(f"{len(outcomes)} job(s) ran, {len(failed)} failed", markup=False)
    if failed:
        app.err.print(
            f"error: failed: {', '.join(o.job_id for o in failed)}; the lines above say why "
            "(`cxpulse sources status` shows source errors)",
            markup=False,
        )
        click.get_current_context().exit(1)
