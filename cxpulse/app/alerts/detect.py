"""Finding spikes: count each brand's (and topic's) mentions per window and test them.

The window is ``[now - window, now)``. Its baseline is the same window
shifted back by whole days (by the window's length rounded up to whole days
when it is longer than a day) as far as ``baseline_days`` reaches: for a
one-hour window at 14:00, the 13:00-14:00 hours of each of the previous 14
days, so the time-of-day rhythm of mentions does not look like a spike.

Each (brand, topic) series with any mention in the window or the baseline
counts as one volume test, and one negative-share test when any of its
mentions is classified; topic ``""`` is the brand as a whole. A spike needs a
p-value below ``alpha / tests`` (Bonferroni: the chance of any false alarm in
one check stays below ``alpha``), at least ``min_mentions`` in the window, and
for negative share a rise of at least ``min_share_increase``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from cxpulse.app.alerts.stats import share_test, volume_test
from cxpulse.config.service import AlertsConfig
from foundation.errors import ConfigError
from storage.alerts import Activity

__all__ = ["ALL_TOPICS", "Detection", "Spike", "Windows", "detect", "windows_for"]

ALL_TOPICS = ""
"""The topic of a brand-wide series."""

NEGATIVE = "negative"

Kind = Literal["volume", "negative_share"]


@dataclass(frozen=True)
class Windows:
    """The tested window ``[start, end)`` and its baseline: ``count`` windows, ``step`` apart."""

    start: datetime
    end: datetime
    step: timedelta
    count: int

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def earliest(self) -> datetime:
        """Where the oldest baseline window starts."""
        return self.start - self.count * self.step

    def index(self, moment: datetime) -> int | None:
        """0 for the tested window, k for the k-th baseline window back, None outside."""
        offset = self.end - moment
        if offset <= timedelta(0):
            return None
        k = math.ceil(offset / self.step) - 1
        if k > self.count or offset > k * self.step + self.length:
            return None
        return k


def windows_for(now: datetime, settings: AlertsConfig) -> Windows:
    """The windows of a check at ``now``; ConfigError when the baseline holds fewer than 3."""
    length = settings.window_length
    day = timedelta(days=1)
    step = day * max(1, math.ceil(length / day))
    count = int(timedelta(days=settings.baseline_days) / step)
    if count < 3:
        raise ConfigError(
            f"[alerts] baseline_days = {settings.baseline_days} holds only {count} windows of {settings.window}; "
            "raise baseline_days to at least three windows"
        )
    return Windows(now - length, now, step, count)


@dataclass(frozen=True)
class Spike:
    """A significant rise in one series. ``observed``/``expected`` are counts (volume) or shares."""

    brand: str
    topic: str
    window_start: datetime
    window_end: datetime
    kind: Kind
    observed: float
    expected: float
    p_value: float
    mentions: int
    """Mentions in the window (classified ones for negative share)."""
    mention_ids: tuple[int, ...]
    """The window's mentions behind the spike (the negative ones for negative share), newest
    ``created_at`` first (ties: the higher id first)."""


@dataclass(frozen=True)
class Detection:
    """Every spike of one check, and how many tests it took."""

    windows: Windows
    tests: int
    threshold: float
    spikes: list[Spike]


@dataclass
class _Series:
    volume: list[int]
    classified: list[int]
    negative: list[int]
    ids: list[tuple[datetime, int]] = field(default_factory=list)
    """(created_at, mention id) of the window's mentions."""
    negative_ids: list[tuple[datetime, int]] = field(default_factory=list)


def detect(rows: Iterable[Activity], windows: Windows, settings: AlertsConfig) -> Detection:
    """Test every (brand, topic) series in ``rows`` for a volume and a negative-share spike."""
    size = windows.count + 1
    series: dict[tuple[str, str], _Series] = defaultdict(lambda: _Series([0] * size, [0] * size, [0] * size))
    for row in rows:
        k = windows.index(row.created_at)
        if k is None:
            continue
        topics = (ALL_TOPICS, *row.topics) if settings.topics and row.sentiment is not None else (ALL_TOPICS,)
        for topic in topics:
            entry = series[(row.brand, topic)]
            entry.volume[k] += 1
            if k == 0:
                entry.ids.append((row.created_at, row.mention_id))
            if row.sentiment is not None:
                entry.classified[k] += 1
                if row.sentiment == NEGATIVE:
                    entry.negative[k] += 1
                    if k == 0:
                        entry.negative_ids.append((row.created_at, row.mention_id))
    tests = sum(1 + (sum(s.classified) > 0) for s in series.values())
    threshold = settings.alpha / max(tests, 1)
    spikes: list[Spike] = []
    for (brand, topic), entry in sorted(series.items()):
        spikes.extend(_test(brand, topic, entry, windows, settings, threshold))
    return Detection(windows, tests, threshold, spikes)


def _test(
    brand: str, topic: str, entry: _Series, windows: Windows, settings: AlertsConfig, threshold: float
) -> list[Spike]:
    found: list[Spike] = []
    where = (brand, topic, windows.start, windows.end)
    observed = entry.volume[0]
    if observed >= settings.min_mentions:
        volume = volume_test(observed, entry.volume[1:])
        if volume.p_value < threshold:
            found.append(
                Spike(*where, "volume", observed, volume.expected, volume.p_value, observed, _newest(entry.ids))
            )
    total, base_total = entry.classified[0], sum(entry.classified[1:])
    if total >= settings.min_mentions and base_total >= settings.min_mentions:
        share = share_test(entry.negative[0], total, sum(entry.negative[1:]), base_total)
        rise = share.share - share.baseline_share
        if share.p_value < threshold and rise >= settings.min_share_increase:
            found.append(
                Spike(
                    *where,
                    "negative_share",
                    share.share,
                    share.baseline_share,
                    share.p_value,
                    total,
                    _newest(entry.negative_ids),
                )
            )
    return found


def _newest(ids: Sequence[tuple[datetime, int]]) -> tuple[int, ...]:
    """Mention ids, the newest by ``created_at`` first: the ids' order is the order they were stored."""
    return tuple(mention_id for _, mention_id in sorted(ids, reverse=True))
