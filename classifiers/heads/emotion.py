"""Emotion: the CX set (TweetEval's anger, joy, optimism, sadness plus frustration,
disappointment, anxiety, delight and neutral)."""

from __future__ import annotations

import torch

from classifiers.heads._label import LabelHead
from foundation.labels import EMOTIONS, TWEETEVAL_EMOTIONS

__all__ = ["TWEETEVAL_GROUPS", "EmotionHead"]

TWEETEVAL_GROUPS: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "frustration"),
    "joy": ("joy", "delight"),
    "optimism": ("optimism",),
    "sadness": ("sadness", "disappointment", "anxiety"),
}
"""How the CX emotions fold into TweetEval's four when we are scored on TweetEval."""


class EmotionHead(LabelHead):
    """Nine-way softmax over :data:`foundation.labels.EMOTIONS`."""

    labels = EMOTIONS

    def tweeteval_probabilities(self, probabilities: torch.Tensor) -> torch.Tensor:
        """Fold CX emotion probabilities into TweetEval's four classes (columns in TWEETEVAL_EMOTIONS order)."""
        columns = []
        for name in TWEETEVAL_EMOTIONS:
            index = [self.labels.index(member) for member in TWEETEVAL_GROUPS[name]]
            columns.append(probabilities[:, index].sum(dim=1))
        return torch.stack(columns, dim=1)
