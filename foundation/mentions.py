"""Typed values that cross module boundaries: mentions, cursors, batches.

Sources produce :class:`Mention` objects; the pipeline normalizes them into
:class:`StoredMention` rows for the store, which reads them back with their ids
(``storage.MentionRow``). Each form extends the one before it, so the field list of a
mention is written once. Raw API payloads ride along in
``raw`` for debugging only: no logic reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from foundation.query.ast import Node

__all__ = ["Batch", "BrandQuery", "Cursor", "Mention", "StoredMention"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One post, comment, review or ticket as a source delivers it.

    ``created_at`` must be timezone-aware (UTC). A source fetches for one
    brand at a time; the pipeline links what it stores to that brand.
    """

    source: str
    external_id: str
    text: str
    created_at: datetime
    url: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    language: str | None = None
    channel: str | None = None
    rating: float | None = None
    raw: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a source stopped for one brand: an opaque string only the source reads.

    ``None`` means "never collected": the source backfills its default window.
    """

    value: str | None = None

    @property
    def is_start(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class Batch:
    """Mentions a source fetched, and the cursor to store once they are saved.

    The pipeline stores the mentions and the cursor in one transaction, so a
    crash between batches neither loses nor duplicates anything.
    """

    mentions: tuple[Mention, ...]
    cursor: Cursor
    rejected: tuple[str, ...] = field(default=())
    """One human-readable line per input item the source had to skip."""
    origins: tuple[str, ...] = field(default=())
    """Where each mention is in the input, for messages: ``origins[i]`` names
    ``mentions[i]`` (a file's ``tickets.csv line 14``); empty when the source has
    no such notion."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredMention(Mention):
    """A mention after the pipeline: normalized, matched, hashed, ready to store.

    It carries every field of :class:`Mention` (``text`` normalized and possibly cut,
    ``created_at`` in UTC) plus what the pipeline adds; the added fields are keyword-only.
    ``source`` is the source *instance* name from config (``[[sources]] name``).
    ``content_hash`` identifies the same content posted twice (a retweet, a
    copy-paste); the store links such copies to the first one it saw.
    """

    collected_at: datetime
    content_hash: str


@dataclass(frozen=True, slots=True)
class BrandQuery:
    """What we listen for, for one brand: its query and its context.

    ``expression`` is the parsed form of ``query`` (see :mod:`foundation.query`).
    An empty ``languages`` tuple means every language.
    """

    name: str
    query: str
    expression: Node
    competitors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
