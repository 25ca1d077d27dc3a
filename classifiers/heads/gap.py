"""Expectation gap: did reality fall short of, or exceed, what the customer expected?"""

from __future__ import annotations

from classifiers.heads._label import LabelHead
from foundation.labels import GAPS

__all__ = ["GapHead"]


class GapHead(LabelHead):
    """Three-way softmax over none, shortfall and exceeded, trained on our CX corpus."""

    labels = GAPS
