"""The export: final rows into train.jsonl, dev.jsonl and test.jsonl, after the consistency review.

Each item becomes one row (``adjudication.final_row``): text, source, group, split, provenance,
the final ``labels``, both passes and the adjudication. The consistency review
(``review.jsonl``, made after adjudication) then sets clusters of near-identical items that
adjudicators decided differently to one rule; each changed row records it under ``review``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifiers.training.annotation.adjudication import final_row
from classifiers.training.annotation.files import read_jsonl, write_jsonl
from classifiers.training.annotation.labels import FIELDS, consistency, validate_labels
from classifiers.training.annotation.passes import Loaded

__all__ = ["apply_review", "export", "load_review"]


def load_review(data: Path) -> dict[str, dict[str, Any]]:
    """Rows of ``review.jsonl`` by item_id: the consistency review after adjudication, where
    clusters of near-identical items decided differently were set to one rule (each row
    names the fields it changes, its reason in ``note`` and who reviewed)."""
    path = data / "review.jsonl"
    return {str(row["item_id"]): row for row in read_jsonl(path)} if path.exists() else {}


def apply_review(row: dict[str, Any], review: dict[str, Any], topics: Sequence[str]) -> list[str]:
    """Change ``row``'s final labels as ``review`` says; returns problems (row unchanged then)."""
    fields = [f for f in FIELDS if f in review]
    clean, errs = validate_labels(review, row["text"], topics, fields=fields)
    if errs:
        return [f"review: {e}" for e in errs]
    labels = {**row["labels"], **{f: clean[f] for f in fields}}
    errs = consistency(labels)
    if errs:
        return [f"review: {e}" for e in errs]
    row["labels"] = labels
    row["review"] = {
        "fields": fields,
        **{f: clean[f] for f in fields},
        "note": review.get("note"),
        "by": review.get("by"),
    }
    return []


def export(
    loaded: Loaded, adjudications: dict[str, dict[str, Any]], topics: Sequence[str], out: Path
) -> dict[str, Any]:
    """Write train/dev/test.jsonl (after the consistency review in ``review.jsonl``, if any);
    returns counts and the problems found."""
    reviews = load_review(out)
    rows: dict[str, list[dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    problems: list[str] = []
    for iid in sorted(loaded.items):
        it = loaded.items[iid]
        a, b = loaded.passes["A"].get(iid), loaded.passes["B"].get(iid)
        if a is None or b is None:
            problems.append(f"{iid}: missing or invalid pass {'A' if a is None else 'B'}")
            continue
        row, errs = final_row(it, a, b, adjudications.get(iid), topics)
        if row is None:
            problems += [f"{iid}: {e}" for e in errs]
            continue
        row["review"] = None
        if iid in reviews:
            problems += [f"{iid}: {e}" for e in apply_review(row, reviews[iid], topics)]
        rows[it["split"]].append(row)
    for split, lst in rows.items():
        write_jsonl(out / f"{split}.jsonl", lst)
    return {"counts": {s: len(v) for s, v in rows.items()}, "problems": problems}
