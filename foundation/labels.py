"""What the classifiers say about one mention, and the label sets they use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EMOTIONS",
    "GAPS",
    "LIFECYCLE_STAGES",
    "SENTIMENTS",
    "TWEETEVAL_EMOTIONS",
    "Classification",
]

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
"""Sentiment labels, in the order of the sentiment head's outputs."""

GAPS: tuple[str, ...] = ("none", "shortfall", "exceeded")
"""Expectation-gap labels (see ../shared/DOMAIN.md), in the gap head's output order."""

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
"""The CX emotion set: TweetEval's four (anger, joy, optimism, sadness) plus
frustration, disappointment, anxiety, delight and neutral."""

TWEETEVAL_EMOTIONS: tuple[str, ...] = ("anger", "joy", "optimism", "sadness")

LIFECYCLE_STAGES: tuple[str, ...] = ("before_purchase", "purchase_delivery", "use", "support", "leaving")
"""Where in the customer's journey with the brand a text sits, in journey order (the
annotation guideline's ``lifecycle`` field; it is null when the text is not about the brand)."""


@dataclass(frozen=True)
class Classification:
    """Everything the heads predicted for one text, from one encoder pass."""

    sentiment: str
    sentiment_scores: dict[str, float]
    topics: tuple[str, ...]
    topic_scores: dict[str, float]
    expectation_gap: str
    gap_score: float
    """Probability of the predicted gap label."""
    gap_evidence: tuple[str, ...]
    """Exact substrings of the text that state the expectation and what happened
    (empty when the gap is ``none``)."""
    emotion: str
    emotion_scores: dict[str, float]
    flagged: bool
    model_version: str
    about_brand: bool = True
    """A customer talking about their own experience with a brand (not general chatter)."""
    about_brand_score: float = 1.0
    complaint_score: float = 0.0
    """Probability that this is a complaint CX staff should look at."""
    switching: bool = False
    """The customer says they will leave, cancel, or move to a competitor."""
    switching_score: float = 0.0
    lifecycle: str | None = None
    """One of :data:`LIFECYCLE_STAGES`; None when the mention is not about a brand."""
    lifecycle_scores: dict[str, float] = field(default_factory=dict)
    windows: int = 1
    """How many overlapping windows of the text the model read (long texts are read whole)."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``cxpulse classify-file`` output (without ``id``)."""
        return {
            "sentiment": self.sentiment,
            "sentiment_scores": self.sentiment_scores,
            "topics": list(self.topics),
            "topic_scores": self.topic_scores,
            "expectation_gap": self.expectation_gap,
            "gap_score": self.gap_score,
            "gap_evidence": list(self.gap_evidence),
            "emotion": self.emotion,
            "emotion_scores": self.emotion_scores,
            "flagged": self.flagged,
            "about_brand": self.about_brand,
            "about_brand_score": self.about_brand_score,
            "complaint_score": self.complaint_score,
            "switching": self.switching,
            "switching_score": self.switching_score,
            "lifecycle": self.lifecycle,
            "lifecycle_scores": self.lifecycle_scores,
            "windows": self.windows,
            "model_version": self.model_version,
        }
