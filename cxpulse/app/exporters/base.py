"""What an export format provides: a class that writes chunks of ``storage.EXPORT_COLUMNS`` to a stream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, ClassVar, Protocol

from storage import ExportChunk, ExportColumn

__all__ = ["ExportOptions", "Exporter"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Choices a user makes about the output, whatever its format."""

    raw_cells: bool = False
    """CSV: write text cells as stored, without the leading ``'`` that keeps a cell starting
    with ``= + - @`` (or a tab or carriage return) from running as a spreadsheet formula."""


class Exporter(Protocol):
    """One export format. Built with the open binary stream and the columns, it writes its
    header (if any) at once, so an export of no rows is still a valid, empty file; then
    :meth:`write` takes each chunk of rows and :meth:`close` finishes the file (it does not
    close the stream)."""

    suffixes: ClassVar[tuple[str, ...]]
    """File name endings that choose this format when ``--format`` is not given (``.csv``)."""
    binary: ClassVar[bool]
    """True when the output is not text (refused on a terminal)."""

    def __init__(self, stream: BinaryIO, columns: Sequence[ExportColumn], options: ExportOptions) -> None: ...

    def write(self, chunk: ExportChunk) -> None:
        """Write the chunk's rows (``chunk.columns`` in the columns' order; ``chunk.rows()``)."""
        ...

    def close(self) -> None:
        """Finish the output (footer, flush)."""
        ...
