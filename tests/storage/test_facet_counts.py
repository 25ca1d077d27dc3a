"""Counts per filter value: the one-query count of the dimensions that share their filters
gives what counting each dimension on its own gives, with and without a query and filters."""

from __future__ import annotations

import dataclasses

import pytest
from testkit.workspace import MENTIONS, MODEL, seed

from foundation.query import parse
from storage import SearchFilters, Store
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
