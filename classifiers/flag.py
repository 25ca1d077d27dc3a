"""The rule that decides which mentions CX staff must look at.

By default (../shared/DOMAIN.md) every complaint and every expectation
shortfall is flagged: a mention is flagged when it is negative with at least
``negative_min`` probability, when it reports a shortfall with at least
``shortfall_min`` probability, or when anger and frustration together reach
``anger_min``. Teams tighten or widen it in ``[classifiers.flag]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from classifiers.settings import FlagRule

__all__ = ["is_flagged"]


def is_flagged(
    sentiment: Mapping[str, float], gap: Mapping[str, float], emotion: Mapping[str, float], rule: FlagRule
) -> bool:
    """Apply ``rule`` to one mention's head probabilities."""
    if sentiment.get("negative", 0.0) >= rule.negative_min:
        return True
    if gap.get("shortfall", 0.0) >= rule.shortfall_min:
        return True
    return emotion.get("anger", 0.0) + emotion.get("frustration", 0.0) >= rule.anger_min
