"""The statistical tests: exact tails, and what they say about bursts and ordinary noise."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from testkit.clock import NOW

from cxpulse.app.alerts import detect, volume_test, windows_for
from cxpulse.app.alerts.stats import negbinom_sf, poisson_sf, share_test
from cxpulse.config.service import AlertsConfig
from storage.alerts import Activity


@pytest.mark.parametrize(
    ("k", "mu", "expected"),
    [
        (0, 3.0, 1.0),
        (3, 3.0, 0.5768099188731566),
        (10, 3.0, 0.0011024881301154815),
        (200, 150.0, 5.709688574208249e-05),
    ],
)
def test_poisson_upper_tail_matches_reference_values(k: int, mu: float, expected: float) -> None:
    assert poisson_sf(k, mu) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("k", "mu", "phi", "expected"),
    [(10, 3.0, 2.0, 0.019287109375), (40, 20.0, 3.0, 0.015854136131011262), (300, 100.0, 4.0, 1.378343280211933e-12)],
)
def test_negative_binomial_upper_tail_matches_reference_values(k: int, mu: float, phi: float, expected: float) -> None:
    assert negbinom_sf(k, mu, phi) == pytest.approx(expected, rel=1e-9)


def test_an_overdispersed_baseline_makes_the_same_count_less_surprising() -> None:
    steady = volume_test(40, [20, 21, 19, 20, 22, 18, 20, 21, 19, 20])
    jumpy = volume_test(40, [5, 35, 10, 30, 8, 40, 12, 28, 15, 17])
    assert steady.dispersion == 1.0 and jumpy.dispersion > 5
    assert steady.p_value < 1e-3 < jumpy.p_value


def test_share_test_is_one_sided() -> None:
    assert share_test(40, 50, 100, 500).p_value < 1e-10
    assert share_test(2, 50, 100, 500).p_value > 0.99


def _series(rng: np.random.Generator, days: int, rate: float, dispersion: float) -> list[int]:
    if dispersion <= 1:
        return [int(x) for x in rng.poisson(rate, days)]
    shape = rate / (dispersion - 1)  # gamma-Poisson mixture: mean rate, variance rate * dispersion
    return [int(x) for x in rng.poisson(rng.gamma(shape, rate / shape, days))]


def _rows(brand: str, counts: list[int], now_offset: timedelta = timedelta(hours=1)) -> list[Activity]:
    rows, mention_id = [], 0
    for k, count in enumerate(counts):  # k = 0 is the tested window (the last day)
        for _ in range(count):
            mention_id += 1
            rows.append(Activity(mention_id, brand, NOW - timedelta(days=k) - now_offset, None, ()))
    return rows


def test_ordinary_noise_triggers_no_alert() -> None:
    """200 brands of seeded noise (Poisson and over-dispersed), each window drawn like its baseline."""
    settings = AlertsConfig(enabled=True, window="1d", baseline_days=14)
    windows = windows_for(NOW, settings)
    rng = np.random.default_rng(20261123)
    rows: list[Activity] = []
    for i in range(200):
        rate = float(rng.choice([3, 15, 60, 150]))
        dispersion = float(rng.choice([1.0, 1.5, 3.0]))
        rows += _rows(f"brand-{i}", _series(rng, 15, rate, dispersion))
    detection = detect(rows, windows, settings)
    assert detection.tests == 200
    assert detection.spikes == []


def test_a_burst_over_a_noisy_baseline_is_found() -> None:
    settings = AlertsConfig(enabled=True, window="1d", baseline_days=14)
    rng = np.random.default_rng(7)
    baseline = _series(rng, 14, 20, 1.5)
    detection = detect(_rows("Acme", [20 + 45, *baseline]), windows_for(NOW, settings), settings)
    [spike] = detection.spikes
    assert (spike.brand, spike.topic, spike.kind, spike.observed) == ("Acme", "", "volume", 65)
    assert spike.p_value < detection.threshold


def test_hourly_windows_compare_the_same_hour_on_previous_days() -> None:
    settings = AlertsConfig(enabled=True, window="1h", baseline_days=14)
    windows = windows_for(NOW, settings)
    assert windows.count == 14 and windows.step == timedelta(days=1)
    assert windows.index(NOW - timedelta(minutes=5)) == 0
    assert windows.index(NOW - timedelta(days=3, minutes=5)) == 3
    assert windows.index(NOW - timedelta(days=3, hours=2)) is None
    assert windows.index(NOW) is None
