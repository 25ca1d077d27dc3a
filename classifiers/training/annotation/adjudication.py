"""Adjudication: the fields two passes dispute, the batches for the adjudicator, the final labels.

A field is disputed when the passes' values differ; ``gap_evidence`` also when both found a gap
but their quotes overlap little (token F1 below ``EVIDENCE_F1_AGREE``). ``write_disagreements``
writes every disputed item, with both passes' labels as "A" and "B", to adjudication/adj-NNN.jsonl;
the adjudicator answers in adj-NNN.labels.jsonl with ``{"item_id", <each disputed field>, "note"}``.
``final_row`` combines the two passes and that decision into one exported row: agreed fields as
the passes have them (agreed evidence as the union of both passes' spans), disputed ones as decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifiers.training.annotation.agreement import evidence_f1
from classifiers.training.annotation.files import BATCH_SIZE, read_jsonl, write_jsonl
from classifiers.training.annotation.labels import FIELDS, consistency, validate_labels
from classifiers.training.annotation.passes import Loaded

__all__ = [
    "EVIDENCE_F1_AGREE",
    "disputed_fields",
    "final_row",
    "load_adjudications",
    "merge_spans",
    "public_labels",
    "write_disagreements",
]

EVIDENCE_F1_AGREE = 0.5
"""Evidence of two passes that agree on a gap counts as agreeing when their token F1 is at least this."""


def disputed_fields(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The fields on which two passes disagree (evidence: when the gap differs, or F1 below the threshold)."""
    out = [f for f in FIELDS if f != "gap_evidence" and a[f] != b[f]]
    if "gap" in out or (a["gap"] != "none" and evidence_f1(a["gap_evidence"], b["gap_evidence"]) < EVIDENCE_F1_AGREE):
        out.insert(out.index("gap") + 1 if "gap" in out else len(out), "gap_evidence")
    return out


def merge_spans(text: str, *lists: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Union of evidence spans; overlapping or touching spans become one (still an exact substring)."""
    spans = sorted({(s["start"], s["end"]) for lst in lists for s in lst})
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [{"text": text[s:e], "start": s, "end": e} for s, e in merged]


def public_labels(lab: dict[str, Any]) -> dict[str, Any]:
    """A pass's labels with evidence as plain quotes (for adjudicators)."""
    out = {f: lab[f] for f in FIELDS}
    out["gap_evidence"] = [s["text"] for s in lab["gap_evidence"]]
    if lab.get("note"):
        out["note"] = lab["note"]
    return out


def write_disagreements(loaded: Loaded, out_dir: Path, *, decided: set[str] | None = None) -> tuple[int, int]:
    """Write adjudication/adj-NNN.jsonl; returns (items, files).

    With ``decided`` (the items adjudicated already), only the other disagreements are written,
    into files numbered after the existing ones, and the existing files are kept (a supplement's
    batches are adjudicated without renumbering what was decided before)."""
    rows = []
    for iid in sorted(set(loaded.passes["A"]) & set(loaded.passes["B"])):
        if decided is not None and iid in decided:
            continue
        a, b = loaded.passes["A"][iid], loaded.passes["B"][iid]
        d = disputed_fields(a, b)
        if d:
            it = loaded.items[iid]
            rows.append(
                {
                    "item_id": iid,
                    "text": it["text"],
                    "channel": it["channel"],
                    "brand": it["brand_display"],
                    "disputed": d,
                    "A": public_labels(a),
                    "B": public_labels(b),
                }
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(out_dir.glob("adj-[0-9][0-9][0-9].jsonl"))
    first = 1
    if decided is None:
        for old in existing:
            old.unlink()
    elif existing:
        first = int(existing[-1].stem.split("-")[1]) + 1
    files = 0
    for k in range(0, len(rows), BATCH_SIZE):
        write_jsonl(out_dir / f"adj-{first + files:03d}.jsonl", rows[k : k + BATCH_SIZE])
        files += 1
    return len(rows), files


def load_adjudications(data: Path) -> dict[str, dict[str, Any]]:
    """Rows of adjudication/adj-*.labels.jsonl by item_id (raw)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((data / "adjudication").glob("adj-*.labels.jsonl")):
        for row in read_jsonl(path):
            out[str(row["item_id"])] = row
    return out


def final_row(
    it: dict[str, Any], a: dict[str, Any], b: dict[str, Any], adj: dict[str, Any] | None, topics: Sequence[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    """Combine two passes and an adjudication into one export row; (None, errors) when it cannot be done."""
    disputed = disputed_fields(a, b)
    labels: dict[str, Any] = {}
    for f in FIELDS:
        if f not in disputed:
            labels[f] = a[f]
    if "gap_evidence" not in disputed:
        labels["gap_evidence"] = merge_spans(it["text"], a["gap_evidence"], b["gap_evidence"])
    adjudication = None
    if disputed:
        if adj is None:
            return None, [f"disagreement on {', '.join(disputed)} but no adjudication"]
        clean, errs = validate_labels(adj, it["text"], topics, fields=disputed)
        if errs:
            return None, [f"adjudication: {e}" for e in errs]
        for f in disputed:
            labels[f] = clean[f]
        adjudication = {"disputed": disputed, **{f: clean[f] for f in disputed}}
        if clean.get("note"):
            adjudication["note"] = clean["note"]
    errs = consistency(labels)
    if errs:
        return None, [f"final labels: {e}" for e in errs]
    labels = {f: labels[f] for f in FIELDS}
    prov_keys = ("pool_file", "pool_id", "orig_id", "source", "channel", "industry", "brand", "group", "split")
    row = {
        "id": it["item_id"],
        "text": it["text"],
        "source": it["source"],
        "channel": it["channel"],
        "industry": it["industry"],
        "brand": it["brand"],
        "group": it["group"],
        "split": it["split"],
        "provenance": {
            **{k: it.get(k) for k in prov_keys},
            "split_unit": it.get("unit"),
            "batch": it.get("batch"),
            "brand_shown": it.get("brand_display"),
            "sampled_by_hint": it.get("sampled_by_hint"),
            # a train-only supplement's items say which, and how each was drawn
            **(
                {
                    "supplement": it["supplement"],
                    "sampled_by_contrast": it.get("sampled_by_contrast"),
                    **(
                        {"sampled_as_plain_problem": it["sampled_as_plain_problem"]}
                        if "sampled_as_plain_problem" in it
                        else {}
                    ),
                }
                if it.get("supplement")
                else {}
            ),
        },
        "labels": labels,
        "passes": {"A": a, "B": b},
        "adjudication": adjudication,
    }
    return row, []
