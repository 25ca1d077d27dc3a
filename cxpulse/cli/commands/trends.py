"""``cxpulse trends``: CX metrics per period and dimension, as a table, CSV, JSON or Parquet."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click
from rich.console import Console

from cxpulse.app.trends import METRICS, PERIODS
from cxpulse.app.trends.engine import DIMENSIONS
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json, table

__all__ = ["trends"]

FORMATS = ("table", "csv", "json", "parquet")


def _names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@click.command()
@click.option("--by", type=click.Choice(PERIODS), default="week", show_default=True, help="The period of each row.")
@click.option(
    "--dims",
    metavar="DIM,...",
    default="",
    help=f"Split each period by these, comma-separated: {', '.join(DIMENSIONS)}.",
)
@click.option(
    "--metrics",
    metavar="METRIC,...",
    default="mentions",
    show_default=True,
    help=f"Comma-separated: {', '.join(METRICS)} (docs/trends.md defines each).",
)
@click.option(
    "--since",
    metavar="WHEN",
    default="90d",
    show_default=True,
    help="From the period holding this time: 2026-08-01, 2026-08-01T08:00, or 12h / 7d / 2w ago.",
)
@click.option(
    "--until",
    metavar="WHEN",
    default="now",
    show_default=True,
    help="Up to the period holding this time (a bare date includes that whole day).",
)
@click.option("--brand", "-b", "brands", multiple=True, help="Only this brand; repeatable.")
@click.option(
    "--tz",
    "timezone",
    metavar="ZONE",
    default=None,
    help="IANA time zone the periods are counted in. Default: [reporting] timezone (UTC).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to FILE, not stdout."
)
@click.option("--wide", is_flag=True, help="One row per period, one column per metric and dimension values.")
@click.option("--include-duplicates", is_flag=True, help="Count copies of a mention (retweets, copy-paste) too.")
@click.option(
    "--model-version",
    metavar="VERSION",
    default=None,
    help="Read the classifications of this classifier version. Default: the most recent one.",
)
@pass_app
def trends(
    app: AppContext,
    by: str,
    dims: str,
    metrics: str,
    since: str,
    until: str,
    brands: tuple[str, ...],
    timezone: str | None,
    fmt: str,
    output: Path | None,
    wide: bool,
    include_duplicates: bool,
    model_version: str | None,
) -> None:
    """CX metrics per period (and dimension), for BI tools and spreadsheets.

    One row per period and combination of dimension values (long format; --wide
    pivots), every period of the range present (zero-filled), each metric
    followed by its change against the period before. Rows cover whole periods:
    the one holding --since to the one holding --until, in the [reporting]
    time zone (weeks start on Monday). Copies of a mention count once unless
    --include-duplicates. share_of_voice compares each brand with its
    `competitors` from config.

    \b
    Examples:
      cxpulse trends --by week --dims brand,topic --metrics mentions,net_sentiment,shortfall_rate
      cxpulse trends --by month --since 2026-01-01 --brand Acme --metrics mentions,avg_rating
      cxpulse trends --by day --since 14d --tz Europe/Berlin --format csv -o daily.csv
      cxpulse trends --dims brand --metrics share_of_voice --format parquet -o sov.parquet
      cxpulse trends --by week --dims sentiment --metrics mentions --wide --format json
    """
    from cxpulse.app.trends import trends as compute
    from cxpulse.app.trends.frame import records

    if fmt == "parquet" and output is None and sys.stdout.isatty():
        raise click.UsageError("Parquet is binary: write it to a file with -o FILE (or pipe it)")
    settings = app.config(require_file=False).settings
    frame = compute(
        app.store(),
        by=by,
        dims=_names(dims),
        metrics=_names(metrics),
        since=since,
        until=until,
        brands=list(brands) or None,
        timezone=timezone or settings.reporting.timezone,
        wide=wide,
        include_duplicates=include_duplicates,
        model_version=model_version,
        competitors={b.name: list(b.competitors) for b in settings.brands} if settings.brands else None,
    )
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        if output is not None:
            output.write_bytes(buffer.getvalue())
        else:
            sys.stdout.buffer.write(buffer.getvalue())
            sys.stdout.flush()
        return
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        if output is None:
            print_json(app.out, records(frame))
            return
        text = json.dumps(records(frame), ensure_ascii=False, indent=2) + "\n"
    else:
        columns = [str(c) for c in frame.columns if c != "period_end"]
        rows = [[_when(row["period_start"]), *(row[c] for c in columns[1:])] for row in records(frame)]
        shown = table(None, ["period", *columns[1:]], rows)
        if output is None:
            app.out.print(shown)
            return
        capture = Console(file=io.StringIO(), width=10_000, soft_wrap=True, highlight=False)
        capture.print(shown)
        text = capture.file.getvalue()  # type: ignore[attr-defined]
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        app.out.file.write(text)


def _when(iso: str) -> str:
    """``2026-10-19T00:00:00+02:00`` as the table shows it: ``2026-10-19 00:00`` (local time)."""
    return iso[:16].replace("T", " ")
