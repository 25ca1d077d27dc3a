"""Classifications in the store: saving them, finding what is left to classify, counting.

One row per ``(mention_id, model_version)`` in ``classifications``. The
statements here take a connection; the caller (:class:`storage.Store`) owns
the transaction, so a batch of classifications, their copies to duplicates and
the triage rows they open commit together or not at all.

**Duplicates.** A mention whose content was seen before (``duplicate_of_id``
set: a retweet, a copy-paste) is not sent to the model: it gets a copy of its
original's classification for the same model version (:func:`copy_to_duplicates`).
That is exact for sentiment, gap and emotion (the content is the same), and
the engine would only re-encode the same words. Topics depend on the brand's
taxonomy, so a duplicate whose *first brand* (alphabetically, as
:meth:`storage.Store.search` lists them) differs from its original's is
classified by the model like an original instead. A copied ``gap_evidence`` is
the original's span, which may differ from the copy's text in case, URLs or a
``RT @handle:`` prefix.

**Triage.** A flagged mention that is not a duplicate gets a triage row with
status ``open`` (and a ``triage_events`` line saying the classifier opened it)
the first time any model version flags it. Triage rows are never changed or
removed here: a mention that a later model no longer flags keeps the state a
person gave it. Copies are not opened: their original carries the work item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import aliased

from storage.models import ClassificationModel, MentionBrandModel, MentionModel, TriageEventModel, TriageItemModel
from storage.search.execute import brands_of

__all__ = [
    "TRIAGE_ACTOR",
    "ClassificationSaveResult",
    "ClassificationSummary",
    "ClassificationValues",
    "MentionText",
    "copy_to_duplicates",
    "count_mentions",
    "latest_model_version",
    "mention_texts",
    "mentions_page",
    "save_classifications",
    "summarize",
    "to_classify",
]

TRIAGE_ACTOR = "cxpulse classify"
"""The ``actor`` of the triage event written when a classification opens a triage item."""


class ClassificationValues(Protocol):
    """What the store needs of one classification (``foundation.labels.Classification`` has it)."""

    @property
    def model_version(self) -> str: ...
    @property
    def sentiment(self) -> str: ...
    @property
    def sentiment_scores(self) -> Mapping[str, float]: ...
    @property
    def topics(self) -> Sequence[str]: ...
    @property
    def topic_scores(self) -> Mapping[str, float]: ...
    @property
    def expectation_gap(self) -> str: ...
    @property
    def gap_score(self) -> float: ...
    @property
    def gap_evidence(self) -> Sequence[str]: ...
    @property
    def emotion(self) -> str: ...
    @property
    def emotion_scores(self) -> Mapping[str, float]: ...
    @property
    def flagged(self) -> bool: ...
    @property
    def about_brand(self) -> bool: ...
    @property
    def about_brand_score(self) -> float: ...
    @property
    def complaint_score(self) -> float: ...
    @property
    def switching(self) -> bool: ...
    @property
    def switching_score(self) -> float: ...
    @property
    def lifecycle(self) -> str | None: ...
    @property
    def lifecycle_scores(self) -> Mapping[str, float]: ...
    @property
    def windows(self) -> int: ...


@dataclass(frozen=True, slots=True)
class MentionText:
    """A mention to classify: its id, text and brands (sorted by name)."""

    id: int
    text: str
    brands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassificationSaveResult:
    """What :meth:`storage.Store.save_classifications` did."""

    saved: int
    """Classifications inserted or replaced."""
    copied: int = 0
    """Duplicates that received a copy of their original's classification."""
    flagged: int = 0
    """Flagged among ``saved`` (copies not counted)."""
    triage_opened: int = 0
    """New triage items (status ``open``) for flagged mentions."""


@dataclass(frozen=True, slots=True)
class ClassificationSummary:
    """Counts over the classifications of one model version. Mappings are sorted by
    count, largest first."""

    model_version: str
    classified: int
    flagged: int
    by_sentiment: Mapping[str, int] = field(default_factory=dict)
    by_gap: Mapping[str, int] = field(default_factory=dict)
    by_emotion: Mapping[str, int] = field(default_factory=dict)
    switching: int | None = None
    """Switching threats (the customer says they will leave, cancel or switch); None for a
    model version without the classifier 2.0 heads."""
    not_about_brand: int | None = None
    """Mentions not about a brand (general chatter); None for a model version without the heads."""
    by_lifecycle: Mapping[str, int] = field(default_factory=dict)
    """Mentions about a brand per lifecycle stage (empty without the heads)."""


