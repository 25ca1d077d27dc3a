"""Build a digest: the numbers, quotes and themes of one period against the one before."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from cxpulse.app.digest.highlight import quote_segments
from cxpulse.app.digest.model import (
    BrandDigest,
    DayPoint,
    Digest,
    Emerging,
    Metric,
    Shortfall,
    SwitchingThreat,
    TopicChange,
    VoiceShare,
)
from cxpulse.app.digest.phrases import emerging_phrases
from cxpulse.app.trends import Measures, measure
from cxpulse.config import LoadedConfig, Settings
from cxpulse.config.digests import DigestConfig
from foundation.clock import utc_now
from foundation.errors import ConfigError
from foundation.periods import Period, midnight_utc, parse_period
from storage import Store
from storage import digests as queries

__all__ = ["MAX_SHORTFALLS", "MAX_SWITCHING", "build_digest", "find_digest"]

log = logging.getLogger(__name__)

MAX_SHORTFALLS = 5
MAX_SWITCHING = 3
"""Switching threats quoted per brand (the newest)."""
MAX_TOPICS = 8
MAX_MOVERS = 3
MAX_EMERGING = 5
COMPLAINT_TEXTS = 5000
"""At most this many complaint texts per brand and period are scanned for emerging phrases."""
PARALLEL_QUERIES = 4
PERIOD_METRICS = [
    "mentions",
    "classified",
    "net_sentiment",
    "shortfall_rate",
    "avg_rating",
    "rated",
    "switching_count",
    "switching_rate",
]
"""What the digest reads from the trends engine for the period and the one before."""
_T = TypeVar("_T")


def find_digest(settings: Settings, name: str) -> DigestConfig:
    """The ``[[digests]]`` entry called ``name``."""
    for digest in settings.digests:
        if digest.name == name:
            return digest
    known = ", ".join(d.name for d in settings.digests) or "none configured"
    raise ConfigError(f"unknown digest {name!r}; digests in config: {known} (add a [[digests]] entry)")


def build_digest(
    store: Store,
    config: LoadedConfig | Settings,
    digest_name: str,
    period: Period | str | None = None,
    *,
    now: datetime | None = None,
    model_version: str | None = None,
    max_shortfalls: int = MAX_SHORTFALLS,
) -> Digest:
    """Compute digest ``digest_name`` for ``period`` (default: its last complete period).

    ``period`` is a :class:`Period` or a ``--period`` value such as
    ``"last-week"``. Classifications of ``model_version`` are used (default:
    the version of the most recent classification).
    """
    settings = config.settings if isinstance(config, LoadedConfig) else config
    digest = find_digest(settings, digest_name)
    now = now or utc_now()
    if not isinstance(period, Period):
        period = parse_period(period, digest.period, digest.timezone, now)
    previous = period.previous()
    started = time.perf_counter()
    version = model_version or store.latest_model_version()
    groups = [_brand_and_competitors(settings, b) for b in digest.brands]
    everyone = sorted({name for _, group in groups for name in group})
    day_bounds = [midnight_utc(day, period.zone) for day in previous.days + period.days] + [period.end_utc]
    period_bounds = [previous.start_utc, period.start_utc, period.end_utc]
    current, before = (period.start_utc, period.end_utc), (previous.start_utc, previous.end_utc)

    # The queries are independent: run them side by side, each on its own connection
    # (SQLite and PostgreSQL both read concurrently; sqlite3 releases the GIL while it works).
    def run(query: Callable[..., _T], *args: Any, **kwargs: Any) -> Future[_T]:
        return pool.submit(query, store, *args, **kwargs)

    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES, thread_name_prefix="digest") as pool:
        # The period's figures come from the trends engine, so they equal an export's.
        lenient = {"model_version": version, "require_classifications": False}
        totals = run(measure, period_bounds, ["brand"], PERIOD_METRICS, brands=everyone, **lenient)
        daily = run(measure, day_bounds, ["brand", "sentiment"], ["mentions"], brands=digest.brands, **lenient)
        handling = run(
            measure,
            period_bounds[1:],
            ["brand", "flagged", "triage_status"],
            ["mentions"],
            brands=digest.brands,
            **lenient,
        )
        topics = run(queries.topic_counts, digest.brands, previous.start_utc, *current, version)
        flagged = run(queries.open_flagged, digest.brands, version)
        per_brand = {
            brand: (
                run(queries.top_shortfalls, brand, *current, version, max_shortfalls),
                run(queries.complaint_texts, brand, *current, version, limit=COMPLAINT_TEXTS),
                run(queries.complaint_texts, brand, *before, version, limit=COMPLAINT_TEXTS),
                run(queries.newest_switching, brand, *current, version, MAX_SWITCHING),
            )
            for brand, _ in groups
        }
        results = [
            _assemble(
                brand,
                group,
                period,
                previous,
                (totals.result(), daily.result(), handling.result()),
                [row for row in topics.result() if row.brand == brand],
                per_brand[brand][0].result(),
                (per_brand[brand][1].result(), per_brand[brand][2].result()),
                flagged.result().get(brand, 0),
                per_brand[brand][3].result(),
            )
            for brand, group in groups
        ]
    log.info(
        "built digest %s for %s (%s) in %.2f s",
        digest.name,
        period.label,
        version or "no classifications",
        time.perf_counter() - started,
    )
    return Digest(digest, period, previous, version, now, tuple(results))


def _brand_and_competitors(settings: Settings, brand: str) -> tuple[str, list[str]]:
    return brand, [brand, *settings.brand(brand).competitors]


def _assemble(
    brand: str,
    group: Sequence[str],
    period: Period,
    previous: Period,
    measures: tuple[Measures, Measures, Measures],
    topics: Sequence[queries.TopicRow],
    shortfall_rows: Sequence[queries.ShortfallRow],
    texts: tuple[list[str], list[str]],
    open_flagged: int,
    switching_rows: Sequence[queries.QuoteRow],
) -> BrandDigest:
    totals, daily, handling = measures
    days = previous.days + period.days
    now, before = totals.get(1, (brand,)), totals.get(0, (brand,))

    def metric(name: str, per: float = 1.0) -> Metric:
        current, earlier = now[name], before[name]
        return Metric(None if current is None else current / per, None if earlier is None else earlier / per)

    per_day: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key in daily.keys():
        if key[0] != brand:
            continue
        for i in range(len(days)):
            n = int(daily.get(i, key)["mentions"] or 0)
            per_day[i]["total"] += n
            if key[1] is not None:
                per_day[i][key[1]] += n
    open_in_period = sum(
        int(handling.get(0, key)["mentions"] or 0)
        for key in handling.keys()
        if key[0] == brand and key[1] is True and key[2] in (None, "open")
    )

    topic_now: dict[str, int] = defaultdict(int)
    topic_before: dict[str, int] = defaultdict(int)
    complaints_now: dict[str, int] = defaultdict(int)
    complaints_before: dict[str, int] = defaultdict(int)
    for topic_row in topics:
        (topic_now if topic_row.current else topic_before)[topic_row.topic] += topic_row.mentions
        (complaints_now if topic_row.current else complaints_before)[topic_row.topic] += topic_row.complaints
    changes = [TopicChange(name, topic_now[name], topic_before[name]) for name in set(topic_now) | set(topic_before)]
    changes.sort(key=lambda tc: (-tc.current, -tc.previous, tc.topic))
    risers = sorted((tc for tc in changes if tc.change > 0), key=lambda tc: (-tc.change, tc.topic))[:MAX_MOVERS]
    fallers = sorted((tc for tc in changes if tc.change < 0), key=lambda tc: (tc.change, tc.topic))[:MAX_MOVERS]

    emerging = [
        Emerging(name, "topic", n, complaints_before[name])
        for name, n in complaints_now.items()
        if n >= 3 and (n + 1) / (complaints_before[name] + 1) >= 2.0
    ]
    emerging.sort(key=lambda e: (-(e.current - e.previous), e.label))
    names = [word for name in group for word in name.split()]
    emerging += [
        Emerging(phrase, "phrase", n, before)
        for phrase, n, before in emerging_phrases(texts[0], texts[1], exclude=names, limit=MAX_EMERGING)
    ]

    volumes = {
        (name, current): int(totals.get(1 if current else 0, (name,))["mentions"] or 0)
        for name in group
        for current in (True, False)
    }
    share_of_voice: list[VoiceShare] = []
    if len(group) > 1:
        all_now = sum(volumes[(name, True)] for name in group)
        all_before = sum(volumes[(name, False)] for name in group)
        share_of_voice = [
            VoiceShare(
                name,
                volumes[(name, True)],
                Metric(
                    volumes[(name, True)] / all_now if all_now else None,
                    volumes[(name, False)] / all_before if all_before else None,
                ),
                name == brand,
            )
            for name in group
        ]
        share_of_voice.sort(key=lambda v: (-v.volume, v.brand))

    shortfalls = []
    for found in shortfall_rows:
        segments, cut = quote_segments(found.text, found.evidence)
        shortfalls.append(
            Shortfall(
                segments=segments,
                source=found.source,
                channel=found.channel,
                created_at=found.created_at,
                url=found.url,
                author=found.author,
                gap_score=found.gap_score,
                evidence=tuple(found.evidence),
                truncated=cut,
            )
        )

    threats = []
    for threat in switching_rows:
        segments, cut = quote_segments(threat.text, ())  # quoted and escaped like the shortfalls
        threats.append(
            SwitchingThreat(
                segments=segments,
                source=threat.source,
                channel=threat.channel,
                created_at=threat.created_at,
                url=threat.url,
                author=threat.author,
                switching_score=threat.score,
                truncated=cut,
            )
        )
    read_switching = now["switching_rate"] is not None or before["switching_rate"] is not None
    switching = metric("switching_count") if read_switching else Metric(None, None)

    return BrandDigest(
        brand=brand,
        volume=Metric(float(volumes[(brand, True)]), float(volumes[(brand, False)])),
        net_sentiment=metric("net_sentiment", 100),  # the engine's -100..100 as the digest's -1..1
        shortfall_share=metric("shortfall_rate"),
        average_rating=metric("avg_rating"),
        ratings=int(now["rated"] or 0),
        classified=int(now["classified"] or 0),
        days=tuple(
            DayPoint(
                day,
                per_day[i]["total"],
                per_day[i]["positive"],
                per_day[i]["neutral"],
                per_day[i]["negative"],
            )
            for i, day in enumerate(days)
        ),
        topics=tuple(changes[:MAX_TOPICS]),
        risers=tuple(risers),
        fallers=tuple(fallers),
        shortfalls=tuple(shortfalls),
        emerging=tuple(emerging[:MAX_EMERGING]),
        share_of_voice=tuple(share_of_voice),
        open_flagged=open_flagged,
        open_flagged_in_period=open_in_period,
        switching=switching,
        switching_threats=tuple(threats),
    )
