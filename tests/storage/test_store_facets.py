"""Brand and date filters answered by the full-text index stay exact."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from testkit.stores import MentionFactory

from foundation.mentions import Cursor
from foundation.query import parse
from foundation.query.ast import Phrase
from storage import SearchFilters, Store
from storage.search.days import id_window, interior
from storage.search.execute import _Run
from storage.search.facets import FacetFilter, brand_token, facet_filter, facets_text, with_brand


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
        # SQLite leaves the brand facets out of the ranking once a candidate is found; PostgreSQL keeps them.
        assert run.ranking() == (True, FacetFilter() if store.dialect == "sqlite" else run.facets)
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


def _days(store: Store) -> dict[str, tuple[int, int]]:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT day, min_id, max_id FROM mention_days").all()
    return {day: (low, high) for day, low, high in rows}


def test_sqlite_keeps_each_day_s_id_range_for_every_way_a_mention_is_written(
    tmp_path: Path, mention: MentionFactory
) -> None:
    """Batches record their days at once, triggers cover other writers; a date window then
    finds a post imported out of order, typed in by hand, or moved to another day."""
    store = Store.open(f"sqlite:///{tmp_path / 'days.db'}")
    may = [datetime(2026, 5, day, 9, tzinfo=UTC) for day in range(1, 6)]
    try:
        store.upgrade()
        store.save_batch(
            [mention(f"n{i}", "refund please", created_at=may[i]) for i in (1, 2, 3)],
            source="twitter",
            brand="Acme",
            cursor=Cursor(),
        )
        # A backfill, stored after the newer posts: ids no longer follow dates.
        store.save_batch(
            [mention("old", "refund please", created_at=may[0])], source="twitter", brand="Acme", cursor=Cursor()
        )
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO mentions (source, external_id, text, created_at, collected_at, content_hash) "
                "VALUES ('manual', 'typed', 'refund by hand', '2026-05-05 09:00:00.000000', "
                "'2026-05-05 09:00:00.000000', 'typed')"
            )
            connection.exec_driver_sql(
                "UPDATE mentions SET created_at = '2026-05-01 10:00:00.000000' WHERE external_id = 'n3'"
            )
            connection.exec_driver_sql("DELETE FROM mentions WHERE external_id = 'n2'")
            exact = connection.exec_driver_sql(
                "SELECT substr(created_at, 1, 10), min(id), max(id) FROM mentions GROUP BY 1"
            ).all()
        days = _days(store)
        for day, low, high in exact:  # every mention lies in its day's range
            assert days[day][0] <= low and high <= days[day][1], (day, days)

        def found(since: datetime, until: datetime) -> set[str]:
            hits = store.search(parse("refund"), SearchFilters(since=since, until=until))
            return {h.external_id for h in hits}

        assert found(may[0], may[1]) == {"old", "n3"}  # imported late, and moved there
        assert found(may[1], may[4]) == {"n1"}  # n2 deleted, n3 moved away
        assert found(may[4], datetime(2026, 5, 6, tzinfo=UTC)) == {"typed"}  # written by hand
        assert found(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)) == set()
    finally:
        store.dispose()


def test_sqlite_s_date_interior_holds_only_mentions_of_the_window(tmp_path: Path, mention: MentionFactory) -> None:
    """For every window over a store written out of date order (a backfill, a post moved to another
    day), each id the interior claims belongs to a mention created in the window, and a search
    that skips the date check there finds exactly the window's mentions."""
    store = Store.open(f"sqlite:///{tmp_path / 'interior.db'}")
    start = datetime(2026, 5, 1, tzinfo=UTC)
    try:
        store.upgrade()
        for batch in ([1, 2, 3, 4], [0, 2], [5, 6], [3]):  # days, in the order they were stored
            store.save_batch(
                [
                    mention(
                        f"d{day}-{hour}-{len(batch)}",
                        "refund please",
                        created_at=start + timedelta(days=day, hours=hour),
                    )
                    for day in batch
                    for hour in (3, 15)
                ],
                source="twitter",
                brand="Acme",
                cursor=Cursor(),
            )
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE mentions SET created_at = '2026-05-07 01:00:00.000000' "
                "WHERE id = (SELECT min(id) FROM mentions)"
            )
            created = {
                mention_id: datetime.fromisoformat(moment).replace(tzinfo=UTC)
                for mention_id, moment in connection.exec_driver_sql("SELECT id, created_at FROM mentions").all()
            }
        moments = [None, *(start + timedelta(hours=12 * n) for n in range(17))]
        claimed = 0
        for since, until in itertools.product(moments, moments):
            if since is not None and until is not None and since >= until:
                continue
            with store.engine.connect() as connection:
                window = id_window(connection, since, until)
                inner = interior(connection, since, until, window) if window is not None else None
            wanted = {
                mention_id
                for mention_id, moment in created.items()
                if (since is None or moment >= since) and (until is None or moment < until)
            }
            if inner is not None:
                inside = {mention_id for mention_id in created if inner[0] <= mention_id <= inner[1]}
                assert inside <= wanted, (since, until, inner)
                claimed += len(inside)
            for filters in (
                SearchFilters(since=since, until=until),
                SearchFilters(brands=("Acme",), since=since, until=until),
            ):
                hits, total = store.search_counted(parse("refund"), filters, limit=100)
                assert {h.id for h in hits} == wanted and total == len(wanted), (since, until)
        assert claimed > 0  # the interior did spare some date checks
    finally:
        store.dispose()
