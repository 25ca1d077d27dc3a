"""The annotation workflow (classifiers.training.annotation), on tiny fixtures (no shared pool needed)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from classifiers.training.annotation import (
    CONTRAST,
    PASSES,
    Plan,
    agreement,
    apply_review,
    assign_splits,
    audit_table,
    check_file,
    cohen_kappa,
    export,
    load_adjudications,
    load_passes,
    load_topics,
    locate_evidence,
    merged_rows,
    percent_agreement,
    prepare,
    prepare_report,
    prepare_supplement,
    read_jsonl,
    split_units,
    validate_labels,
    write_disagreements,
    write_prepared,
    write_supplement,
)
from classifiers.training.annotation.pool import load_pool, norm_key
from foundation.labels import LIFECYCLE_STAGES

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
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert percent_agreement(a, b) == pytest.approx(70.0)
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None
    assert cohen_kappa(["a", "b", "c"], ["a", "b", "c"]) == pytest.approx(1.0)


def test_evidence_offsets_and_errors() -> None:
    text = "I paid for next-day delivery. It took a week. I paid for next-day delivery, again."
    spans, errs = locate_evidence(text, ["It took a week", {"text": "I paid for next-day delivery"}])
    assert not errs
    assert spans[0] == {"text": "It took a week", "start": 30, "end": 44}
    # the second quote is looked up after the first one's end, so it finds the later occurrence
    assert (
        spans[1]["start"] == text.index("I paid", 1) and text[spans[1]["start"] : spans[1]["end"]] == spans[1]["text"]
    )
    _, errs = locate_evidence(text, ["it  took a week"])
    assert errs and "copy it exactly" in errs[0]
    _, errs = locate_evidence(text, ["never said"])
    assert errs and "not found" in errs[0]


def test_validate_consistency_rules() -> None:
    text = "My parcel was supposed to arrive Monday, still nothing."
    ok, errs = validate_labels(
        labels(gap="shortfall", gap_evidence=["supposed to arrive Monday", "still nothing"]), text, TOPICS
    )
    assert not errs and ok["gap_evidence"][1]["start"] == text.index("still nothing")
    _, errs = validate_labels(labels(about_brand=False, lifecycle=None), text, TOPICS)
    assert any("complaint needs about_brand" in e for e in errs)
    _, errs = validate_labels(labels(gap="shortfall", gap_evidence=[]), text, TOPICS)
    assert any("at least one gap_evidence" in e for e in errs)
    _, errs = validate_labels(labels(topics=["nope"], emotion="meh"), text, TOPICS)
    assert len(errs) == 2


def test_lifecycle_stages_come_from_foundation() -> None:
    text = "Cancelled my contract today."
    for stage in LIFECYCLE_STAGES:
        assert validate_labels(labels(lifecycle=stage), text, TOPICS)[1] == []
    _, errs = validate_labels(labels(lifecycle="after_sales"), text, TOPICS)
    assert errs == [f"lifecycle must be one of {', '.join(LIFECYCLE_STAGES)} or null; got 'after_sales'"]


def test_split_assignment_keeps_groups_together() -> None:
    rng = random.Random(0)
    items = []
    for g in range(40):
        for k in range(1 + g % 4):
            items.append({"item_id": f"{g}-{k}", "source": "s", "industry": f"ind{g % 3}", "group": f"g{g}"})
    # two groups linked through a shared review id must share a split too
    items.append({"item_id": "x", "source": "s", "industry": "ind0", "group": "g0", "review_id": "r1"})
    items.append({"item_id": "y", "source": "s", "industry": "ind0", "group": "g1", "review_id": "r1"})
    units = split_units(items)
    assert units["g0"] == units["g1"]
    for it in items:
        it["unit"] = units[it["group"]]
    decided = assign_splits(items, {"s": (0.25, 0.125)}, {}, rng)
    by_group: dict[str, set[str]] = {}
    for it in items:
        by_group.setdefault(it["group"], set()).add(decided[it["unit"]])
    assert all(len(s) == 1 for s in by_group.values())
    counts = {s: sum(decided[it["unit"]] == s for it in items) for s in ("train", "dev", "test")}
    assert counts["test"] > 0 and counts["dev"] > 0 and counts["train"] > counts["test"]


# ----------------------------------------------------------------------------------- prepare


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _pool(root: Path) -> Path:
    """A pool folder shaped like ../shared/data, with a few rows per source."""
    real = root / "real"

    def rows(name: str, n: int, **extra: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": f"{name}-{i}",
                "text": f"Text {i} from {name}: the order arrived late.",
                "source": name,
                "channel": "review",
                "industry": "retail",
                "brand": f"Brand{i % 4}",
                **{k: (v(i) if callable(v) else v) for k, v in extra.items()},
            }
            for i in range(n)
        ]

    cesamard = rows(
        "cesamard_reviews",
        12,
        product=lambda i: f"product-{i % 5}",
        orig_labels=lambda i: {"Complaint": str(i % 2), "Domain": f"d{i % 2}"},
    )
    cesamard[3]["text"] = "x" * 2600 + " long one"
    cesamard[4]["text"] = "y" * 2600 + " long two"
    cesamard[5]["text"] = cesamard[6]["text"].upper() + "!!"  # a duplicate once normalized
    _write(real / "cesamard_reviews.jsonl", cesamard)
    _write(real / "ibm_customer_care.jsonl", rows("ibm_customer_care", 8, channel="tweet"))
    _write(
        real / "mams_restaurants.jsonl",
        rows("mams_restaurants", 6, orig_labels=lambda i: {"aspectTerms": [{"polarity": "negative"}] if i % 2 else []}),
    )
    app = {"app_id": lambda i: f"app{i % 3}", "platform": lambda i: "google_play" if i % 2 else "amazon"}
    _write(
        real / "is22_app_review_sentences.jsonl",
        rows("is22_app_review_sentences", 6, orig_labels=lambda i: {"Feature (Negative)": "x" if i % 2 else ""}, **app),
    )
    _write(real / "is22_app_reviews.jsonl", rows("is22_app_reviews", 6, **app))
    _write(real / "cfpb_complaints.jsonl", rows("cfpb_complaints", 6, channel="complaint_form"))
    _write(
        real / "steam_reviews.jsonl",
        rows("steam_reviews", 6, steam_appid=lambda i: i % 3, orig_labels=lambda i: {"label_recommended": i % 2}),
    )
    te = root / "tweeteval" / "sentiment"
    te.mkdir(parents=True)
    (te / "train_text.txt").write_text("".join(f"tweet number {i} about nothing\n" for i in range(6)), encoding="utf-8")
    (te / "train_labels.txt").write_text("".join(f"{i % 3}\n" for i in range(6)), encoding="utf-8")
    _write(root / "banking77" / "train.jsonl", [{"text": f"my card {i} is blocked", "label": i % 3} for i in range(9)])
    _write(
        root / "reviews" / "amazon_yelp_reviews.jsonl",
        [{"text": f"sentence {i} was fine", "source": "yelp" if i % 2 else "amazon", "label": i % 2} for i in range(8)],
    )
    return root


def test_prepare_is_deterministic_and_keeps_groups_in_one_split(tmp_path: Path) -> None:
    pool = _pool(tmp_path / "pool")
    loaded = load_pool(pool)
    plans = {name: Plan(6, 0.5 if name == "cesamard_reviews" else 0.0, 0.3, 0.2) for name in loaded}
    exclude = {"cesamard_reviews-0"}
    items = prepare(pool, 7, 1, exclude, plans)
    assert items == prepare(pool, 7, 1, exclude, plans)
    assert items != prepare(pool, 8, 1, exclude, plans)
    pool_ids = [it["pool_id"] for it in items]
    assert "cesamard_reviews-0" not in pool_ids and len(pool_ids) == len(set(pool_ids))
    assert sum(it["long"] for it in items) <= 1
    assert not {"cesamard_reviews-5", "cesamard_reviews-6"} <= set(pool_ids)  # the duplicate pair: one kept at most
    splits_of: dict[str, set[str]] = {}
    for it in items:
        assert it["split"] in ("train", "dev", "test") and it["batch"] == "batch-001"
        assert it["item_id"].startswith("cx-") and it["source"] not in it["item_id"]
        splits_of.setdefault(it["group"], set()).add(it["split"])
    assert all(len(s) == 1 for s in splits_of.values())
    assert {it["brand_display"] for it in items if it["source"] == "steam_reviews"} == {"a video game on Steam"}

    out = tmp_path / "data"
    assert write_prepared(items, out) == 1
    batch = read_jsonl(out / "batches" / "batch-001.jsonl")
    assert [set(r) for r in batch] == [{"item_id", "text", "channel", "brand"}] * len(items)
    assert read_jsonl(out / "items.jsonl") == items
    report = prepare_report(items)
    assert "split units per source: " in report and "industry" in report


# ---------------------------------------------------------------------- merge, export, agreement


def _fixture(tmp_path: Path) -> tuple[Path, list[str]]:
    """A data folder with one item labelled by both passes (they disagree on emotion); the taxonomy and evidence."""
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
    return taxonomy, ev


def test_export_picks_adjudicated_label(tmp_path: Path) -> None:
    taxonomy, ev = _fixture(tmp_path)
    topics = load_topics(taxonomy)
    assert topics == TOPICS

    loaded = load_passes(tmp_path, topics)
    assert loaded.problems == []  # merge finds nothing wrong
    assert merged_rows(loaded) == [{"item_id": "cx-1", **{p: loaded.passes[p]["cx-1"] for p in PASSES}}]
    assert write_disagreements(loaded, tmp_path / "adjudication") == (1, 1)
    adj_rows = [json.loads(x) for x in (tmp_path / "adjudication" / "adj-001.jsonl").read_text().splitlines()]
    assert adj_rows[0]["disputed"] == ["emotion"] and set(adj_rows[0]) >= {"A", "B", "text"}
    # exporting before adjudication fails for that item
    res = export(loaded, load_adjudications(tmp_path), topics, tmp_path)
    assert res["problems"] == ["cx-1: disagreement on emotion but no adjudication"]
    _write(tmp_path / "adjudication" / "adj-001.labels.jsonl", [{"item_id": "cx-1", "emotion": "anger", "note": "n"}])
    res = export(loaded, load_adjudications(tmp_path), topics, tmp_path)
    assert res == {"counts": {"train": 0, "dev": 0, "test": 1}, "problems": []}
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
    assert row["review"] is None

    res = agreement(loaded, topics)
    assert res["fields"]["gap"]["percent"] == pytest.approx(100.0)
    assert res["evidence"]["items_both_gap"] == 1


# --------------------------------------------------------------------------- adjudication check


def _adjudication_batch(path: Path) -> None:
    """Two disputed items as disagreements writes them: cx-1 on emotion, cx-2 on lifecycle."""
    text1 = "Advertised as waterproof, died in the rain."
    text2 = "Support never called me back."
    rows = [
        {
            "item_id": "cx-1",
            "text": text1,
            "channel": "review",
            "brand": "a phone",
            "disputed": ["emotion"],
            "A": labels(emotion="anger", lifecycle="use"),
            "B": labels(emotion="disappointment", lifecycle="use"),
        },
        {
            "item_id": "cx-2",
            "text": text2,
            "channel": "tweet",
            "brand": "a bank",
            "disputed": ["lifecycle"],
            "A": labels(topics=[], lifecycle="support"),
            "B": labels(topics=[], lifecycle="use"),
        },
    ]
    _write(path, rows)


def test_adjudication_check_accepts_a_decided_item_and_reports_the_rest(tmp_path: Path) -> None:
    batch = tmp_path / "adj-001.jsonl"
    _adjudication_batch(batch)
    decided = tmp_path / "adj-001.labels.jsonl"
    _write(decided, [{"item_id": "cx-1", "emotion": "anger", "note": "anger is stated"}])
    report = check_file(batch, decided, TOPICS)
    # cx-1 is decided and consistent; cx-2 has no decision yet
    assert report.problems == (f"{decided}: cx-2 has no decision",)
    assert report.summary() == "1 of 2 items decided; 1 problem(s)"

    _write(decided, [{"item_id": "cx-1", "emotion": "anger"}, {"item_id": "cx-2", "lifecycle": "support"}])
    report = check_file(batch, decided, TOPICS)
    assert report.problems == () and report.summary() == "2 of 2 items decided; 0 problem(s)"


def test_adjudication_check_reports_an_inconsistent_or_unknown_decision(tmp_path: Path) -> None:
    batch = tmp_path / "adj-001.jsonl"
    _adjudication_batch(batch)
    bad = tmp_path / "adj-001.labels.jsonl"
    # lifecycle null is a valid value, but not with about_brand true (agreed by both passes)
    _write(
        bad,
        [{"item_id": "cx-1"}, {"item_id": "cx-2", "lifecycle": None}, {"item_id": "cx-9", "emotion": "joy"}],
    )
    report = check_file(batch, bad, TOPICS)
    assert report.problems == (
        f"{bad} line 1 (cx-1): adjudication: missing field 'emotion'",
        f"{bad} line 2 (cx-2): final labels: lifecycle must be set when about_brand is true",
        f"{bad} line 3: item_id 'cx-9' is not in the adjudication batch",
    )
    assert report.summary() == "2 of 2 items decided; 3 problem(s)"


def test_pass_check_reports_unknown_doubled_invalid_and_missing_rows(tmp_path: Path) -> None:
    batch = tmp_path / "batch-001.jsonl"
    text = "Late again."
    _write(batch, [{"item_id": i, "text": text, "channel": "tweet", "brand": "b"} for i in ("cx-1", "cx-2", "cx-3")])
    labelled = tmp_path / "batch-001.A.jsonl"
    _write(
        labelled,
        [
            {"item_id": "cx-1", **labels()},
            {"item_id": "cx-1", **labels()},
            {"item_id": "cx-2", **labels(emotion="meh")},
            {"item_id": "cx-7", **labels()},
        ],
    )
    report = check_file(batch, labelled, TOPICS)
    assert report.problems == (
        f"{labelled} line 2: cx-1 labelled twice",
        f"{labelled} line 3 (cx-2): emotion must be one of "
        "anger, frustration, disappointment, anxiety, sadness, joy, delight, optimism, neutral; got 'meh'",
        f"{labelled} line 4: item_id 'cx-7' is not in {batch}",
        f"{labelled}: cx-3 has no labels",
    )
    assert report.summary() == "2 of 3 items labelled; 4 problem(s)"


# ---------------------------------------------------------------------------------------- review


def _adjudicated(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    taxonomy, _ = _fixture(tmp_path)
    _write(tmp_path / "adjudication" / "adj-001.labels.jsonl", [{"item_id": "cx-1", "emotion": "anger"}])
    return tmp_path, load_topics(taxonomy)


def test_a_review_row_changes_a_final_label_and_is_recorded(tmp_path: Path) -> None:
    data, topics = _adjudicated(tmp_path)
    review = {"item_id": "cx-1", "emotion": "disappointment", "note": "cluster rule: a broken promise", "by": "rv"}
    _write(data / "review.jsonl", [review])
    res = export(load_passes(data, topics), load_adjudications(data), topics, data)
    assert res["problems"] == []
    (row,) = read_jsonl(data / "test.jsonl")
    assert row["labels"]["emotion"] == "disappointment"
    assert row["adjudication"]["emotion"] == "anger"  # what the adjudicator decided is kept
    assert row["review"] == {
        "fields": ["emotion"],
        "emotion": "disappointment",
        "note": "cluster rule: a broken promise",
        "by": "rv",
    }


def test_an_inconsistent_review_row_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    data, topics = _adjudicated(tmp_path)
    _write(data / "review.jsonl", [{"item_id": "cx-1", "about_brand": False, "note": "not about the brand"}])
    res = export(load_passes(data, topics), load_adjudications(data), topics, data)
    assert res["problems"] == [
        "cx-1: review: complaint needs about_brand true",
        "cx-1: review: a gap needs about_brand true",
        "cx-1: review: lifecycle must be null when about_brand is false",
    ]
    (row,) = read_jsonl(data / "test.jsonl")
    assert row["labels"]["about_brand"] is True and row["review"] is None

    row = {"text": "Late.", "labels": labels(), "review": None}
    assert apply_review(row, {"item_id": "x", "lifecycle": "later"}, topics) == [
        f"review: lifecycle must be one of {', '.join(LIFECYCLE_STAGES)} or null; got 'later'"
    ]
    assert row["labels"] == labels() and row["review"] is None


def test_audit_table_compares_a_blind_pass_with_the_final_labels() -> None:
    final = [
        {"id": "x1", "labels": labels(gap="shortfall", gap_evidence=[{"text": "q", "start": 0, "end": 1}])},
        {"id": "x2", "labels": labels()},
    ]
    audit = [{"item_id": "x1", **labels()}, {"item_id": "x2", **labels()}, {"item_id": "other", **labels()}]
    table = audit_table(final, audit)
    assert table.startswith("Blind audit: 2 items")  # the item outside the split is not counted
    assert "| about_brand | n/a | 100.0 |" in table  # one label on both sides: kappa undefined
    assert "| gap | 0.000 | 50.0 |" in table
    assert "| shortfall | 1 | 0 | 0 |" in table  # the final shortfall the audit called none


# ---------------------------------------------------------------------- a train-only supplement


def test_a_supplement_adds_train_items_only_from_units_with_no_held_out_item(tmp_path: Path) -> None:
    pool = _pool(tmp_path / "pool")
    loaded = load_pool(pool)
    plans = {name: Plan(4, 0.0, 0.4, 0.2) for name in loaded}
    items = prepare(pool, 7, 1, set(), plans)
    data = tmp_path / "data"
    write_prepared(items, data)
    held_out_groups = {it["group"] for it in items if it["split"] != "train"}
    pool_ids = {it["pool_id"] for it in items}

    drawn = prepare_supplement(pool, data, size=20, seed=3, name="supplement-x")
    assert drawn.items == prepare_supplement(pool, data, size=20, seed=3, name="supplement-x").items
    assert drawn.items and drawn.first_batch == 2
    for it in drawn.items:
        assert it["split"] == "train" and it["supplement"] == "supplement-x"
        assert it["group"] not in held_out_groups  # no product, app or game of dev or test
        assert it["pool_id"] not in pool_ids
        assert it["batch"] == "batch-002"
    keys = [norm_key(it["text"]) for it in [*items, *drawn.items]]
    assert len(keys) == len(set(keys))

    assert write_supplement(drawn.items, data) == ["batch-002"]
    assert read_jsonl(data / "items.jsonl") == [*items, *drawn.items]
    assert read_jsonl(data / "batches" / "batch-001.jsonl")  # the earlier batch is kept
    with pytest.raises(FileExistsError):
        write_supplement(drawn.items, data)


def test_a_supplement_can_draw_plain_problems_first_and_records_how_each_item_was_drawn(tmp_path: Path) -> None:
    pool = _pool(tmp_path / "pool")
    loaded = load_pool(pool)
    items = prepare(pool, 7, 1, set(), {name: Plan(2, 0.0, 0.0, 0.0) for name in loaded})
    data = tmp_path / "data"
    write_prepared(items, data)
    plain = prepare_supplement(pool, data, size=8, seed=3, name="s", contrast_share=0.0, complaint_share=1.0)
    plain_cesamard = [it for it in plain.items if it["source"] == "cesamard_reviews"]
    assert plain_cesamard  # the source's own complaint label says which items are plain problems
    assert all(it["sampled_as_plain_problem"] and not it["sampled_by_contrast"] for it in plain_cesamard)
    assert all(it["split"] == "train" for it in plain.items)
    before = prepare_supplement(pool, data, size=8, seed=3, name="s", contrast_share=0.0)
    assert all("sampled_as_plain_problem" not in it for it in before.items)  # earlier supplements unchanged
    with pytest.raises(ValueError, match="add up to at most 1"):
        prepare_supplement(pool, data, size=8, seed=3, name="s", contrast_share=0.6, complaint_share=0.6)


def test_contrast_words_enrich_sampling_and_are_no_label() -> None:
    assert CONTRAST.search("Works better than I expected")
    assert CONTRAST.search("it was supposed to arrive on Monday")
    assert not CONTRAST.search("The parcel is late again")


def test_new_disagreements_only_are_written_after_the_decided_ones(tmp_path: Path) -> None:
    taxonomy, _ = _fixture(tmp_path)
    loaded = load_passes(tmp_path, load_topics(taxonomy))
    assert write_disagreements(loaded, tmp_path / "adjudication") == (1, 1)
    _write(tmp_path / "adjudication" / "adj-001.labels.jsonl", [{"item_id": "cx-1", "emotion": "anger", "note": "n"}])
    decided = set(load_adjudications(tmp_path))
    assert write_disagreements(loaded, tmp_path / "adjudication", decided=decided) == (0, 0)
    assert (tmp_path / "adjudication" / "adj-001.jsonl").exists()  # kept, not renumbered
    assert write_disagreements(loaded, tmp_path / "adjudication", decided=set()) == (1, 1)
    assert (tmp_path / "adjudication" / "adj-002.jsonl").exists()
