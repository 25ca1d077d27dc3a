#!/usr/bin/env python3
"""Annotate real customer texts for cxpulse: sample, double-annotate, measure agreement, adjudicate, export.

The workflow (all paths default to classifiers/training/data/real/, the guideline is GUIDELINE.md there):

  1. prepare        sample items from the shared pool, assign train/dev/test by whole group, write
                    batches/batch-NNN.jsonl (what annotators see) and items.jsonl (full provenance).
                        python scripts/annotate.py prepare --pool ../shared/data
  2. annotate       two annotators label every batch independently, without seeing each other's work:
                        passes/batch-NNN.A.jsonl   and   passes/batch-NNN.B.jsonl
                    one JSON object per line, keyed by item_id (format in GUIDELINE.md).
  3. merge          validate both passes of every batch: label sets, consistency rules, and that every
                    gap_evidence quote is an exact substring of the text (its offsets are recorded).
                        python scripts/annotate.py merge
  4. agreement      Cohen's kappa and % agreement per field (topics per label and micro-averaged;
                    evidence token F1 where both passes found a gap); table + agreement.json.
                        python scripts/annotate.py agreement --update-readme
  5. disagreements  write adjudication/adj-NNN.jsonl with every item the passes disagree on (text,
                    the disputed fields, and both passes' labels as "A" and "B"). The adjudicator
                    writes adjudication/adj-NNN.labels.jsonl: {"item_id", <each disputed field>, "note"}.
                        python scripts/annotate.py disagreements
  6. export         final rows: the passes' label where they agree, else the adjudicator's, into
                    train.jsonl, dev.jsonl and test.jsonl.
                        python scripts/annotate.py export

Standard library only; no project imports. Deterministic: the same pool and seed give the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "classifiers" / "training" / "data" / "real"
DEFAULT_POOL = ROOT.parent / "shared" / "data"
TAXONOMY = ROOT / "classifiers" / "taxonomy_default.toml"
DEFAULT_SEED = 20240611

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
GAPS: tuple[str, ...] = ("none", "shortfall", "exceeded")
EMOTIONS: tuple[str, ...] = (
    "anger",
    "frustration",
    "disappointment",
    "anxiety",
    "sadness",
    "joy",
    "delight",
    "optimism",
    "neutral",
)
LIFECYCLES: tuple[str, ...] = ("before_purchase", "purchase_delivery", "use", "support", "leaving")
FIELDS: tuple[str, ...] = (
    "about_brand",
    "sentiment",
    "complaint",
    "gap",
    "gap_evidence",
    "topics",
    "emotion",
    "switching",
    "lifecycle",
)
KAPPA_FIELDS: tuple[str, ...] = ("about_brand", "sentiment", "complaint", "gap", "emotion", "switching", "lifecycle")
PASSES: tuple[str, ...] = ("A", "B")
EVIDENCE_F1_AGREE = 0.5
"""Evidence of two passes that agree on a gap counts as agreeing when their token F1 is at least this."""
LONG_CHARS = 2500
BATCH_SIZE = 100


def load_topics(path: Path = TAXONOMY) -> tuple[str, ...]:
    """The topic names of the default taxonomy, in file order."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return tuple(t["name"] for t in data["topics"])


# ---------------------------------------------------------------------------------------------- I/O


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSON lines (UTF-8, keys in insertion order); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def item_id(source: str, pool_id: str) -> str:
    """An opaque, stable id that does not reveal the source or the split."""
    return "cx-" + hashlib.sha256(f"{source}:{pool_id}".encode()).hexdigest()[:10]


