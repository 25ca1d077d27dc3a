"""Importing a CSV or JSONL file (tickets, survey verbatims, exports) into the store.

The file source (:mod:`listener.sources.file`) reads and validates the rows; this use
case resolves the brand, builds the source from the caller's options and runs it
through the same collect path as every other source, so a re-import stores nothing
twice and rejected rows are reported with their file, line and column.

No row is lost without a word: every row is stored, already stored (same id, same
text), dropped by the pipeline and counted (an empty text), or rejected with its line
and what to do (unreadable, too long, a bad value, a repeated id, an id already
stored for the source with another text). The next import reads every rejected row
again, so fixing the file and importing it again stores the fixed rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from cxpulse.app.collect import ProgressCallback, RunResult, collect_source
from cxpulse.config import Settings
from foundation.errors import InputError
from foundation.mentions import BrandQuery
from foundation.query.ast import Phrase
from listener.registry import source_class
from storage import Store

__all__ = ["DEFAULT_SOURCE_NAME", "import_brand", "import_file"]

DEFAULT_SOURCE_NAME = "import"
"""Source name imported mentions are stored under unless the caller names another."""


def import_brand(settings: Settings, name: str) -> BrandQuery:
    """The brand an import is labelled with: a configured brand, or (no brands configured)
    the name alone, since file imports apply no query."""
    if settings.brands:
        return settings.brand(name).as_query()
    if not name.strip() or len(name) > 100:
        raise InputError("--brand needs a name of 1 to 100 characters")
    return BrandQuery(name=name, query="", expression=Phrase((name,)))


def import_file(
    settings: Settings,
    store: Store,
    path: Path,
    brand: str,
    *,
    mapping: Mapping[str, str] | None = None,
    file_format: str = "auto",
    strict: bool = False,
    source_name: str = DEFAULT_SOURCE_NAME,
    rating_scale: tuple[float, float] | None = None,
    on_batch: ProgressCallback | None = None,
) -> RunResult:
    """Import ``path`` for ``brand``. Raises InputError for bad options and SourceError
    when the file cannot be read (or, with ``strict``, has a bad row).

    ``rating_scale`` is the (lowest, highest) rating of the file, 1 to 5 by default."""
    brand_query = import_brand(settings, brand)
    cls = source_class("file")
    values: dict[str, object] = {"path": path, "format": file_format, "mapping": dict(mapping or {}), "strict": strict}
    if rating_scale is not None:
        values["rating_scale"] = rating_scale
    try:
        options = cls.options_model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InputError(f"{path}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    source = cls(source_name, options)
    return collect_source(source, brand_query, store, settings=settings.pipeline, on_batch=on_batch)
