"""Reading CSV/TSV and JSONL files row by row, with the physical line each row starts on.

A reader yields :class:`Item` objects: a row (column -> value) or the reason
the row is unusable. One bad row never stops the file; a file that cannot be
read at all raises :class:`~foundation.errors.InputError`.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from foundation.errors import InputError

__all__ = ["Item", "is_utf8", "open_csv", "read_csv", "read_jsonl"]

_SURROGATE = re.compile("[\udc80-\udcff]")
_FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the file: ``row`` when readable, else ``error`` (and ``key`` if known)."""

    line: int
    row: dict[str, Any] | None = None
    error: str | None = None
    key: str | None = None


def is_utf8(encoding: str) -> bool:
    """True for the UTF-8 family, whose byte-order mark we accept and drop."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def read_jsonl(handle: IO[bytes], encoding: str) -> Iterator[Item]:
    """One item per non-blank line; bytes are decoded line by line."""
    codec = "utf-8-sig" if is_utf8(encoding) else encoding
    for number, raw in enumerate(handle, 1):
        try:
            line = raw.decode(codec if number == 1 else encoding)
        except UnicodeDecodeError as exc:
            yield Item(
                number,
                error=f"bytes at position {exc.start} are not valid {encoding}; "
                f"re-save the file as {encoding} or set encoding",
            )
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Item(number, error=f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            yield Item(
                number,
                error=f"expected a JSON object, got {type(value).__name__}; write one {{...}} object per line",
            )
            continue
        yield Item(number, row=value)


def open_csv(handle: IO[str], delimiter: str, path: Path) -> tuple[list[str], Any]:
    """Read the header of a CSV file: returns its columns and the reader positioned after it."""
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise InputError(f"{path} line 1: cannot read the header ({exc})") from None
    columns = [c.strip() for c in header]
    if columns and columns[0].startswith("\ufeff"):
        columns[0] = columns[0][1:]
    if any(_SURROGATE.search(c) for c in columns):
        raise InputError(
            f"{path} line 1: the header has bytes that are not valid text; re-save the file as UTF-8 or set encoding"
        )
    return columns, reader


def read_csv(columns: Sequence[str], reader: Any, encoding: str) -> Iterator[Item]:
    """One item per record after the header; ``line`` is where the record starts."""
    width = len(columns)
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            previous_end = reader.line_num
            yield Item(start, error=f"cannot read the row ({exc})")
            continue
        previous_end = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip() and width > 1):
            continue
        if len(record) != width:
            yield Item(
                start,
                error=f"has {len(record)} fields, the header has {width}; check the quoting and the delimiter",
            )
            continue
        for column, value in zip(columns, record, strict=True):
            bad = _SURROGATE.search(value)
            if bad is not None:
                yield Item(
                    start,
                    key=column,
                    error=f"bytes at position {bad.start()} are not valid "
                    f"{encoding}; re-save the file as {encoding} or set encoding",
                )
                break
        else:
            yield Item(start, row=dict(zip(columns, record, strict=True)))