def _insert(connection: Connection, model: Any) -> Any:
    if connection.dialect.name == "sqlite":
        return sqlite_dialect.insert(model)
    return postgresql.insert(model)


_VALUE_COLUMNS = (
    "sentiment",
    "sentiment_scores",
    "topics",
    "topic_scores",
    "expectation_gap",
    "gap_score",
    "gap_evidence",
    "emotion",
    "emotion_scores",
    "flagged",
    "about_brand",
    "about_brand_score",
    "complaint_score",
    "switching",
    "switching_score",
    "lifecycle",
    "lifecycle_scores",
    "windows",
    "classified_at",
)
"""Every value column, ``classified_at`` last (copies take a new time)."""
_COPIED = ("model_version", *_VALUE_COLUMNS[:-1])
"""What a duplicate takes from its original's classification (then ``classified_at``: now)."""


def _row(mention_id: int, value: ClassificationValues, now: datetime) -> dict[str, Any]:
    return {
        "mention_id": mention_id,
        "model_version": value.model_version,
        "sentiment": value.sentiment,
        "sentiment_scores": {k: float(v) for k, v in value.sentiment_scores.items()},
        "topics": list(value.topics),
        "topic_scores": {k: float(v) for k, v in value.topic_scores.items()},
        "expectation_gap": value.expectation_gap,
        "gap_score": float(value.gap_score),
        "gap_evidence": list(value.gap_evidence),
        "emotion": value.emotion,
        "emotion_scores": {k: float(v) for k, v in value.emotion_scores.items()},
        "flagged": bool(value.flagged),
        "about_brand": bool(value.about_brand),
        "about_brand_score": float(value.about_brand_score),
        "complaint_score": float(value.complaint_score),
        "switching": bool(value.switching),
        "switching_score": float(value.switching_score),
        "lifecycle": value.lifecycle,
        "lifecycle_scores": {k: float(v) for k, v in value.lifecycle_scores.items()},
        "windows": int(value.windows),
        "classified_at": now,
    }


def save_classifications(
    connection: Connection,
    items: Sequence[tuple[int, ClassificationValues]],
    *,
    now: datetime,
) -> ClassificationSaveResult:
    """Upsert ``(mention_id, classification)`` pairs, copy them to the mentions'
    duplicates and open triage items for the flagged ones; the caller owns the
    transaction. A later pair for the same mention and version wins."""
    if not items:
        return ClassificationSaveResult(saved=0)
    rows = list({(mid, value.model_version): _row(mid, value, now) for mid, value in items}.values())
    c = ClassificationModel
    stmt = _insert(connection, c)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.mention_id, c.model_version],
        set_={name: stmt.excluded[name] for name in _VALUE_COLUMNS},
    )
    connection.execute(stmt, rows)
    copied = 0
    opened = 0
    for version in sorted({row["model_version"] for row in rows}):
        ids = [row["mention_id"] for row in rows if row["model_version"] == version]
        copied += copy_to_duplicates(connection, version, now=now, original_ids=ids)
        flagged = [row["mention_id"] for row in rows if row["model_version"] == version and row["flagged"]]
        opened += _open_triage(connection, flagged, now=now)
    return ClassificationSaveResult(
        saved=len(rows), copied=copied, flagged=sum(1 for row in rows if row["flagged"]), triage_opened=opened
    )


def _first_brand(mention_id: Any) -> Any:
    link = MentionBrandModel
    return select(func.min(link.brand)).where(link.mention_id == mention_id).scalar_subquery()


def _copyable(duplicate: Any) -> ColumnElement[bool]:
    """``duplicate`` is a copy whose original's classification applies (same first brand)."""
    return and_(
        duplicate.duplicate_of_id.is_not(None),
        _first_brand(duplicate.id).is_not_distinct_from(_first_brand(duplicate.duplicate_of_id)),
    )


