"""Sentiment: the customer's stance toward the brand (negative, neutral, positive)."""

from __future__ import annotations

from classifiers.heads._label import LabelHead
from foundation.labels import SENTIMENTS

__all__ = ["SentimentHead"]


class SentimentHead(LabelHead):
    """Three-way softmax. Trained on TweetEval sentiment and our CX corpus, where a calm
    report of a problem with the brand counts as negative (../shared/DOMAIN.md)."""

    labels = SENTIMENTS
