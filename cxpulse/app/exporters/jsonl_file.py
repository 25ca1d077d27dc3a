"""JSON Lines: one JSON object per line, keyed by the column names (UTF-8).

Lists are arrays, score mappings objects, times ISO 8601 strings in UTC, a missing
value ``null``. Line breaks inside a text are escaped by JSON, and so are U+2028 and
U+2029 (which some line readers also split on), so every mention is exactly one line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, BinaryIO, ClassVar

from cxpulse.app.exporters.base import ExportOptions
from storage import ExportChunk, ExportColumn

__all__ = ["JsonlExporter"]


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class JsonlExporter:
    """Writes JSON Lines (see the module docstring)."""

    suffixes: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson")
    binary: ClassVar[bool] = False

    def __init__(self, stream: BinaryIO, columns: Sequence[ExportColumn], options: ExportOptions) -> None:
        self._stream = stream
        self._names = [column.name for column in columns]
        self._times = [column.kind == "datetime" for column in columns]
        self._encoder = json.JSONEncoder(ensure_ascii=False, default=_default)

    def write(self, chunk: ExportChunk) -> None:
        names, encode = self._names, self._encoder.encode
        columns = [
            [None if value is None else value.isoformat() for value in values] if time else values
            for values, time in zip(chunk.columns, self._times, strict=True)
        ]
        text = "".join(encode(dict(zip(names, row, strict=True))) + "\n" for row in zip(*columns, strict=True))
        self._stream.write(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8"))

    def close(self) -> None:
        self._stream.flush()
