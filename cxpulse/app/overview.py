"""The workspace's overview: per brand, volume and sentiment by day, top topics with their
shortfall rate; and open and overdue flagged items per assignee."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cxpulse.app.sla import sla_state
from cxpulse.app.workspace import OPEN_STATUSES
from cxpulse.config.workspace import SlaConfig
from storage import HitTriage, Store
from storage import overview as stored

__all__ = ["AssigneeLoad", "BrandOverview", "DayVolume", "Overview", "TopicRow", "overview"]


@dataclass(frozen=True, slots=True)
class DayVolume:
    day: date
    total: int
    negative: int
    neutral: int
    positive: int


@dataclass(frozen=True, slots=True)
class TopicRow:
    topic: str
    mentions: int
    shortfall_rate: float


@dataclass
class BrandOverview:
    brand: str
    days: list[DayVolume] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.days)

    @property
    def negative_share(self) -> float:
        total = sum(d.negative + d.neutral + d.positive for d in self.days)
        return sum(d.negative for d in self.days) / total if total else 0.0

    @property
    def peak(self) -> int:
        return max((d.total for d in self.days), default=0)


@dataclass(frozen=True, slots=True)
class AssigneeLoad:
    assignee: str | None
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Overview:
    since: date
    until: date
    brands: list[BrandOverview]
    assignees: list[AssigneeLoad]


def overview(
    store: Store, *, days: int = 30, model_version: str | None = None, sla: SlaConfig | None = None, top: int = 8
) -> Overview:
    """The last ``days`` UTC days up to today (the store's clock) for every brand."""
    now = store.now()
    first = (now - timedelta(days=days - 1)).date()
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    until = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    per_day: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in stored.day_counts(store, since, until, model_version):
        per_day[row.brand][row.day][row.sentiment or "unclassified"] += row.mentions
    topics: dict[str, list[TopicRow]] = defaultdict(list)
    for t in stored.topic_counts(store, since, until, model_version):
        topics[t.brand].append(TopicRow(t.topic, t.mentions, t.shortfalls / t.mentions if t.mentions else 0.0))
    brands = []
    for brand in sorted(set(per_day) | set(topics)):
        series = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            counts = per_day[brand].get(day.isoformat(), {})
            series.append(
                DayVolume(
                    day,
                    sum(counts.values()),
                    counts.get("negative", 0),
                    counts.get("neutral", 0),
                    counts.get("positive", 0),
                )
            )
        ranked = sorted(topics[brand], key=lambda r: (-r.mentions, r.topic))[:top]
        brands.append(BrandOverview(brand, series, ranked))
    config = sla or SlaConfig()
    load: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for item in stored.open_items(store, OPEN_STATUSES):
        state = sla_state(
            HitTriage("open", item.assignee, item.priority, (), item.opened_at, item.first_action_at, None), config, now
        )
        load[item.assignee][0] += 1
        load[item.assignee][1] += int(bool(state and state.overdue))
    assignees = [
        AssigneeLoad(a, n, late) for a, (n, late) in sorted(load.items(), key=lambda kv: (-kv[1][0], kv[0] or ""))
    ]
    return Overview(first, now.date(), brands, assignees)
