"""A trend as a pandas DataFrame (long or wide), and as JSON-ready records.

pandas is imported here only, so that nothing that merely imports the engine
(the digest, ``cxpulse --help``) pays for it.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd

from cxpulse.app.trends.engine import TrendTable
from cxpulse.app.trends.metrics import METRICS

__all__ = ["NONE_LABEL", "records", "to_frame"]

NONE_LABEL = "(none)"
"""How a missing dimension value (no channel, an unclassified mention) names a wide column."""
BOOLEAN_DIMENSIONS = ("flagged", "about_brand", "switching")


def to_frame(table: TrendTable, *, wide: bool = False) -> pd.DataFrame:
    """Long format: one row per period x dimension values; columns as :attr:`TrendTable.columns`.

    ``wide``: one row per period, one column per metric and dimension values, named
    ``metric|value|value`` (``(none)`` for a missing value); without dimensions the
    long and wide tables are the same.
    """
    columns = table.columns
    frame = pd.DataFrame(table.rows, columns=columns)
    for edge in ("period_start", "period_end"):
        frame[edge] = pd.to_datetime(frame[edge], utc=True).dt.tz_convert(table.grid.timezone)
    for dim in table.dims:
        if dim in BOOLEAN_DIMENSIONS:
            frame[dim] = frame[dim].astype("boolean")
        else:
            frame[dim] = frame[dim].astype("string")
    for metric in table.metrics:
        if METRICS[metric].is_count:
            frame[metric] = frame[metric].astype("int64")
        else:
            frame[metric] = frame[metric].astype("float64")
        frame[f"{metric}_change"] = frame[f"{metric}_change"].astype("float64")
    if not wide or not table.dims:
        return frame
    values = [c for c in columns if c not in ("period_start", "period_end", *table.dims)]
    labelled = frame.copy()
    for dim in table.dims:
        labelled[dim] = labelled[dim].astype("object").map(_label)
    pivot = labelled.pivot(index=["period_start", "period_end"], columns=list(table.dims), values=values)
    pivot.columns = ["|".join(str(part) for part in column) for column in pivot.columns.to_flat_index()]
    order = [f"{v}|{'|'.join(_label(x) for x in key)}" for v in values for key in _keys(labelled, table.dims)]
    pivot = pivot.reindex(columns=[c for c in order if c in pivot.columns])
    for column in pivot.columns:
        metric = column.split("|", 1)[0]
        pivot[column] = pivot[column].astype("int64" if metric in METRICS and METRICS[metric].is_count else "float64")
    return pivot.reset_index()


def _keys(frame: pd.DataFrame, dims: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return list(dict.fromkeys(tuple(row) for row in frame[list(dims)].itertuples(index=False)))


def _label(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NONE_LABEL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain JSON values: times in ISO 8601 with their offset, NaN and NA as None."""
    out: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value
