"""Export the workspace's label corrections as JSONL in the annotation format of the classifier data.

One row per corrected mention: ``item_id`` (``feedback-<mention id>``), ``text``, ``source``
(``cxpulse-feedback``), the corrected ``labels`` under their annotation names (sentiment,
gap, emotion, topics, complaint for the flag; the latest correction of a field wins) and
``provenance`` (who corrected what, when, and what the model had said). Training and the
annotation tools read these rows like any other labelled data; a person adjudicates them
before they join a split (classifiers/training/annotation).

    .venv/bin/python scripts/export_feedback.py --db sqlite:///cxpulse.db --out feedback.jsonl
    .venv/bin/python scripts/export_feedback.py --since 2026-11-01       # default store of config.toml
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from cxpulse.app.feedback import annotation_rows, list_feedback
from cxpulse.config import load_config
from storage import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="results store URL (default: [database] url of config.toml)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default ./config.toml)")
    parser.add_argument("--since", help="only corrections made on or after this day (YYYY-MM-DD)")
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    url = args.db or load_config(args.config, env=os.environ, require_file=False).database_url
    store = Store.open(url)
    try:
        since = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
        rows = annotation_rows(list_feedback(store, since=since))
    finally:
        store.dispose()
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.out:
        args.out.write_text(lines, encoding="utf-8")
        print(f"{len(rows)} corrected mentions written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