def norm_key(text: str) -> str:
    """Loose duplicate key: NFKC, lower case, retweet prefixes, @user and non-alphanumerics dropped."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"^(?:\W*(?:rt|qt)\b)?", "", t)
    t = re.sub(r"@\w+", " ", t)
    t = re.sub(r"https?://\S+", " ", t)
    return re.sub(r"[\W_]+", "", t)


# ---------------------------------------------------------------------------------------- prepare

REAL_FILES: tuple[str, ...] = (
    "cesamard_reviews",
    "ibm_customer_care",
    "mams_restaurants",
    "is22_app_review_sentences",
    "is22_app_reviews",
    "cfpb_complaints",
    "steam_reviews",
)


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

FAMILY_ALIASES: tuple[tuple[str, str], ...] = (
    (r"^ebay\b", "ebay"),
    (r"^spotify\b", "spotify"),
    (r"^wells fargo\b", "wellsfargo"),
    (r"^(jpmorgan )?chase\b", "chase"),
    (r"^(amazon-brand|amazonbasics|amazon$)", "amazon"),
    (r"^(new-)?apple-iphone|^apple$", "apple"),
    (r"^hp(-|$)", "hp"),
)
"""Brands that appear in more than one source go to one split together (e.g. IBM eBay tweets and the
IS-22 eBay app), so that a test brand is never seen in training under another source."""


def family_of(name: str | None) -> str | None:
    """The cross-source brand family of a brand name or product slug, if it has one."""
    if not name:
        return None
    low = name.lower()
    for pattern, fam in FAMILY_ALIASES:
        if re.search(pattern, low):
            return fam
    return None


def brand_display(row: dict[str, Any]) -> str:
    """What the annotator is told about the brand: its name if known, else the kind of business."""
    src = row["source"]
    if src == "is22_app_review_sentences" or src == "is22_app_reviews":
        store = "Android, Google Play" if row.get("platform") == "google_play" else "Amazon Appstore"
        return f"the app {row['brand']} ({store})"
    if src == "cesamard_reviews":
        return f"a product sold on amazon.in: {row['product']}"
    if src == "steam_reviews":
        return "a video game on Steam"
    if src == "mams_restaurants":
        return "a restaurant"
    if src == "tweeteval_sentiment_train":
        return "none given (a general tweet; the brand, if any, is whatever business the tweet names)"
    if src == "banking77_train":
        return "a bank (message to its customer support)"
    if src == "amazon_yelp_reviews":
        return "a restaurant (Yelp)" if row["platform"] == "yelp" else "a phone or accessory sold on Amazon"
    return str(row.get("brand") or "unknown")


def group_key(row: dict[str, Any]) -> str:
    """The split group: IBM brand, IS-22 app, CESAMARD product, Steam game, CFPB company; else the item."""
    src = row["source"]
    if src == "ibm_customer_care":
        return f"ibm:{row['brand']}"
    if src in ("is22_app_review_sentences", "is22_app_reviews"):
        return f"app:{row['app_id']}"
    if src == "cesamard_reviews":
        return f"product:{row['product']}"
    if src == "steam_reviews":
        return f"steam:{row['steam_appid']}"
    if src == "cfpb_complaints":
        return f"company:{row['brand']}"
    return f"item:{src}:{row['id']}"


def complaint_hint(row: dict[str, Any]) -> bool:
    """True when the source's own labels suggest a complaint-like item (used only to enrich sampling)."""
    src, ol = row["source"], row.get("orig_labels") or {}
    if src == "cesamard_reviews":
        return str(ol.get("Complaint")) == "1"
    if src == "steam_reviews":
        return int(ol.get("label_recommended", 1)) == 0
    if src == "mams_restaurants":
        return any(a.get("polarity") == "negative" for a in ol.get("aspectTerms", []))
    if src == "is22_app_review_sentences":
        return bool(ol.get("Feature (Negative)"))
    if src == "tweeteval_sentiment_train":
        return ol.get("label") == "negative"
    return False


