"""The ``file`` source: import mentions from a CSV, TSV or JSONL file.

Columns map to cxpulse fields through ``mapping`` (field -> column); a field
left out of ``mapping`` reads the column of the same name when there is one.
Only ``text`` is required. Each row becomes one mention:

- ``external_id`` is the ``id`` column, or a hash of the row's content, so
  importing the same file again stores nothing twice;
- ``created_at`` is parsed from ISO 8601, RFC 2822, ``YYYY-MM-DD[ HH:MM[:SS]]``
  or Unix epoch seconds/milliseconds, naive times in ``timezone``; a row
  without a date gets the file's modification time (UTC), which keeps
  re-imports deterministic;
- ``channel`` defaults to ``"import"``.

A bad row is reported in ``Batch.rejected`` as ``<file> line <n>, column
'<key>': <problem>; <fix>`` and the rest of the file is imported; with
``strict = true`` the whole file is checked first and an
:class:`~foundation.errors.InputError` lists the bad rows before anything is
yielded. Line numbers are physical lines where the row starts.

Cursor format (version 1)::

    v1;head=<n>:<sha256 of the first n bytes, 16 hex>;items=<rows consumed>

``n`` is min(file size, 64 KiB) at the first import. On resume, when the first
``n`` bytes still hash the same, the first ``items`` rows (good and bad,
blank lines excluded) are skipped: an append-only file (a growing export)
picks up only the new rows. When the head differs (a new export), the file is
imported from the start; rows seen before keep their external ids and the
store drops them.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from foundation.errors import InputError
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.sources.base import SourceOptions
from listener.sources.file.rows import Item, is_utf8, open_csv, read_csv, read_jsonl
from listener.sources.file.values import FIELDS, RowError, row_to_mention

__all__ = ["FileOptions", "FileSource"]

log = logging.getLogger(__name__)

_HEAD = 64 * 1024
_MAX_LISTED = 10
_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class FileOptions(SourceOptions):
    """Options of the ``file`` source (``cxpulse import`` and ``[[sources]] type = "file"``)."""

    path: Path = Field(description="The file to import (.csv, .tsv, .jsonl or .ndjson).")
    format: Literal["csv", "jsonl", "auto"] = Field(
        default="auto", description="File format; auto reads the extension."
    )
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="cxpulse field -> column or key, e.g. {text = 'body', id = 'ticket_id'}.",
    )
    encoding: str = Field(default="utf-8", description="Text encoding; a UTF-8 BOM is accepted.")
    delimiter: str | None = Field(default=None, description="CSV delimiter; default ',' (tab for .tsv).")
    strict: bool = Field(default=False, description="Refuse the whole file when any row is bad.")
    timezone: str = Field(default="UTC", description="Time zone of timestamps without one.")
    batch_size: int = Field(default=1000, ge=1, le=1_000_000, description="Rows per batch.")

    @field_validator("mapping")
    @classmethod
    def _known_fields(cls, mapping: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)}")
        return mapping

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, delimiter: str | None) -> str | None:
        if delimiter is not None and len(delimiter) != 1:
            raise ValueError("the delimiter must be one character, e.g. ';' or '\\t'")
        return delimiter

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str) -> str:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}; try 'utf-8' or 'latin-1'") from None
        return encoding


def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"file source: unknown timezone {name!r}; use an IANA name like 'Europe/Paris'") from None


def _fingerprint(path: Path, length: int) -> str:
    with path.open("rb") as handle:
        head = handle.read(length)
    return f"{len(head)}:{hashlib.sha256(head).hexdigest()[:16]}"


class FileSource:
    """Imports one CSV/TSV/JSONL file for the brand it is run for."""

    summary: ClassVar[str] = "Import mentions from a CSV, TSV or JSONL file (tickets, surveys, exports)"
    needs: ClassVar[str] = "path; optional mapping (field = column), format, encoding, timezone"
    options_model: ClassVar[type[SourceOptions]] = FileOptions
    matches_query: ClassVar[bool] = False

    def __init__(self, name: str, options: SourceOptions) -> None:
        if not isinstance(options, FileOptions):
            options = FileOptions.model_validate(options.model_dump())
        self.name = name
        self.options: FileOptions = options

    # -- the file ---------------------------------------------------------------

    def _format(self) -> str:
        opts = self.options
        if opts.format != "auto":
            return opts.format
        fmt = _FORMATS.get(opts.path.suffix.lower())
        if fmt is None:
            raise InputError(
                f"{opts.path}: cannot tell the format from the extension "
                f"{opts.path.suffix or '(none)'!r}; rename it to .csv, .tsv or .jsonl, "
                "or set format = 'csv' or 'jsonl'"
            )
        return fmt

    def _check_path(self) -> os.stat_result:
        path = self.options.path
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file; check the path") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
        if path.is_dir():
            raise InputError(f"{path}: is a directory; give a .csv, .tsv or .jsonl file")
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: cannot read it (permission denied)")
        return stat

    def _items(self, stack: ExitStack) -> tuple[Iterator[Item], dict[str, str]]:
        """Open the file; returns its items and the field -> column map to use."""
        opts, path = self.options, self.options.path
        fmt = self._format()
        mapping = dict(opts.mapping)
        try:
            if fmt == "jsonl":
                binary: IO[bytes] = stack.enter_context(path.open("rb"))
                columns = {f: mapping.get(f, f) for f in FIELDS}
                return read_jsonl(binary, opts.encoding), columns
            encoding = "utf-8-sig" if is_utf8(opts.encoding) else opts.encoding
            text = stack.enter_context(path.open("r", encoding=encoding, errors="surrogateescape", newline=""))
        except OSError as exc:
            raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
        delimiter = opts.delimiter or ("\t" if path.suffix.lower() == ".tsv" else ",")
        header, reader = open_csv(text, delimiter, path)
        text_column = mapping.get("text", "text")
        if text_column not in header:
            raise InputError(
                f"{path}: no column {text_column!r} for the mention text; the columns are "
                f"{', '.join(repr(c) for c in header)}. Map one with --map text=COLUMN"
            )
        missing = sorted(c for f, c in mapping.items() if c not in header)
        if missing:
            raise InputError(
                f"{path}: mapped column(s) {', '.join(map(repr, missing))} not in the header; "
                f"the columns are {', '.join(repr(c) for c in header)}"
            )
        columns = {f: mapping.get(f, f) for f in FIELDS if mapping.get(f, f) in header}
        return read_csv(header, reader, opts.encoding), columns

    # -- fetching ---------------------------------------------------------------

    def _convert(self, item: Item, columns: dict[str, str], zone: tzinfo, mtime: datetime) -> Mention | str:
        """The item's mention, or the one-line message saying why it is rejected."""
        where = f"{self.options.path} line {item.line}"
        label = "key" if self._format() == "jsonl" else "column"
        if item.row is None:
            key = f", {label} '{item.key}'" if item.key else ""
            return f"{where}{key}: {item.error}"
        try:
            return row_to_mention(
                item.row,
                columns,
                source=self.name,
                zone=zone,
                fallback_time=mtime,
                origin={"file": str(self.options.path), "line": item.line},
            )
        except RowError as exc:
            return f"{where}, {label} '{exc.column}': {exc}"

    def _validate_all(self, zone: tzinfo, mtime: datetime) -> None:
        problems: list[str] = []
        with ExitStack() as stack:
            items, columns = self._items(stack)
            for item in items:
                result = self._convert(item, columns, zone, mtime)
                if isinstance(result, str):
                    problems.append(result)
        if problems:
            listed = "\n  ".join(problems[:_MAX_LISTED])
            more = len(problems) - _MAX_LISTED
            tail = f"\n  ... and {more} more bad row(s)" if more > 0 else ""
            raise InputError(
                f"{self.options.path}: {len(problems)} bad row(s), nothing imported "
                f"(strict mode; drop --strict to import the good rows):\n  {listed}{tail}"
            )

    def _resume_point(self, cursor: Cursor, size: int) -> tuple[str, int]:
        """(fingerprint to store, rows to skip) for ``cursor``."""
        path = self.options.path
        if cursor.value is not None:
            parts = dict(p.split("=", 1) for p in cursor.value.split(";")[1:] if "=" in p)
            head, items = parts.get("head", ""), parts.get("items", "")
            if cursor.value.startswith("v1;") and ":" in head and items.isdigit():
                length = int(head.split(":", 1)[0])
                if length <= size and _fingerprint(path, length) == head:
                    return head, int(items)
                log.info("file: %s changed since the last import; importing it from the start", path)
            else:
                log.warning("file: unreadable cursor %r; importing %s from the start", cursor.value, path)
        return _fingerprint(path, min(size, _HEAD)), 0

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield the file's rows after ``cursor`` as mentions for ``brand``, in batches."""
        stat = self._check_path()
        zone = _zone(self.options.timezone)
        mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        fingerprint, skip = self._resume_point(cursor, stat.st_size)
        if self.options.strict:
            self._validate_all(zone, mtime)
        log.info("file: importing %s for %s (skipping %d rows)", self.options.path, brand.name, skip)
        with ExitStack() as stack:
            items, columns = self._items(stack)
            consumed = 0
            mentions: list[Mention] = []
            rejected: list[str] = []
            for item in items:
                consumed += 1
                if consumed <= skip:
                    continue
                result = self._convert(item, columns, zone, mtime)
                if isinstance(result, str):
                    rejected.append(result)
                else:
                    mentions.append(result)
                if len(mentions) + len(rejected) >= self.options.batch_size:
                    yield Batch(tuple(mentions), self._cursor(fingerprint, consumed), tuple(rejected))
                    mentions, rejected = [], []
            if mentions or rejected:
                yield Batch(tuple(mentions), self._cursor(fingerprint, consumed), tuple(rejected))

    @staticmethod
    def _cursor(fingerprint: str, consumed: int) -> Cursor:
        return Cursor(f"v1;head={fingerprint};items={consumed}")
