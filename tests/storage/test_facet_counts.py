"""Counts per filter value: the one-query count of the dimensions that share their filters
gives what counting each dimension on its own gives, with and without a query and filters,
and what tallying the search's own hits gives."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from testkit.workspace import MENTIONS, MODEL, seed

from foundation.query import parse
from storage import SearchFilters, SearchHit, Store
from storage.search.counts import DIMENSIONS

SEARCHES = [
    ("", SearchFilters(model_version=MODEL)),
    ("", SearchFilters(flagged=True, statuses=("open", "in_progress"), model_version=MODEL)),
    ("refund", SearchFilters(model_version=MODEL)),
    ("refund OR flight", SearchFilters(sentiments=("negative",), brands=("Acme",), model_version=MODEL)),
    ("", SearchFilters(switching=False, about_brand=True, priorities=("high",), model_version=MODEL)),
    ("", SearchFilters()),  # no model version: every stored classification counts
]


@pytest.mark.parametrize(("query", "filters"), SEARCHES)
def test_counting_together_equals_counting_one_by_one(store: Store, query: str, filters: SearchFilters) -> None:
    ids = seed(store).ids
    unlabelled = dataclasses.replace(MENTIONS["beta"][4], model_version="older-model", sentiment="positive")
    store.save_classifications([(ids["beta"], unlabelled)])  # a second model's labels must not count twice
    node = parse(query) if query else None
    together = store.facet_counts(node, filters, list(DIMENSIONS))
    for name in DIMENSIONS:
        assert together[name] == store.facet_counts(node, filters, [name])[name], name
    assert list(together) == list(DIMENSIONS)
    if filters == SEARCHES[1][1]:
        # the default inbox: open flagged work is refund, delay and hostile
        assert together["flagged"] == {"true": 3}
        assert together["sentiment"] == {"negative": 3}
        assert sum(together["status"].values()) == 3 and together["source"] == {"twitter": 2, "reviews": 1}


def _values(hit: SearchHit, name: str) -> list[str | None]:
    """What a search hit says for dimension ``name``, spelled as the counts spell it."""
    labels, item = hit.classification, hit.triage
    plain = {"source": hit.source, "channel": hit.channel, "language": hit.language}
    if name == "brand":
        return list(hit.brands)
    if name in plain:
        return [plain[name]]
    if name in ("status", "assignee", "priority", "tag"):
        if item is None:
            return []
        return list(item.tags) if name == "tag" else [getattr(item, name)]
    if labels is None:
        return []
    if name == "topic":
        return list(labels.topics)
    value = getattr(labels, "expectation_gap" if name == "gap" else name)
    return [None if value is None else str(value).lower() if isinstance(value, bool) else value]


@pytest.mark.parametrize(("query", "filters"), [s for s in SEARCHES if s[1].model_version is not None])
def test_counts_are_what_the_search_itself_finds(store: Store, query: str, filters: SearchFilters) -> None:
    """Each dimension's counts equal a tally of the hits the search gives with that dimension's
    filter cleared, and the faceted search's total is the count of the search itself."""
    seed(store)
    node = parse(query) if query else None
    hits, total, counts = store.search_faceted(node, filters, list(DIMENSIONS), limit=10)
    assert total == store.count(node, filters)
    assert [h.id for h in hits] == [h.id for h in store.search(node, filters, limit=10)]
    for name, dimension in DIMENSIONS.items():
        cleared = dataclasses.replace(filters, **{dimension.field: None if dimension.yes_no else ()})
        tally = Counter(v for hit in store.search(node, cleared, limit=10_000) for v in _values(hit, name))
        assert counts[name] == dict(tally), name


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(flagged=True, statuses=("open", "in_progress", "waiting_on_customer"), model_version=MODEL),
        SearchFilters(flagged=True, model_version=MODEL),  # labels alone: counted from classifications
        SearchFilters(statuses=("open",)),  # triage alone: counted from the triage items
        SearchFilters(assignees=("",), priorities=("high", "normal")),
        SearchFilters(sentiments=("negative",), statuses=("open",)),  # no model version: through mentions
        SearchFilters(flagged=True, statuses=("open",), model_version=MODEL, include_duplicates=False),
        SearchFilters(flagged=True, brands=("Acme",), model_version=MODEL),
        SearchFilters(flagged=False, model_version="older-model"),
    ],
)
def test_a_count_without_a_query_is_the_number_of_mentions_the_search_lists(
    store: Store, filters: SearchFilters
) -> None:
    ids = seed(store).ids
    older = dataclasses.replace(MENTIONS["beta"][4], model_version="older-model", flagged=False)
    store.save_classifications([(ids["beta"], older)])  # a second model's labels: one mention, not two
    listed = store.search(None, filters, limit=10_000)
    assert store.count(None, filters) == len(listed) == len({hit.id for hit in listed})
    assert store.search_counted(None, filters, limit=2)[1] == len(listed)
