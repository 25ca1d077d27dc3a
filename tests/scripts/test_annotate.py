"""Tests for scripts/annotate.py, on tiny fixtures (no shared pool needed)."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "annotate.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("annotate_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["annotate_script"] = module
    spec.loader.exec_module(module)
    return module


ann = _load()
TOPICS = ("product_quality", "delivery_shipping", "billing_refunds")


def labels(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "about_brand": True,
        "sentiment": "negative",
        "complaint": True,
        "gap": "none",
        "gap_evidence": [],
        "topics": ["delivery_shipping"],
        "emotion": "frustration",
        "switching": False,
        "lifecycle": "purchase_delivery",
    }
    base.update(over)
    return base


def test_kappa_hand_computed() -> None:
    # 10 items, 2x2 table: both yes 4, A yes/B no 1, A no/B yes 2, both no 3.
    a = [1] * 4 + [1] + [0] * 2 + [0] * 3
    b = [1] * 4 + [0] + [1] * 2 + [0] * 3
    # po = 0.7; pA(yes)=0.5, pB(yes)=0.6 -> pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    assert ann.cohen_kappa(a, b) == pytest.approx(0.4)
    assert ann.percent_agreement(a, b) == pytest.approx(70.0)
    assert ann.cohen_kappa(["x", "x"], ["x", "x"]) is None
    assert ann.cohen_kappa(["a", "b", "c"], ["a", "b", "c"]) == pytest.approx(1.0)


def test_evidence_offsets_and_errors() -> None:
    text = "I paid for next-day delivery. It took a week. I paid for next-day delivery, again."
    spans, errs = ann.locate_evidence(text, ["It took a week", {"text": "I paid for next-day delivery"}])
    assert not errs
    assert spans[0] == {"text": "It took a week", "start": 30, "end": 44}
    # the second quote is looked up after the first one's end, so it finds the later occurrence
    assert (
        spans[1]["start"] == text.index("I paid", 1) and text[spans[1]["start"] : spans[1]["end"]] == spans[1]["text"]
    )
    _, errs = ann.locate_evidence(text, ["it  took a week"])
    assert errs and "copy it exactly" in errs[0]
    _, errs = ann.locate_evidence(text, ["never said"])
    assert errs and "not found" in errs[0]


def test_validate_consistency_rules() -> None:
    text = "My parcel was supposed to arrive Monday, still nothing."
    ok, errs = ann.validate_labels(
        labels(gap="shortfall", gap_evidence=["supposed to arrive Monday", "still nothing"]), text, TOPICS
    )
    assert not errs and ok["gap_evidence"][1]["start"] == text.index("still nothing")
    _, errs = ann.validate_labels(labels(about_brand=False, lifecycle=None), text, TOPICS)
    assert any("complaint needs about_brand" in e for e in errs)
    _, errs = ann.validate_labels(labels(gap="shortfall", gap_evidence=[]), text, TOPICS)
    assert any("at least one gap_evidence" in e for e in errs)
    _, errs = ann.validate_labels(labels(topics=["nope"], emotion="meh"), text, TOPICS)
    assert len(errs) == 2


def test_split_assignment_keeps_groups_together() -> None:
    rng = random.Random(0)
    items = []
    for g in range(40):
        for k in range(1 + g % 4):
            items.append({"item_id": f"{g}-{k}", "source": "s", "industry": f"ind{g % 3}", "group": f"g{g}"})
    # two groups linked through a shared review id must share a split too
    items.append({"item_id": "x", "source": "s", "industry": "ind0", "group": "g0", "review_id": "r1"})
    items.append({"item_id": "y", "source": "s", "industry": "ind0", "group": "g1", "review_id": "r1"})
    units = ann.split_units(items)
    assert units["g0"] == units["g1"]
    for it in items:
        it["unit"] = units[it["group"]]
    decided = ann.assign_splits(items, {"s": (0.25, 0.125)}, {}, rng)
    by_group: dict[str, set[str]] = {}
    for it in items:
        by_group.setdefault(it["group"], set()).add(decided[it["unit"]])
    assert all(len(s) == 1 for s in by_group.values())
    counts = {s: sum(decided[it["unit"]] == s for it in items) for s in ("train", "dev", "test")}
    assert counts["test"] > 0 and counts["dev"] > 0 and counts["train"] > counts["test"]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_export_picks_adjudicated_label(tmp_path: Path) -> None:
    text = "Advertised as waterproof, died in the rain."
    item = {
        "item_id": "cx-1",
        "text": text,
        "source": "fixture",
        "channel": "review",
        "industry": "consumer_electronics",
        "brand": None,
        "brand_display": "a phone",
        "group": "g1",
        "unit": "g1",
        "split": "test",
        "batch": "batch-001",
        "pool_file": "x.jsonl",
        "pool_id": "x-1",
        "orig_id": "1",
    }
    _write(tmp_path / "items.jsonl", [item])
    ev = ["Advertised as waterproof", "died in the rain"]
    a = {"item_id": "cx-1", **labels(gap="shortfall", gap_evidence=ev, emotion="anger", lifecycle="use")}
    b = {"item_id": "cx-1", **labels(gap="shortfall", gap_evidence=ev[:1], emotion="disappointment", lifecycle="use")}
    _write(tmp_path / "passes" / "batch-001.A.jsonl", [a])
    _write(tmp_path / "passes" / "batch-001.B.jsonl", [b])
    taxonomy = tmp_path / "tax.toml"
    taxonomy.write_text("".join(f'[[topics]]\nname = "{t}"\n' for t in TOPICS), encoding="utf-8")

    assert ann.main(["--data", str(tmp_path), "--taxonomy", str(taxonomy), "merge"]) == 0
    assert ann.main(["--data", str(tmp_path), "--taxonomy", str(taxonomy), "disagreements"]) == 0
    adj_rows = [json.loads(x) for x in (tmp_path / "adjudication" / "adj-001.jsonl").read_text().splitlines()]
    assert adj_rows[0]["disputed"] == ["emotion"] and set(adj_rows[0]) >= {"A", "B", "text"}
    # exporting before adjudication fails for that item
    assert ann.main(["--data", str(tmp_path), "--taxonomy", str(taxonomy), "export"]) == 1
    _write(tmp_path / "adjudication" / "adj-001.labels.jsonl", [{"item_id": "cx-1", "emotion": "anger", "note": "n"}])
    assert ann.main(["--data", str(tmp_path), "--taxonomy", str(taxonomy), "export"]) == 0
    rows = [json.loads(x) for x in (tmp_path / "test.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and (tmp_path / "train.jsonl").read_text() == ""
    row = rows[0]
    assert row["labels"]["emotion"] == "anger"
    assert row["adjudication"]["disputed"] == ["emotion"]
    assert row["labels"]["gap"] == "shortfall"
    # agreed gap: evidence is the union of both passes' spans
    assert [s["text"] for s in row["labels"]["gap_evidence"]] == ev
    assert row["passes"]["B"]["emotion"] == "disappointment"
    assert row["provenance"]["pool_id"] == "x-1" and row["split"] == "test"

    assert ann.main(["--data", str(tmp_path), "--taxonomy", str(taxonomy), "agreement"]) == 0
    res = json.loads((tmp_path / "agreement.json").read_text())
    assert res["fields"]["gap"]["percent"] == pytest.approx(100.0)
    assert res["evidence"]["items_both_gap"] == 1
