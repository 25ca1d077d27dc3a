"""CSV: one header row of the column names, then one row per mention (RFC 4180 quoting, UTF-8).

Lists (brands, topics, evidence, tags) and score mappings are JSON text in their cell;
times are ISO 8601 in UTC; booleans ``true``/``false``; a missing value is an empty cell.

Text from customers is untrusted: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return would run as a formula when the file is opened in a spreadsheet
(CSV injection), so such a text cell gets a leading ``'``, which spreadsheets show as text
(SECURITY.md, "Exports"). ``ExportOptions.raw_cells`` turns that off for programs that
read the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, BinaryIO, ClassVar

from cxpulse.app.exporters.base import ExportOptions
from storage import ExportChunk, ExportColumn

__all__ = ["FORMULA_STARTS", "CsvExporter", "escape_formula"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _datetime(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _text(value: str | None) -> str:
    return "" if value is None else escape_formula(value)


def _column(cell: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any]]:
    def cells(values: list[Any]) -> list[Any]:
        return [cell(value) for value in values]

    return cells


class CsvExporter:
    """Writes CSV (see the module docstring)."""

    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    binary: ClassVar[bool] = False

    def __init__(self, stream: BinaryIO, columns: Sequence[ExportColumn], options: ExportOptions) -> None:
        self._stream = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
        self._writer = csv.writer(self._stream, lineterminator="\r\n")
        by_kind: dict[str, Callable[[Any], Any]] = {
            "strings": _json,
            "scores": _json,
            "datetime": _datetime,
            "bool": _bool,
            "str": _plain if options.raw_cells else _text,
        }
        self._cells = [_column(by_kind.get(column.kind, _plain)) for column in columns]
        self._writer.writerow([column.name for column in columns])

    def write(self, chunk: ExportChunk) -> None:
        columns = [cells(values) for cells, values in zip(self._cells, chunk.columns, strict=True)]
        self._writer.writerows(zip(*columns, strict=True))

    def close(self) -> None:
        self._stream.flush()
        self._stream.detach()
