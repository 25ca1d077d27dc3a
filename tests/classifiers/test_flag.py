"""The flag rule: about a brand, and a complaint or a shortfall; config overrides calibration."""

from __future__ import annotations

from classifiers.flag import FlagThresholds, is_flagged
from classifiers.settings import FlagRule

CALIBRATED = {"about_brand_min": 0.4, "complaint_min": 0.55, "shortfall_min": 0.6}
NEUTRAL = {"negative": 0.1, "neutral": 0.8, "positive": 0.1}
NO_GAP = {"none": 0.9, "shortfall": 0.05, "exceeded": 0.05}
CALM = {"neutral": 1.0}


def flagged(rule: FlagThresholds, **scores: float) -> bool:
    return is_flagged(
        about_brand=scores.get("about_brand", 0.9),
        complaint=scores.get("complaint", 0.1),
        sentiment={**NEUTRAL, "negative": scores.get("negative", 0.1)},
        gap={**NO_GAP, "shortfall": scores.get("shortfall", 0.05)},
        emotion={**CALM, "anger": scores.get("anger", 0.0)},
        rule=rule,
    )


def test_unset_thresholds_take_the_calibrated_values_and_set_ones_win() -> None:
    assert FlagThresholds.resolve(FlagRule(), CALIBRATED) == FlagThresholds(0.4, 0.55, 0.6)
    rule = FlagThresholds.resolve(FlagRule(complaint_min=0.8), CALIBRATED)
    assert (rule.about_brand_min, rule.complaint_min, rule.shortfall_min) == (0.4, 0.8, 0.6)
    assert FlagThresholds.resolve(FlagRule(), {}) == FlagThresholds(0.5, 0.5, 0.5)


def test_a_complaint_or_a_shortfall_about_a_brand_is_flagged() -> None:
    rule = FlagThresholds.resolve(FlagRule(), CALIBRATED)
    assert flagged(rule, complaint=0.7)
    assert flagged(rule, shortfall=0.65)
    assert not flagged(rule, complaint=0.5, shortfall=0.5)


def test_nothing_that_is_not_about_a_brand_is_flagged_however_negative() -> None:
    rule = FlagThresholds.resolve(FlagRule(negative_min=0.5, anger_min=0.5), CALIBRATED)
    assert not flagged(rule, about_brand=0.2, complaint=0.99, shortfall=0.99, negative=0.99, anger=0.99)
    assert flagged(rule, negative=0.9)
    assert flagged(rule, anger=0.9)
    assert not flagged(FlagThresholds.resolve(FlagRule(), CALIBRATED), negative=0.99, anger=0.99)
