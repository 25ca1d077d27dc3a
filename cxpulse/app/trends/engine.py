"""The trends engine: metrics per period and dimension values, counted in SQL.

:func:`measure` is the core, over any UTC period boundaries (the digest calls it
with its own days and weeks); :func:`trend_table` adds the reporting calendar
(hour, day, ISO week, month, quarter in a time zone), zero fill and the change
against the previous period. :func:`cxpulse.app.trends.trends` wraps it in a
pandas DataFrame. The definitions live in :mod:`cxpulse.app.trends.metrics` and
``docs/trends.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cxpulse.app.trends.metrics import METRICS, MetricDef, change
from cxpulse.app.trends.periods import PeriodGrid, grid, parse_moment, zone
from foundation.errors import InputError, StorageError
from storage import UPGRADE_HINT, Store
from storage import trends as queries

__all__ = ["DIMENSIONS", "Measures", "TrendTable", "measure", "open_store", "trend_table"]

DIMENSIONS = queries.DIMENSIONS
Key = tuple[Any, ...]
MAX_ROWS = 1_000_000
"""The most rows one trend table may have (periods x combinations of dimension values)."""
NO_CLASSIFICATIONS = (
    "the store has no classifications yet; run `cxpulse classify` first, or ask only for "
    "metrics {plain} split by {dims}"
)


def _known(kind: str, names: Sequence[str], valid: Sequence[str]) -> list[str]:
    chosen = [n.strip() for n in names if n.strip()]
    for name in chosen:
        if name not in valid:
            raise InputError(f"unknown {kind} {name!r}; valid {kind}s: {', '.join(valid)}")
    if len(set(chosen)) != len(chosen):
        raise InputError(f"a {kind} is listed twice; list each {kind} once")
    return chosen


def _sort_key(key: Key) -> tuple[Any, ...]:
    return tuple((v is None, str(int(v)) if isinstance(v, bool) else str(v)) for v in key)


@dataclass
class Measures:
    """Metric values per ``(period, key)``, zero-filled on demand by :meth:`get`."""

    dims: tuple[str, ...]
    metrics: tuple[str, ...]
    counts: dict[tuple[int, Key], dict[str, float]]
    medians: dict[tuple[int, Key], float] = field(default_factory=dict)
    groups: Mapping[str, Sequence[str]] | None = None
    """Share of voice: each brand's group (itself and its competitors); None: every brand."""
    _voices: dict[tuple[int, Key], dict[Any, float]] | None = field(default=None, repr=False)

    def keys(self, periods: range | None = None) -> list[Key]:
        """The dimension values with a mention in ``periods`` (all periods when None), sorted."""
        found = {key for (period, key) in self.counts if periods is None or period in periods}
        return sorted(found, key=_sort_key)

    def get(self, period: int, key: Key = ()) -> dict[str, float | None]:
        counts = self.counts.get((period, key), {})
        values: dict[str, float | None] = {}
        for name in self.metrics:
            metric = METRICS[name]
            if metric.compute is not None:
                values[name] = metric.compute(counts)
            elif name == "median_resolution_hours":
                values[name] = self.medians.get((period, key))
            else:
                values[name] = self._share_of_voice(period, key)
        return values

    def _share_of_voice(self, period: int, key: Key) -> float | None:
        at = self.dims.index("brand")
        if self._voices is None:
            self._voices = defaultdict(dict)
            for (p, other), counts in self.counts.items():
                self._voices[(p, other[:at] + other[at + 1 :])][other[at]] = counts.get("mentions", 0.0)
        brand = key[at]
        voices = self._voices.get((period, key[:at] + key[at + 1 :]), {})
        group = voices.keys() if self.groups is None else {brand, *self.groups.get(brand, ())}
        total = sum(voices.get(name, 0.0) for name in group)
        return voices.get(brand, 0.0) / total if total else None