def load_pool(pool: Path) -> dict[str, list[dict[str, Any]]]:
    """All candidate rows by source, in a common shape (id, text, source, channel, industry, brand, ...)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in REAL_FILES:
        path = pool / "real" / f"{name}.jsonl"
        rows = read_jsonl(path)
        for r in rows:
            r["pool_file"] = f"shared/data/real/{name}.jsonl"
        out[name] = rows
    te = pool / "tweeteval" / "sentiment"
    texts = (te / "train_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (te / "train_labels.txt").read_text(encoding="utf-8").split()
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    out["tweeteval_sentiment_train"] = [
        {
            "id": f"tweeteval-sentiment-train-{i}",
            "orig_id": str(i),
            "text": t.strip(),
            "source": "tweeteval_sentiment_train",
            "channel": "tweet",
            "industry": "general",
            "brand": None,
            "orig_labels": {"label": names[lab]},
            "pool_file": "shared/data/tweeteval/sentiment/train_text.txt",
        }
        for i, (t, lab) in enumerate(zip(texts, labels, strict=False))
        if t.strip()
    ]
    out["banking77_train"] = [
        {
            "id": f"banking77-train-{i}",
            "orig_id": str(i),
            "text": r["text"].strip(),
            "source": "banking77_train",
            "channel": "support_message",
            "industry": "banking",
            "brand": None,
            "orig_labels": {"intent": r["label"]},
            "pool_file": "shared/data/banking77/train.jsonl",
        }
        for i, r in enumerate(read_jsonl(pool / "banking77" / "train.jsonl"))
    ]
    out["amazon_yelp_reviews"] = [
        {
            "id": f"amazon-yelp-{i}",
            "orig_id": str(i),
            "text": r["text"].strip(),
            "source": "amazon_yelp_reviews",
            "platform": r["source"],
            "channel": "review_sentence",
            "industry": "restaurants" if r["source"] == "yelp" else "consumer_electronics",
            "brand": None,
            "orig_labels": {"label": r["label"]},
            "pool_file": "shared/data/reviews/amazon_yelp_reviews.jsonl",
        }
        for i, r in enumerate(read_jsonl(pool / "reviews" / "amazon_yelp_reviews.jsonl"))
    ]
    return out


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


class UnionFind:
    """Minimal union-find over string keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split_units(items: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Map each item's group to its split unit: groups joined by brand family, conversation or review."""
    uf = UnionFind()
    for it in items:
        g = it["group"]
        uf.find(g)
        for extra in (it.get("family"), it.get("context_id"), it.get("review_id")):
            if extra:
                uf.union(g, f"link:{extra}")
    return {it["group"]: uf.find(it["group"]) for it in items}


def assign_splits(
    items: Sequence[dict[str, Any]],
    fractions: dict[str, tuple[float, float]],
    strata_of: dict[str, str],
    rng: random.Random,
) -> dict[str, str]:
    """Assign every split unit to test, dev or train; returns {unit: split}.

    Each item needs "unit", "source" and "industry" (and may have "split_source", which makes two files
    one population, like IS-22 sentences and reviews). Populations are handled in the order of
    `fractions`; within one, its strata (e.g. CESAMARD domains) are filled separately. Units are shuffled,
    then taken one at a time, those of an industry not yet in the test first; a unit goes to test while
    the test count stays within half a unit of its target, else to dev likewise, else to train. A unit
    bigger than half the test target never goes to test, one bigger than the dev target never to dev
    (each should hold several brands). A unit shared with an earlier population keeps its split."""
    decided: dict[str, str] = {}
    by_pop: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        by_pop[it.get("split_source") or it["source"]].append(it)
    order = list(fractions)
    for pop in sorted(by_pop, key=lambda s: (order.index(s) if s in order else len(order), s)):
        f_test, f_dev = fractions.get(pop, (0.0, 0.0))
        strata: dict[str, Counter[str]] = defaultdict(Counter)
        industry: dict[str, Counter[str]] = defaultdict(Counter)
        for it in by_pop[pop]:
            key = str(it.get(strata_of[pop])) if pop in strata_of else "all"
            strata[key][it["unit"]] += 1
            industry[it["unit"]][it["industry"]] += 1
        for stratum in sorted(strata):
            sizes = strata[stratum]
            total = sum(sizes.values())
            t_test, t_dev = f_test * total, f_dev * total
            got = Counter({s: sum(n for u, n in sizes.items() if decided.get(u) == s) for s in ("test", "dev")})
            covered = {industry[u].most_common(1)[0][0] for u in sizes if decided.get(u) == "test"}
            units = sorted(u for u in sizes if u not in decided)
            rng.shuffle(units)
            while units:
                fresh = [u for u in units if industry[u].most_common(1)[0][0] not in covered]
                u = fresh[0] if fresh and got["test"] < t_test else units[0]
                units.remove(u)
                size = sizes[u]
                if size <= 0.5 * t_test + 1e-9 and got["test"] + size / 2 <= t_test:
                    decided[u] = "test"
                    covered.add(industry[u].most_common(1)[0][0])
                elif size <= t_dev + 1e-9 and got["dev"] + size / 2 <= t_dev:
                    decided[u] = "dev"
                else:
                    decided[u] = "train"
                got[decided[u]] += size
    return decided


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


STRATA_OF: dict[str, str] = {"cesamard_reviews": "domain"}
"""Sources whose split is stratified by a field (CESAMARD by its product domain)."""


def prepare(
    pool: Path, out: Path, seed: int, max_long: int, exclude: set[str], plans: dict[str, Plan] = PLANS
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


def write_prepared(items: list[dict[str, Any]], out: Path) -> int:
    """Write items.jsonl and the annotator-facing batch files; returns the number of batches."""
    batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        batches[it["batch"]].append(
            {"item_id": it["item_id"], "text": it["text"], "channel": it["channel"], "brand": it["brand_display"]}
        )
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


# ------------------------------------------------------------------------------------- validation


@dataclass
class Problem:
    """One thing wrong with a pass, adjudication or export row."""

    where: str
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.item_id}: {self.message}"


def locate_evidence(text: str, quotes: Sequence[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Find each quote in text; returns ([{text, start, end}], [errors]).

    A quote is a string or {"text": ...}. It must be an exact substring; of several occurrences the first
    one at or after the previous quote's end is taken (else the first one)."""
    spans: list[dict[str, Any]] = []
    errors: list[str] = []
    cursor = 0
    for q in quotes:
        qt = q.get("text") if isinstance(q, dict) else q
        if not isinstance(qt, str) or not qt.strip():
            errors.append(f"evidence quote is not a non-empty string: {q!r}")
            continue
        start = text.find(qt, cursor)
        if start < 0:
            start = text.find(qt)
        if start < 0:
            hint = ""
            loose = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", qt)).strip().lower()
            if loose and loose in re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).lower():
                hint = " (it matches if case, spacing or quote characters are ignored: copy it exactly)"
            errors.append(f"evidence quote not found in the text: {qt!r}{hint}")
            continue
        spans.append({"text": qt, "start": start, "end": start + len(qt)})
        cursor = start + len(qt)
    return spans, errors


def validate_labels(
    labels: dict[str, Any], text: str, topics: Sequence[str], fields: Sequence[str] = FIELDS
) -> tuple[dict[str, Any], list[str]]:
    """Check the given label fields; returns (clean labels with evidence spans, errors).

    Consistency rules are checked only when all fields they involve are present."""
    errs: list[str] = []
    out: dict[str, Any] = {}
    for f in fields:
        if f not in labels:
            errs.append(f"missing field {f!r}")
    for f in ("about_brand", "complaint", "switching"):
        if f in fields and f in labels:
            if not isinstance(labels[f], bool):
                errs.append(f"{f} must be true or false, got {labels[f]!r}")
            out[f] = labels[f]
    for f, allowed in (("sentiment", SENTIMENTS), ("gap", GAPS), ("emotion", EMOTIONS)):
        if f in fields and f in labels:
            if labels[f] not in allowed:
                errs.append(f"{f} must be one of {', '.join(allowed)}; got {labels[f]!r}")
            out[f] = labels[f]
    if "lifecycle" in fields and "lifecycle" in labels:
        if labels["lifecycle"] is not None and labels["lifecycle"] not in LIFECYCLES:
            errs.append(f"lifecycle must be one of {', '.join(LIFECYCLES)} or null; got {labels['lifecycle']!r}")
        out["lifecycle"] = labels["lifecycle"]
    if "topics" in fields and "topics" in labels:
        t = labels["topics"]
        if not isinstance(t, list) or any(x not in topics for x in t):
            errs.append(f"topics must be a list of {', '.join(topics)}; got {t!r}")
            t = [x for x in t if x in topics] if isinstance(t, list) else []
        out["topics"] = sorted(set(t), key=list(topics).index)
    if "gap_evidence" in fields and "gap_evidence" in labels:
        ev = labels["gap_evidence"]
        if not isinstance(ev, list):
            errs.append("gap_evidence must be a list of quotes")
            ev = []
        spans, ev_errs = locate_evidence(text, ev)
        errs += ev_errs
        out["gap_evidence"] = spans
    if "note" in labels and labels["note"] is not None:
        out["note"] = str(labels["note"])
    errs += consistency(out)
    return out, errs


def consistency(lab: dict[str, Any]) -> list[str]:
    """The guideline's cross-field rules, for the fields present."""
    errs: list[str] = []
    about = lab.get("about_brand")
    if about is False and lab.get("complaint") is True:
        errs.append("complaint needs about_brand true")
    if about is False and lab.get("gap", "none") != "none":
        errs.append("a gap needs about_brand true")
    if about is False and lab.get("switching") is True:
        errs.append("switching needs about_brand true")
    if about is False and "lifecycle" in lab and lab["lifecycle"] is not None:
        errs.append("lifecycle must be null when about_brand is false")
    if about is True and "lifecycle" in lab and lab["lifecycle"] is None:
        errs.append("lifecycle must be set when about_brand is true")
    if lab.get("gap") == "shortfall" and lab.get("complaint") is False:
        errs.append("a shortfall is a complaint: complaint must be true")
    if "gap" in lab and "gap_evidence" in lab:
        if lab["gap"] == "none" and lab["gap_evidence"]:
            errs.append("gap_evidence must be empty when gap is none")
        if lab["gap"] != "none" and not lab["gap_evidence"]:
            errs.append("a gap needs at least one gap_evidence quote")
    return errs


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


# -------------------------------------------------------------------------------------- agreement


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Cohen's kappa of two label sequences; None when undefined (both raters used one same label)."""
    if len(a) != len(b):
        raise ValueError("sequences differ in length")
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(map(repr, a)), Counter(map(repr, b))
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if pe >= 1.0:
        return None
    return (po - pe) / (1 - pe)


def percent_agreement(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Share of positions where the two sequences agree (0-100)."""
    if not a:
        return None
    return 100.0 * sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return re.findall(r"\w+", text.lower())


def evidence_f1(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> float:
    """Token-overlap F1 (bag of tokens) between two evidence lists."""
    ta = Counter(t for s in a for t in tokens(s["text"]))
    tb = Counter(t for s in b for t in tokens(s["text"]))
    if not ta and not tb:
        return 1.0
    common = sum((ta & tb).values())
    if common == 0:
        return 0.0
    prec, rec = common / sum(tb.values()), common / sum(ta.values())
    return 2 * prec * rec / (prec + rec)


def agreement(loaded: Loaded, topics: Sequence[str]) -> dict[str, Any]:
    """Kappa and % agreement per field, per topic, micro-averaged topics, and evidence F1."""
    both = sorted(set(loaded.passes["A"]) & set(loaded.passes["B"]))
    A, B = loaded.passes["A"], loaded.passes["B"]
    result: dict[str, Any] = {"items_double_annotated": len(both), "fields": {}, "topics": {}}
    for f in KAPPA_FIELDS:
        a = [A[i][f] for i in both]
        b = [B[i][f] for i in both]
        result["fields"][f] = {"kappa": cohen_kappa(a, b), "percent": percent_agreement(a, b), "n": len(both)}
    pooled_a: list[bool] = []
    pooled_b: list[bool] = []
    for t in topics:
        a_t = [t in A[i]["topics"] for i in both]
        b_t = [t in B[i]["topics"] for i in both]
        pooled_a += a_t
        pooled_b += b_t
        result["topics"][t] = {
            "kappa": cohen_kappa(a_t, b_t),
            "percent": percent_agreement(a_t, b_t),
            "positives_A": sum(a_t),
            "positives_B": sum(b_t),
        }
    result["fields"]["topics (micro)"] = {
        "kappa": cohen_kappa(pooled_a, pooled_b),
        "percent": percent_agreement(pooled_a, pooled_b),
        "n": len(pooled_a),
    }
    exact_sets = [A[i]["topics"] == B[i]["topics"] for i in both]
    result["fields"]["topics (exact set)"] = {
        "kappa": None,
        "percent": 100.0 * sum(exact_sets) / len(exact_sets) if exact_sets else None,
        "n": len(both),
    }
    gap_both = [i for i in both if A[i]["gap"] != "none" and B[i]["gap"] != "none"]
    f1s = [evidence_f1(A[i]["gap_evidence"], B[i]["gap_evidence"]) for i in gap_both]
    result["evidence"] = {"items_both_gap": len(gap_both), "mean_token_f1": sum(f1s) / len(f1s) if f1s else None}
    return result


def fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def agreement_table(res: dict[str, Any]) -> str:
    """The agreement result as a Markdown table."""
    lines = [
        f"Items annotated by both passes: {res['items_double_annotated']}",
        "",
        "| field | Cohen's kappa | % agreement | n |",
        "|---|---:|---:|---:|",
    ]
    for f, r in res["fields"].items():
        lines.append(f"| {f} | {fmt(r['kappa'])} | {fmt(r['percent'], 1)} | {r['n']} |")
    lines += ["", "| topic | kappa | % agreement | positives A | positives B |", "|---|---:|---:|---:|---:|"]
    for t, r in res["topics"].items():
        lines.append(f"| {t} | {fmt(r['kappa'])} | {fmt(r['percent'], 1)} | {r['positives_A']} | {r['positives_B']} |")
    ev = res["evidence"]
    lines += [
        "",
        f"Gap evidence: mean token-overlap F1 {fmt(ev['mean_token_f1'])} on {ev['items_both_gap']} items "
        "that both passes called a gap (shortfall or exceeded).",
    ]
    return "\n".join(lines)


README_START, README_END = "<!-- agreement:start -->", "<!-- agreement:end -->"


def update_readme(readme: Path, table: str) -> bool:
    """Replace the text between the agreement markers in the data card; False when the markers are missing."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")
    return True


# ---------------------------------------------------------------------------- disagreements/export


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


def write_disagreements(loaded: Loaded, out_dir: Path) -> tuple[int, int]:
    """Write adjudication/adj-NNN.jsonl; returns (items, files)."""
    rows = []
    for iid in sorted(set(loaded.passes["A"]) & set(loaded.passes["B"])):
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
    for old in out_dir.glob("adj-[0-9][0-9][0-9].jsonl"):
        old.unlink()
    files = 0
    for k in range(0, len(rows), BATCH_SIZE):
        files += 1
        write_jsonl(out_dir / f"adj-{files:03d}.jsonl", rows[k : k + BATCH_SIZE])
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
        },
        "labels": labels,
        "passes": {"A": a, "B": b},
        "adjudication": adjudication,
    }
    return row, []


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
    row["review"] = {"fields": fields, **{f: clean[f] for f in fields}, "note": review.get("note"), "by": review.get("by")}
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


