"""Exporting mentions with their labels and triage state: CSV, JSON Lines, Parquet or a plugin's format.

::

    plan = plan_export(store, "refund", SearchFilters(brands=("Acme",)), output=Path("acme.parquet"))
    report = write_export(store, plan, progress=print)

:func:`plan_export` checks everything that can be checked before a row is read (the
query, the format, where the rows go, that the store has labels) and counts the
mentions, so a progress bar knows its total; :func:`write_export` streams them, a
chunk at a time (``storage.Store.export_chunks``: constant memory for millions of
rows), into the format's :class:`~cxpulse.app.exporters.Exporter`. A file is written
under a temporary name beside it and renamed when complete, so a failed export never
leaves half a file (or clobbers the one that was there). The columns are
``storage.EXPORT_COLUMNS`` (docs/exports.md).
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from cxpulse.app.exporters import Exporter, ExportOptions, exporter_class, format_for_path
from foundation.errors import ExportError
from foundation.query import parse, require_positive
from foundation.query.ast import Node
from storage import EXPORT_COLUMNS, ExportChunk, SearchFilters, Store

__all__ = ["CHUNK_SIZE", "DEFAULT_FORMAT", "ExportPlan", "ExportReport", "plan_export", "write_export"]

log = logging.getLogger(__name__)

CHUNK_SIZE = 10_000
"""Mentions read, converted and written at a time (a Parquet row group each)."""
DEFAULT_FORMAT = "csv"
"""The format when neither ``format`` nor the output's file name says one."""


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """An export checked and ready to write: what, in which format, where, and how many rows."""

    query: Node | None
    filters: SearchFilters
    format: str
    exporter: type[Exporter]
    output: Path | None
    """The file to write; None: the ``stream`` given to :func:`write_export` (stdout)."""
    total: int
    """How many mentions match (the progress bar's total)."""
    options: ExportOptions


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What :func:`write_export` wrote."""

    rows: int
    format: str
    output: Path | None


def plan_export(
    store: Store,
    query: str,
    filters: SearchFilters,
    *,
    format: str | None = None,
    output: Path | None = None,
    to_terminal: bool = False,
    options: ExportOptions = ExportOptions(),  # noqa: B008 (frozen, so safe)
    allow_unclassified: bool = False,
) -> ExportPlan:
    """Check an export of the mentions ``query`` and ``filters`` find (as ``cxpulse search``
    would) and count them.

    ``format`` is an installed exporter's name; None: the one the ``output`` file name
    ends with, else CSV. ``to_terminal``: the rows would go to a terminal (no ``output``),
    where a binary format is refused. Unless ``allow_unclassified``, a store with no
    classification by ``filters.model_version`` is refused (every label column would be
    empty). Raises :class:`ExportError` or :class:`QueryError`, saying what to do.
    """
    node = require_positive(parse(query), query) if query.strip() else None
    name = format or (format_for_path(output) if output is not None else None) or DEFAULT_FORMAT
    exporter = exporter_class(name)
    if output is None and to_terminal and exporter.binary:
        raise ExportError(
            f"{name} is a binary format and stdout is a terminal; write it to a file with -o FILE.{name} "
            "or pipe it to a program"
        )
    if output is not None:
        _check_writable(output)
    if not allow_unclassified and not store.has_classifications(filters.model_version):
        which = f"by model {filters.model_version}" if filters.model_version else "at all"
        raise ExportError(
            f"the results store at {store.display_url} holds no classifications {which}, so every label "
            "column would be empty; run `cxpulse classify` first, or pass --allow-unclassified to export "
            "the mentions without labels"
        )
    total = store.export_count(node, filters)
    return ExportPlan(node, filters, name, exporter, output, total, options)


def _check_writable(output: Path) -> None:
    if output.is_dir():
        raise ExportError(f"cannot write the export to {output}: it is a folder; give a file name with -o")
    folder = output.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write the export to {output}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise ExportError(f"cannot write the export to {output}: permission denied; choose another file with -o")


def write_export(
    store: Store,
    plan: ExportPlan,
    *,
    stream: BinaryIO | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ExportReport:
    """Write the planned export to ``plan.output`` (or to ``stream`` when it has none),
    calling ``progress`` with the rows written so far after each chunk."""
    if plan.output is None and stream is None:
        raise ValueError("an export without an output file needs a stream")
    rows = 0
    with _destination(plan.output, stream) as target:
        exporter = plan.exporter(target, EXPORT_COLUMNS, plan.options)
        try:
            with _read_ahead(store.export_chunks(plan.query, plan.filters, chunk_size=chunk_size)) as chunks:
                for chunk in chunks:
                    exporter.write(chunk)
                    rows += len(chunk)
                    if progress is not None:
                        progress(rows)
        finally:
            exporter.close()
    log.debug("exported %d mentions as %s", rows, plan.format)
    return ExportReport(rows, plan.format, plan.output)


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


_END = object()


@contextmanager
def _read_ahead(chunks: Iterator[ExportChunk]) -> Iterator[Iterator[ExportChunk]]:
    """``chunks``, the next one read by a thread while the caller writes the current one.

    The database drivers (while a query runs) and pyarrow (while it encodes and compresses)
    release the GIL, so on a second core reading and writing overlap. One chunk is read
    ahead at most; leaving the block early stops the reader and closes ``chunks`` in its
    thread (so the store's connection is given back); a reader's error is raised here.
    """
    ready: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not hand(chunk):
                    return
            hand(_END)
        except BaseException as exc:  # handed to the writing thread, which raises it
            hand(_Failed(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def received() -> Iterator[ExportChunk]:
        while (item := ready.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield cast(ExportChunk, item)

    reader = threading.Thread(target=read, name="cxpulse-export-reader", daemon=True)
    reader.start()
    try:
        yield received()
    finally:
        stop.set()
        reader.join()


@contextmanager
def _destination(output: Path | None, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    """``stream``, or a temporary file beside ``output`` renamed to it when the block succeeds."""
    if output is None:
        assert stream is not None
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:
            raise ExportError("the program reading the export stopped before the end (a closed pipe)") from None
        return
    where = f"cannot write the export to {output}"
    try:
        handle = tempfile.NamedTemporaryFile(
            dir=output.parent, prefix=f".{output.name}.", suffix=".partial", delete=False
        )
    except OSError as exc:
        raise ExportError(f"{where}: {exc.strerror or exc}; choose another file with -o") from exc
    partial = Path(handle.name)
    try:
        with handle:
            yield handle  # type: ignore[misc]
        os.replace(partial, output)
    except OSError as exc:
        raise ExportError(f"{where}: {exc.strerror or exc}; free space there or choose another file with -o") from exc
    finally:
        partial.unlink(missing_ok=True)
