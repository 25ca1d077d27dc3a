"""A training-only supplement: more items from the pool, for the rare expectation-gap classes.

The first sample (:mod:`classifiers.training.annotation.sampling`) enriched by the sources' own
labels only, so every split is enriched alike and the test split stays honest. It left few
expectation gaps for training, and very few exceeded ones (62 train texts). A supplement adds
items **to the train split only**, drawn from split units that hold no dev or test item (a
new CESAMARD product, Steam game or app, or an item of its own), so it cannot leak a test
brand, conversation or review into training, and it changes neither dev nor test.

Part of a supplement is drawn among texts that state a contrast with an expectation in words
(:data:`CONTRAST`: "expected", "surprisingly", "turned out", "worth every", "should have" …);
another part (``complaint_share``) among plain problems: items the source's own labels mark as
complaint-like (:func:`~classifiers.training.annotation.pool.complaint_hint`, or a negative
Amazon/Yelp sentence) with no contrast word, where a gap is rarely stated; the rest is drawn at
random from the positive items (where exceeded gaps are) and from the rest. Annotators see the
same batch files as before and label every item under the same guideline: a contrast word is no
label (many such texts are no gap, or the other direction), and the model trained on them sees
those counterexamples too. Every item records how it was drawn (``supplement``,
``sampled_by_contrast``, ``sampled_as_plain_problem``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.training.annotation.files import BATCH_SIZE, read_jsonl, write_jsonl
from classifiers.training.annotation.pool import complaint_hint, load_pool, norm_key, positive_hint
from classifiers.training.annotation.sampling import LONG_CHARS, batch_row, to_item
from classifiers.training.annotation.splits import split_units

__all__ = ["CONTRAST", "SUPPLEMENT_SOURCES", "Supplement", "prepare_supplement", "write_supplement"]

CONTRAST = re.compile(
    r"\b(?:expect\w*|surpris\w*|exceed\w*|beyond|blown away|pleasant(?:ly)?|impress\w*|worth every|"
    r"better than|worse than|than (?:i|we) (?:thought|hoped|imagined)|didn'?t think|wasn'?t sure|"
    r"skeptic\w*|sceptic\w*|hesitant|doubt\w*|turned out|hoped|hoping|promis\w*|advertis\w*|"
    r"supposed to|should have|used to|anymore|disappoint\w*|let down|paid for|for the price)\b",
    re.IGNORECASE,
)
"""Words that often state a contrast with an expectation (used only to enrich sampling, never as a label)."""

SUPPLEMENT_SOURCES: dict[str, int] = {
    "cesamard_reviews": 110,
    "steam_reviews": 70,
    "is22_app_reviews": 70,
    "mams_restaurants": 50,
    "amazon_yelp_reviews": 50,
    "is22_app_review_sentences": 25,
    "tweeteval_sentiment_train": 25,
}
"""Items per source in a supplement of 400 (scaled to the size asked): the sources where customers
review what they bought, and so compare it with what they expected."""


@dataclass(frozen=True)
class Supplement:
    """What :func:`prepare_supplement` drew."""

    items: list[dict[str, Any]]
    first_batch: int
    eligible: int
    """Pool items that could be drawn (unsampled, not a duplicate, in a train-only unit)."""


def _plain_problem(row: dict[str, Any]) -> bool:
    """A complaint-like item by its source's own labels, with no contrast word."""
    negative = complaint_hint(row) or (
        row["source"] == "amazon_yelp_reviews" and int((row.get("orig_labels") or {}).get("label", 1)) == 0
    )
    return negative and not CONTRAST.search(row["text"])


def _next_batch(data: Path) -> int:
    numbers = [int(p.stem.split("-")[1]) for p in (data / "batches").glob("batch-[0-9][0-9][0-9].jsonl")]
    return max(numbers, default=0) + 1


