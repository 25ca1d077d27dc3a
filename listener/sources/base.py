"""The contract every source meets, built-in or third-party.

A source turns one brand's query and its cursor into batches of typed
mentions. Sources never touch storage: the pipeline stores each batch and the
cursor that comes with it in one transaction.

To add a source, write a class like this and register it in your package's
``pyproject.toml``::

    [project.entry-points."cxpulse.sources"]
    mysource = "mypackage.mysource:MySource"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from foundation.mentions import Batch, BrandQuery, Cursor

__all__ = ["Source", "SourceOptions"]


class SourceOptions(BaseModel):
    """Base of each source's ``options`` table; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@runtime_checkable
class Source(Protocol):
    """One place mentions come from (a network, a review site, a file)."""

    summary: ClassVar[str]
    """One line for ``cxpulse sources list``: what it collects."""

    needs: ClassVar[str]
    """One line: the options and credentials it needs."""

    options_model: ClassVar[type[SourceOptions]]
    """The pydantic model its ``options`` table is validated against."""

    matches_query: ClassVar[bool]
    """True when the pipeline must keep only mentions that match the brand
    query (social and review sources); False when every mention belongs to the
    brand it was fetched for (a file imported for one brand)."""

    # Optional: ``checks_reused_ids: ClassVar[bool]`` (default False). True when ids
    # are the user's own (a file): the pipeline then refuses and reports a mention
    # whose id is already stored for the source with another text, instead of
    # counting it as already stored, and keeps the cursor before it.

    name: str
    """The instance name from config (``[[sources]] name``), used in cursors and logs."""

    def __init__(self, name: str, options: SourceOptions) -> None:
        """Build from the instance name and validated options. No I/O here:
        secrets in ``options`` are already resolved, connections open in ``fetch``."""
        ...

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield batches of new mentions for ``brand`` after ``cursor``.

        Each batch carries the cursor to store once its mentions are saved.
        Raises :class:`foundation.errors.SourceError` subclasses on failure.
        """
        ...
