"""The rule that decides which mentions CX staff must look at.

By default (../shared/DOMAIN.md) every complaint and every expectation shortfall
about a brand is flagged; general negativity (a bad day, politics) is not. The
thresholds were calibrated on the real dev split and ship with the heads
(``manifest.json``, ``calibration.flag``); teams tighten or widen them in
``[classifiers.flag]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from classifiers.settings import FlagRule

__all__ = ["FlagThresholds", "is_flagged"]

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