# ---------------------------------------------------------------------------------------------- CLI


def read_exclude(path: Path | None) -> set[str]:
    """Pool ids to leave out of the sample (e.g. the guideline's worked examples); '#' starts a comment."""
    if path is None or not path.exists():
        return set()
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids


def cmd_prepare(args: argparse.Namespace) -> int:
    exclude = read_exclude(args.exclude)
    items = prepare(args.pool, args.data, args.seed, args.max_long, exclude)
    n_batches = write_prepared(items, args.data)
    print(f"{len(items)} items in {n_batches} batches -> {args.data / 'batches'}; provenance -> items.jsonl")
    print(
        f"excluded pool ids (guideline examples): {len(exclude)}; long texts (> {LONG_CHARS} chars): "
        f"{sum(it['long'] for it in items)}"
    )
    print("\n" + crosstab(items, "source") + "\n\n" + crosstab(items, "channel") + "\n")
    print(crosstab(items, "industry"))
    units = Counter((it["source"], it["split"]) for it in {(it["unit"], it["source"]): it for it in items}.values())
    print("\nsplit units per source: " + ", ".join(f"{s}/{sp}={n}" for (s, sp), n in sorted(units.items())))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    rows = []
    for iid in sorted(loaded.items):
        entry = {p: loaded.passes[p].get(iid) for p in PASSES}
        if any(entry.values()):
            rows.append({"item_id": iid, **entry})
    n = write_jsonl(args.data / "merged.jsonl", rows)
    for p in loaded.problems:
        print(p)
    valid = {p: len(loaded.passes[p]) for p in PASSES}
    print(
        f"\n{len(loaded.items)} items; valid rows A={valid['A']} B={valid['B']}; "
        f"{len(loaded.problems)} problems; {n} rows -> {args.data / 'merged.jsonl'}"
    )
    return 1 if loaded.problems else 0


