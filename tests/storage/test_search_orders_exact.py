"""The workspace's orders and per-value counts keep search exact (issue 14 merged with issue 17 §1).

Sorting by time or priority, and counting per filter value, read the same matches as
relevance order: what the query matcher accepts, the overflow's mentions included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from testkit.stores import CREATED

from foundation.mentions import Cursor, StoredMention
from foundation.query import MatchDocument, matches, parse, require_positive
from storage import DueOrder, SearchFilters, Store
from storage.search import ORDERS

MentionFactory = Callable[..., StoredMention]
ALL = SearchFilters()

TEXTS = [
    "refund now 😡😡 please",
    "refund please, no rush",
    "東京駅で遅延しています",
    "京都は晴れ",
    "it was $$$ for nothing",
    "it was $30 for nothing",
    "skyhop lost my bag",
    "acme " * 300 + "lost my refund",  # indexed as overflow on both backends
    " ".join(f"word{i}" for i in range(17_000)) + " refund at the end",  # overflow too
]


@pytest.fixture
def texts(store: Store, mention: MentionFactory) -> Store:
    batch = [
        mention(str(i), text, created_at=CREATED + timedelta(hours=(i * 5) % len(TEXTS)))
        for i, text in enumerate(TEXTS)
    ]
    store.save_batch(batch, source="twitter", brand="Northwind Air", cursor=Cursor())
    return store


def expected(query: str) -> set[str]:
    tree = require_positive(parse(query), query)
    return {str(i) for i, text in enumerate(TEXTS) if matches(tree, MatchDocument.from_text(text))}


QUERIES = ["refund", "refund -😡", "東京", "駅で遅延", "$$$", '"my refund"', "lost", "-refund lost"]


DUE = DueOrder(first_action_s=(("urgent", 3600.0),), resolution_s=(("urgent", 7200.0),))
"""The SLA order (storage has no config: the workspace passes its targets)."""


@pytest.mark.parametrize("order", [*ORDERS, DUE], ids=[*ORDERS, "due"])
@pytest.mark.parametrize("query", QUERIES)
def test_every_order_finds_exactly_what_the_matcher_finds(texts: Store, query: str, order: str | DueOrder) -> None:
    tree = parse(query)
    hits = texts.search(tree, ALL, limit=100, order=order)
    ids = [hit.external_id for hit in hits]
    assert set(ids) == expected(query) and len(ids) == len(set(ids))
    if order in ("newest", "oldest"):
        times = [(hit.created_at, hit.id) for hit in hits]
        assert times == sorted(times, reverse=order == "newest")
    paged = [
        hit.external_id
        for offset in range(0, 10, 2)
        for hit in texts.search(tree, ALL, limit=2, offset=offset, order=order)
    ]
    assert paged == ids


@pytest.mark.parametrize("query", QUERIES)
def test_counts_per_value_count_exactly_the_matches(texts: Store, query: str) -> None:
    tree = parse(query)
    counts = texts.facet_counts(tree, ALL, ["brand", "source"])
    assert counts["source"].get("twitter", 0) == len(expected(query)) == texts.count(tree, ALL)
    assert counts["brand"].get("Northwind Air", 0) == len(expected(query))
