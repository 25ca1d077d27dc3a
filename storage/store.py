"""The :class:`Store` facade: the one object the pipeline, CLI and web talk to.

Each method is one short unit of work on its own connection and transaction.
SQLAlchemy errors are turned into :class:`StorageError` with a message that
says what to do (:mod:`storage.connections`); :class:`QueryError` from a
search query passes through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import Engine, func, select

from foundation.clock import Clock, utc_now
from foundation.errors import LeaseLost, StorageError
from foundation.mentions import Cursor, StoredMention
from foundation.query.ast import Node
from storage import classifications, export, leases, migrate, search
from storage.classifications import (
    ClassificationSaveResult,
    ClassificationSummary,
    ClassificationValues,
    MentionText,
)
from storage.connections import database_errors, reading, writing
from storage.engine import display_url, make_engine
from storage.export import ExportChunk
from storage.leases import Lease
from storage.models import MentionBrandModel, MentionModel, SourceCursorModel
from storage.results import (
    CursorStatus,
    DueOrder,
    MentionRow,
    SaveResult,
    SearchFilters,
    SearchHit,
    StoreSummary,
)
from storage.search.counts import facet_counts
from storage.search.execute import brands_of
from storage.writes import matching, save_batch, upsert_cursor

__all__ = ["Store"]

log = logging.getLogger(__name__)


class Store:
    """The results store: mentions, their brands, cursors, and search over them.

    Build it with :meth:`open`; create or update the schema with
    :meth:`upgrade`. ``clock`` returns the current UTC time (tests pass a
    fixed one).
    """

    def __init__(self, engine: Engine, *, url: str, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._url = url
        self._clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> Store:
        """Prepare a store for ``url`` (SQLite or PostgreSQL); connects lazily, migrates nothing."""
        return cls(make_engine(url), url=url, clock=clock)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for the query modules of ``storage``, scripts and tests.

        The application layer never needs it: it calls the Store's methods and
        the functions of ``storage.alerts``, ``storage.digests`` and ``storage.digest_runs``.
        """
        return self._engine

    def now(self) -> datetime:
        """The store's current UTC time (its clock; tests fix it)."""
        return self._clock()

    @property
    def url(self) -> str:
        """The URL the store was opened with, any password included: for handing to a process
        that opens the same store, never for a message or a log (:attr:`display_url` is)."""
        return self._url

    @property
    def display_url(self) -> str:
        """The database URL with any password masked, for messages and logs."""
        return display_url(self._engine.url)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"

    # --- schema -------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Apply the migrations up to ``revision`` (a no-op when already there)."""
        with database_errors(self._engine, "apply the schema migrations"):
            try:
                migrate.upgrade(self._engine, revision)
            except CommandError as exc:
                raise StorageError(f"cannot migrate the results store to {revision!r}: {exc}") from exc
        log.debug("results store at revision %s", self.current_revision())

    def current_revision(self) -> str | None:
        """The migration revision the database is at (None: never migrated)."""
        with database_errors(self._engine, "read the schema revision"):
            return migrate.current_revision(self._engine)

    def is_initialized(self) -> bool:
        """True when every migration is applied."""
        return self.current_revision() == migrate.head_revision()

    # --- writes -------------------------------------------------------------------------

    def save_batch(
        self,
        mentions: Sequence[StoredMention],
        *,
        source: str,
        brand: str,
        cursor: Cursor,
        expected: Cursor | None = None,
        lease: Lease | None = None,
    ) -> SaveResult:
        """Store a batch for ``brand`` and advance ``source``'s cursor, in one transaction.

        With ``lease`` (the cursor's, :func:`storage.claims.hold_cursor`) the same
        transaction renews it for its length again, and raises :class:`LeaseLost`,
        storing nothing, when another collector took the cursor over.

        Mentions already stored (same ``source`` and ``external_id``) are not
        stored again but are linked to ``brand``; new copies of content seen
        before are linked to the first copy via ``duplicate_of_id``. Every
        mention must come from ``source``.

        ``expected``: the cursor the caller last loaded or saved. When another
        run has moved the stored cursor since, nothing is stored and
        :class:`~foundation.errors.CursorMoved` is raised: two runs of one
        source and brand never move its cursor backwards.
        """
        with writing(self._engine, "save mentions") as connection:
            if lease is not None:
                now = self._clock()
                if not leases.renew(connection, lease, now=now, lease_for=lease.expires_at - lease.acquired_at):
                    raise LeaseLost(
                        f"the cursor of {source} for {brand} was taken over by another collector after this "
                        "one's lease expired; this batch was not stored (the other collector stores it); "
                        "raise [execution] lease_seconds if collecting one page takes that long"
                    )
            result = save_batch(
                connection, mentions, source=source, brand=brand, cursor=cursor, now=self._clock(), expected=expected
            )
        log.debug(
            "saved %d new mentions from %s for %s (%d already stored, %d duplicates)",
            result.inserted,
            source,
            brand,
            result.already_stored,
            result.duplicates_linked,
        )
        return result

    def record_source_error(self, source: str, brand: str, message: str) -> None:
        """Remember that ``source`` failed for ``brand`` (the cursor is left as it was)."""
        with writing(self._engine, "record a source error") as connection:
            upsert_cursor(connection, source, brand, now=self._clock(), error=message)

    # --- reads --------------------------------------------------------------------------

    def load_cursor(self, source: str, brand: str) -> Cursor:
        """Where ``source`` stopped for ``brand``; ``Cursor()`` when it never collected."""
        c = SourceCursorModel
        stmt = select(c.value).where(c.source == source, c.brand == brand)
        with reading(self._engine, "load a cursor") as connection:
            value = connection.execute(stmt).scalar_one_or_none()
        return Cursor(value)

    def content_hashes(self, source: str, external_ids: Sequence[str]) -> dict[str, str]:
        """``{external_id: content_hash}`` of those of ``external_ids`` already stored for ``source``."""
        if not external_ids:
            return {}
        m = MentionModel
        stmt = matching(
            self._engine.dialect.name,
            select(m.external_id, m.content_hash).where(m.source == source),
            m.external_id,
            list(dict.fromkeys(external_ids)),
        )
        with reading(self._engine, "read stored mentions") as connection:
            return {external_id: content_hash for external_id, content_hash in connection.execute(stmt)}

    def source_status(self) -> list[CursorStatus]:
        """One line per (source, brand) ever collected or failed, sorted by source and brand."""
        c = SourceCursorModel
        stmt = select(c).order_by(c.source, c.brand)
        with reading(self._engine, "read source status") as connection:
            rows = connection.execute(stmt).all()
        return [
            CursorStatus(
                source=row.source,
                brand=row.brand,
                cursor=Cursor(row.value),
                updated_at=row.updated_at,
                last_success_at=row.last_success_at,
                last_error_at=row.last_error_at,
                last_error=row.last_error,
                mentions_collected=row.mentions_collected,
            )
            for row in rows
        ]

    def search(
        self,
        query: Node | None,
        filters: SearchFilters = SearchFilters(),  # noqa: B008 (frozen, so safe)
        *,
        limit: int = 20,
        offset: int = 0,
        order: str | DueOrder = "relevance",
    ) -> list[SearchHit]:
        """Mentions matching ``query`` and ``filters``, most relevant first.

        Without a query, a filtered listing, newest first. ``order`` is one of
        ``storage.search.ORDERS`` ("newest", "oldest", "priority": urgent first,
        then newest) or a :class:`DueOrder` (the nearest SLA deadline first).
        Raises :class:`QueryError` for a query with nothing to search for.
        """
        with reading(self._engine, "search") as connection:
            return search.search(connection, query, filters, limit, offset, order)

    def search_counted(
        self,
        query: Node | None,
        filters: SearchFilters = SearchFilters(),  # noqa: B008
        *,
        limit: int = 20,
        offset: int = 0,
        order: str | DueOrder = "relevance",
    ) -> tuple[list[SearchHit], int]:
        """:meth:`search`'s page and :meth:`count`'s total, read together: a page ranked by
        relevance counts its candidates in the same pass, a page shorter than ``limit`` is the
        last (its end is the total), and only what is left is counted separately."""
        with reading(self._engine, "search") as connection:
            return search.search_counted(connection, query, filters, limit, offset, order)

    def facet_counts(
        self,
        query: Node | None,
        filters: SearchFilters,
        dimensions: Sequence[str],
    ) -> dict[str, dict[str | None, int]]:
        """Matches per value of each dimension (``storage.search.counts.DIMENSIONS``), each
        counted without the filter on its own dimension."""
        with reading(self._engine, "count search matches per filter value") as connection:
            return facet_counts(connection, query, filters, dimensions).counts

    def search_faceted(
        self,
        query: Node | None,
        filters: SearchFilters,
        dimensions: Sequence[str],
        *,
        limit: int = 20,
        offset: int = 0,
        order: str | DueOrder = "relevance",
    ) -> tuple[list[SearchHit], int, dict[str, dict[str | None, int]]]:
        """:meth:`search_counted` and :meth:`facet_counts` in one read: the total comes from
        the counting when one of its match sets is the search's own (it is whenever a
        dimension's filter is not set), so the matches are not found a second time."""
        with reading(self._engine, "search and count matches per filter value") as connection:
            facets = facet_counts(connection, query, filters, dimensions)
            if facets.total is None:
                hits, total = search.search_counted(connection, query, filters, limit, offset, order)
            else:
                hits, total = search.search(connection, query, filters, limit, offset, order), facets.total
        return hits, total, facets.counts

    def count(
        self,
        query: Node | None,
        filters: SearchFilters = SearchFilters(),  # noqa: B008
    ) -> int:
        """How many mentions :meth:`search` would find without a limit."""
        with reading(self._engine, "count") as connection:
            return search.count(connection, query, filters)

    def export_chunks(
        self,
        query: Node | None,
        filters: SearchFilters = SearchFilters(),  # noqa: B008
        *,
        chunk_size: int = 5000,
    ) -> Iterator[ExportChunk]:
        """Every mention :meth:`search` would find, with its labels and triage state (the
        columns ``storage.EXPORT_COLUMNS``), in id order, ``chunk_size`` rows at a time.

        One read connection for the whole export (closed when the iterator is exhausted or
        closed); memory stays at one chunk however many mentions match.
        """
        with reading(self._engine, "export mentions") as connection:
            yield from export.export_chunks(connection, query, filters, chunk_size=chunk_size)

    def export_count(
        self,
        query: Node | None,
        filters: SearchFilters = SearchFilters(),  # noqa: B008
    ) -> int:
        """How many mentions :meth:`export_chunks` gives (as :meth:`count`), read the way an
        export reads (on SQLite without memory-mapping the file, whose pages would otherwise
        count as this process's memory)."""
        with reading(self._engine, "count the mentions to export") as connection:
            return export.count_matches(connection, query, filters)

    def has_classifications(self, model_version: str | None = None) -> bool:
        """True when the store holds a classification by ``model_version`` (None: by any version)."""
        with reading(self._engine, "look for classifications") as connection:
            return export.has_classifications(connection, model_version)

    def get_mention(self, source: str, external_id: str) -> MentionRow | None:
        """The stored mention ``(source, external_id)``, or None."""
        m = MentionModel
        stmt = select(m).where(m.source == source, m.external_id == external_id)
        with reading(self._engine, "read a mention") as connection:
            row = connection.execute(stmt).one_or_none()
            if row is None:
                return None
            brands = brands_of(connection, [row.id]).get(row.id, ())
        return MentionRow.from_row(row, brands)

    def summary(self) -> StoreSummary:
        """Totals: mentions, duplicates, and counts by brand, source, language and channel."""
        m, link = MentionModel, MentionBrandModel
        with reading(self._engine, "summarize") as connection:
            total, duplicates, first, last = connection.execute(
                select(
                    func.count(),
                    func.count(m.duplicate_of_id),
                    func.min(m.created_at),
                    func.max(m.created_at),
                )
            ).one()

            def counts(column: Any) -> dict[Any, int]:
                stmt = select(column, func.count()).group_by(column).order_by(func.count().desc(), column)
                return {key: int(n) for key, n in connection.execute(stmt)}

            return StoreSummary(
                mentions=int(total),
                duplicates=int(duplicates),
                by_brand=counts(link.brand),
                by_source=counts(m.source),
                by_language=counts(m.language),
                by_channel=counts(m.channel),
                first_created_at=_aware(first),
                last_created_at=_aware(last),
            )

    # --- classifications (see storage.classifications) ------------------------------------

    def save_classifications(self, items: Sequence[tuple[int, ClassificationValues]]) -> ClassificationSaveResult:
        """Upsert ``(mention_id, classification)`` pairs in one transaction.

        A classification replaces the mention's earlier one for the same model
        version; the mentions' duplicates get copies, and flagged mentions that
        are no duplicates get a triage item with status ``open`` if they had none.
        """
        with writing(self._engine, "save classifications") as connection:
            return classifications.save_classifications(connection, items, now=self._clock())

    def copy_to_duplicates(self, model_version: str) -> int:
        """Give unclassified duplicates their original's classification for ``model_version``."""
        with writing(self._engine, "copy classifications to duplicates") as connection:
            return classifications.copy_to_duplicates(connection, model_version, now=self._clock())

    def mentions_to_classify(
        self, model_version: str, *, redo: str | bool = False, after_id: int = 0, limit: int = 500
    ) -> list[MentionText]:
        """The next mentions (by id, above ``after_id``) the model must read for ``model_version``.

        ``redo`` False: those without a classification for ``model_version``;
        True: every mention; a version string: those classified by that version.
        Duplicates that can take their original's classification are left out.
        """
        with reading(self._engine, "list mentions to classify") as connection:
            return classifications.mentions_page(connection, model_version, redo=redo, after_id=after_id, limit=limit)

    def count_to_classify(self, model_version: str, *, redo: str | bool = False) -> int:
        """How many mentions :meth:`mentions_to_classify` lists in all."""
        with reading(self._engine, "count mentions to classify") as connection:
            return classifications.count_mentions(connection, model_version, redo=redo)

    def latest_model_version(self) -> str | None:
        """The model version of the most recent classification (None: nothing classified yet)."""
        with reading(self._engine, "read the model version") as connection:
            return classifications.latest_model_version(connection)

    def classification_summary(self, model_version: str, *, since: datetime | None = None) -> ClassificationSummary:
        """Counts by sentiment, gap and emotion, and flagged, for ``model_version``."""
        with reading(self._engine, "summarize classifications") as connection:
            return classifications.summarize(connection, model_version, since=since)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()


def _aware(value: datetime | str | None) -> datetime | None:
    """min()/max() over a SQLite text column lose the column type: parse and mark UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