def copy_to_duplicates(
    connection: Connection,
    model_version: str,
    *,
    now: datetime,
    original_ids: Sequence[int] | None = None,
) -> int:
    """Give duplicates their original's classification for ``model_version``; how many.

    With ``original_ids``: every copyable duplicate of those originals (replacing
    what it had). Without: every copyable duplicate that has no classification
    for the version yet while its original has one (catching up after earlier runs).
    """
    c, dup = ClassificationModel, aliased(MentionModel, name="dup")
    if original_ids is not None and not original_ids:
        return 0
    if original_ids is not None and connection.dialect.name == "postgresql":
        chosen = _from_originals(dup, list(original_ids), model_version, now)
    else:
        chosen = (
            select(dup.id, *(getattr(c, name) for name in _COPIED), literal(now, c.classified_at.type))
            .join(c, and_(c.mention_id == dup.duplicate_of_id, c.model_version == model_version))
            .where(_copyable(dup))
        )
        if original_ids is not None:
            originals = list(original_ids)
            chosen = chosen.where(dup.duplicate_of_id.in_(bindparam("original_ids", originals, expanding=True)))
        else:
            mine = aliased(ClassificationModel, name="mine")
            chosen = chosen.where(~exists().where(mine.mention_id == dup.id, mine.model_version == model_version))
    stmt = _insert(connection, c).from_select(["mention_id", "model_version", *_VALUE_COLUMNS], chosen)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.mention_id, c.model_version],
        set_={name: stmt.excluded[name] for name in _VALUE_COLUMNS},
    )
    return len(connection.execute(stmt.returning(c.mention_id)).all())


def _from_originals(dup: Any, original_ids: list[int], model_version: str, now: datetime) -> Select[Any]:
    """PostgreSQL: the copyable duplicates of ``original_ids`` with their original's values,
    read from the ids' array outward: the duplicates by their index, each original's
    classification by its key (a ``LATERAL ... LIMIT 1``, which the planner cannot turn around).
    Joined as a table, ``classifications`` drove the plan whenever its statistics were taken
    while it was near empty (a first ``classify`` over a big import on a server without
    autovacuum): every stored classification was read and tested against the batch's 5,000 ids,
    50 s a batch at 300,000 classifications."""
    c = ClassificationModel
    wanted = (
        func.unnest(bindparam("original_ids", original_ids, type_=postgresql.ARRAY(Integer)))
        .table_valued("value")
        .render_derived(name="wanted")
    )
    original = (
        select(*(getattr(c, name) for name in _COPIED))
        .where(c.mention_id == wanted.c.value, c.model_version == model_version)
        .limit(1)
        .lateral("original")
    )
    return (
        select(dup.id, *(original.c[name] for name in _COPIED), literal(now, c.classified_at.type))
        .select_from(wanted)
        .join(dup, dup.duplicate_of_id == wanted.c.value)
        .join(original, true())
        .where(_copyable(dup))
    )


def _open_triage(connection: Connection, mention_ids: Sequence[int], *, now: datetime) -> int:
    """Open a triage item for each of ``mention_ids`` that is no duplicate and has none."""
    if not mention_ids:
        return 0
    m, t = MentionModel, TriageItemModel
    chosen = select(
        m.id, literal("open", String()), literal(now, t.updated_at.type), literal(now, t.updated_at.type)
    ).where(
        m.id.in_(bindparam("flagged_ids", list(mention_ids), expanding=True)),
        m.duplicate_of_id.is_(None),
    )
    stmt = (
        _insert(connection, t)
        .from_select(["mention_id", "status", "updated_at", "opened_at"], chosen)
        .on_conflict_do_nothing(index_elements=[t.mention_id])
        .returning(t.mention_id)
    )
    opened = [row[0] for row in connection.execute(stmt)]
    if opened:
        connection.execute(
            _insert(connection, TriageEventModel),
            [
                {
                    "mention_id": mention_id,
                    "at": now,
                    "actor": TRIAGE_ACTOR,
                    "field": "status",
                    "old_value": None,
                    "new_value": "open",
                    "note": "flagged by the classifier",
                }
                for mention_id in opened
            ],
        )
    return len(opened)


