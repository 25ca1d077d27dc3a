"""Sampling the pool into annotation batches: per-source plans, de-duplication, splits, batches.

``prepare`` is deterministic: the same pool, plans, exclusions and seed give the same items in
the same order, hence byte-identical ``items.jsonl`` (full provenance) and ``batches/`` (what the
annotators see: id, text, channel and how the brand is shown) from ``write_prepared``.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.training.annotation.files import BATCH_SIZE, write_jsonl
from classifiers.training.annotation.pool import (
    brand_display,
    complaint_hint,
    family_of,
    group_key,
    item_id,
    load_pool,
    norm_key,
)
from classifiers.training.annotation.splits import assign_splits, split_units

__all__ = [
    "DEFAULT_SEED",
    "LONG_CHARS",
    "PLANS",
    "STRATA_OF",
    "Plan",
    "batch_row",
    "crosstab",
    "prepare",
    "prepare_report",
    "sample_source",
    "to_item",
    "write_prepared",
]

DEFAULT_SEED = 20240611
"""The seed the committed batches were sampled with."""

LONG_CHARS = 2500
"""A text longer than this is long (``prepare`` caps how many long texts it keeps)."""


@dataclass(frozen=True)
class Plan:
    """How many items to take from one source, and how to split them."""

    n: int
    """Items to sample (at most what the source has)."""
    hint_share: float
    """Share of the sample drawn from items whose source labels hint at a complaint (0: plain random)."""
    test: float
    dev: float


PLANS: dict[str, Plan] = {
    "ibm_customer_care": Plan(1177, 0.0, 0.30, 0.125),
    "cfpb_complaints": Plan(246, 0.0, 0.40, 0.125),
    "cesamard_reviews": Plan(1000, 0.60, 0.32, 0.125),
    "steam_reviews": Plan(550, 0.50, 0.33, 0.125),
    "is22_app_review_sentences": Plan(450, 0.50, 0.25, 0.125),
    "is22_app_reviews": Plan(600, 0.0, 0.25, 0.125),
    "mams_restaurants": Plan(420, 0.65, 0.22, 0.125),
    "tweeteval_sentiment_train": Plan(700, 0.40, 0.22, 0.125),
    "banking77_train": Plan(300, 0.0, 0.20, 0.125),
    "amazon_yelp_reviews": Plan(200, 0.0, 0.20, 0.125),
}
"""Sampling plan. Test shares are higher where expectation gaps are commoner (CFPB, Steam, CESAMARD), so that
the test holds enough gap positives. hint_share enriches complaint-like items by the sources' own labels
(CESAMARD Complaint=1, Steam not recommended, a negative aspect/feature polarity, TweetEval negative), never
by cue words, and it is applied before splitting, so every split is enriched alike."""


STRATA_OF: dict[str, str] = {"cesamard_reviews": "domain"}
"""Sources whose split is stratified by a field (CESAMARD by its product domain)."""


def sample_source(name: str, rows: list[dict[str, Any]], plan: Plan, rng: random.Random) -> list[dict[str, Any]]:
    """Draw plan.n rows: hint_share of them from complaint-hinted rows, the rest from the others.

    BANKING77 is spread evenly over its intents and Amazon/Yelp over platform x label."""
    rows = sorted(rows, key=lambda r: r["id"])
    n = min(plan.n, len(rows))
    if name in ("banking77_train", "amazon_yelp_reviews"):
        strata: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            key = r["orig_labels"]["intent"] if name == "banking77_train" else f"{r['platform']}:{r['orig_labels']}"
            strata[key].append(r)
        for key in sorted(strata):
            rng.shuffle(strata[key])
        picked: list[dict[str, Any]] = []
        i = 0
        while len(picked) < n:
            for key in sorted(strata):
                if i < len(strata[key]) and len(picked) < n:
                    picked.append(strata[key][i])
            i += 1
        return picked
    if plan.hint_share <= 0:
        return rng.sample(rows, n)
    hinted = [r for r in rows if complaint_hint(r)]
    other = [r for r in rows if not complaint_hint(r)]
    n_hint = min(len(hinted), round(n * plan.hint_share))
    n_other = min(len(other), n - n_hint)
    n_hint = min(len(hinted), n - n_other)
    return rng.sample(hinted, n_hint) + rng.sample(other, n_other)


def to_item(row: dict[str, Any]) -> dict[str, Any]:
    """The provenance record of one sampled pool row."""
    src = row["source"]
    fam_name = row.get("product") if src == "cesamard_reviews" else row.get("brand")
    return {
        "item_id": item_id(src, row["id"]),
        "text": row["text"],
        "source": src,
        "channel": row["channel"],
        "industry": row["industry"],
        "brand": row.get("brand"),
        "brand_display": brand_display(row),
        "group": group_key(row),
        "family": family_of(fam_name),
        "context_id": row.get("context_id"),
        "review_id": row.get("review_id"),
        "pool_file": row["pool_file"],
        "pool_id": row["id"],
        "orig_id": row.get("orig_id", row.get("review_id")),
        "domain": (row.get("orig_labels") or {}).get("Domain"),
        "sampled_by_hint": complaint_hint(row),
        "long": len(row["text"]) > LONG_CHARS,
        "split_source": "is22" if src.startswith("is22_") else src,
    }


def prepare(
    pool: Path, seed: int, max_long: int, exclude: set[str], plans: dict[str, Plan] = PLANS
) -> list[dict[str, Any]]:
    """Sample, de-duplicate, cap long texts, assign splits and batches; returns the item records."""
    rng = random.Random(seed)
    data = load_pool(pool)
    seen: set[str] = set()
    items: list[dict[str, Any]] = []
    for name, plan in plans.items():
        rows = [r for r in data[name] if r["id"] not in exclude and r["text"]]
        for row in sample_source(name, rows, plan, rng):
            key = norm_key(row["text"])
            if not key or key in seen:
                continue
            seen.add(key)
            items.append(to_item(row))
    long_items = [it for it in items if it["long"]]
    if len(long_items) > max_long:
        drop = {it["item_id"] for it in rng.sample(long_items, len(long_items) - max_long)}
        items = [it for it in items if it["item_id"] not in drop]
    units = split_units(items)
    for it in items:
        it["unit"] = units[it["group"]]
    fractions = {("is22" if name.startswith("is22_") else name): (p.test, p.dev) for name, p in plans.items()}
    decided = assign_splits(items, fractions, STRATA_OF, rng)
    for it in items:
        it["split"] = decided[it["unit"]]
    order = sorted(items, key=lambda it: it["item_id"])
    rng.shuffle(order)
    n_batches = max(1, round(len(order) / BATCH_SIZE))
    for i, it in enumerate(order):
        it["batch"] = f"batch-{i * n_batches // len(order) + 1:03d}"
    return order


def batch_row(item: dict[str, Any]) -> dict[str, Any]:
    """What an annotator sees of an item: its id, text, channel and how the brand is shown."""
    return {
        "item_id": item["item_id"],
        "text": item["text"],
        "channel": item["channel"],
        "brand": item["brand_display"],
    }


def write_prepared(items: list[dict[str, Any]], out: Path) -> int:
    """Write items.jsonl and the annotator-facing batch files; returns the number of batches."""
    batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        batches[it["batch"]].append(batch_row(it))
    bdir = out / "batches"
    bdir.mkdir(parents=True, exist_ok=True)
    for old in bdir.glob("batch-*.jsonl"):
        old.unlink()
    for name, rows in sorted(batches.items()):
        write_jsonl(bdir / f"{name}.jsonl", rows)
    write_jsonl(out / "items.jsonl", items)
    return len(batches)


def crosstab(items: Iterable[dict[str, Any]], col: str) -> str:
    """A split x <col> count table as text."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for it in items:
        table[str(it[col])][it["split"]] += 1
    splits = ("train", "dev", "test")
    width = max([len(k) for k in table] + [len(col)])
    lines = [f"{col:<{width}} " + " ".join(f"{s:>6}" for s in splits) + f" {'total':>6}"]
    for k in sorted(table):
        c = table[k]
        lines.append(f"{k:<{width}} " + " ".join(f"{c[s]:>6}" for s in splits) + f" {sum(c.values()):>6}")
    tot = Counter[str]()
    for c in table.values():
        tot.update(c)
    lines.append(f"{'total':<{width}} " + " ".join(f"{tot[s]:>6}" for s in splits) + f" {sum(tot.values()):>6}")
    return "\n".join(lines)


def prepare_report(items: Sequence[dict[str, Any]]) -> str:
    """The split tables by source, channel and industry, and the split units per source."""
    units = Counter((it["source"], it["split"]) for it in {(it["unit"], it["source"]): it for it in items}.values())
    tables = "\n\n".join(crosstab(items, col) for col in ("source", "channel", "industry"))
    per_source = ", ".join(f"{s}/{sp}={n}" for (s, sp), n in sorted(units.items()))
    return f"\n{tables}\n\nsplit units per source: {per_source}"
