"""The rule that decides which mentions CX staff must look at.

By default (../shared/DOMAIN.md) every complaint and every expectation shortfall
about a brand is flagged; general negativity (a bad day, politics) is not. The
thresholds were calibrated on the real dev split and ship with the heads
(``manifest.json``, ``calibration.flag``); teams tighten or widen them in
``[classifiers.flag]``.

The complaint probability the rule reads is the complaint head's, read together with
the sentiment and emotion heads (``ComplaintStack``: a logistic regression over their
calibrated outputs, fitted on the real dev split). "Thanks for nothing, I'm so done"
reads as a complaint partly through its frustration; "the plot is dark and cruel"
does not, through its calm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from classifiers.settings import FlagRule
from foundation.labels import EMOTIONS, SENTIMENTS

__all__ = ["COMPLAINT_STACK_FEATURES", "ComplaintStack", "FlagThresholds", "is_flagged"]

COMPLAINT_STACK_FEATURES: tuple[str, ...] = (
    "complaint",
    *(f"sentiment:{name}" for name in SENTIMENTS),
    *(f"emotion:{name}" for name in EMOTIONS),
)
"""What the complaint stack reads: the complaint head's log-odds, and the log-probability of
each sentiment and each emotion."""

_FLOOR = 1e-4


@dataclass(frozen=True)
class ComplaintStack:
    """The complaint probability from the complaint, sentiment and emotion heads together."""

    weights: tuple[float, ...]
    bias: float

    @staticmethod
    def features(complaint: float, sentiment: Mapping[str, float], emotion: Mapping[str, float]) -> list[float]:
        """One mention's inputs, in the order of COMPLAINT_STACK_FEATURES."""
        p = min(max(complaint, _FLOOR), 1 - _FLOOR)
        return [
            math.log(p / (1 - p)),
            *(math.log(max(sentiment.get(name, 0.0), _FLOOR)) for name in SENTIMENTS),
            *(math.log(max(emotion.get(name, 0.0), _FLOOR)) for name in EMOTIONS),
        ]

    def probability(self, complaint: float, sentiment: Mapping[str, float], emotion: Mapping[str, float]) -> float:
        score = self.bias + sum(
            w * x for w, x in zip(self.weights, self.features(complaint, sentiment, emotion), strict=True)
        )
        return 1.0 / (1.0 + math.exp(-score)) if score >= 0 else math.exp(score) / (1.0 + math.exp(score))

    @classmethod
    def from_calibration(cls, calibration: Mapping[str, Any]) -> ComplaintStack | None:
        """The stack stored in a manifest's ``calibration``; None for artifacts made before it
        (their complaint probability is the complaint head's alone)."""
        stored = calibration.get("complaint_stack")
        if not stored:
            return None
        weights = stored["weights"]
        if sorted(weights) != sorted(COMPLAINT_STACK_FEATURES):
            return None
        return cls(tuple(float(weights[name]) for name in COMPLAINT_STACK_FEATURES), float(stored["bias"]))

    def as_calibration(self) -> dict[str, Any]:
        return {
            "weights": {name: round(w, 5) for name, w in zip(COMPLAINT_STACK_FEATURES, self.weights, strict=True)},
            "bias": round(self.bias, 5),
        }


SHIPPED_DEFAULTS = {"about_brand_min": 0.5, "complaint_min": 0.5, "shortfall_min": 0.5}
"""Used only for heads trained before calibration shipped with them."""


@dataclass(frozen=True)
class FlagThresholds:
    """The flag rule with every threshold decided (configured, else calibrated)."""

    about_brand_min: float
    complaint_min: float
    shortfall_min: float
    negative_min: float = 1.01
    anger_min: float = 1.01

    @classmethod
    def resolve(cls, rule: FlagRule, calibrated: Mapping[str, Any]) -> FlagThresholds:
        """``rule``'s thresholds, with the unset ones taken from the calibrated values."""

        def pick(name: str) -> float:
            value = getattr(rule, name)
            return float(value if value is not None else calibrated.get(name, SHIPPED_DEFAULTS[name]))

        return cls(
            about_brand_min=pick("about_brand_min"),
            complaint_min=pick("complaint_min"),
            shortfall_min=pick("shortfall_min"),
            negative_min=rule.negative_min,
            anger_min=rule.anger_min,
        )


def is_flagged(
    *,
    about_brand: float,
    complaint: float,
    sentiment: Mapping[str, float],
    gap: Mapping[str, float],
    emotion: Mapping[str, float],
    rule: FlagThresholds,
) -> bool:
    """Apply ``rule`` to one mention's head probabilities."""
    if about_brand < rule.about_brand_min:
        return False
    return (
        complaint >= rule.complaint_min
        or gap.get("shortfall", 0.0) >= rule.shortfall_min
        or sentiment.get("negative", 0.0) >= rule.negative_min
        or emotion.get("anger", 0.0) + emotion.get("frustration", 0.0) >= rule.anger_min
    )
