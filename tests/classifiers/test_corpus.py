"""The committed CX corpus: well-formed labels, exact evidence spans, a clean held-out split."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from classifiers.training.corpus import (
    CHANNELS,
    EMOTIONS,
    GAPS,
    HARD_CASES,
    HELD_OUT_INDUSTRIES,
    LANGUAGES,
    SENTIMENTS,
    TOPICS,
    build,
    write,
)

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "training" / "data"
SPLITS = ("train", "test")


def _load(split: str) -> list[dict[str, object]]:
    with (DATA / f"cx_{split}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, object]]]:
    return {split: _load(split) for split in SPLITS}


def _norm(text: object) -> str:
    return " ".join(re.findall(r"[^\W_]+", str(text).lower()))


def test_sizes(rows: dict[str, list[dict[str, object]]]) -> None:
    assert len(rows["train"]) + len(rows["test"]) >= 3600
    assert len(rows["test"]) >= 700
    for split in SPLITS:
        assert (DATA / f"cx_{split}.jsonl").stat().st_size < 3_000_000


@pytest.mark.parametrize("split", SPLITS)
def test_labels_are_in_their_sets(rows: dict[str, list[dict[str, object]]], split: str) -> None:
    ids = set()
    for r in rows[split]:
        assert r["id"] not in ids
        ids.add(r["id"])
        assert isinstance(r["text"], str) and r["text"].strip()
        assert r["channel"] in CHANNELS
        assert r["language"] in LANGUAGES
        assert r["sentiment"] in SENTIMENTS
        assert r["expectation_gap"] in GAPS
        assert r["emotion"] in EMOTIONS
        assert isinstance(r["complaint"], bool)
        assert r["hard_case"] is None or r["hard_case"] in HARD_CASES
        topics = r["topics"]
        assert isinstance(topics, list) and len(topics) <= 3 and len(set(topics)) == len(topics)
        assert set(topics) <= set(TOPICS)


@pytest.mark.parametrize("split", SPLITS)
def test_evidence_slices_exactly_and_only_with_a_gap(rows: dict[str, list[dict[str, object]]], split: str) -> None:
    for r in rows[split]:
        text, spans = str(r["text"]), r["evidence"]
        assert isinstance(spans, list)
        assert (r["expectation_gap"] != "none") == bool(spans), r["id"]
        for start, end in spans:
            assert 0 <= start < end <= len(text)
            piece = text[start:end]
            assert piece == piece.strip() and piece, r["id"]


@pytest.mark.parametrize("split", SPLITS)
def test_labels_follow_the_domain_rules(rows: dict[str, list[dict[str, object]]], split: str) -> None:
    for r in rows[split]:
        if r["expectation_gap"] == "shortfall":
            assert r["complaint"] is True and r["sentiment"] == "negative", r["id"]
        if r["hard_case"] in ("question_no_problem", "news_neutral", "bad_mood_not_brand", "exceeded"):
            assert r["complaint"] is False, r["id"]
        if r["hard_case"] in ("quiet_complaint", "question_with_problem", "negative_no_gap", "calm_gap"):
            assert r["complaint"] is True and r["sentiment"] == "negative", r["id"]
        if r["sentiment"] == "positive":
            assert r["complaint"] is False, r["id"]


def test_no_text_shared_between_splits(rows: dict[str, list[dict[str, object]]]) -> None:
    train = {_norm(r["text"]) for r in rows["train"]}
    assert not [r["id"] for r in rows["test"] if _norm(r["text"]) in train]


def test_held_out_industries_only_in_test(rows: dict[str, list[dict[str, object]]]) -> None:
    assert len(HELD_OUT_INDUSTRIES) >= 2
    assert not {r["industry"] for r in rows["train"]} & set(HELD_OUT_INDUSTRIES)
    assert set(HELD_OUT_INDUSTRIES) <= {r["industry"] for r in rows["test"]}
    assert len({r["industry"] for r in rows["train"]} | {r["industry"] for r in rows["test"]}) >= 12


def test_every_hard_case_and_language_is_present(rows: dict[str, list[dict[str, object]]]) -> None:
    for split in SPLITS:
        assert {r["hard_case"] for r in rows[split]} >= set(HARD_CASES)
        assert {r["language"] for r in rows[split]} == set(LANGUAGES)
        assert {r["channel"] for r in rows[split]} == set(CHANNELS)


def test_rebuild_matches_committed_files(tmp_path: Path) -> None:
    train, test = build()
    write(train, tmp_path / "cx_train.jsonl")
    write(test, tmp_path / "cx_test.jsonl")
    for split in SPLITS:
        assert (tmp_path / f"cx_{split}.jsonl").read_bytes() == (DATA / f"cx_{split}.jsonl").read_bytes()