def prepare_supplement(
    pool: Path,
    data: Path,
    *,
    size: int,
    seed: int,
    name: str,
    contrast_share: float = 0.6,
    complaint_share: float = 0.0,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> Supplement:
    """Draw ``size`` new train-only items; ``contrast_share`` of each source's share among texts
    that match :data:`CONTRAST`, ``complaint_share`` among plain problems (:func:`_plain_problem`),
    half the rest among praised items, the rest at random."""
    if contrast_share < 0 or complaint_share < 0 or contrast_share + complaint_share > 1:
        raise ValueError("contrast_share and complaint_share must be >= 0 and add up to at most 1")
    rng = random.Random(seed)
    existing = read_jsonl(data / "items.jsonl")
    taken = {(it["source"], it["pool_id"]) for it in existing}
    keys = {norm_key(it["text"]) for it in existing}
    pool_rows = load_pool(pool)
    candidates: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for source in SUPPLEMENT_SOURCES:
        for row in sorted(pool_rows[source], key=lambda r: r["id"]):
            text = row["text"]
            if not text or len(text) > LONG_CHARS or (source, row["id"]) in taken or row["id"] in exclude:
                continue
            candidates.append((row, to_item(row)))
    units = split_units([*existing, *(item for _, item in candidates)])
    held_out = {units[it["group"]] for it in existing if it["split"] != "train"}
    eligible: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {s: [] for s in SUPPLEMENT_SOURCES}
    for row, item in candidates:
        if units[item["group"]] not in held_out:
            item["sampled_by_contrast"] = bool(CONTRAST.search(row["text"]))
            if complaint_share:
                item["sampled_as_plain_problem"] = _plain_problem(row)
            eligible[row["source"]].append((row, item))
    total = sum(SUPPLEMENT_SOURCES.values())
    chosen: list[dict[str, Any]] = []
    for source, share in SUPPLEMENT_SOURCES.items():
        want = round(size * share / total)
        rows = eligible[source]
        contrast = [p for p in rows if p[1]["sampled_by_contrast"]]
        rest = [p for p in rows if not p[1]["sampled_by_contrast"]]
        plain = [p for p in rest if p[1].get("sampled_as_plain_problem")]
        rest = [p for p in rest if not p[1].get("sampled_as_plain_problem")]
        praised = [p for p in rest if positive_hint(p[0])]
        other = [p for p in rest if not positive_hint(p[0])]
        rng.shuffle(contrast)
        rng.shuffle(plain)
        rng.shuffle(praised)
        rng.shuffle(other)
        n_contrast = min(len(contrast), round(want * contrast_share))
        n_plain = min(len(plain), round(want * complaint_share))
        n_praised = min(len(praised), (want - n_contrast - n_plain + 1) // 2)
        # in order of preference; a source short of one kind is topped up with the others
        ordered = (
            contrast[:n_contrast]
            + plain[:n_plain]
            + praised[:n_praised]
            + other
            + plain[n_plain:]
            + praised[n_praised:]
            + contrast[n_contrast:]
        )
        kept = 0
        for row, item in ordered:
            if kept == want:
                break
            key = norm_key(row["text"])
            if not key or key in keys:
                continue
            keys.add(key)
            kept += 1
            item["unit"] = units[item["group"]]
            item["split"] = "train"
            item["supplement"] = name
            chosen.append(item)
    chosen.sort(key=lambda it: it["item_id"])
    rng.shuffle(chosen)
    first = _next_batch(data)
    n_batches = max(1, round(len(chosen) / BATCH_SIZE))
    for i, item in enumerate(chosen):
        item["batch"] = f"batch-{first + i * n_batches // len(chosen):03d}"
    return Supplement(chosen, first, sum(len(v) for v in eligible.values()))


def write_supplement(supplement: Sequence[dict[str, Any]], data: Path) -> list[str]:
    """Append the items to items.jsonl and write their batch files (never touching earlier ones);
    returns the new batch names."""
    batches: dict[str, list[dict[str, Any]]] = {}
    for it in supplement:
        batches.setdefault(it["batch"], []).append(batch_row(it))
    for batch in batches:
        if (data / "batches" / f"{batch}.jsonl").exists():
            raise FileExistsError(f"{batch} exists already; a supplement only adds batches")
    for batch, rows in sorted(batches.items()):
        write_jsonl(data / "batches" / f"{batch}.jsonl", rows)
    items = read_jsonl(data / "items.jsonl")
    write_jsonl(data / "items.jsonl", [*items, *supplement])
    return sorted(batches)
