"""The tables of the results store, as SQLAlchemy 2.0 typed models.

The schema itself is created and changed only by the Alembic migrations in
:mod:`storage.migrations` (never ``create_all``); a test checks that these
models and the migrated database agree.

Not mapped here, because they exist on one backend only and are created by
the migration: the SQLite FTS5 table ``mentions_fts`` (with its sync
triggers) and the PostgreSQL generated column ``mentions.search_vector``
(with the trigger that marks a changed text for the matcher, migration 0005).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    Unicode,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "PRIORITIES",
    "ROLES",
    "TRIAGE_STATUSES",
    "AlertEventModel",
    "ApiTokenModel",
    "Base",
    "ClassificationModel",
    "DigestRunModel",
    "LabelFeedbackModel",
    "MentionBrandModel",
    "MentionModel",
    "SavedSearchModel",
    "SchedulerJobModel",
    "SourceCursorModel",
    "TriageEventModel",
    "TriageItemModel",
    "UTCDateTime",
    "UserModel",
    "WebSessionModel",
    "WorkLeaseModel",
]

TRIAGE_STATUSES = ("open", "in_progress", "waiting_on_customer", "resolved", "not_actionable")
PRIORITIES = ("urgent", "high", "normal", "low")
CLOSED_STATUSES = ("resolved", "not_actionable")
ROLES = ("viewer", "agent", "admin")
DIGEST_STATUSES = ("pending", "sending", "sent", "failed", "uncertain")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``; SQLite stores the UTC wall time as text
    (which sorts correctly), and values read back get ``tzinfo=UTC`` again.
    Naive datetimes are refused: their meaning is ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store: use UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


class MentionModel(Base):
    """One stored mention. ``(source, external_id)`` identifies it."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_mentions_source_external_id"),
        Index("ix_mentions_created_at", "created_at", "id"),
        Index("ix_mentions_content_hash", "content_hash", "duplicate_of_id"),
        # Covers what a trend reads of a mention (migration 0009, storage.trends).
        Index(
            "ix_mentions_trends",
            "created_at",
            "duplicate_of_id",
            "id",
            "author_handle",
            "rating",
            "source",
            "channel",
            "language",
        ),
        # Partial: most mentions are no copy, and a full index on a mostly-NULL column
        # lures planners into scanning it for "duplicate_of_id IS NULL".
        Index(
            "ix_mentions_duplicate_of_id",
            "duplicate_of_id",
            sqlite_where=sql_text("duplicate_of_id IS NOT NULL"),
            postgresql_where=sql_text("duplicate_of_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(500))
    author_handle: Mapped[str | None] = mapped_column(String(500))
    author_name: Mapped[str | None] = mapped_column(String(500))
    author_followers: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    channel: Mapped[str | None] = mapped_column(String(100))
    rating: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]
    collected_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(128))
    facets: Mapped[str | None] = mapped_column(Text)
    """Brand tokens the full-text index filters on (storage.search.facets)."""
    search_words: Mapped[str | None] = mapped_column(Text)
    """The words of the text as the full-text index holds them (storage.search.terms)."""
    search_tags: Mapped[str | None] = mapped_column(Text, server_default="xoverflow")
    """Handles, hashtags, symbols and unspaced characters as index tokens (storage.search.terms);
    the default, ``xoverflow``, makes a row written without them a candidate of every search."""
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentions.id", name="fk_mentions_duplicate_of_id", ondelete="SET NULL")
    )
    raw: Mapped[dict[str, Any] | None]


class MentionBrandModel(Base):
    """Links a mention to a brand it was collected for (a mention may have several)."""

    __tablename__ = "mention_brands"
    __table_args__ = (Index("ix_mention_brands_brand_mention_id", "brand", "mention_id"),)

    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", name="fk_mention_brands_mention_id", ondelete="CASCADE"),
        primary_key=True,
    )
    brand: Mapped[str] = mapped_column(String(200), primary_key=True)


