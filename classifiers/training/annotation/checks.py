"""Self-checks of one labels file against its batch, for an annotator or an adjudicator.

``check_file`` reads only the two files it is given (never anyone else's labels), so an annotator
can run it on their own pass before handing it in. A batch whose rows carry ``disputed`` is an
adjudication batch (adjudication/adj-NNN.jsonl): then every disputed field must be decided and the
final labels (agreed fields plus decisions) must hold. Otherwise it is an annotation batch
(batches/batch-NNN.jsonl): every item labelled once, every row valid under the guideline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.training.annotation.adjudication import final_row
from classifiers.training.annotation.files import read_jsonl
from classifiers.training.annotation.labels import validate_labels

__all__ = ["CheckReport", "check_adjudication", "check_file", "check_pass"]


@dataclass(frozen=True)
class CheckReport:
    """What a self-check found: one message per problem, and how many items were covered."""

    problems: tuple[str, ...]
    done: int
    """Items labelled (or decided) in the labels file."""
    total: int
    """Items in the batch."""
    verb: str
    """"labelled" for an annotation batch, "decided" for an adjudication batch."""

    def summary(self) -> str:
        return f"{self.done} of {self.total} items {self.verb}; {len(self.problems)} problem(s)"


def check_pass(
    batch: dict[str, dict[str, Any]], batch_path: Path, labels_path: Path, topics: Sequence[str]
) -> CheckReport:
    """Validate an annotator's labels: each item of the batch labelled once, each row valid."""
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(read_jsonl(labels_path), start=1):
        iid = row.get("item_id")
        if iid not in batch:
            problems.append(f"{labels_path} line {number}: item_id {iid!r} is not in {batch_path}")
            continue
        if iid in seen:
            problems.append(f"{labels_path} line {number}: {iid} labelled twice")
        seen.add(iid)
        _, errs = validate_labels(row, batch[iid]["text"], topics)
        problems += [f"{labels_path} line {number} ({iid}): {err}" for err in errs]
    problems += [f"{labels_path}: {iid} has no labels" for iid in sorted(set(batch) - seen)]
    return CheckReport(tuple(problems), len(seen), len(batch), "labelled")


def check_adjudication(batch: dict[str, dict[str, Any]], labels_path: Path, topics: Sequence[str]) -> CheckReport:
    """Validate an adjudicator's labels: every disputed field decided, and the final labels
    (agreed fields plus decisions) consistent."""
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(read_jsonl(labels_path), start=1):
        iid = str(row.get("item_id"))
        if iid not in batch:
            problems.append(f"{labels_path} line {number}: item_id {iid!r} is not in the adjudication batch")
            continue
        seen.add(iid)
        entry = batch[iid]
        a, errs_a = validate_labels(entry["A"], entry["text"], topics)
        b, errs_b = validate_labels(entry["B"], entry["text"], topics)
        item = {"item_id": iid, "text": entry["text"], "channel": entry.get("channel")}
        item |= {k: None for k in ("source", "industry", "brand", "group", "split")}
        _, errs = final_row(item, a, b, row, topics) if not (errs_a or errs_b) else (None, ["a pass is invalid"])
        problems += [f"{labels_path} line {number} ({iid}): {err}" for err in errs]
    problems += [f"{labels_path}: {iid} has no decision" for iid in sorted(set(batch) - seen)]
    return CheckReport(tuple(problems), len(seen), len(batch), "decided")


def check_file(batch_path: Path, labels_path: Path, topics: Sequence[str]) -> CheckReport:
    """Check a labels file against its batch: an adjudication batch if its rows name ``disputed``
    fields, else an annotation batch."""
    batch = {row["item_id"]: row for row in read_jsonl(batch_path)}
    if any("disputed" in row for row in batch.values()):
        return check_adjudication(batch, labels_path, topics)
    return check_pass(batch, batch_path, labels_path, topics)
