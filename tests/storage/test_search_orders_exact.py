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


@pytest.mark.parametrize("order", [*ORDERS, DUE], ids=[*ORDERS, "due"])
@pytest.mark.parametrize("query", QUERIES)
def test_a_page_with_its_total_is_the_page_and_the_count(texts: Store, query: str, order: str | DueOrder) -> None:
    """What the inbox and the API show: the same page as search, and the same total as count,
    whether the page is full, the last one, or past the end (overflow mentions included)."""
    tree = parse(query)
    total = len(expected(query))
    for limit, offset in ((1, 0), (2, 1), (100, 0), (2, total), (1, total + 3)):
        hits, counted = texts.search_counted(tree, ALL, limit=limit, offset=offset, order=order)
        assert counted == total, (limit, offset)
        page = texts.search(tree, ALL, limit=limit, offset=offset, order=order)
        assert [h.external_id for h in hits] == [h.external_id for h in page]