def check_adjudication(batch: dict[str, dict[str, Any]], labels_path: Path, topics: Sequence[str]) -> int:
    """Validate an adjudicator's labels: every disputed field decided, and the final labels
    (agreed fields plus decisions) consistent. Prints each problem; returns their count."""
    problems = 0
    seen: set[str] = set()
    for number, row in enumerate(read_jsonl(labels_path), start=1):
        iid = str(row.get("item_id"))
        if iid not in batch:
            print(f"{labels_path} line {number}: item_id {iid!r} is not in the adjudication batch")
            problems += 1
            continue
        seen.add(iid)
        entry = batch[iid]
        a, errs_a = validate_labels(entry["A"], entry["text"], topics)
        b, errs_b = validate_labels(entry["B"], entry["text"], topics)
        item = {"item_id": iid, "text": entry["text"], "channel": entry.get("channel")}
        item |= {k: None for k in ("source", "industry", "brand", "group", "split")}
        _, errs = final_row(item, a, b, row, topics) if not (errs_a or errs_b) else (None, ["a pass is invalid"])
        for err in errs:
            print(f"{labels_path} line {number} ({iid}): {err}")
        problems += len(errs)
    for iid in sorted(set(batch) - seen):
        print(f"{labels_path}: {iid} has no decision")
        problems += 1
    print(f"{len(seen)} of {len(batch)} items decided; {problems} problem(s)")
    return problems


