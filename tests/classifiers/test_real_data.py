"""The annotated real data (classifiers/training/data/real/): splits that never leak, labels that hold.

The test split measures brands the model never saw, so no text (normalized) and no
group (brand, app, product, game, company) may appear in two splits; every row must be
valid under the guideline's rules, and its gap evidence must be exact text.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from classifiers.training.annotation.pool import norm_key
from classifiers.training.data import read_real
from classifiers.training.train import TrainSettings
from foundation.labels import EMOTIONS, GAPS, LIFECYCLE_STAGES, SENTIMENTS

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "training" / "data" / "real"
SPLITS = ("train", "dev", "test")


@cache
def rows(split: str) -> tuple[dict[str, Any], ...]:
    with (DATA / f"{split}.jsonl").open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


@pytest.mark.parametrize(("first", "second"), [("train", "dev"), ("train", "test"), ("dev", "test")])
def test_no_text_is_shared_between_splits(first: str, second: str) -> None:
    shared = {norm_key(r["text"]) for r in rows(first)} & {norm_key(r["text"]) for r in rows(second)}
    assert sorted(shared)[:5] == []


@pytest.mark.parametrize(("first", "second"), [("train", "dev"), ("train", "test"), ("dev", "test")])
def test_no_brand_or_group_is_shared_between_splits(first: str, second: str) -> None:
    def groups(split: str) -> set[str]:
        return {r["group"] for r in rows(split)} | {
            f"{r['source']}:{r['provenance']['split_unit']}" for r in rows(split)
        }

    assert sorted(groups(first) & groups(second)) == []


def test_sizes_meet_what_evaluation_needs() -> None:
    counts = {split: len(rows(split)) for split in SPLITS}
    assert sum(counts.values()) >= 5000
    assert counts["test"] >= 1200
    gaps = Counter(r["labels"]["gap"] for r in rows("test"))
    assert gaps["shortfall"] + gaps["exceeded"] >= 200
    channels = {r["channel"] for r in rows("test")}
    assert {"tweet", "review", "review_sentence", "complaint_form", "support_message"} <= channels


@pytest.mark.parametrize("split", SPLITS)
def test_every_row_follows_the_guideline(split: str) -> None:
    problems = []
    for row in rows(split):
        lab = row["labels"]
        about = lab["about_brand"]
        checks = {
            "label sets": lab["sentiment"] in SENTIMENTS and lab["gap"] in GAPS and lab["emotion"] in EMOTIONS,
            "lifecycle": (lab["lifecycle"] in LIFECYCLE_STAGES) if about else lab["lifecycle"] is None,
            "about_brand first": about or not (lab["complaint"] or lab["switching"] or lab["gap"] != "none"),
            "a shortfall is a complaint": lab["gap"] != "shortfall" or lab["complaint"],
            "evidence exactly when a gap": bool(lab["gap_evidence"]) == (lab["gap"] != "none"),
            "evidence is exact text": all(
                row["text"][span["start"] : span["end"]] == span["text"] for span in lab["gap_evidence"]
            ),
            "two passes kept": set(row["passes"]) == {"A", "B"},
        }
        problems += [f"{row['id']}: {name}" for name, ok in checks.items() if not ok]
    assert problems[:10] == []


def test_every_row_keeps_its_provenance() -> None:
    for split in SPLITS:
        for row in rows(split):
            provenance = row["provenance"]
            assert provenance["pool_file"] and provenance["pool_id"] and provenance["split"] == split


def test_training_leaves_out_the_supplements_it_is_told_to() -> None:
    every = read_real("train", DATA)
    shipped = read_real("train", DATA, TrainSettings(Path(), Path()).leave_out_supplements)
    later = ("supplement-2", "supplement-3")
    supplement = {str(row["id"]) for row in rows("train") if row["provenance"].get("supplement") in later}
    assert len(supplement) == 800 + 601
    assert [x.id for x in shipped] == [x.id for x in every if x.id not in supplement]
    assert len(shipped) == 3742  # what 2.1.0 was trained on: the first sample and supplement-1
