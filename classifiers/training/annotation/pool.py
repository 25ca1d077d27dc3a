"""The shared pool of real customer texts, and what each source's rows say about themselves.

``load_pool`` reads the pool folder (../shared/data: the licensed real sources, the TweetEval
sentiment train split, BANKING77 train and the Amazon/Yelp sentences) into one row shape; the
other functions read one row: how to show its brand to the annotator, its split group, its
cross-source brand family, and whether its source's own labels hint at a complaint.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from classifiers.training.annotation.files import read_jsonl

__all__ = [
    "FAMILY_ALIASES",
    "REAL_FILES",
    "brand_display",
    "complaint_hint",
    "family_of",
    "group_key",
    "item_id",
    "load_pool",
    "norm_key",
    "positive_hint",
]

REAL_FILES: tuple[str, ...] = (
    "cesamard_reviews",
    "ibm_customer_care",
    "mams_restaurants",
    "is22_app_review_sentences",
    "is22_app_reviews",
    "cfpb_complaints",
    "steam_reviews",
)


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


def positive_hint(row: dict[str, Any]) -> bool:
    """True when the source's own labels suggest praise (where exceeded expectations are found)."""
    src, ol = row["source"], row.get("orig_labels") or {}
    if src == "cesamard_reviews":
        return str(ol.get("Complaint")) == "0"
    if src == "steam_reviews":
        return int(ol.get("label_recommended", 0)) == 1
    if src == "mams_restaurants":
        return any(a.get("polarity") == "positive" for a in ol.get("aspectTerms", []))
    if src == "amazon_yelp_reviews":
        return int(ol.get("label", 0)) == 1
    if src == "tweeteval_sentiment_train":
        return ol.get("label") == "positive"
    return not complaint_hint(row)


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
