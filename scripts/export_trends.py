"""Export CX trends for a BI tool with the Python API: a weekly table per brand and topic.

The example of ``docs/trends.md``: it calls :func:`cxpulse.trends` (the function behind
``cxpulse trends`` and ``GET /api/v1/trends``) and writes CSV or Parquet by the file's
extension, so a dashboard can load it on a schedule.

    .venv/bin/python scripts/export_trends.py --db sqlite:///cxpulse.db --out weekly.parquet
    .venv/bin/python scripts/export_trends.py --by month --since 2026-01-01 --brand Acme --out acme.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cxpulse import trends
from cxpulse.config import load_config
from foundation.errors import CxPulseError

METRICS = ["mentions", "unique_authors", "net_sentiment", "negative_share", "shortfall_rate", "flagged_rate"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="results store URL (default: [database] url of config.toml)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default ./config.toml)")
    parser.add_argument("--by", default="week", help="hour, day, week, month or quarter (default week)")
    parser.add_argument("--dims", default="brand,topic", help="comma-separated dimensions (default brand,topic)")
    parser.add_argument("--metrics", default=",".join(METRICS), help="comma-separated metrics")
    parser.add_argument("--since", default="90d", help="from (default 90d ago)")
    parser.add_argument("--until", default="now", help="to (default now)")
    parser.add_argument("--brand", action="append", help="only this brand; repeatable")
    parser.add_argument("--wide", action="store_true", help="one row per period")
    parser.add_argument("--out", type=Path, required=True, help="a .csv or .parquet file")
    args = parser.parse_args(argv)
    try:
        loaded = load_config(args.config, env=os.environ, require_file=False)
        frame = trends(
            args.db or loaded.database_url,
            by=args.by,
            dims=[d for d in args.dims.split(",") if d],
            metrics=[m for m in args.metrics.split(",") if m],
            since=args.since,
            until=args.until,
            brands=args.brand,
            timezone=loaded.settings.reporting.timezone,
            wide=args.wide,
            competitors={b.name: list(b.competitors) for b in loaded.settings.brands} or None,
        )
    except CxPulseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.out.suffix == ".parquet":
        frame.to_parquet(args.out, index=False)
    else:
        frame.to_csv(args.out, index=False)
    print(f"{len(frame)} rows, {len(frame.columns)} columns -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
