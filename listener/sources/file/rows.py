"""Reading CSV/TSV and JSONL files row by row, with the physical line each row starts on.

A reader yields :class:`Item` objects: a row (column -> value) or the reason
the row is unusable. One bad row never stops the file; a file that cannot be
read at all raises :class:`~foundation.errors.InputError`.

Every physical line goes through :class:`Lines`, which reads at most
``limit`` bytes (JSONL) or characters (CSV) per line and per row, so a file
without line breaks (or a runaway quote) costs bounded memory: the too-long
row is rejected with its line and reading goes on after it. :class:`Lines`
also keeps a running SHA-256 of everything read, which the file source's
resume checkpoints compare.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, AnyStr, Generic

from foundation.errors import InputError

__all__ = ["Item", "Lines", "RowTooLong", "is_utf8", "open_csv", "read_csv", "read_jsonl", "too_long"]

_SURROGATE = re.compile("[\udc80-\udcff]")


class RowTooLong(Exception):
    """A line or row longer than the limit (internal: readers turn it into a rejected :class:`Item`)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class Lines(Generic[AnyStr]):
    """The physical lines of an open file, each at most ``limit`` long, counted and hashed.

    ``number`` is the number of lines read so far. A line longer than ``limit``
    is read to its end in ``limit``-sized pieces, never held whole, and raises
    :class:`RowTooLong`; iteration can go on after it. ``record`` counts what
    was read since the caller last set it to 0, and going past ``limit`` raises
    :class:`RowTooLong` too (a CSV row spanning many lines).
    """

    def __init__(self, handle: IO[AnyStr], limit: int) -> None:
        self._handle: IO[AnyStr] = handle
        self.limit = limit
        self.number = 0
        self.record = 0
        self._sha = hashlib.sha256()

    def __iter__(self) -> Lines[AnyStr]:
        return self

    def _hash(self, piece: AnyStr) -> None:
        self._sha.update(piece.encode("utf-8", "surrogateescape") if isinstance(piece, str) else piece)

    def __next__(self) -> AnyStr:
        line: AnyStr = self._handle.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self._hash(line)
        if len(line) > self.limit:
            piece = line
            while piece and not _ends_line(piece):
                piece = self._handle.readline(self.limit)
                self._hash(piece)
            raise RowTooLong(self.number)
        self.record += len(line)
        if self.record > self.limit:
            raise RowTooLong(self.number)
        return line

    def digest(self) -> str:
        """16 hex digits of the SHA-256 of every line read so far."""
        return self._sha.copy().hexdigest()[:16]

    def skip_to(self, number: int) -> None:
        """Read (and hash) lines until ``number`` lines are read or the file ends."""
        while self.number < number:
            try:
                next(self)
            except StopIteration:
                return
            except RowTooLong:
                pass
            self.record = 0


def _ends_line(piece: str | bytes) -> bool:
    return piece.endswith(("\n", "\r")) if isinstance(piece, str) else piece.endswith((b"\n", b"\r"))


def too_long(limit: int, unit: str) -> str:
    """The rejection message of a row longer than ``limit``."""
    return (
        f"the row is longer than {limit:,} {unit} (max_row_size); check that the file is "
        "CSV or JSONL with one row per line, or raise max_row_size"
    )


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


def read_jsonl(lines: Lines[bytes], encoding: str) -> Iterator[Item]:
    """One item per non-blank line; bytes are decoded line by line."""
    codec = "utf-8-sig" if is_utf8(encoding) else encoding
    while True:
        lines.record = 0
        try:
            raw = next(lines)
        except StopIteration:
            return
        except RowTooLong as exc:
            yield Item(exc.line, error=too_long(lines.limit, "bytes"))
            continue
        number = lines.number
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
        except RecursionError:
            yield Item(number, error="not valid JSON (nested too deeply)")
            continue
        if not isinstance(value, dict):
            yield Item(
                number,
                error=f"expected a JSON object, got {type(value).__name__}; write one {{...}} object per line",
            )
            continue
        yield Item(number, row=value)


def open_csv(lines: Lines[str], delimiter: str, path: Path) -> tuple[list[str], Any]:
    """Read the header of a CSV file: returns its columns and the reader positioned after it."""
    csv.field_size_limit(lines.limit)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise InputError(f"{path} line 1: cannot read the header ({exc})") from None
    except RowTooLong:
        raise InputError(f"{path} line 1: the header is longer than {lines.limit:,} characters") from None
    columns = [c.strip() for c in header]
    if columns and columns[0].startswith("\ufeff"):
        columns[0] = columns[0][1:]
    if any(_SURROGATE.search(c) for c in columns):
        raise InputError(
            f"{path} line 1: the header has bytes that are not valid text; re-save the file as UTF-8 or set encoding"
        )
    return columns, reader


def read_csv(columns: Sequence[str], reader: Any, lines: Lines[str], encoding: str) -> Iterator[Item]:
    """One item per record after the header; ``line`` is where the record starts."""
    width = len(columns)
    while True:
        start = lines.number + 1
        lines.record = 0
        try:
            record = next(reader)
        except StopIteration:
            return
        except RowTooLong:
            yield Item(start, error=too_long(lines.limit, "characters"))
            continue
        except csv.Error as exc:
            yield Item(start, error=f"cannot read the row ({exc})")
            continue
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
