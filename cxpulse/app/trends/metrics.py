"""What each trend metric means, and how it is computed from the counts of :mod:`storage.trends`.

Every rate is a fraction from 0 to 1 with its denominator named in its
definition; ``net_sentiment`` runs from -100 to 100. A metric without a
denominator in a period (no classified mention, no rating) is None (NaN in a
DataFrame), never 0. The ``<metric>_change`` of a count is relative (0.25: a
quarter more than the period before; None after a period with none); of every
other metric it is the absolute difference (in the metric's own unit: fraction
points for rates, points for net sentiment, stars, hours).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["METRICS", "MetricDef", "change"]

Counts = Mapping[str, float]


def _ratio(numerator: str, denominator: str, scale: float = 1.0) -> Callable[[Counts], float | None]:
    def compute(counts: Counts) -> float | None:
        below = counts.get(denominator, 0.0)
        return scale * counts.get(numerator, 0.0) / below if below else None

    return compute


def _count(name: str) -> Callable[[Counts], float | None]:
    return lambda counts: counts.get(name, 0.0)


def _net(counts: Counts) -> float | None:
    classified = counts.get("classified", 0.0)
    return 100.0 * (counts.get("positive", 0.0) - counts.get("negative", 0.0)) / classified if classified else None


@dataclass(frozen=True)
class MetricDef:
    name: str
    definition: str
    needs: tuple[str, ...]
    """The counts of :data:`storage.trends.COUNTS` it is computed from."""
    compute: Callable[[Counts], float | None] | None
    """None: computed elsewhere (share of voice, median resolution)."""
    is_count: bool = False
    """Counts are whole numbers, zero in an empty period, with a relative change."""
    classified: bool = True
    """Reads classifications."""


def _defs() -> dict[str, MetricDef]:
    defs = [
        MetricDef(
            "mentions",
            "Mentions created in the period (a mention with several topics counts once per topic "
            "when split by topic, once per brand when split by brand).",
            ("mentions",),
            _count("mentions"),
            is_count=True,
            classified=False,
        ),
        MetricDef(
            "unique_authors",
            "Distinct author handles among those mentions (mentions without a handle are not counted).",
            ("authors",),
            _count("authors"),
            is_count=True,
            classified=False,
        ),
        MetricDef(
            "classified",
            "Of the mentions, those the model version read: the denominator of every sentiment, gap and flag rate.",
            ("classified",),
            _count("classified"),
            is_count=True,
        ),
        MetricDef(
            "net_sentiment",
            "100 x (positive - negative) / classified mentions, from -100 (all negative) to 100 (all positive).",
            ("positive", "negative", "classified"),
            _net,
        ),
        MetricDef(
            "positive_share",
            "Positive / classified mentions.",
            ("positive", "classified"),
            _ratio("positive", "classified"),
        ),
        MetricDef(
            "negative_share",
            "Negative / classified mentions.",
            ("negative", "classified"),
            _ratio("negative", "classified"),
        ),
        MetricDef(
            "shortfall_rate",
            "Mentions with expectation gap shortfall (the experience fell short of what was expected "
            "or promised) / classified mentions.",
            ("shortfall", "classified"),
            _ratio("shortfall", "classified"),
        ),
        MetricDef(
            "exceeded_rate",
            "Mentions with expectation gap exceeded / classified mentions.",
            ("exceeded", "classified"),
            _ratio("exceeded", "classified"),
        ),
        MetricDef(
            "flagged_count",
            "Mentions flagged for CX staff.",
            ("flagged",),
            _count("flagged"),
            is_count=True,
        ),
        MetricDef(
            "flagged_rate",
            "Flagged / classified mentions.",
            ("flagged", "classified"),
            _ratio("flagged", "classified"),
        ),
        MetricDef(
            "switching_count",
            "Mentions whose customer says they will leave, cancel or move to a competitor.",
            ("switching",),
            _count("switching"),
            is_count=True,
        ),
        MetricDef(
            "switching_rate",
            "Switching mentions / mentions read by a model with a switching head (2.0 on; older "
            "classifications are not in the denominator).",
            ("switching", "switching_read"),
            _ratio("switching", "switching_read"),
        ),
        MetricDef(
            "rated",
            "Mentions with a star rating (reviews): the denominator of avg_rating.",
            ("rated",),
            _count("rated"),
            is_count=True,
            classified=False,
        ),
        MetricDef(
            "avg_rating",
            "Mean star rating of the rated mentions.",
            ("rating_sum", "rated"),
            _ratio("rating_sum", "rated"),
            classified=False,
        ),
        *(
            MetricDef(
                f"rating_{k}",
                f"Mentions rated {k} star{'s' if k > 1 else ''} (the rating rounded to the nearest whole star).",
                (f"rating_{k}",),
                _count(f"rating_{k}"),
                is_count=True,
                classified=False,
            )
            for k in (1, 2, 3, 4, 5)
        ),
        MetricDef(
            "median_resolution_hours",
            "Median hours from a triage item's opening to its resolution, over the period's mentions "
            "(flagged ones: only they get triage items) whose item is resolved now; not-actionable "
            "and still open items are left out.",
            (),
            None,
            classified=False,
        ),
        MetricDef(
            "share_of_voice",
            "The brand's mentions / the mentions of the brand and its competitors (the brand's "
            "`competitors` in config; without config, every brand in the store) in the same period and "
            "other dimension values. Needs the brand dimension.",
            ("mentions",),
            None,
            classified=False,
        ),
    ]
    return {d.name: d for d in defs}


METRICS: dict[str, MetricDef] = _defs()
"""Every metric by name, in the order the documentation lists them."""


def change(metric: MetricDef, current: float | None, previous: float | None) -> float | None:
    """The ``<metric>_change`` (see the module doc)."""
    if current is None or previous is None:
        return None
    if metric.is_count:
        return (current - previous) / previous if previous else None
    return current - previous
