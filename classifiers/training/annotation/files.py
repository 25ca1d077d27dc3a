"""JSON-lines I/O for the annotation data, and where that data lives by default.

Every file of the workflow (items, batches, passes, adjudications, the review and the exported
splits) is UTF-8 JSON lines, one object per line, keys in insertion order, non-ASCII kept as is,
so that the committed files diff cleanly and an export is byte-for-byte reproducible.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["BATCH_SIZE", "DATA_DIR", "EXCLUDE_FILE", "read_exclude", "read_jsonl", "write_jsonl"]

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "real"
"""The annotated real data: classifiers/training/data/real/ (its README.md is the data card)."""

EXCLUDE_FILE = DATA_DIR / "guideline_example_ids.txt"
"""Pool ids never to sample: the guideline's worked examples."""

BATCH_SIZE = 100
"""Items per annotation batch (batches/batch-NNN.jsonl) and per adjudication file (adj-NNN.jsonl)."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSON lines (UTF-8, keys in insertion order); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_exclude(path: Path | None) -> set[str]:
    """Pool ids to leave out of the sample (e.g. the guideline's worked examples); '#' starts a comment.

    A missing file (or ``None``) excludes nothing."""
    if path is None or not path.exists():
        return set()
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids
