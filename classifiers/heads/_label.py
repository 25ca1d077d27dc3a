"""A linear head over the pooled mention vector: the shape sentiment, gap and emotion share."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["LabelHead"]


class LabelHead(nn.Module):
    """Dropout, then one linear layer from the pooled vector to one logit per label."""

    labels: tuple[str, ...] = ()

    def __init__(self, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(hidden_size, len(self.labels))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.linear(self.dropout(pooled))
        return result

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        return torch.softmax(logits.float(), dim=-1)

    def scores(self, row: torch.Tensor) -> dict[str, float]:
        """One text's probabilities by label name, rounded for storage."""
        return {label: round(float(p), 4) for label, p in zip(self.labels, row.tolist(), strict=True)}
