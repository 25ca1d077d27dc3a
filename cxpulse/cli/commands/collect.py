"""``cxpulse collect`` and ``cxpulse import``: bring mentions into the store."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from cxpulse.app.collect import RunResult
from cxpulse.app.collect import collect as run_collect
from cxpulse.app.imports import DEFAULT_SOURCE_NAME
from cxpulse.app.imports import import_file as import_file_into
from cxpulse.cli.classifying import classify_with_progress
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.options import parse_mapping
from cxpulse.cli.output import print_json, table
from cxpulse.cli.progress import CollectProgress
from foundation.errors import ConfigError

__all__ = ["collect", "import_file", "report_results"]


@click.command()
@click.option(
    "--source",
    "-s",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Collect only this source (its [[sources]] name); repeatable. A named source runs even if disabled.",
)
@click.option(
    "--classify",
    "then_classify",
    is_flag=True,
    help="Then classify every mention not classified yet (as `cxpulse classify`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the per-source results as JSON.")
@pass_app
def collect(app: AppContext, sources: tuple[str, ...], then_classify: bool, as_json: bool) -> None:
    """Collect new mentions from every enabled source, for every brand it serves.

    Each source resumes from its stored cursor, so running this again stores
    nothing twice. A failing source is reported and the others still run;
    the exit code is 1 if any failed. With --classify, what was stored (and
    anything left unclassified before) is classified afterwards, even when a
    source failed.

    \b
    Examples:
      cxpulse collect
      cxpulse collect --source reddit --classify
    """
    config = app.config()
    store = app.store()
    with CollectProgress(app) as on_batch:
        results = run_collect(config, store, os.environ, only=sources or None, on_batch=on_batch)
    report = classify_with_progress(app, store, config) if then_classify and results else None
    try:
        report_results(app, results, as_json=as_json)
    finally:
        if report is not None:
            (app.err if as_json else app.out).print(report.line(), markup=False)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--brand", "-b", required=True, help="Brand the file's mentions belong to.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN,...",
    help="Column for each field, e.g. --map text=body,created_at=opened_at,id=ticket_id. "
    "Fields: id, text, created_at, author_handle, author_name, author_followers, url, "
    "language, channel, rating. Unmapped fields use the column of the same name.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["auto", "csv", "jsonl"]),
    default="auto",
    show_default=True,
    help="File format; auto decides by extension (.csv, .tsv, .jsonl, .ndjson).",
)
@click.option("--strict", is_flag=True, help="Reject the whole file if any row is bad (default: import the good rows).")
@click.option(
    "--source-name",
    default=DEFAULT_SOURCE_NAME,
    show_default=True,
    help="Source name the mentions are stored under (ids are unique per source). "
    "Give each export whose ids may overlap another's its own name.",
)
@click.option(
    "--rating-scale",
    metavar="LOW..HIGH",
    default=None,
    help="Lowest and highest rating in the file, e.g. 0..10. Default: 1..5; "
    "a rating outside the scale is a rejected row.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def import_file(
    app: AppContext,
    file: Path,
    brand: str,
    mapping: tuple[str, ...],
    file_format: str,
    strict: bool,
    source_name: str,
    rating_scale: str | None,
    as_json: bool,
) -> None:
    """Import a CSV or JSONL file of tickets, survey verbatims or exports.

    Bad rows (unreadable, a row over 16 MiB, a bad date, number or rating, an
    id repeated in the file) are reported with their file, line and column and
    the rest is imported (exit code 1 if any row was rejected), unless
    --strict. Fix them and import the file again: the next import reads every
    rejected row again and stores nothing twice. Only regular files are read
    (not a pipe or a device).

    Ids are unique per source name. A row whose id is already stored under
    the source name with another text is not stored but rejected: import a
    second export whose ids overlap the first under its own --source-name.

    \b
    Examples:
      cxpulse import tickets.csv --brand "Northwind Air" --map text=body,id=ticket_id
      cxpulse import helpdesk-2.csv --brand "Northwind Air" --source-name helpdesk-2
    """
    settings = app.config(require_file=False).settings
    store = app.store()
    with CollectProgress(app) as on_batch:
        result = import_file_into(
            settings,
            store,
            file,
            brand,
            mapping=parse_mapping(mapping),
            file_format=file_format,
            strict=strict,
            source_name=source_name,
            rating_scale=_scale(rating_scale),
            on_batch=on_batch,
        )
    report_results(app, [result], as_json=as_json)


def _scale(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    low, sep, high = value.partition("..")
    try:
        scale = (float(low), float(high))
    except ValueError:
        scale = (0.0, -1.0)
    if not sep or not scale[0] < scale[1]:
        raise click.BadParameter(f"{value!r} is not LOW..HIGH with LOW below HIGH, e.g. 1..5 or 0..10")
    return scale


def report_results(app: AppContext, results: Sequence[RunResult], *, as_json: bool) -> None:
    """Print the results and exit 1 when any source failed or rejected rows."""
    if as_json:
        print_json(app.out, list(results))
    else:
        app.out.print(
            table(
                "collected",
                ["source", "brand", "fetched", "new", "already stored", "duplicates", "dropped", "rejected", "error"],
                [
                    (
                        r.source,
                        r.brand,
                        r.fetched,
                        r.stored,
                        r.already_stored,
                        r.duplicates_linked,
                        sum(r.dropped.values()),
                        len(r.rejected),
                        r.error or "",
                    )
                    for r in results
                ],
            )
        )
        for result in results:
            for line in result.rejected[:20]:
                app.err.print(f"rejected: {line}", markup=False, highlight=False)
            if len(result.rejected) > 20:
                app.err.print(f"... and {len(result.rejected) - 20} more rejected rows", markup=False)
    if not results:
        raise ConfigError("no source ran: add [[sources]] to the config, or enable one")
    failed = [r for r in results if not r.ok]
    rejected = sum(len(r.rejected) for r in results)
    for result in results:
        if result.reused_ids:
            app.err.print(
                f"warning: {result.reused_ids} row(s) have an id already stored under source {result.source!r} "
                "with another text and were not stored; ids are unique per source, so import another "
                "export under its own --source-name",
                markup=False,
            )
    if failed:
        app.err.print(
            f"error: {len(failed)} of {len(results)} source runs failed (the others were stored); "
            "`cxpulse sources status` shows the last error of each",
            markup=False,
        )
    elif rejected:
        app.err.print(
            f"error: {rejected} row(s) rejected; fix them and import again (the next import reads "
            "every rejected row again; rows already stored are not stored twice)",
            markup=False,
        )
    if failed or rejected:
        click.get_current_context().exit(1)