class ClassificationModel(Base):
    """What one classifier model version said about one mention."""

    __tablename__ = "classifications"
    __table_args__ = (
        UniqueConstraint("mention_id", "model_version", name="uq_classifications_mention_id_model_version"),
        Index("ix_classifications_flagged", "flagged"),
        Index("ix_classifications_classified_at", "classified_at"),
        # A mention's newest classification in one probe (migration 0011; default priorities, search hits).
        Index("ix_classifications_mention_newest", "mention_id", "classified_at", "id"),
        # Covers what a trend reads of a classification (migration 0009, storage.trends).
        Index(
            "ix_classifications_trends",
            "mention_id",
            "model_version",
            "sentiment",
            "expectation_gap",
            "flagged",
            "switching",
            "emotion",
            "about_brand",
            "lifecycle",
            "topics",
        ),
        Index(
            "ix_classifications_flagged_model_version",
            "model_version",
            "mention_id",
            sqlite_where=sql_text("flagged = 1"),
            postgresql_where=sql_text("flagged = true"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", name="fk_classifications_mention_id", ondelete="CASCADE")
    )
    model_version: Mapped[str] = mapped_column(String(100))
    sentiment: Mapped[str] = mapped_column(String(20))
    sentiment_scores: Mapped[dict[str, Any]]
    topics: Mapped[list[str]] = mapped_column(JSONType)
    topic_scores: Mapped[dict[str, Any]]
    expectation_gap: Mapped[str] = mapped_column(String(20))
    gap_score: Mapped[float] = mapped_column(Float)
    gap_evidence: Mapped[list[str] | None] = mapped_column(JSONType)
    emotion: Mapped[str] = mapped_column(String(30))
    emotion_scores: Mapped[dict[str, Any]]
    flagged: Mapped[bool] = mapped_column(Boolean, server_default=false())
    about_brand: Mapped[bool | None] = mapped_column(Boolean)
    """A customer talking about their own experience with a brand (NULL: a model before 2.0)."""
    about_brand_score: Mapped[float | None] = mapped_column(Float)
    complaint_score: Mapped[float | None] = mapped_column(Float)
    switching: Mapped[bool | None] = mapped_column(Boolean)
    """Says they will leave, cancel or move to a competitor (NULL: a model before 2.0)."""
    switching_score: Mapped[float | None] = mapped_column(Float)
    lifecycle: Mapped[str | None] = mapped_column(String(20))
    """One of ``foundation.labels.LIFECYCLE_STAGES``; NULL when not about a brand."""
    lifecycle_scores: Mapped[dict[str, Any] | None]
    windows: Mapped[int | None] = mapped_column(Integer)
    """Overlapping windows of the text the model read."""
    classified_at: Mapped[datetime]


class TriageItemModel(Base):
    """The handling state of one flagged mention."""

    __tablename__ = "triage"
    __table_args__ = (Index("ix_triage_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", name="fk_triage_mention_id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    """One of :data:`TRIAGE_STATUSES`."""
    assignee: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    """The latest internal note (every note is also a ``triage_events`` row)."""
    updated_at: Mapped[datetime]
    priority: Mapped[str | None] = mapped_column(String(10))
    """One of :data:`PRIORITIES`; None until a default is applied or a person sets one."""
    tags: Mapped[list[str] | None] = mapped_column(JSONType)
    opened_at: Mapped[datetime | None]
    """When the item was opened (the SLA clock starts)."""
    first_action_at: Mapped[datetime | None]
    """When a person first changed it."""
    resolved_at: Mapped[datetime | None]
    """When it was last resolved or set not actionable (None while it is open)."""


class TriageEventModel(Base):
    """One change to a triage item: who changed which field from what to what."""

    __tablename__ = "triage_events"
    __table_args__ = (Index("ix_triage_events_mention_id_at", "mention_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", name="fk_triage_events_mention_id", ondelete="CASCADE")
    )
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class SourceCursorModel(Base):
    """Where one source instance stopped for one brand, and how it has been doing."""

    __tablename__ = "source_cursors"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    brand: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    mentions_collected: Mapped[int] = mapped_column(Integer, server_default="0")


class DigestRunModel(Base):
    """One digest for one period: sent at most once thanks to the unique key."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("name", "period_start", "period_end", name="uq_digest_runs_name_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
    """One of :data:`DIGEST_STATUSES` (their meaning: :mod:`storage.digest_runs`)."""
    message_id: Mapped[str | None] = mapped_column(String(500))
    recipients: Mapped[list[str] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    """When the latest attempt was claimed."""
    sent_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(300))
    """The process that claimed the latest attempt, ``pid@host``."""
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    """How many times the message was handed to a mail server."""
    uncertain_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    """How many of those may have delivered a copy without the server confirming it."""


class SchedulerJobModel(Base):
    """APScheduler's job store table (``SQLAlchemyJobStore``), created by our migration, not by APScheduler."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class AlertEventModel(Base):
    """One spike alert for (brand, topic, kind); ``topic`` is "" for the brand as a whole."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_key_detected_at", "brand", "topic", "kind", "detected_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    brand: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    """``volume`` or ``negative_share``."""
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    detected_at: Mapped[datetime]
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    mentions: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    """``sent`` (at least one channel delivered it) or ``failed`` (retried on the next check)."""
    channels: Mapped[list[str] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)


class UserModel(Base):
    """A person who may log in to the workspace; ``role`` is one of :data:`ROLES`."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username", name="uq_users_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(Text)
    """An argon2 hash (the application layer makes and checks it)."""
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WebSessionModel(Base):
    """A server-side login session: the cookie holds a random token, this row its SHA-256."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
        Index("ix_web_sessions_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_web_sessions_user_id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ApiTokenModel(Base):
    """A user's token for scripts and the REST API, stored as its SHA-256; revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        Index("ix_api_tokens_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_api_tokens_user_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    """The token's first characters, shown in listings so a person can tell tokens apart."""
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LabelFeedbackModel(Base):
    """A person's correction of one classifier label of one mention, for training."""

    __tablename__ = "label_feedback"
    __table_args__ = (
        Index("ix_label_feedback_mention_id", "mention_id"),
        Index("ix_label_feedback_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", name="fk_label_feedback_mention_id", ondelete="CASCADE")
    )
    model_version: Mapped[str | None] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(50))
    """``sentiment``, ``expectation_gap``, ``emotion``, ``topics`` or ``flagged``."""
    predicted: Mapped[str | None] = mapped_column(Text)
    corrected: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class SavedSearchModel(Base):
    """An inbox search (its query string) saved by a user; ``shared`` shows it to everyone."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_saved_searches_owner_id_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_saved_searches_owner_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
    """The inbox's URL query string (``f=1&q=refund&status=open``)."""
    shared: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime]


class WorkLeaseModel(Base):
    """A piece of shared work one process holds until ``expires_at`` (:mod:`storage.claims`)."""

    __tablename__ = "work_leases"
    __table_args__ = (
        UniqueConstraint("kind", "name", "item", name="uq_work_leases_kind_name_item"),
        Index("ix_work_leases_holder", "holder"),
        Index("ix_work_leases_kind_expires_at", "kind", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    """``classify``, ``collect`` or ``worker``."""
    name: Mapped[str] = mapped_column(String(400))
    """The model version (classify), ``source:brand`` (collect) or the worker's name."""
    item: Mapped[int] = mapped_column(Integer, server_default="0")
    """The mention id of a classify lease; 0 for the others."""
    holder: Mapped[str] = mapped_column(String(300))
    """The process holding it, ``pid@host``."""
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    info: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """A worker's heartbeat details (queues, concurrency, tasks done)."""
