"""Yes/no heads over the pooled mention vector: about the brand, complaint, switching intent."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["AboutBrandHead", "BinaryHead", "ComplaintHead", "SwitchingHead"]


class BinaryHead(nn.Module):
    """Dropout, then one linear layer to a single logit; ``sigmoid(logit / temperature)`` is the probability."""

    def __init__(self, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.linear(self.dropout(pooled)).squeeze(-1)
        return result


class AboutBrandHead(BinaryHead):
    """Is this a customer talking about their own experience with a brand (the annotation
    guideline's ``about_brand``)? General negativity (politics, a bad day) is not."""


class ComplaintHead(BinaryHead):
    """Is this a complaint that CX staff should look at (../shared/DOMAIN.md)?"""


class SwitchingHead(BinaryHead):
    """Does the customer say they will leave, cancel, or move to a competitor?"""
