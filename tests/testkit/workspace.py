"""Seeding a store with classified mentions and users, for the workspace, API and app tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cxpulse.app.triage import apply_default_priorities
from cxpulse.app.users import add_user
from foundation.labels import Classification
from foundation.mentions import Cursor, StoredMention
from storage import Store
from testkit.clock import NOW

MODEL = "test-model-1"
PASSWORD = "correct horse battery"  # noqa: S105 (the test users' password)
USERS = {"ada": "admin", "alex": "agent", "vera": "viewer", "sam": "agent"}
HOSTILE_TEXT = (
    'Refund please <script>alert("x")</script> <img src=x onerror=alert(1)> '
    '\u202egnp.exe\u202c and <a href="javascript:alert(2)">click</a> \' OR 1=1 --'
)
HOSTILE_URL = "javascript:alert(3)"


@dataclass(frozen=True)
class Seeded:
    """Mention ids by name."""

    ids: dict[str, int]


def _labels(
    sentiment: str,
    gap: str,
    emotion: str,
    flagged: bool,
    topics: tuple[str, ...] = (),
    evidence: tuple[str, ...] = (),
    lifecycle: str | None = None,
) -> Classification:
    return Classification(
        sentiment=sentiment,
        sentiment_scores={"negative": 0.1, "neutral": 0.1, "positive": 0.1, sentiment: 0.8},
        topics=topics,
        topic_scores={t: 0.9 for t in topics},
        expectation_gap=gap,
        gap_score=0.87,
        gap_evidence=evidence,
        emotion=emotion,
        emotion_scores={emotion: 0.7},
        flagged=flagged,
        model_version=MODEL,
        lifecycle=lifecycle,
        lifecycle_scores={lifecycle: 0.8} if lifecycle else {},
    )


MENTIONS: dict[str, tuple[str, str, str, dict[str, object], Classification]] = {
    # name: (brand, source, text, fields, labels)
    "refund": (
        "Acme",
        "twitter",
        "My refund never arrived, you promised it within 5 days. Still waiting.",
        {"channel": "twitter", "author_handle": "jo", "url": "https://twitter.com/jo/status/1", "language": "en"},
        _labels(
            "negative",
            "shortfall",
            "anger",
            True,
            ("refunds",),
            ("you promised it within 5 days",),
            lifecycle="support",
        ),
    ),
    "delay": (
        "Acme",
        "twitter",
        "Flight delayed again, stuck at the gate for three hours",
        {"channel": "twitter", "author_handle": "jo", "language": "en"},
        _labels("negative", "none", "frustration", True, ("delays",)),
    ),
    "praise": (
        "Acme",
        "twitter",
        "Great service today, thanks to the crew!",
        {"channel": "twitter", "author_handle": "kim", "language": "en"},
        _labels("positive", "exceeded", "joy", False),
    ),
    "hostile": (
        "Acme",
        "reviews",
        HOSTILE_TEXT,
        {"channel": "app_review", "url": HOSTILE_URL, "author_handle": "<b>evil</b>", "rating": 1.0},
        _labels("negative", "shortfall", "disappointment", True, ("refunds",), ("Refund please",)),
    ),
    "beta": (
        "Beta",
        "reddit",
        "Does Beta ship to Canada? Asking before I order",
        {"channel": "reddit", "author_handle": "lee", "language": "en"},
        _labels("neutral", "none", "neutral", False, lifecycle="before_purchase"),
    ),
}


def seed(store: Store) -> Seeded:
    """The mentions of :data:`MENTIONS`, classified by :data:`MODEL`, and the users of :data:`USERS`."""
    ids: dict[str, int] = {}
    for i, (name, (brand, source, text, fields, _)) in enumerate(MENTIONS.items()):
        mention = StoredMention(
            source=source,
            external_id=name,
            text=text,
            created_at=NOW - timedelta(hours=len(MENTIONS) - i),
            collected_at=NOW,
            content_hash=f"hash-{name}",
            **fields,  # type: ignore[arg-type]
        )
        store.save_batch([mention], source=source, brand=brand, cursor=Cursor(name))
        found = store.get_mention(source, name)
        assert found is not None
        ids[name] = found.id
    store.save_classifications([(ids[name], labels) for name, (*_, labels) in MENTIONS.items()])
    apply_default_priorities(store)
    for username, role in USERS.items():
        add_user(store, username, PASSWORD, role=role, display_name=username.title())
    return Seeded(ids)