def to_classify(model_version: str, redo: str | bool) -> list[ColumnElement[bool]]:
    """Conditions on ``mentions`` for what the model must read.

    ``redo`` False: mentions without a classification for ``model_version``.
    ``redo`` True: every mention. ``redo`` a version: mentions classified by it.
    Copyable duplicates are never selected (they get copies, see the module doc).
    """
    m, c = MentionModel, ClassificationModel
    conditions: list[ColumnElement[bool]] = [~_copyable(m)]
    if redo is False:
        conditions.append(~exists().where(c.mention_id == m.id, c.model_version == model_version))
    elif isinstance(redo, str):
        conditions.append(exists().where(c.mention_id == m.id, c.model_version == redo))
    return conditions


def mentions_page(
    connection: Connection,
    model_version: str,
    *,
    redo: str | bool = False,
    after_id: int = 0,
    limit: int = 500,
) -> list[MentionText]:
    """The next ``limit`` mentions to classify with ids above ``after_id``, by id."""
    m = MentionModel
    stmt = (
        select(m.id, m.text)
        .where(m.id > after_id, *to_classify(model_version, redo))
        .order_by(m.id)
        .limit(max(limit, 0))
    )
    rows = connection.execute(stmt).all()
    brands = brands_of(connection, [row.id for row in rows]) if rows else {}
    return [MentionText(row.id, row.text, brands.get(row.id, ())) for row in rows]


def mention_texts(connection: Connection, ids: Sequence[int], model_version: str) -> list[MentionText]:
    """Those of ``ids`` that still need ``model_version``, with their texts and brands, by id."""
    if not ids:
        return []
    m = MentionModel
    stmt = (
        select(m.id, m.text)
        .where(m.id.in_(bindparam("mention_ids", list(ids), expanding=True)), *to_classify(model_version, False))
        .order_by(m.id)
    )
    rows = connection.execute(stmt).all()
    brands = brands_of(connection, [row.id for row in rows]) if rows else {}
    return [MentionText(row.id, row.text, brands.get(row.id, ())) for row in rows]


def count_mentions(connection: Connection, model_version: str, *, redo: str | bool = False) -> int:
    """How many mentions :func:`mentions_page` would return in all."""
    stmt = select(func.count()).select_from(MentionModel).where(*to_classify(model_version, redo))
    return int(connection.execute(stmt).scalar_one())


def latest_model_version(connection: Connection) -> str | None:
    """The model version of the most recent classification (None: nothing classified yet)."""
    c = ClassificationModel
    stmt = select(c.model_version).order_by(c.classified_at.desc(), c.id.desc()).limit(1)
    value = connection.execute(stmt).scalar()
    return None if value is None else str(value)


def summarize(connection: Connection, model_version: str, *, since: datetime | None = None) -> ClassificationSummary:
    """Counts for ``model_version``; ``since`` keeps classifications made at or after it."""
    c = ClassificationModel
    where: list[ColumnElement[bool]] = [c.model_version == model_version]
    if since is not None:
        where.append(c.classified_at >= since)

    def counts(column: Any, *only: ColumnElement[bool]) -> dict[str, int]:
        stmt = select(column, func.count()).where(*where, *only).group_by(column).order_by(func.count().desc(), column)
        return {str(key): int(n) for key, n in connection.execute(stmt)}

    total, flagged, with_heads, switching, not_about_brand = connection.execute(
        select(
            func.count(),
            func.count().filter(c.flagged.is_(true())),
            func.count(c.about_brand),
            func.count().filter(c.switching.is_(true())),
            func.count().filter(c.about_brand.is_(false())),
        ).where(*where)
    ).one()
    heads = bool(with_heads)
    return ClassificationSummary(
        model_version=model_version,
        classified=int(total),
        flagged=int(flagged or 0),
        by_sentiment=counts(c.sentiment),
        by_gap=counts(c.expectation_gap),
        by_emotion=counts(c.emotion),
        switching=int(switching or 0) if heads else None,
        not_about_brand=int(not_about_brand or 0) if heads else None,
        by_lifecycle=counts(c.lifecycle, c.lifecycle.is_not(None)),
    )
