"""``cxpulse export mentions``: every mention a search finds, with its labels, as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxpulse.app.classify import current_model_version
from cxpulse.app.export import plan_export, write_export
from cxpulse.app.exporters import ExportOptions
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.options import FilterOptions, search_filter_options
from cxpulse.cli.progress import CountProgress

__all__ = ["export"]


@click.group()
def export() -> None:
    """Export stored data for spreadsheets, notebooks and BI tools (columns: docs/exports.md)."""


@export.command("mentions")
@click.argument("query", required=False, default="")
@search_filter_options
@click.option(
    "--format",
    "-f",
    "format_name",
    metavar="NAME",
    default=None,
    help="csv, jsonl, parquet or an installed plugin's format. Default: the -o file's ending, else csv.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    help="File to write (replaced only when the export is complete). Default: stdout (not for parquet on a terminal).",
)
@click.option(
    "--raw-cells",
    is_flag=True,
    help="CSV: write text cells as stored, without the ' that stops a spreadsheet running = + - @ cells as formulas.",
)
@click.option(
    "--allow-unclassified",
    is_flag=True,
    help="Export even when the store holds no classifications (the label columns are then empty).",
)
@pass_app
def mentions(
    app: AppContext,
    query: str,
    filter_options: FilterOptions,
    format_name: str | None,
    output: Path | None,
    raw_cells: bool,
    allow_unclassified: bool,
) -> None:
    """Export every mention QUERY and the filters find, with its labels and triage state.

    QUERY and the filters work exactly as in `cxpulse search` (without QUERY: every
    mention passing the filters); the labels are the current model's. Rows come in
    store order (by id), streamed a chunk at a time, so millions of mentions need
    little memory. A progress bar goes to stderr; the data goes to the -o file or stdout.
    An export that matches nothing still writes a valid file (a CSV header, an empty
    JSON Lines file, a Parquet file with the columns and no rows).

    \b
    Examples:
      cxpulse export mentions --brand Acme --since 30d -o acme.parquet
      cxpulse export mentions refund --flagged --format jsonl > flagged.jsonl
      cxpulse export mentions --gap shortfall --since 2026-11-01 --until 2026-11-30 -o nov.csv
    """
    if output is not None and str(output) == "-":
        output = None
    filters = filter_options.to_filters(current_model_version(app.config(require_file=False).settings.classifiers))
    store = app.store()
    plan = plan_export(
        store,
        query,
        filters,
        format=format_name,
        output=output,
        to_terminal=sys.stdout.isatty(),
        options=ExportOptions(raw_cells=raw_cells),
        allow_unclassified=allow_unclassified,
    )
    sys.stdout.flush()
    with CountProgress(app, "exporting mentions", plan.total) as progress:
        report = write_export(store, plan, stream=sys.stdout.buffer, progress=progress)
    where = f" to {report.output}" if report.output is not None else ""
    app.err.print(f"{report.rows:,} mentions exported as {report.format}{where}", markup=False)
