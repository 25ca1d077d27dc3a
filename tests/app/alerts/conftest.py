"""Fixtures for alert tests: a bulk seeder on the shared ``store`` (SQLite and PostgreSQL);
the SMTP servers come from tests/testkit/smtp.py."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert, select

from foundation.mentions import Cursor, StoredMention
from storage import Store
from storage.models import ClassificationModel, MentionModel


class BulkSeeder:
    """Collects mentions with their classification and stores them in one batch on :meth:`flush`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[tuple[StoredMention, str | None, tuple[str, ...]]] = []
        self.count = 0

    def add(
        self,
        brand: str,
        text: str,
        created_at: datetime,
        *,
        sentiment: str | None = "neutral",
        topics: tuple[str, ...] = (),
        url: str | None = None,
    ) -> None:
        assert brand == "Acme", "one brand per seeder batch"
        self.count += 1
        mention = StoredMention(
            source="twitter",
            external_id=f"m{self.count}",
            text=text,
            created_at=created_at,
            collected_at=created_at,
            content_hash=f"hash-{self.count}",
            url=url,
            author_handle="@someone",
        )
        self.pending.append((mention, sentiment, topics))

    def flush(self) -> None:
        mentions = [m for m, _, _ in self.pending]
        self.store.save_batch(mentions, source="twitter", brand="Acme", cursor=Cursor(str(self.count)))
        with self.store.engine.begin() as connection:
            found = connection.execute(
                select(MentionModel.external_id, MentionModel.id).where(
                    MentionModel.external_id.in_([m.external_id for m in mentions])
                )
            )
            ids = {external_id: mention_id for external_id, mention_id in found}
            rows = [
                {
                    "mention_id": ids[m.external_id],
                    "model_version": "v1",
                    "sentiment": sentiment,
                    "sentiment_scores": {},
                    "topics": list(topics),
                    "topic_scores": {},
                    "expectation_gap": "none",
                    "gap_score": 0.0,
                    "emotion": "neutral",
                    "emotion_scores": {},
                    "flagged": False,
                    "classified_at": m.created_at,
                }
                for m, sentiment, topics in self.pending
                if sentiment is not None
            ]
            if rows:
                connection.execute(insert(ClassificationModel), rows)
        self.pending.clear()


@pytest.fixture
def seeder(store: Store) -> BulkSeeder:
    return BulkSeeder(store)
