"""Parquet: one row group per chunk of mentions, written as it comes (pyarrow's ParquetWriter).

Column types: ids and counts ``int64``, scores and ratings ``double``, text ``string``,
flags ``bool``, times ``timestamp[us, tz=UTC]``, lists ``list<string>``, score mappings
``map<string, double>``. An export of no rows is a valid file with the schema and no rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, chain
from typing import Any, BinaryIO, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq

from cxpulse.app.exporters.base import ExportOptions
from storage import ExportChunk, ExportColumn

__all__ = ["ARROW_TYPES", "ParquetExporter"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "strings": pa.list_(pa.string()),
    "scores": pa.map_(pa.string(), pa.float64()),
}
"""The Parquet (Arrow) type of each column kind."""


def _scores(values: list[Any]) -> pa.Array:
    """A column of score dicts as a map array, built from flat keys and values (C-level
    iteration): pyarrow's own conversion of a list of dicts is about fifteen times slower."""
    nulls = [scores is None for scores in values]
    present = [_NONE if scores is None else scores for scores in values] if any(nulls) else values
    return pa.MapArray.from_arrays(
        pa.array([0, *accumulate(map(len, present))], pa.int32()),
        pa.array(list(chain.from_iterable(present)), pa.string()),
        pa.array(list(chain.from_iterable(map(dict.values, present))), pa.float64()),
        mask=pa.array(nulls, pa.bool_()) if any(nulls) else None,
    )


_NONE: dict[str, float] = {}


class ParquetExporter:
    """Writes Parquet (see the module docstring)."""

    suffixes: ClassVar[tuple[str, ...]] = (".parquet", ".pq")
    binary: ClassVar[bool] = True

    def __init__(self, stream: BinaryIO, columns: Sequence[ExportColumn], options: ExportOptions) -> None:
        self._kinds = [column.kind for column in columns]
        self._schema = pa.schema([pa.field(column.name, ARROW_TYPES[column.kind]) for column in columns])
        self._writer = pq.ParquetWriter(stream, self._schema, compression="zstd")

    def write(self, chunk: ExportChunk) -> None:
        if not len(chunk):
            return
        arrays = [
            _scores(values) if kind == "scores" else pa.array(values, type=field.type)
            for values, field, kind in zip(chunk.columns, self._schema, self._kinds, strict=True)
        ]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()