def measure(
    store: Store,
    bounds: Sequence[datetime],
    dims: Sequence[str] = (),
    metrics: Sequence[str] = ("mentions",),
    *,
    brands: Sequence[str] = (),
    model_version: str | None = None,
    include_duplicates: bool = False,
    competitors: Mapping[str, Sequence[str]] | None = None,
    require_classifications: bool = True,
) -> Measures:
    """``metrics`` per period (``bounds[i]`` to ``bounds[i + 1]``, UTC) and values of ``dims``.

    ``model_version``: whose classifications to read (None: the newest in the store).
    ``competitors``: each brand's competitors, for ``share_of_voice`` (None: every brand
    competes with every other). Raises InputError naming the valid names for an unknown
    dimension or metric, and (unless not ``require_classifications``: they are then None)
    for classified ones when the store has no classifications.
    """
    dims = _known("dimension", dims, DIMENSIONS)
    metrics = _known("metric", metrics, list(METRICS))
    if not metrics:
        raise InputError(f"no metric asked for; valid metrics: {', '.join(METRICS)}")
    defs: list[MetricDef] = [METRICS[n] for n in metrics]
    if "share_of_voice" in metrics and "brand" not in dims:
        raise InputError("share_of_voice compares brands: add brand to the dimensions (--dims brand,...)")
    version = model_version or store.latest_model_version()
    if (
        require_classifications
        and version is None
        and (any(d.classified for d in defs) or queries.CLASSIFIED_DIMENSIONS & set(dims))
    ):
        plain = ", ".join(d.name for d in METRICS.values() if not d.classified)
        by = ", ".join(d for d in DIMENSIONS if d not in queries.CLASSIFIED_DIMENSIONS)
        raise InputError(NO_CLASSIFICATIONS.format(plain=plain, dims=by))
    wanted = list(brands)
    if "share_of_voice" in metrics and wanted:
        wanted = (
            sorted({b for brand in wanted for b in (brand, *competitors.get(brand, ()))})
            if competitors is not None
            else []
        )
    scope = queries.TrendScope(
        bounds=list(bounds),
        dimensions=dims,
        brands=wanted,
        model_version=version,
        include_duplicates=include_duplicates,
    )
    needs = list(dict.fromkeys(n for d in defs for n in d.needs))
    counts = {(row.period, row.key): row.counts for row in queries.trend_counts(store, scope, needs)}
    medians: dict[tuple[int, Key], float] = {}
    if "median_resolution_hours" in metrics:
        medians = {(row.period, row.key): row.hours for row in queries.resolution_medians(store, scope)}
    return Measures(tuple(dims), tuple(metrics), counts, medians, competitors)


def open_store(store: str | Store) -> tuple[Store, bool]:
    """``store`` or the store at that URL (and whether we opened it, so must close it)."""
    if isinstance(store, Store):
        return store, False
    opened = Store.open(store)
    if not opened.is_initialized():
        opened.dispose()
        raise StorageError(
            f"the results store at {opened.display_url} is not initialized or not up to date; {UPGRADE_HINT}"
        )
    return opened, True


@dataclass(frozen=True)
class TrendTable:
    """The long-format rows of a trend, as plain Python values."""

    grid: PeriodGrid
    dims: tuple[str, ...]
    metrics: tuple[str, ...]
    rows: list[dict[str, Any]]

    @property
    def columns(self) -> list[str]:
        return [
            "period_start",
            "period_end",
            *self.dims,
            *(name for metric in self.metrics for name in (metric, f"{metric}_change")),
        ]


def trend_table(
    store: Store,
    by: str = "week",
    dims: Sequence[str] = (),
    metrics: Sequence[str] = ("mentions",),
    since: str | datetime = "90d",
    until: str | datetime = "now",
    brands: Sequence[str] | None = None,
    timezone: str = "UTC",
    include_duplicates: bool = False,
    *,
    model_version: str | None = None,
    competitors: Mapping[str, Sequence[str]] | None = None,
) -> TrendTable:
    """One row per period x combination of dimension values seen in the range, zero-filled
    (see :func:`cxpulse.app.trends.trends` for the parameters)."""
    tz = zone(timezone)
    now = store.now()
    start = parse_moment(since, "--since", tz, now)
    end = parse_moment(until, "--until", tz, now, end=True)
    if start >= end:
        raise InputError(f"--since {since!s} is not before --until {until!s}; give the earlier time as --since")
    periods = grid(by, start, end, timezone)
    chosen = [b for b in (brands or ()) if b.strip()]
    if any("\x00" in b for b in chosen):  # no stored brand holds one, and PostgreSQL refuses it in a query
        raise InputError("a --brand holds a NUL character; remove it")
    found = measure(
        store,
        periods.bounds,
        dims,
        metrics,
        brands=chosen,
        model_version=model_version,
        include_duplicates=include_duplicates,
        competitors=competitors,
    )
    shown = range(1, periods.periods + 1)
    keys = found.keys(shown)
    if "brand" in found.dims and chosen:
        at = found.dims.index("brand")
        keys = [key for key in keys if key[at] in chosen]
    if not keys:
        scope = f" of {', '.join(chosen)}" if chosen else ""
        raise InputError(
            f"no mentions{scope} from {periods.start(1):%Y-%m-%d %H:%M} to "
            f"{periods.end(periods.periods):%Y-%m-%d %H:%M} ({timezone}); widen --since/--until"
            + (" or check the brand names (they are case-sensitive)" if chosen else "")
        )
    if len(keys) * periods.periods > MAX_ROWS:
        raise InputError(
            f"the table would have {len(keys) * periods.periods:,} rows (over {MAX_ROWS:,}); "
            "use a coarser --by, fewer --dims or a shorter --since/--until"
        )
    rows: list[dict[str, Any]] = []
    for key in keys:
        previous = found.get(0, key)
        for i in shown:
            values = found.get(i, key)
            row: dict[str, Any] = {"period_start": periods.start(i), "period_end": periods.end(i)}
            row.update(zip(found.dims, key, strict=True))
            for name in found.metrics:
                row[name] = values[name]
                row[f"{name}_change"] = change(METRICS[name], values[name], previous[name])
            rows.append(row)
            previous = values
    rows.sort(key=lambda r: r["period_start"])
    return TrendTable(periods, found.dims, found.metrics, rows)
