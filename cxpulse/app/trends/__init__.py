"""Trends: CX metrics per period and dimension, for analysts and their BI tools.

::

    from cxpulse import trends

    df = trends("sqlite:///cxpulse.db", by="week", dims=["brand", "topic"],
                metrics=["mentions", "net_sentiment", "shortfall_rate"], since="90d")

The CLI (``cxpulse trends``), the REST API (``GET /api/v1/trends``) and the digest
all count through this engine, so a number means the same everywhere. Every metric
and dimension is defined in ``docs/trends.md`` (and :mod:`cxpulse.app.trends.metrics`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cxpulse.app.trends.engine import DIMENSIONS, Measures, TrendTable, measure, open_store, trend_table
from cxpulse.app.trends.metrics import METRICS
from cxpulse.app.trends.periods import PERIODS
from storage import Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DIMENSIONS", "METRICS", "PERIODS", "Measures", "TrendTable", "measure", "trend_table", "trends"]


def trends(
    store: str | Store,
    by: str = "week",
    dims: Sequence[str] = (),
    metrics: Sequence[str] = ("mentions",),
    since: str | datetime = "90d",
    until: str | datetime = "now",
    brands: Sequence[str] | None = None,
    timezone: str = "UTC",
    wide: bool = False,
    include_duplicates: bool = False,
    *,
    model_version: str | None = None,
    competitors: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """CX metrics per period and dimension values as a pandas DataFrame.

    ``store``: a database URL (``"sqlite:///cxpulse.db"``, ``"postgresql+psycopg://..."``)
    or an open :class:`storage.Store`. ``by``: hour, day, week (ISO, from Monday), month
    or quarter, counted in ``timezone`` (an IANA name). ``dims``: names from
    :data:`DIMENSIONS`; ``metrics``: names from :data:`METRICS`. ``since``/``until``:
    a datetime or ``"now"``, ``"12h"``, ``"7d"``, ``"2w"`` (ago), ``"2026-11-01"``,
    ``"2026-11-01T08:00"`` (local time in ``timezone`` unless it has an offset); the
    rows cover the whole periods holding them. ``brands``: only these brands.
    ``include_duplicates``: count copies of a mention (retweets, copy-paste) too.
    ``model_version``: whose classifications to read (default: the newest).
    ``competitors``: each brand's competitors for ``share_of_voice`` (default: every
    brand in the store).

    Long format (default): ``period_start``, ``period_end`` (tz-aware, in ``timezone``),
    one column per dimension, then each metric followed by ``<metric>_change`` against
    the previous period; one row per period x combination of dimension values, periods
    without mentions zero-filled. ``wide``: one row per period (see :func:`to_frame`).

    Raises :class:`~foundation.errors.InputError` (a ``CxPulseError``) for an unknown
    period, dimension or metric (listing the valid ones), a bad time or time zone,
    ``since`` not before ``until``, a range without mentions, or classified metrics on a
    store without classifications; :class:`~foundation.errors.StorageError` for a store
    that cannot be read.
    """
    from cxpulse.app.trends.frame import to_frame

    opened, close = open_store(store)
    try:
        table = trend_table(
            opened,
            by,
            dims,
            metrics,
            since,
            until,
            brands,
            timezone,
            include_duplicates,
            model_version=model_version,
            competitors=competitors,
        )
    finally:
        if close:
            opened.dispose()
    return to_frame(table, wide=wide)