def cmd_check(args: argparse.Namespace) -> int:
    """Validate one labels file against its batch (an annotator's or adjudicator's self-check;
    reads no other file)."""
    topics = load_topics(args.taxonomy)
    batch = {row["item_id"]: row for row in read_jsonl(args.batch)}
    if any("disputed" in row for row in batch.values()):
        return 1 if check_adjudication(batch, args.labels, topics) else 0
    seen: set[str] = set()
    problems = 0
    for number, row in enumerate(read_jsonl(args.labels), start=1):
        iid = row.get("item_id")
        if iid not in batch:
            print(f"{args.labels} line {number}: item_id {iid!r} is not in {args.batch}")
            problems += 1
            continue
        if iid in seen:
            print(f"{args.labels} line {number}: {iid} labelled twice")
            problems += 1
        seen.add(iid)
        _, errs = validate_labels(row, batch[iid]["text"], topics)
        for err in errs:
            print(f"{args.labels} line {number} ({iid}): {err}")
        problems += len(errs)
    for iid in sorted(set(batch) - seen):
        print(f"{args.labels}: {iid} has no labels")
        problems += 1
    print(f"{len(seen)} of {len(batch)} items labelled; {problems} problem(s)")
    return 1 if problems else 0


def cmd_agreement(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    res = agreement(loaded, topics)
    table = agreement_table(res)
    print(table)
    (args.data / "agreement.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    if loaded.problems:
        print(f"\nnote: {len(loaded.problems)} missing or invalid rows were left out (run merge to list them)")
    if args.update_readme:
        ok = update_readme(args.data / "README.md", table)
        print("README.md Agreement section updated" if ok else "README.md has no agreement markers; not updated")
    return 0


def cmd_disagreements(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    n, files = write_disagreements(loaded, args.data / "adjudication")
    print(f"{n} items with a disagreement -> {files} files in {args.data / 'adjudication'} (adj-NNN.jsonl)")
    print("The adjudicator writes adj-NNN.labels.jsonl: one {item_id, <each disputed field>, note} per line.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    res = export(loaded, load_adjudications(args.data), topics, args.data)
    for p in res["problems"]:
        print(p)
    print(f"exported {res['counts']} ({len(res['problems'])} items left out) -> {args.data}")
    return 1 if res["problems"] and not args.allow_missing else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotate.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help=f"data folder (default {DATA_DIR})")
    parser.add_argument(
        "--taxonomy", type=Path, default=TAXONOMY, help="topic taxonomy TOML (default: the 11 defaults)"
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="sample the pool, assign splits by group, write batches and items.jsonl")
    p.add_argument("--pool", type=Path, default=DEFAULT_POOL, help=f"the shared data folder (default {DEFAULT_POOL})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--max-long", type=int, default=150, help=f"at most this many texts over {LONG_CHARS} characters")
    p.add_argument(
        "--exclude",
        type=Path,
        default=DATA_DIR / "guideline_example_ids.txt",
        help="file of pool ids never to sample (default: the guideline's worked examples)",
    )
    p.set_defaults(func=cmd_prepare)
    p = sub.add_parser("merge", help="validate both passes of every batch; list missing and invalid rows")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("check", help="validate one labels file against its batch (an annotator's self-check)")
    p.add_argument("batch", type=Path, help="the batch file, e.g. batches/batch-007.jsonl")
    p.add_argument("labels", type=Path, help="the labels written for it, e.g. passes/batch-007.A.jsonl")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("agreement", help="Cohen's kappa and %% agreement per field; writes agreement.json")
    p.add_argument("--update-readme", action="store_true", help="fill the Agreement section of README.md")
    p.set_defaults(func=cmd_agreement)
    p = sub.add_parser("disagreements", help="write adjudication batches for items the passes disagree on")
    p.set_defaults(func=cmd_disagreements)
    p = sub.add_parser("export", help="write train/dev/test.jsonl with the final labels")
    p.add_argument("--allow-missing", action="store_true", help="exit 0 even if some items could not be exported")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
