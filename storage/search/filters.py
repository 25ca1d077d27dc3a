"""SQL conditions for :class:`storage.SearchFilters` (shared by both backends)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    exists,
    false,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageItemModel
from storage.results import SearchFilters

__all__ = [
    "classification_conditions",
    "created_conditions",
    "filter_conditions",
    "json_elements",
    "labels_filter",
    "mention_conditions",
    "triage_conditions",
    "triage_filter",
]


def filter_conditions(filters: SearchFilters, *, per_row: bool = False) -> list[ColumnElement[bool]]:
    """Conditions on ``mentions`` for ``filters``; an empty list means every mention.

    The triage and flagged filters select few mentions, so by default their rows drive the
    search (``mentions.id IN (...)``: the database lists them first). ``per_row``: check
    them with an EXISTS per mention instead, for reading a short run of mentions in time
    order (:func:`storage.search.execute.search`'s newest-first probe)."""
    conditions = mention_conditions(filters)
    if filters.classified:
        conditions.append(labels_filter(filters, per_row))
    if filters.triaged:
        conditions.append(triage_filter(filters, per_row))
    return conditions


def mention_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """The conditions of ``filters`` on the mention itself and its brands (not on its labels
    or triage item)."""
    m = MentionModel
    conditions: list[ColumnElement[bool]] = []
    if filters.brands:
        link = MentionBrandModel
        # A primary-key probe per candidate row: (mention_id, brand).
        conditions.append(exists().where(link.mention_id == m.id, link.brand.in_(filters.brands)))
    if filters.sources:
        conditions.append(m.source.in_(filters.sources))
    conditions += created_conditions(filters.since, filters.until)
    if filters.languages:
        conditions.append(m.language.in_(filters.languages))
    if filters.channels:
        conditions.append(m.channel.in_(filters.channels))
    if not filters.include_duplicates:
        conditions.append(m.duplicate_of_id.is_(None))
    if filters.min_rating is not None:
        conditions.append(m.rating >= filters.min_rating)
    if filters.max_rating is not None:
        conditions.append(m.rating <= filters.max_rating)
    return conditions


def created_conditions(
    since: datetime | None, until: datetime | None, m: Any = MentionModel
) -> list[ColumnElement[bool]]:
    """``since <= created_at < until`` on ``m`` (the mentions table or an alias of it)."""
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(m.created_at >= since)
    if until is not None:
        conditions.append(m.created_at < until)
    return conditions


def triage_conditions(filters: SearchFilters, t: Any = TriageItemModel) -> list[ColumnElement[bool]]:
    """The triage filters as conditions on the triage item ``t`` (the table or an alias of it)."""
    where: list[ColumnElement[bool]] = []
    if filters.statuses:
        where.append(t.status.in_(filters.statuses))
    if filters.priorities:
        where.append(t.priority.in_(filters.priorities))
    if filters.assignees:
        named = [a for a in filters.assignees if a]
        either = [t.assignee.in_(named)] if named else []
        if "" in filters.assignees:
            either.append(t.assignee.is_(None))
        where.append(or_(*either))
    if filters.tags:
        where.append(_has_value(t.tags, list(filters.tags), "tag_names"))
    return where


def classification_conditions(filters: SearchFilters, c: Any = ClassificationModel) -> list[ColumnElement[bool]]:
    """The label filters (and the model version) as conditions on the classification ``c``.

    Topics are a JSON list: a nested EXISTS over its elements (``json_each`` on
    SQLite, ``jsonb_array_elements_text`` on PostgreSQL) matches whole names.
    Every value is a bound parameter.
    """
    where: list[ColumnElement[bool]] = []
    if filters.model_version is not None:
        where.append(c.model_version == filters.model_version)
    if filters.sentiments:
        where.append(c.sentiment.in_(filters.sentiments))
    if filters.gaps:
        where.append(c.expectation_gap.in_(filters.gaps))
    if filters.emotions:
        where.append(c.emotion.in_(filters.emotions))
    if filters.flagged is not None:
        where.append(c.flagged.is_(true()) if filters.flagged else c.flagged.is_(false()))
    if filters.about_brand is not None:
        where.append(c.about_brand.is_(true()) if filters.about_brand else c.about_brand.is_(false()))
    if filters.switching is not None:
        where.append(c.switching.is_(true()) if filters.switching else c.switching.is_(false()))
    if filters.lifecycles:
        where.append(c.lifecycle.in_(filters.lifecycles))
    if filters.topics:
        where.append(_has_value(c.topics, list(filters.topics), "topic_names"))
    return where


def triage_filter(filters: SearchFilters, per_row: bool = False) -> ColumnElement[bool]:
    """``mentions.id IN (triage items that match)``: the few triage rows drive the search (an
    EXISTS per mention would scan every mention); tags like topics, a JSON list."""
    t = TriageItemModel
    where = triage_conditions(filters)
    if per_row:
        return exists().where(t.mention_id == MentionModel.id, *where)
    return MentionModel.id.in_(select(t.mention_id).where(*where))


def labels_filter(filters: SearchFilters, per_row: bool = False) -> ColumnElement[bool]:
    """One EXISTS over ``classifications`` (unique on mention_id, model_version)."""
    c = ClassificationModel
    where = classification_conditions(filters)
    if filters.flagged and not per_row:
        # Flagged mentions are few (a partial index holds them): let them drive the search.
        return MentionModel.id.in_(select(c.mention_id).where(*where))
    return exists().where(c.mention_id == MentionModel.id, *where)


class _json_elements(FunctionElement[Any]):
    """The elements of a JSON list as rows with a ``value`` column: SQLite's
    ``json_each``, PostgreSQL's ``jsonb_array_elements_text``."""

    name = "json_each"
    inherit_cache = True


@compiles(_json_elements)
def _json_elements_default(element: _json_elements, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(_json_elements, "postgresql")
def _json_elements_postgres(element: _json_elements, compiler: SQLCompiler, **kw: Any) -> str:
    return f"jsonb_array_elements_text({compiler.process(element.clauses, **kw)})"


def _has_value(column: Any, names: list[str], parameter: str) -> ColumnElement[bool]:
    """The JSON list in ``column`` holds one of ``names``."""
    elements = _json_elements(column).table_valued("value").alias(parameter.removesuffix("_names"))
    return exists(
        select(literal_column("1"))
        .select_from(elements)
        .where(elements.c.value.in_(bindparam(parameter, names, expanding=True)))
    )


def json_elements(column: Any, name: str) -> Any:
    """The elements of the JSON list ``column`` as a table with a ``value`` column (for counts)."""
    return _json_elements(column).table_valued("value").alias(name)
