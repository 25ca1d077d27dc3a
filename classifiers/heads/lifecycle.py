"""Lifecycle stage: where in the customer's journey with the brand a mention sits."""

from __future__ import annotations

from classifiers.heads._label import LabelHead
from foundation.labels import LIFECYCLE_STAGES

__all__ = ["LifecycleHead"]


class LifecycleHead(LabelHead):
    """Softmax over before purchase, purchase/delivery, use, support and leaving; trained only
    on mentions about a brand (the stage of anything else is not defined)."""

    labels = LIFECYCLE_STAGES
