"""``cxpulse alerts check``: test for spikes now and send the alerts (or only show them)."""

from __future__ import annotations

import os

import click

from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json, table
from foundation.clock import utc_now

__all__ = ["alerts"]


@click.group()
def alerts() -> None:
    """Spike alerts: a brand's or topic's volume or negative share far above its baseline."""


@alerts.command("check")
@click.option("--dry-run", is_flag=True, help="Show the spikes found; send and record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the spikes and what became of them as JSON.")
@pass_app
def check(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Test every brand (and topic) for a spike now, as `cxpulse run` does every [alerts] check_every.

    A spike is sent by email ([alerts] recipients through [smtp]) and to the
    webhook, at most once per cooldown for each brand, topic and kind.
    docs/service.md explains the statistical test. Exit code 1 when an alert
    could not be delivered (it is retried on the next check).
    """
    from cxpulse.app.alerts import ALL_TOPICS, check_alerts

    result = check_alerts(app.store(), app.config(), os.environ, now=utc_now(), dry_run=dry_run)
    rows = [
        {
            "brand": r.spike.brand,
            "topic": r.spike.topic or None,
            "kind": r.spike.kind,
            "observed": r.spike.observed,
            "expected": r.spike.expected,
            "p_value": r.spike.p_value,
            "mentions": r.spike.mentions,
            "status": r.status,
            "channels": list(r.channels),
            "error": r.error,
        }
        for r in result.results
    ]
    if as_json:
        print_json(app.out, rows)
    else:
        app.out.print(
            table(
                f"alerts check: {result.summary}",
                ["brand", "topic", "kind", "observed", "usual", "p-value", "status"],
                [
                    (
                        r.spike.brand,
                        r.spike.topic if r.spike.topic != ALL_TOPICS else "(all)",
                        r.spike.kind,
                        _value(r.spike.kind, r.spike.observed),
                        _value(r.spike.kind, r.spike.expected),
                        f"{r.spike.p_value:.2g}",
                        r.status + (f": {r.error}" if r.error else ""),
                    )
                    for r in result.results
                ],
            )
        )
    if any(r.status == "failed" for r in result.results):
        app.err.print("error: an alert could not be delivered; it is retried on the next check", markup=False)
    if any(r.status == "uncertain" for r in result.results):
        app.err.print(
            "error: an alert email may or may not have arrived (the mail server never confirmed it); "
            "it is not sent again within the cooldown",
            markup=False,
        )
    if result.failed:
        click.get_current_context().exit(1)


def _value(kind: str, value: float) -> str:
    return f"{value:.0%}" if kind == "negative_share" else f"{value:.1f}"
