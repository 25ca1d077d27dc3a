"""Reading mentions with their labels and triage state for an export, a chunk at a time.

:data:`EXPORT_COLUMNS` is the export's contract: the stable column names, in order,
with their kind (the exporters map a kind to a CSV cell, a JSON value or a Parquet
type). :func:`export_chunks` reads the mentions that :func:`storage.search.execute.search`
would find (the same :func:`~storage.search.filters.filter_conditions`, the same
query matcher) in ``id`` order, keyset-paginated (``id > last id``, ``LIMIT``), so
memory stays constant however many rows there are. Each chunk is one statement
joining ``classifications`` (the filters' model version, or each mention's newest) and
``triage``, the brands as a JSON list from a correlated subquery. A chunk is column-oriented
(:class:`ExportChunk`): values come as the driver gives them and each column is decoded
at once (one msgspec decode per JSON column, ``datetime.fromisoformat`` for SQLite's
times), so an export skips SQLAlchemy's per-value processing. No ORM objects, nothing
kept between chunks.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased

from foundation.query.ast import Node
from storage.engine import SQLITE_MMAP_BYTES
from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.results import SearchFilters
from storage.search.execute import count, matching_ids
from storage.search.filters import filter_conditions

__all__ = ["EXPORT_COLUMNS", "ExportChunk", "ExportColumn", "count_matches", "export_chunks", "has_classifications"]

ColumnKind = Literal["int", "float", "str", "bool", "datetime", "strings", "scores"]
"""``strings``: a list of text values; ``scores``: a mapping of label name to probability."""


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column of an export: its stable name, its kind and what it holds."""

    name: str
    kind: ColumnKind
    description: str


m = MentionModel
c = aliased(ClassificationModel, name="labels")
t = aliased(TriageItemModel, name="triage_item")
"""Aliases: the filters' own subqueries over ``classifications`` and ``triage`` must not
correlate into the export's joins of them."""

_MENTION: tuple[tuple[ExportColumn, Any], ...] = (
    (ExportColumn("id", "int", "The mention's id in this store."), m.id),
    (ExportColumn("source", "str", "The source instance it was collected from."), m.source),
    (ExportColumn("external_id", "str", "Its id at the source."), m.external_id),
    (ExportColumn("created_at", "datetime", "When it was written (UTC)."), m.created_at),
    (ExportColumn("collected_at", "datetime", "When cxpulse collected it (UTC)."), m.collected_at),
    (ExportColumn("author_handle", "str", "The author's handle at the source."), m.author_handle),
    (ExportColumn("author_name", "str", "The author's display name."), m.author_name),
    (ExportColumn("author_followers", "int", "The author's followers, when the source says."), m.author_followers),
    (ExportColumn("language", "str", "Detected language code (en, es, ...)."), m.language),
    (ExportColumn("channel", "str", "twitter, reddit, app_review, ..."), m.channel),
    (ExportColumn("rating", "float", "The review's star rating, for reviews."), m.rating),
    (ExportColumn("url", "str", "Where the mention can be read."), m.url),
    (ExportColumn("text", "str", "The mention's text as stored."), m.text),
    (ExportColumn("duplicate_of", "int", "The id of the earlier mention this copies, if any."), m.duplicate_of_id),
)
_BRANDS = ExportColumn("brands", "strings", "The brands it was collected for, sorted by name.")
_LABELS: tuple[tuple[ExportColumn, str], ...] = (
    (ExportColumn("model_version", "str", "The classifier version whose labels these are."), "model_version"),
    (ExportColumn("sentiment", "str", "negative, neutral or positive."), "sentiment"),
    (ExportColumn("sentiment_scores", "scores", "Probability of each sentiment."), "sentiment_scores"),
    (ExportColumn("topics", "strings", "The brand's [[topics]] names it is about."), "topics"),
    (ExportColumn("topic_scores", "scores", "Probability of each topic."), "topic_scores"),
    (ExportColumn("expectation_gap", "str", "none, shortfall or exceeded."), "expectation_gap"),
    (ExportColumn("gap_score", "float", "Probability of the expectation gap label."), "gap_score"),
    (ExportColumn("gap_evidence", "strings", "Spans of the text that state the gap."), "gap_evidence"),
    (ExportColumn("emotion", "str", "The strongest emotion."), "emotion"),
    (ExportColumn("emotion_scores", "scores", "Probability of each emotion."), "emotion_scores"),
    (ExportColumn("flagged", "bool", "Flagged for CX staff."), "flagged"),
    (ExportColumn("about_brand", "bool", "A customer's own experience with a brand."), "about_brand"),
    (ExportColumn("about_brand_score", "float", "Probability of about_brand."), "about_brand_score"),
    (ExportColumn("complaint_score", "float", "Probability that it is a complaint."), "complaint_score"),
    (ExportColumn("switching", "bool", "Threatens to leave, cancel or switch."), "switching"),
    (ExportColumn("switching_score", "float", "Probability of switching."), "switching_score"),
    (ExportColumn("lifecycle", "str", "Stage of the customer journey."), "lifecycle"),
    (ExportColumn("lifecycle_scores", "scores", "Probability of each lifecycle stage."), "lifecycle_scores"),
    (ExportColumn("windows", "int", "Overlapping windows of the text the model read."), "windows"),
    (ExportColumn("classified_at", "datetime", "When it was classified (UTC)."), "classified_at"),
)
_TRIAGE: tuple[tuple[ExportColumn, str], ...] = (
    (ExportColumn("triage_status", "str", "The triage item's status, if it has one."), "status"),
    (ExportColumn("triage_priority", "str", "urgent, high, normal or low."), "priority"),
    (ExportColumn("triage_assignee", "str", "The username it is assigned to."), "assignee"),
    (ExportColumn("triage_tags", "strings", "The triage item's tags."), "tags"),
    (ExportColumn("triage_opened_at", "datetime", "When the triage item was opened (UTC)."), "opened_at"),
    (ExportColumn("triage_first_action_at", "datetime", "When a person first changed it (UTC)."), "first_action_at"),
    (ExportColumn("triage_resolved_at", "datetime", "When it was last resolved (UTC)."), "resolved_at"),
)

EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    *(column for column, _ in _MENTION),
    _BRANDS,
    *(column for column, _ in _LABELS),
    *(column for column, _ in _TRIAGE),
)
"""Every column of an export, in order; an :class:`ExportChunk` holds one list of values per column."""

_BRANDS_AT = len(_MENTION)


def _labels_join(model_version: str | None) -> ColumnElement[bool]:
    """``classifications`` of the mention: by ``model_version``, or its newest."""
    if model_version is not None:
        return and_(c.mention_id == m.id, c.model_version == model_version)
    newest = aliased(ClassificationModel, name="newest")
    latest = (
        select(newest.id)
        .where(newest.mention_id == m.id)
        .order_by(newest.classified_at.desc(), newest.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return and_(c.mention_id == m.id, c.id == latest)


@dataclass(frozen=True, slots=True)
class ExportChunk:
    """Some rows of an export, column by column: ``columns[i]`` holds the values of
    ``EXPORT_COLUMNS[i]`` (ints, floats, text, bools, UTC datetimes, lists of text and
    dicts of scores, None where missing), one per row, in ``id`` order."""

    columns: tuple[list[Any], ...]

    def __len__(self) -> int:
        return len(self.columns[0])

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The chunk row by row, one value per column."""
        return zip(*self.columns, strict=True)


Decoder = Callable[[list[Any]], list[Any]]


def _same(values: list[Any]) -> list[Any]:
    return values


def _bools(values: list[Any]) -> list[Any]:
    return [None if value is None else bool(value) for value in values]


def _json_values(values: list[Any]) -> list[Any]:
    """A column of JSON texts decoded as one JSON array by msgspec (a call per value costs
    more than parsing a short object, and msgspec parses about five times faster than the
    standard library: it was a third of the time of a Parquet export)."""
    joined = "[" + ",".join("null" if value is None else value for value in values) + "]"
    return list(msgspec.json.decode(joined))


def _sqlite_times(values: list[Any]) -> list[Any]:
    """SQLite's stored UTC wall times, read with ``+00:00`` appended (``2026-11-30
    12:00:00.000000+00:00``), as aware datetimes: one C call per value."""
    parse = datetime.fromisoformat
    return [None if value is None else parse(value) for value in values]


def _postgres_times(values: list[Any]) -> list[Any]:
    return [None if value is None else (value if value.tzinfo is UTC else value.astimezone(UTC)) for value in values]


def _raw(column: Any, kind: ColumnKind, dialect: str) -> tuple[Any, Decoder]:
    """``column`` selected as the driver gives it (no per-value SQLAlchemy processing),
    with the function that turns a whole column of those values into the kind's values."""
    if kind in ("strings", "scores"):
        return cast(column, Text), _json_values
    if kind == "datetime":
        if dialect == "sqlite":
            return type_coerce(column, String()).concat("+00:00"), _sqlite_times
        return type_coerce(column, DateTime(timezone=True)), _postgres_times
    if kind == "bool":
        return type_coerce(column, Integer()) if dialect == "sqlite" else column, _bools
    return column, _same


def export_chunks(
    connection: Connection,
    query: Node | None,
    filters: SearchFilters,
    *,
    chunk_size: int = 5000,
) -> Iterator[ExportChunk]:
    """The rows of every mention the search would find for ``query`` and ``filters``, in
    ``id`` order, ``chunk_size`` at a time (see :class:`ExportChunk`)."""
    dialect = connection.dialect.name
    sources = [(column, spec.kind) for spec, column in _MENTION]
    sources += [(getattr(c, name), spec.kind) for spec, name in _LABELS]
    sources += [(getattr(t, name), spec.kind) for spec, name in _TRIAGE]
    raw = [_raw(column, kind, dialect) for column, kind in sources]
    raw.insert(_BRANDS_AT, (_brands_column(dialect), _json_values))
    stmt = select(*(expression for expression, _ in raw)).select_from(m)
    decoders = [decoder for _, decoder in raw]
    conditions = filter_conditions(filters)
    if query is not None:
        # The query's matches (computed once: the matcher may have checked texts) as a derived
        # table, which nothing in the outer statement can correlate into.
        matched = matching_ids(connection, query, filters).subquery("matched")
        stmt = stmt.join(matched, matched.c.id == m.id)
        conditions = []
    stmt = (
        stmt.outerjoin(c, _labels_join(filters.model_version))
        .outerjoin(t, t.mention_id == m.id)
        .where(*conditions, m.id > bindparam("after_id"))
        .order_by(m.id)
        .limit(chunk_size)
    )
    with _one_pass(connection):
        after = 0
        while True:
            result = connection.execute(stmt, {"after_id": after})
            with _gc_paused():
                # The driver's own tuples: every column is selected raw, so SQLAlchemy's rows
                # would add only their cost.
                rows = result.cursor.fetchall()
                result.close()
                if not rows:
                    return
                columns = [
                    decode(list(values)) for decode, values in zip(decoders, zip(*rows, strict=True), strict=True)
                ]
            yield ExportChunk(tuple(columns))
            if len(rows) < chunk_size:
                return
            after = columns[0][-1]


class _GcPause:
    """Python's cyclic garbage collector paused while a chunk is fetched and decoded
    (re-entrant, for exports in several threads at once).

    Fetching and decoding a chunk makes hundreds of thousands of small tuples, dicts and
    lists, and every 700 new ones start a collection that walks the live objects, the chunk in
    hand included: that was a third of the time an export spent reading (2.5 s against 1.65 s
    of CPU per 100,000 rows). What
    this makes holds no reference cycles (rows, JSON values, times), so reference counting frees
    it all the same; msgpack-python documents the same advice for large messages.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._restore = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._restore:
                    gc.enable()


_gc_paused = _GcPause()


@contextmanager
def _one_pass(connection: Connection) -> Iterator[None]:
    """SQLite: read without memory-mapping the file. Search maps it for random reads
    (``storage.engine``); an export reads each page once, and mapped pages would count as
    the process's own memory (a 1M-mention store is over 1 GB)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA mmap_size = 0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")


def _brands_column(dialect: str) -> Any:
    """A mention's brands, sorted by name, as a JSON list: a correlated subquery over the
    link table's primary key (mention_id, brand), so the brands need no second query."""
    link = MentionBrandModel
    if dialect == "postgresql":
        listed = func.json_agg(postgresql.aggregate_order_by(link.brand, link.brand))
    else:
        # SQLite reads the primary-key index in order: the brands come sorted.
        listed = func.json_group_array(link.brand)
    return func.coalesce(
        select(cast(listed, Text)).where(link.mention_id == m.id).scalar_subquery(),
        "[]",
    )


def count_matches(connection: Connection, query: Node | None, filters: SearchFilters) -> int:
    """How many mentions :func:`export_chunks` would give (the search's count), read like the
    export itself, without memory-mapping the file (see :func:`_one_pass`)."""
    with _one_pass(connection):
        return count(connection, query, filters)


def has_classifications(connection: Connection, model_version: str | None) -> bool:
    """True when the store holds a classification by ``model_version`` (None: by any version)."""
    stored = ClassificationModel
    stmt = select(stored.id).limit(1)
    if model_version is not None:
        stmt = stmt.where(stored.model_version == model_version)
    return connection.execute(stmt).first() is not None
