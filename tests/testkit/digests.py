"""Digest test helpers (digest, CLI and service tests): a seeder, a config with [smtp] and [[digests]]."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from cxpulse.config import LoadedConfig, load_config
from foundation.mentions import Cursor, StoredMention
from storage import Store
from storage.models import ClassificationModel, MentionModel, TriageItemModel
from testkit.clock import NOW

"""A Monday: "last week" is Monday 16 to Sunday 22 November 2026, the week before 9 to 15 November."""


class Seeder:
    """Stores mentions through the store's own API and classifies them with direct inserts."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._n = 0

    def add(
        self,
        brand: str,
        text: str,
        created_at: datetime,
        *,
        sentiment: str | None = "neutral",
        gap: str = "none",
        topics: tuple[str, ...] = (),
        flagged: bool = False,
        evidence: tuple[str, ...] | None = None,
        gap_score: float = 0.0,
        rating: float | None = None,
        triage: str | None = None,
        about_brand: bool | None = None,
        switching: bool | None = None,
        model_version: str = "v1",
        classified_at: datetime = NOW,
        source: str = "twitter",
        url: str | None = None,
        content_hash: str | None = None,
    ) -> int:
        """Store one mention of ``brand`` and, unless ``sentiment`` is None, classify it.

        ``about_brand`` and ``switching`` None: a classifier before 2.0 (no such heads).
        """
        self._n += 1
        external_id = f"m{self._n}"
        mention = StoredMention(
            source=source,
            external_id=external_id,
            text=text,
            created_at=created_at,
            collected_at=NOW,
            content_hash=content_hash or f"hash-{self._n}",
            url=url,
            rating=rating,
            author_handle="@someone",
            channel=source,
        )
        self.store.save_batch([mention], source=source, brand=brand, cursor=Cursor("c"))
        with self.store.engine.begin() as connection:
            mention_id = connection.execute(
                select(MentionModel.id).where(MentionModel.source == source, MentionModel.external_id == external_id)
            ).scalar_one()
            if sentiment is not None:
                self.classify(
                    mention_id,
                    sentiment=sentiment,
                    gap=gap,
                    topics=topics,
                    flagged=flagged,
                    evidence=evidence,
                    gap_score=gap_score,
                    about_brand=about_brand,
                    switching=switching,
                    model_version=model_version,
                    classified_at=classified_at,
                    connection=connection,
                )
            if triage is not None:
                connection.execute(insert(TriageItemModel).values(mention_id=mention_id, status=triage, updated_at=NOW))
        return mention_id

    def classify(self, mention_id: int, *, connection: Any = None, **fields: Any) -> None:
        values = {
            "mention_id": mention_id,
            "model_version": fields.get("model_version", "v1"),
            "sentiment": fields.get("sentiment", "neutral"),
            "sentiment_scores": {},
            "topics": list(fields.get("topics", ())),
            "topic_scores": {},
            "expectation_gap": fields.get("gap", "none"),
            "gap_score": fields.get("gap_score", 0.0),
            "gap_evidence": list(fields["evidence"]) if fields.get("evidence") else None,
            "emotion": "neutral",
            "emotion_scores": {},
            "flagged": fields.get("flagged", False),
            "about_brand": fields.get("about_brand"),
            "switching": fields.get("switching"),
            "switching_score": None if fields.get("switching") is None else (0.9 if fields["switching"] else 0.1),
            "classified_at": fields.get("classified_at", NOW),
        }
        if connection is None:
            with self.store.engine.begin() as own:
                own.execute(insert(ClassificationModel).values(**values))
        else:
            connection.execute(insert(ClassificationModel).values(**values))


CONFIG = """
[[brands]]
name = "Acme"
query = "acme"
competitors = ["Globex"]

[[brands]]
name = "Globex"
query = "globex"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "CX Pulse <cxpulse@example.com>"
timeout = 5

[[digests]]
name = "weekly"
brands = ["Acme"]
period = "weekly"
timezone = "{timezone}"
recipients = ["marketing@example.com", "cx-lead@example.com"]
"""


def write_config(tmp_path: Path, *, port: int = 2525, timezone: str = "UTC", extra: str = "") -> LoadedConfig:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(port=port, timezone=timezone) + extra, encoding="utf-8")
    return load_config(path, env={})
