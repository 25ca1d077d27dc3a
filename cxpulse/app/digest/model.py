"""What a digest says, as typed data: built by :mod:`cxpulse.app.digest.build`, shown by the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from cxpulse.config.digests import DigestConfig
from foundation.periods import Period

__all__ = [
    "BrandDigest",
    "DayPoint",
    "Digest",
    "Emerging",
    "Metric",
    "Segment",
    "Shortfall",
    "SwitchingThreat",
    "TopicChange",
    "VoiceShare",
]


@dataclass(frozen=True)
class Metric:
    """One number for the period and the period before; None where there is nothing to measure."""

    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """``current - previous`` (None when either is missing)."""
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def relative_change(self) -> float | None:
        """Change as a fraction of the previous value (None from zero or nothing)."""
        if self.change is None or not self.previous:
            return None
        return self.change / self.previous


@dataclass(frozen=True)
class DayPoint:
    """Classified mentions of one local day by sentiment (``total`` counts unclassified ones too)."""

    day: date
    total: int
    positive: int
    neutral: int
    negative: int

    @property
    def net_sentiment(self) -> float | None:
        classified = self.positive + self.neutral + self.negative
        return (self.positive - self.negative) / classified if classified else None


@dataclass(frozen=True)
class TopicChange:
    """Mentions about one topic in the period and the period before."""

    topic: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class Segment:
    """A piece of a quoted mention; ``evidence`` pieces are highlighted."""

    text: str
    evidence: bool = False


@dataclass(frozen=True)
class Shortfall:
    """One expectation shortfall quoted in the digest, its evidence located in the text."""

    segments: tuple[Segment, ...]
    source: str
    channel: str | None
    created_at: datetime
    url: str | None
    author: str | None
    gap_score: float
    evidence: tuple[str, ...]
    truncated: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class SwitchingThreat:
    """A customer who says they will leave, cancel or move to a competitor, quoted in the digest."""

    segments: tuple[Segment, ...]
    source: str
    channel: str | None
    created_at: datetime
    url: str | None
    author: str | None
    switching_score: float | None
    truncated: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Emerging:
    """A complaint theme (topic or phrase) that jumped; complaints as :mod:`storage.digests` counts them."""

    label: str
    kind: str
    """``"topic"`` or ``"phrase"``."""
    current: int
    previous: int


@dataclass(frozen=True)
class VoiceShare:
    """One brand's share of the mentions of it and its competitors."""

    brand: str
    volume: int
    share: Metric
    is_subject: bool


@dataclass(frozen=True)
class BrandDigest:
    """Everything the digest says about one brand."""

    brand: str
    volume: Metric
    net_sentiment: Metric
    shortfall_share: Metric
    average_rating: Metric
    ratings: int
    """How many mentions of the period carry a rating (reviews)."""
    classified: int
    """Mentions of the period that have a classification of the digest's model version."""
    days: tuple[DayPoint, ...]
    topics: tuple[TopicChange, ...]
    risers: tuple[TopicChange, ...]
    fallers: tuple[TopicChange, ...]
    shortfalls: tuple[Shortfall, ...]
    emerging: tuple[Emerging, ...]
    share_of_voice: tuple[VoiceShare, ...]
    open_flagged: int
    """Flagged mentions of any date still open now (no triage row, or status open): the backlog."""
    open_flagged_in_period: int
    """Of the period's flagged mentions, those still open now."""
    switching: Metric = Metric(None, None)
    """Mentions whose customer says they will leave, cancel or switch, this period and the one
    before; None when no mention of either was read by a switching head (a classifier before
    2.0, or nothing classified)."""
    switching_threats: tuple[SwitchingThreat, ...] = ()
    """The newest of the period's switching threats, quoted."""


@dataclass(frozen=True)
class Digest:
    """One digest for one period, ready to render."""

    config: DigestConfig
    period: Period
    previous: Period
    model_version: str | None
    generated_at: datetime
    brands: tuple[BrandDigest, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def subject(self) -> str:
        template = self.config.subject or "{brands}: customer pulse, {period}"
        values = {"name": self.config.name, "period": self.period.label, "brands": ", ".join(self.config.brands)}
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template
