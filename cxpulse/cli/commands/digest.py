"""``cxpulse digest``: preview a digest as an HTML file, send it (once per period), show what was sent."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from cxpulse.app.digest import PERIOD_HELP, digest_status, send_digest, write_preview
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json, table

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
    quoted shortfalls, emerging complaints, share of voice and open flagged
    mentions. `cxpulse run` sends them on their schedule.
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
@click.option(
    "--resend",
    is_flag=True,
    help="Send a period recorded as uncertain (it may have arrived) once more, with the same Message-ID. "
    "Use it after asking a recipient; a period recorded as sent is never sent again.",
)
@pass_app
def send(app: AppContext, name: str, period: str | None, model_version: str | None, resend: bool) -> None:
    """Send digest NAME for a period unless it was sent before.

    A period that may have been delivered (the mail server never confirmed the
    message it received, or a run was killed while sending) is uncertain: the
    next send resends it once, with the same Message-ID; after that only
    --resend does. `cxpulse digest status` shows every period.

    \b
    Exit codes: 0 sent now, or sent before (nothing is sent twice);
    1 not confirmed: failed (recorded, the next send retries it), uncertain
    (it may have arrived), or another run is sending it right now.
    """
    outcome = send_digest(
        app.store(), app.config(), name, period, model_version=model_version, env=os.environ, resend=resend
    )
    label = f"digest {outcome.name!r} for {outcome.period.label}"
    again = (
        f"cxpulse digest send {shlex.quote(outcome.name)} --period {outcome.period.start}..{outcome.period.last_day}"
    )
    if outcome.status == "sent":
        copy = " again (an earlier attempt may have arrived too; it has the same Message-ID)"
        app.out.print(
            f"sent {label}{copy if outcome.resent else ''} to {', '.join(outcome.recipients)} "
            f"(Message-ID {outcome.message_id})",
            markup=False,
        )
        return
    if outcome.status == "already_sent":
        when = f" on {outcome.sent_at:%Y-%m-%d %H:%M} UTC" if outcome.sent_at else ""
        note = "; --resend never resends a sent digest" if resend else ""
        app.out.print(f"{label} was already sent{when}; nothing sent{note}", markup=False)
        return
    if outcome.status == "in_progress":
        since = f" since {outcome.claimed_at:%H:%M} UTC" if outcome.claimed_at else ""
        after = f" after {outcome.stale_at:%Y-%m-%d %H:%M} UTC" if outcome.stale_at else ""
        message = (
            f"error: {label} is being sent by another run ({outcome.holder or 'unknown'}{since}); nothing sent by this "
            f"one. `cxpulse digest status` shows how it ends; if that run died, the next send{after} takes over"
        )
    elif outcome.status == "uncertain":
        if outcome.auto_resend_left:
            then = "the next `cxpulse digest send` of this period resends it once, with the same Message-ID"
        else:
            then = (
                "it is not resent automatically again: ask a recipient, and if it did not arrive "
                f"run `{again} --resend`"
            )
        message = (
            f"error: {label} may or may not have been delivered (Message-ID {outcome.message_id}): {outcome.error}. "
            f"Recorded as uncertain; {then}"
        )
    else:
        message = (
            f"error: {label} was not sent: {outcome.error} (recorded; the next `cxpulse digest send` "
            "or scheduled run retries it)"
        )
    app.err.print(message, markup=False)
    click.get_current_context().exit(1)


@digest.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def status(app: AppContext, name: str | None, as_json: bool) -> None:
    """Show what became of each digest period, and what the next send of it does.

    Each period is sent, failed (retried), uncertain (it may have arrived) or
    being sent (pending, sending). NAME shows one digest only. "tries" counts hand-overs to the mail server,
    "unconfirmed" those that may have delivered a copy the server never confirmed.
    """
    rows = digest_status(app.store(), app.config(), name)
    if as_json:
        print_json(app.out, rows)
        return
    app.out.print(
        table(
            None,
            ["digest", "period", "status", "tries", "unconfirmed", "claimed", "sent", "Message-ID", "error", "next"],
            [
                (
                    r.name,
                    r.period,
                    r.status,
                    r.attempts,
                    r.uncertain_attempts,
                    r.claimed_at,
                    r.sent_at,
                    r.message_id or "",
                    r.error or "",
                    r.next,
                )
                for r in rows
            ],
        )
    )
