"""Brand and date filters answered by the full-text index stay exact."""

from __future__ import annotations

from datetime import UTC, datetime

from testkit.stores import MentionFactory

from foundation.mentions import Cursor
from foundation.query import parse
from foundation.query.ast import Phrase
from storage import SearchFilters, Store
from storage.search.execute import _Run
from storage.search.facets import brand_token, facet_filter, facets_text, with_brand


def test_one_alphanumeric_token_per_brand() -> None:
    assert facet_filter(["Acme", "Acme"]).brands == (brand_token("Acme"),)
    assert not facet_filter([])
    assert facets_text(["B", "A"]) == f"{brand_token('A')} {brand_token('B')}"
    assert brand_token("Café Ünïcode & Co") == brand_token("Café Ünïcode & Co") != brand_token("Acme")
    assert brand_token("x").isalnum()
    assert with_brand(facets_text(["A"]), "A") == facets_text(["A"])
    assert with_brand(None, "A") == brand_token("A")


def test_a_mention_linked_to_a_second_brand_is_found_under_both(store: Store, mention: MentionFactory) -> None:
    shared = mention("both", "acme versus globex: refund fight")
    store.save_batch([shared], source=shared.source, brand="Acme", cursor=Cursor("1"))
    store.save_batch([shared], source=shared.source, brand="Globex Corp", cursor=Cursor("1"))
    for brand in ("Acme", "Globex Corp"):
        [hit] = store.search(parse("refund"), SearchFilters(brands=(brand,)))
        assert hit.external_id == "both" and set(hit.brands) == {"Acme", "Globex Corp"}
    assert store.search(parse("refund"), SearchFilters(brands=("Initech",))) == []


def test_the_exact_date_window_applies(store: Store, mention: MentionFactory) -> None:
    early = mention("early", "refund please", created_at=datetime(2026, 5, 1, 8, 0, tzinfo=UTC))
    late = mention("late", "refund please", created_at=datetime(2026, 5, 1, 20, 0, tzinfo=UTC))
    store.save_batch([early, late], source=early.source, brand="Acme", cursor=Cursor("1"))
    window = SearchFilters(
        brands=("Acme",), since=datetime(2026, 5, 1, 12, tzinfo=UTC), until=datetime(2026, 5, 2, tzinfo=UTC)
    )
    assert [h.external_id for h in store.search(parse("refund"), window)] == ["late"]
    assert store.count(parse("refund"), window) == 1


def test_an_empty_word_query_with_filters_matches_nothing(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("a", "refund please")], source="twitter", brand="Acme", cursor=Cursor("1"))
    # The parser refuses such a phrase; a tree built by code can still hold one.
    assert store.search(Phrase(("",)), SearchFilters(brands=("Acme",))) == []


def test_a_ranking_with_or_without_the_brand_facets_in_its_index_query_is_the_same(
    store: Store, mention: MentionFactory
) -> None:
    texts = [
        "refund",
        "refund refund, still no refund after three weeks",
        "asked for a refund at the desk and was told to wait for an email that never came",
        "the refund arrived, thank you",
        "no refund yet",
    ]
    store.save_batch(
        [mention(f"a{i}", t) for i, t in enumerate(texts)], source="twitter", brand="Acme", cursor=Cursor("1")
    )
    store.save_batch(
        [mention(f"g{i}", t) for i, t in enumerate(texts)], source="twitter", brand="Globex", cursor=Cursor("1")
    )
    store.save_batch([mention("i0", "great service")], source="twitter", brand="Initech", cursor=Cursor("1"))
    query, acme = parse("refund"), SearchFilters(brands=("Acme",))
    with store.engine.connect() as connection:
        run = _Run(connection, query, acme)
        assert run.plan.narrowing is not None
        # SQLite leaves the facets out of the ranking once a candidate is found; PostgreSQL keeps them.
        assert run.ranking() == (True, None if store.dialect == "sqlite" else run.facets)
        pages = [
            connection.execute(run.backend.ranked_ids_statement(run.plan.narrowing, run.conditions, 10, 0, f)).all()
            for f in (run.facets, None)
        ]
        assert pages[0] == pages[1] and len(pages[0]) == 5
        ranks = [rank for _, rank in pages[0]]
        assert ranks == sorted(ranks, reverse=True)
        if store.dialect == "sqlite":
            assert len(set(ranks)) == 5  # bm25 tells them apart, so the order is its own
        initech = _Run(connection, query, SearchFilters(brands=("Initech",)))
        assert initech.ranking()[0] is (store.dialect != "sqlite")  # SQLite: no candidate, told at once
    hits, total = store.search_counted(query, acme, limit=3)
    assert total == 5 and [h.rank for h in hits] == ranks[:3]
    assert {h.external_id for h in hits} <= {f"a{i}" for i in range(5)}
    assert store.search_counted(query, SearchFilters(brands=("Initech",))) == ([], 0)
