"""A newest-first listing with label or triage filters reads the newest mentions first
(``storage.search.execute.PROBE_ROWS``): whatever the window's size, every page is the page
the plain listing gives, on both backends."""

from __future__ import annotations

import pytest
from testkit.workspace import MODEL, seed

from storage import SearchFilters, Store
from storage.search import execute

FILTERS = [
    SearchFilters(flagged=True, model_version=MODEL),
    SearchFilters(flagged=True, statuses=("open", "in_progress"), model_version=MODEL),
    SearchFilters(sentiments=("negative", "neutral"), model_version=MODEL),
    SearchFilters(statuses=("open",), model_version=MODEL),
    SearchFilters(switching=False, priorities=("high", "normal"), model_version=MODEL),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_every_page_is_the_plain_listings_whatever_the_window(
    store: Store, filters: SearchFilters, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store)
    pages = [(limit, offset) for limit in (1, 2, 3, 50) for offset in (0, 1, 2, 4, 7)]
    monkeypatch.setattr(execute, "PROBE_ROWS", 0)  # no probe: the plain listing
    plain = {page: [h.id for h in store.search(None, filters, limit=page[0], offset=page[1])] for page in pages}
    everything = store.search(None, filters, limit=1000)
    assert everything, "the seeded store has matches for every filter here"
    for window in (1, 2, 3, 5, 8, 1000):
        monkeypatch.setattr(execute, "PROBE_ROWS", window)
        for (limit, offset), expected in plain.items():
            found = [h.id for h in store.search(None, filters, limit=limit, offset=offset)]
            assert found == expected, (window, limit, offset)
        for order in ("newest", "relevance"):
            hits, total = store.search_counted(None, filters, limit=2, order=order)
            assert total == len(everything) and [h.id for h in hits] == [h.id for h in everything[:2]]
