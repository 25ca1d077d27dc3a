"""``cxpulse digest``: preview a digest as an HTML file, or send it (once per period)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cxpulse.app.digest import PERIOD_HELP, send_digest, write_preview
from cxpulse.cli.context import AppContext, pass_app

__all__ = ["digest"]

_PERIOD = click.option(
    "--period",
    metavar="PERIOD",
    default=None,
    help=f"Which period: {PERIOD_HELP}. Default: the digest's last complete period.",
)
_MODEL = click.option(
    "--model-version",
    metavar="VERSION",
    default=None,
    help="Use the classifications of this classifier version. Default: the most recent one.",
)


@click.group()
def digest() -> None:
    """Preview and send the [[digests]] of config.toml.

    A digest covers its brands for one period against the period before:
    volume, net sentiment, expectation shortfalls, review rating, topics,
    quoted shortfalls, switching threats, emerging complaints, share of voice
    and open flagged mentions. `cxpulse run` sends them on their schedule.
    """


@digest.command()
@click.argument("name")
@_PERIOD
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="HTML file to write. Default: digest-NAME.html in the current folder.",
)
@_MODEL
@pass_app
def preview(app: AppContext, name: str, period: str | None, out: Path | None, model_version: str | None) -> None:
    """Write digest NAME as one HTML file (charts inlined) and print its path; sends nothing."""
    target = out or Path(f"digest-{name.replace(' ', '-')}.html")
    path = write_preview(app.store(), app.config(), name, target, period, model_version=model_version)
    app.out.print(str(path), markup=False, soft_wrap=True)


@digest.command()
@click.argument("name")
@_PERIOD
@_MODEL
@pass_app
def send(app: AppContext, name: str, period: str | None, model_version: str | None) -> None:
    """Send digest NAME for a period unless it was sent before.

    \b
    Exit codes: 0 sent now, or sent before (nothing is sent twice);
    1 not sent: the error is recorded and the next send or scheduled run retries it.
    """
    outcome = send_digest(app.store(), app.config(), name, period, model_version=model_version, env=os.environ)
    label = f"digest {outcome.name!r} for {outcome.period.label}"
    if outcome.status == "sent":
        app.out.print(
            f"sent {label} to {', '.join(outcome.recipients)} (Message-ID {outcome.message_id})", markup=False
        )
    elif outcome.status == "already_sent":
        when = f" on {outcome.sent_at:%Y-%m-%d %H:%M} UTC" if outcome.sent_at else ""
        app.out.print(f"{label} was already sent{when}; nothing sent", markup=False)
    elif outcome.status == "in_progress":
        app.out.print(f"{label} is being sent by another run right now; nothing sent", markup=False)
    else:
        app.err.print(
            f"error: {label} was not sent: {outcome.error} (recorded; the next `cxpulse digest send` "
            "or scheduled run retries it)",
            markup=False,
        )
        click.get_current_context().exit(1)
