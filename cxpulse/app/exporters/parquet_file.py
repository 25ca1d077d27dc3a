"""Parquet: one row group per chunk of mentions, written as it comes (pyarrow's ParquetWriter).

Column types: ids and counts ``int64``, scores and ratings ``double``, text ``string``,
flags ``bool``, times ``timestamp[us, tz=UTC]``, lists ``list<string>``, score mappings
``map<string, double>``. An export of no rows is a valid file with the schema and no rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq

from cxpulse.app.exporters.base import ExportOptions
from storage import ExportColumn

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


class ParquetExporter:
    """Writes Parquet (see the module docstring)."""

    suffixes: ClassVar[tuple[str, ...]] = (".parquet", ".pq")
    binary: ClassVar[bool] = True

    def __init__(self, stream: BinaryIO, columns: Sequence[ExportColumn], options: ExportOptions) -> None:
        self._schema = pa.schema([pa.field(column.name, ARROW_TYPES[column.kind]) for column in columns])
        self._writer = pq.ParquetWriter(stream, self._schema, compression="zstd")

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        arrays = [
            pa.array(values, type=field.type)
            for values, field in zip(zip(*rows, strict=True), self._schema, strict=True)
        ]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()
