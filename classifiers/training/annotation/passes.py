"""The two independent passes over every batch: reading, validating and merging them.

Each batch ``batches/batch-NNN.jsonl`` is labelled twice, in ``passes/batch-NNN.A.jsonl`` and
``passes/batch-NNN.B.jsonl`` (one row per item, keyed by ``item_id``; format in GUIDELINE.md).
``load_passes`` reads them with ``items.jsonl`` and keeps the valid rows, noting every missing,
unknown, doubled or invalid one as a ``Problem``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.training.annotation.files import read_jsonl
from classifiers.training.annotation.labels import validate_labels

__all__ = ["PASSES", "Loaded", "Problem", "load_passes", "merged_rows"]

PASSES: tuple[str, ...] = ("A", "B")
"""The two annotators' passes."""


@dataclass
class Problem:
    """One thing wrong with a pass, adjudication or export row."""

    where: str
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.item_id}: {self.message}"


@dataclass
class Loaded:
    """Everything read from one data folder."""

    items: dict[str, dict[str, Any]]
    passes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """{"A": {item_id: labels}, "B": {...}} (valid rows only)."""
    problems: list[Problem] = field(default_factory=list)


def load_passes(data: Path, topics: Sequence[str]) -> Loaded:
    """Read items.jsonl and passes/batch-NNN.{A,B}.jsonl; validate; note missing, unknown and invalid rows."""
    items = {it["item_id"]: it for it in read_jsonl(data / "items.jsonl")}
    loaded = Loaded(items=items, passes={p: {} for p in PASSES})
    by_batch: dict[str, list[str]] = defaultdict(list)
    for iid, it in items.items():
        by_batch[it["batch"]].append(iid)
    for batch in sorted(by_batch):
        for p in PASSES:
            path = data / "passes" / f"{batch}.{p}.jsonl"
            where = f"passes/{path.name}"
            if not path.exists():
                loaded.problems.append(Problem(where, "*", "file missing"))
                continue
            seen: set[str] = set()
            for n, row in enumerate(read_jsonl(path), 1):
                iid = str(row.get("item_id"))
                if iid not in items or items[iid]["batch"] != batch:
                    loaded.problems.append(Problem(f"{where}:{n}", iid, "item_id is not in this batch"))
                    continue
                if iid in seen:
                    loaded.problems.append(Problem(f"{where}:{n}", iid, "item labelled twice"))
                    continue
                seen.add(iid)
                labels, errs = validate_labels(row, items[iid]["text"], topics)
                for e in errs:
                    loaded.problems.append(Problem(f"{where}:{n}", iid, e))
                if not errs:
                    loaded.passes[p][iid] = labels
            for iid in sorted(set(by_batch[batch]) - seen):
                loaded.problems.append(Problem(where, iid, "no row for this item"))
    return loaded


def merged_rows(loaded: Loaded) -> list[dict[str, Any]]:
    """One row per item that has a valid row in either pass: ``{"item_id", "A", "B"}`` (None where missing)."""
    rows = []
    for iid in sorted(loaded.items):
        entry = {p: loaded.passes[p].get(iid) for p in PASSES}
        if any(entry.values()):
            rows.append({"item_id": iid, **entry})
    return rows
