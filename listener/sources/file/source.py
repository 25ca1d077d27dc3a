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
yielded. Line numbers are physical lines where the row starts. Bad rows are:

- unreadable ones (not JSON, wrong field count, bytes not in ``encoding``);
- a row longer than ``max_row_size`` (bytes of JSONL, characters of CSV; a
  CSV row may span lines): it is read past in bounded pieces, never held;
- a missing or empty text, a date or number that cannot be read, a rating
  outside ``rating_scale``;
- a repeated id: the first row with an id is imported, every later row with
  the same id is rejected naming the first one's line (without an id column,
  a row identical to an earlier one is such a repeat). The ids read in one
  run are kept in memory for this (about 100 bytes each).

Only regular files are read: a FIFO, a device (``/dev/zero``) or a socket is
refused before it is opened, so an import never hangs or reads forever.

Resume (cursor format version 2)::

    v2;lines=<n1>:<h1>,<n2>:<h2>,...

Each checkpoint is a physical line count ``n`` at the end of a batch and the
first 16 hex digits of the SHA-256 of the file's first ``n`` lines. The next
import re-hashes the file and resumes after the last checkpoint whose lines
are unchanged, so a file that grew (an export appended to) is read from where
the last import stopped, and a file changed anywhere is read again from the
last checkpoint before the change; rows read again that are already stored
are not stored twice. No checkpoint is ever placed after a rejected row: the
next import reads every rejected row again, so a fixed row is imported and a
row still bad is reported again. At most 64 checkpoints are kept (every other
one is dropped, the newest kept). A version-1 cursor (a hash of the first 64
KiB) is read as "from the start".
"""

from __future__ import annotations

import codecs
import logging
import math
import os
import stat as stat_kind
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from foundation.errors import InputError
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.sources.base import SourceOptions
from listener.sources.file.rows import Item, Lines, is_utf8, open_csv, read_csv, read_jsonl
from listener.sources.file.values import FIELDS, RowError, row_to_mention

__all__ = ["FileOptions", "FileSource"]

log = logging.getLogger(__name__)

_MAX_ROW = 16 * 1024 * 1024
_MAX_CHECKPOINTS = 64
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
    rating_scale: tuple[float, float] = Field(
        default=(1.0, 5.0),
        description="Lowest and highest rating, e.g. [0, 10]; a rating outside is a rejected row.",
    )
    max_row_size: int = Field(
        default=_MAX_ROW,
        ge=1024,
        le=1024**3,
        description="Longest row read, in bytes (JSONL) or characters (CSV); a longer row is rejected.",
    )

    @field_validator("rating_scale")
    @classmethod
    def _ordered(cls, scale: tuple[float, float]) -> tuple[float, float]:
        low, high = scale
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError("the rating scale is [lowest, highest] with lowest < highest, e.g. [1, 5]")
        return scale

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


Checkpoint = tuple[int, str]
"""(physical lines read, 16 hex digits of the SHA-256 of those lines)."""


def _parse_cursor(cursor: Cursor) -> list[Checkpoint]:
    """The checkpoints of a version-2 cursor; [] for no cursor, an old or an unreadable one."""
    if cursor.value is None:
        return []
    version, _, rest = cursor.value.partition(";")
    if version == "v1":
        log.info("file: the stored cursor is from an older cxpulse; the file is read from the start")
        return []
    checkpoints: list[Checkpoint] = []
    if version == "v2" and rest.startswith("lines="):
        for part in filter(None, rest.removeprefix("lines=").split(",")):
            number, _, digest = part.partition(":")
            if not number.isdigit() or len(digest) != 16:
                checkpoints = []
                break
            checkpoints.append((int(number), digest))
        else:
            return checkpoints
    log.warning("file: unreadable cursor %r; the file is read from the start", cursor.value)
    return []


def _format_cursor(checkpoints: list[Checkpoint]) -> Cursor:
    return Cursor("v2;lines=" + ",".join(f"{n}:{d}" for n, d in checkpoints))


def _add_checkpoint(checkpoints: list[Checkpoint], checkpoint: Checkpoint) -> list[Checkpoint]:
    if checkpoints and checkpoints[-1][0] >= checkpoint[0]:
        return checkpoints
    kept = [*checkpoints, checkpoint]
    if len(kept) > _MAX_CHECKPOINTS:
        kept = [*kept[-2::-2][::-1], kept[-1]]
    return kept


class FileSource:
    """Imports one CSV/TSV/JSONL file for the brand it is run for."""

    summary: ClassVar[str] = "Import mentions from a CSV, TSV or JSONL file (tickets, surveys, exports)"
    needs: ClassVar[str] = "path; optional mapping (field = column), format, encoding, timezone"
    options_model: ClassVar[type[SourceOptions]] = FileOptions
    matches_query: ClassVar[bool] = False
    checks_reused_ids: ClassVar[bool] = True
    """Ids come from the user's file: the pipeline refuses (and reports) a row whose id
    is already stored for this source with another text."""

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
        if stat_kind.S_ISDIR(stat.st_mode):
            raise InputError(f"{path}: is a directory; give a .csv, .tsv or .jsonl file")
        if not stat_kind.S_ISREG(stat.st_mode):
            raise InputError(
                f"{path}: is not a regular file (a pipe, device or socket), which an import cannot "
                f"resume or bound; save the data to a file first, e.g. `cat {path} > rows.jsonl`"
            )
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: cannot read it (permission denied)")
        return stat

    def _lines(self, stack: ExitStack) -> Lines[bytes] | Lines[str]:
        """Open the file: bytes for JSONL (decoded line by line), text for CSV."""
        return self._binary_lines(stack) if self._format() == "jsonl" else self._text_lines(stack)

    def _binary_lines(self, stack: ExitStack) -> Lines[bytes]:
        try:
            return Lines(stack.enter_context(self.options.path.open("rb")), self.options.max_row_size)
        except OSError as exc:
            raise InputError(f"{self.options.path}: cannot read it ({exc.strerror})") from None

    def _text_lines(self, stack: ExitStack) -> Lines[str]:
        opts = self.options
        encoding = "utf-8-sig" if is_utf8(opts.encoding) else opts.encoding
        try:
            handle = stack.enter_context(opts.path.open("r", encoding=encoding, errors="surrogateescape", newline=""))
        except OSError as exc:
            raise InputError(f"{opts.path}: cannot read it ({exc.strerror})") from None
        return Lines(handle, opts.max_row_size)

    def _items(
        self, stack: ExitStack, resume_line: int = 0
    ) -> tuple[Iterator[Item], dict[str, str], Lines[bytes] | Lines[str]]:
        """Open the file; returns its items after line ``resume_line``, the field -> column
        map to use, and the lines being read (for checkpoints)."""
        opts, path = self.options, self.options.path
        mapping = dict(opts.mapping)
        if self._format() == "jsonl":
            binary = self._binary_lines(stack)
            binary.skip_to(resume_line)
            columns = {f: mapping.get(f, f) for f in FIELDS}
            return read_jsonl(binary, opts.encoding), columns, binary
        text = self._text_lines(stack)
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
        text.skip_to(resume_line)
        columns = {f: mapping.get(f, f) for f in FIELDS if mapping.get(f, f) in header}
        return read_csv(header, reader, text, opts.encoding), columns, text

    # -- fetching ---------------------------------------------------------------

    def _convert(
        self, item: Item, columns: dict[str, str], zone: tzinfo, mtime: datetime, seen: dict[str, int]
    ) -> Mention | str:
        """The item's mention, or the one-line message saying why it is rejected.

        ``seen`` maps each id imported so far in this run to its line; a repeat is rejected.
        """
        where = f"{self.options.path} line {item.line}"
        label = "key" if self._format() == "jsonl" else "column"
        if item.row is None:
            key = f", {label} '{item.key}'" if item.key else ""
            return f"{where}{key}: {item.error}"
        try:
            mention = row_to_mention(
                item.row,
                columns,
                source=self.name,
                zone=zone,
                fallback_time=mtime,
                origin={"file": str(self.options.path), "line": item.line},
                rating_scale=self.options.rating_scale,
            )
        except RowError as exc:
            return f"{where}, {label} '{exc.column}': {exc}"
        first = seen.setdefault(mention.external_id, item.line)
        if first != item.line:
            given = item.row.get(columns["id"]) if "id" in columns else None
            if given is not None and str(given).strip():
                return (
                    f"{where}, {label} '{columns['id']}': id {mention.external_id!r} is also on line {first}, "
                    "which is the one imported; give each row its own id, or remove the repeated row"
                )
            return (
                f"{where}: the same row as line {first}, which is the one imported (rows without an id "
                "are told apart by their content); remove the repeated row, or add an id column if both are real"
            )
        return mention

    def _validate_all(self, zone: tzinfo, mtime: datetime) -> None:
        problems: list[str] = []
        seen: dict[str, int] = {}
        with ExitStack() as stack:
            items, columns, _ = self._items(stack)
            for item in items:
                result = self._convert(item, columns, zone, mtime, seen)
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

    def _resume_point(self, cursor: Cursor) -> list[Checkpoint]:
        """The checkpoints of ``cursor`` whose lines are unchanged in the file, oldest first;
        the import resumes after the last of them."""
        checkpoints = _parse_cursor(cursor)
        if not checkpoints:
            return []
        kept: list[Checkpoint] = []
        with ExitStack() as stack:
            lines = self._lines(stack)
            for number, digest in checkpoints:
                lines.skip_to(number)
                if lines.number != number or lines.digest() != digest:
                    break
                kept.append((number, digest))
        if len(kept) < len(checkpoints):
            where = f"after line {kept[-1][0]}" if kept else "from the start"
            log.info(
                "file: %s differs from what the last import of %s read; reading it %s",
                self.options.path,
                self.name,
                where,
            )
        return kept

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield the file's rows after ``cursor`` as mentions for ``brand``, in batches."""
        stat = self._check_path()
        zone = _zone(self.options.timezone)
        mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        checkpoints = self._resume_point(cursor)
        resume_line = checkpoints[-1][0] if checkpoints else 0
        if self.options.strict:
            self._validate_all(zone, mtime)
        log.info("file: importing %s for %s (from line %d)", self.options.path, brand.name, resume_line + 1)
        seen: dict[str, int] = {}
        with ExitStack() as stack:
            items, columns, lines = self._items(stack, resume_line)
            mentions: list[Mention] = []
            origins: list[str] = []
            rejected: list[str] = []
            clean = True  # no rejected row yet: checkpoints may still advance
            for item in items:
                result = self._convert(item, columns, zone, mtime, seen)
                if isinstance(result, str):
                    rejected.append(result)
                    clean = False
                else:
                    mentions.append(result)
                    origins.append(f"{self.options.path} line {item.line}")
                if len(mentions) + len(rejected) >= self.options.batch_size:
                    if clean:
                        checkpoints = _add_checkpoint(checkpoints, (lines.number, lines.digest()))
                    yield Batch(tuple(mentions), _format_cursor(checkpoints), tuple(rejected), tuple(origins))
                    mentions, origins, rejected = [], [], []
            if clean:
                checkpoints = _add_checkpoint(checkpoints, (lines.number, lines.digest()))
            last = _format_cursor(checkpoints)
            if mentions or rejected or (checkpoints and last != cursor):
                yield Batch(tuple(mentions), last, tuple(rejected), tuple(origins))
