"""``cxpulse sources``: which source types exist, and how each configured one is doing."""

from __future__ import annotations

import click

from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json, table
from listener.registry import describe, source_types

__all__ = ["sources"]


@click.group()
def sources() -> None:
    """List source types and show collection status."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON, with every option and its help.")
@pass_app
def list_sources(app: AppContext, as_json: bool) -> None:
    """Every installed source type: what it collects and what it needs.

    Sources are plugins: a package registers more under the entry-point
    group "cxpulse.sources".
    """
    infos = [describe(name) for name in source_types()]
    if as_json:
        print_json(app.out, infos)
        return
    app.out.print(
        table(
            None,
            ["type", "collects", "needs", "options", "from"],
            [(i.type, i.summary, i.needs, ", ".join(i.options), i.provider) for i in infos],
        )
    )


@sources.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Per source and brand: last success, last error, mentions collected, cursor."""
    rows = app.store().source_status()
    if as_json:
        print_json(app.out, rows)
        return
    app.out.print(
        table(
            None,
            ["source", "brand", "collected", "last success", "last error at", "last error", "cursor"],
            [
                (
                    r.source,
                    r.brand,
                    r.mentions_collected,
                    r.last_success_at,
                    r.last_error_at,
                    r.last_error or "",
                    r.cursor.value or "",
                )
                for r in rows
            ],
        )
    )
