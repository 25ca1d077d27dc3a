"""Label sets, the topic short codes used by the lexicon, and the example record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from foundation.labels import EMOTIONS, SENTIMENTS

__all__ = [
    "CHANNELS",
    "EMOTIONS",
    "GAPS",
    "HARD_CASES",
    "LANGUAGES",
    "SENTIMENTS",
    "TOPICS",
    "Example",
    "topics_from_codes",
]

GAPS = ("shortfall", "exceeded", "none")
"""The corpus's own order (the generator draws in it); the model's order is foundation.labels.GAPS."""
CHANNELS = ("tweet", "reddit", "app_review", "product_review", "support_email")
LANGUAGES = ("en", "es", "fr", "de", "pt")
HARD_CASES = (
    "calm_gap",
    "sarcasm",
    "negative_no_gap",
    "praise_with_complaint",
    "praise_with_suggestion",
    "question_no_problem",
    "question_with_problem",
    "quiet_complaint",
    "bad_mood_not_brand",
    "news_neutral",
    "exceeded",
    "competitor_switch",
    "non_english",
)

# Short codes keep the hand-written lexicon readable: "del cs" = delivery + customer service.
_CODES = {
    "pq": "product_quality",
    "pr": "price_value",
    "del": "delivery_shipping",
    "cs": "customer_service",
    "bill": "billing_refunds",
    "app": "app_website",
    "acc": "account_login",
    "store": "store_staff",
    "pol": "policy_terms",
    "out": "reliability_outage",
    "wait": "wait_times",
}
TOPICS = tuple(_CODES.values())


def topics_from_codes(codes: str) -> tuple[str, ...]:
    """Expand space-separated short codes ("del cs") into topic names."""
    return tuple(_CODES[c] for c in codes.split())


@dataclass
class Example:
    """One labelled mention, as written to the JSONL files."""

    text: str
    industry: str
    channel: str
    language: str
    sentiment: str
    topics: list[str]
    expectation_gap: str
    evidence: list[list[int]]
    emotion: str
    complaint: bool
    hard_case: str | None
    id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "industry": self.industry,
            "channel": self.channel,
            "language": self.language,
            "sentiment": self.sentiment,
            "topics": self.topics,
            "expectation_gap": self.expectation_gap,
            "evidence": self.evidence,
            "emotion": self.emotion,
            "complaint": self.complaint,
            "hard_case": self.hard_case,
        }
