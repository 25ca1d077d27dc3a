"""The two statistical tests behind spike alerts (pure functions, no I/O).

**Volume.** The count ``x`` of the window is compared with the counts
``y_1..y_n`` of the baseline windows. Their mean ``m`` (with half a mention
added, so an empty baseline is not certainty of zero) estimates the expected
count, and their variance-to-mean ratio ``phi = max(1, s^2 / m)`` measures
over-dispersion (days differ more than a Poisson process would: weekdays,
news). The count of a new window then has predictive mean ``m`` and variance
``m * phi * (1 + 1/n)`` (the last factor is the uncertainty of ``m`` itself),
modelled by a negative binomial distribution with that mean and variance; the
p-value is its upper tail ``P(X >= x)``. With ``phi = 1`` and a long baseline
this is the Poisson upper-tail test.

**Negative share.** ``k`` negative mentions out of ``n`` classified in the
window against ``K`` out of ``N`` in the baseline: a one-sided two-proportion
z-test with the pooled share, ``z = (k/n - K/N) / sqrt(p (1-p) (1/n + 1/N))``,
p-value ``1 - Phi(z)``.

Both return p-values; :mod:`cxpulse.app.alerts.detect` compares them with
``alpha`` divided by the number of tests (Bonferroni).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["ShareTest", "VolumeTest", "negbinom_sf", "poisson_sf", "share_test", "volume_test"]

_EPSILON = 1e-17


def poisson_sf(k: int, mu: float) -> float:
    """``P(X >= k)`` for ``X ~ Poisson(mu)``."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if k <= mu:
        term, lower = math.exp(-mu), 0.0
        for i in range(k):
            lower += term
            term *= mu / (i + 1)
        return max(0.0, 1.0 - lower)
    term = math.exp(k * math.log(mu) - mu - math.lgamma(k + 1))
    return min(1.0, _tail(term, lambda i: mu / (i + 1), k))


def negbinom_sf(k: int, mu: float, phi: float) -> float:
    """``P(X >= k)`` for a negative binomial with mean ``mu`` and variance ``phi * mu`` (``phi > 1``)."""
    if phi <= 1.0:
        return poisson_sf(k, mu)
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    r = mu / (phi - 1.0)
    q = 1.0 - 1.0 / phi  # the failure probability; P(X = x + 1) / P(X = x) = (x + r) / (x + 1) * q

    def ratio(x: int) -> float:
        return (x + r) / (x + 1) * q

    def log_pmf(x: int) -> float:
        return math.lgamma(x + r) - math.lgamma(r) - math.lgamma(x + 1) + r * math.log(1.0 / phi) + x * math.log(q)

    if k <= mu:
        term, lower = math.exp(log_pmf(0)), 0.0
        for x in range(k):
            lower += term
            term *= ratio(x)
        return max(0.0, 1.0 - lower)
    return min(1.0, _tail(math.exp(log_pmf(k)), ratio, k))


def _tail(first: float, step: Callable[[int], float], start: int) -> float:
    """Sum of a decreasing series from ``first`` (terms past the mode), until the rest is negligible."""
    total, term, x = 0.0, first, start
    while term > 0.0:
        total += term
        term *= step(x)
        x += 1
        if term < total * _EPSILON:
            break
    return total


@dataclass(frozen=True)
class VolumeTest:
    """A window's count against its baseline: expected count, dispersion and p-value."""

    observed: int
    expected: float
    dispersion: float
    p_value: float


def volume_test(observed: int, baseline: Sequence[int]) -> VolumeTest:
    """Is ``observed`` unusually high given the counts of the ``baseline`` windows?"""
    n = len(baseline)
    if n == 0:
        raise ValueError("volume_test needs at least one baseline window")
    mean = (sum(baseline) + 0.5) / n
    variance = sum((y - mean) ** 2 for y in baseline) / (n - 1) if n > 1 else mean
    phi = max(1.0, variance / mean)
    predictive = phi * (1.0 + 1.0 / n)
    return VolumeTest(observed, mean, phi, negbinom_sf(observed, mean, predictive))


@dataclass(frozen=True)
class ShareTest:
    """A window's negative share against the baseline's: both shares, z and p-value."""

    share: float
    baseline_share: float
    z: float
    p_value: float


def share_test(negative: int, total: int, baseline_negative: int, baseline_total: int) -> ShareTest:
    """One-sided two-proportion z-test: is the window's negative share higher than the baseline's?"""
    if total <= 0 or baseline_total <= 0:
        raise ValueError("share_test needs mentions in the window and in the baseline")
    share = negative / total
    base = baseline_negative / baseline_total
    pooled = (negative + baseline_negative) / (total + baseline_total)
    variance = pooled * (1.0 - pooled) * (1.0 / total + 1.0 / baseline_total)
    if variance <= 0.0:
        return ShareTest(share, base, 0.0, 1.0)
    z = (share - base) / math.sqrt(variance)
    return ShareTest(share, base, z, 0.5 * math.erfc(z / math.sqrt(2.0)))
