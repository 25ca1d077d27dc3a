"""A small hand-built store for the trends tests: known mentions across weeks, a DST change,
a duplicate, an unclassified mention and an empty week.

Europe/Berlin leaves summer time on Sunday 25 October 2026 (03:00 CEST -> 02:00 CET).
In Berlin the weeks are Mon 19 Oct (from 2026-10-18T22:00Z), Mon 26 Oct (from
2026-10-25T23:00Z) and Mon 2 Nov (empty); mention B, at 2026-10-25T23:30Z, is
Monday 26 Oct 00:30 in Berlin but still Sunday 25 Oct in UTC.

======  ======  ====================  =========  ========  =========  ======================================
id      brand   created (UTC)         source     sentim.   gap        other
======  ======  ====================  =========  ========  =========  ======================================
A       Acme    2026-10-19 06:00      twitter    positive  shortfall  @a, en, anger, flagged, resolved in 4 h,
                                                                      topics delivery+refund, support
B       Acme    2026-10-25 23:30      appstore   negative  shortfall  @b, en, frustration, flagged, resolved in
                                                                      10 h, switching, leaving, rating 2, refund
C       Acme    2026-10-27 12:00      appstore   positive  exceeded   @a, de, joy, rating 5, use, no topics
D       Acme    2026-10-27 13:00      reddit     positive  exceeded   @d: a copy of C (same content)
E       Globex  2026-10-20 12:00      twitter    neutral   none       @g, en, about_brand False, no switching
                                                                      head, topic delivery
F       Globex  2026-10-28 09:00      twitter    negative  none       @f, en, anger, flagged (open), switching,
                                                                      support, no channel
G       Acme    2026-10-28 10:00      rss        --        --         no author, es, never classified
======  ======  ====================  =========  ========  =========  ======================================
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from foundation.mentions import Cursor, StoredMention
from storage import Store
from storage.models import ClassificationModel, MentionModel, TriageItemModel
from testkit.clock import NOW

__all__ = ["COMPETITORS", "MENTIONS", "seed"]

COMPETITORS = {"Acme": ["Globex"], "Globex": []}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


MENTIONS: list[dict[str, Any]] = [
    {
        "id": "A", "brand": "Acme", "at": _at("2026-10-19T06:00"), "source": "twitter", "channel": "twitter",
        "author": "@a", "language": "en", "sentiment": "positive", "gap": "shortfall", "emotion": "anger",
        "flagged": True, "triage": ("resolved", 4), "topics": ["delivery", "refund"], "about_brand": True,
        "switching": False, "lifecycle": "support",
    },
    {
        "id": "B", "brand": "Acme", "at": _at("2026-10-25T23:30"), "source": "appstore", "channel": "app_review",
        "author": "@b", "language": "en", "sentiment": "negative", "gap": "shortfall", "emotion": "frustration",
        "flagged": True, "triage": ("resolved", 10), "topics": ["refund"], "about_brand": True, "switching": True,
        "lifecycle": "leaving", "rating": 2.0,
    },
    {
        "id": "C", "brand": "Acme", "at": _at("2026-10-27T12:00"), "source": "appstore", "channel": "app_review",
        "author": "@a", "language": "de", "sentiment": "positive", "gap": "exceeded", "emotion": "joy",
        "topics": [], "about_brand": True, "switching": False, "lifecycle": "use", "rating": 5.0, "hash": "same",
    },
    {
        "id": "D", "brand": "Acme", "at": _at("2026-10-27T13:00"), "source": "reddit", "channel": "reddit",
        "author": "@d", "language": "de", "sentiment": "positive", "gap": "exceeded", "emotion": "joy",
        "topics": [], "about_brand": True, "switching": False, "lifecycle": "use", "hash": "same",
    },
    {
        "id": "E", "brand": "Globex", "at": _at("2026-10-20T12:00"), "source": "twitter", "channel": "twitter",
        "author": "@g", "language": "en", "sentiment": "neutral", "gap": "none", "emotion": "neutral",
        "topics": ["delivery"], "about_brand": False, "switching": None,
    },
    {
        "id": "F", "brand": "Globex", "at": _at("2026-10-28T09:00"), "source": "twitter", "channel": None,
        "author": "@f", "language": "en", "sentiment": "negative", "gap": "none", "emotion": "anger",
        "flagged": True, "triage": ("open", None), "topics": [], "about_brand": True, "switching": True,
        "lifecycle": "support",
    },
    {"id": "G", "brand": "Acme", "at": _at("2026-10-28T10:00"), "source": "rss", "channel": "news", "language": "es"},
]  # fmt: skip


def seed(store: Store, model_version: str = "v1") -> dict[str, int]:
    """Store :data:`MENTIONS` (classified by ``model_version``); their ids by letter."""
    ids: dict[str, int] = {}
    for row in MENTIONS:
        mention = StoredMention(
            source=row["source"],
            external_id=row["id"],
            text=f"mention {row['id']} about {row['brand']}",
            created_at=row["at"],
            collected_at=NOW,
            content_hash=row.get("hash", f"hash-{row['id']}"),
            author_handle=row.get("author"),
            language=row.get("language"),
            channel=row.get("channel"),
            rating=row.get("rating"),
        )
        store.save_batch([mention], source=row["source"], brand=row["brand"], cursor=Cursor("c"))
        with store.engine.begin() as connection:
            mention_id = connection.execute(
                select(MentionModel.id).where(MentionModel.external_id == row["id"])
            ).scalar_one()
            ids[row["id"]] = mention_id
            if "sentiment" not in row:
                continue
            connection.execute(
                insert(ClassificationModel).values(
                    mention_id=mention_id,
                    model_version=model_version,
                    sentiment=row["sentiment"],
                    sentiment_scores={},
                    topics=row["topics"],
                    topic_scores={},
                    expectation_gap=row["gap"],
                    gap_score=0.9,
                    emotion=row["emotion"],
                    emotion_scores={},
                    flagged=row.get("flagged", False),
                    about_brand=row.get("about_brand"),
                    switching=row.get("switching"),
                    lifecycle=row.get("lifecycle"),
                    classified_at=NOW,
                )
            )
            if "triage" in row:
                status, hours = row["triage"]
                connection.execute(
                    insert(TriageItemModel).values(
                        mention_id=mention_id,
                        status=status,
                        updated_at=NOW,
                        opened_at=row["at"],
                        resolved_at=None if hours is None else row["at"] + timedelta(hours=hours),
                    )
                )
    return ids
