"""Hacker News through the Algolia search API: pages, cursors, failures, all over recorded HTTP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx
from webtools import NOW_EPOCH, FakeTime, brand, config_for, fixture_json, stored

from cxpulse.app.collect import collect, collect_source
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from foundation.mentions import Cursor
from listener.http import USER_AGENT
from listener.sources.hackernews import HackerNewsOptions, HackerNewsSource
from storage import Store

API = "https://hn.algolia.com/api/v1/search_by_date"
WEEK_AGO = NOW_EPOCH - 7 * 86400


def source(fake_time: FakeTime, **options: object) -> HackerNewsSource:
    return HackerNewsSource("hackernews", HackerNewsOptions.model_validate(options), hooks=fake_time.hooks())


def pages(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(API, params={"page": "0"}).respond(json=fixture_json("hackernews", "search_page0.json"))
    respx_mock.get(API, params={"page": "1"}).respond(json=fixture_json("hackernews", "search_page1.json"))


def test_first_run_backfills_a_week_page_by_page(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    pages(respx_mock)
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 3
    assert result.dropped == {"no_match": 1}  # "acmeville" is not Acme
    hits = {h.external_id: h for h in stored(store, "hackernews")}
    assert set(hits) == {"41000001", "41000002", "41000003"}  # the deleted comment is skipped
    comment = hits["41000002"]
    assert (
        comment.text
        == 'I switched away from Acme after the third outage this month.\n\nTheir status page said "all good".'
    )
    assert comment.url == "https://news.ycombinator.com/item?id=41000002"
    assert comment.author_handle == "lee" and comment.channel == "hackernews"
    assert hits["41000003"].text.startswith("Ask HN: Is Acme support always this slow?\n\nWaited 3 weeks")
    first = respx_mock.calls[0].request
    assert first.url.params["numericFilters"] == f"created_at_i>{WEEK_AGO}"
    assert first.url.params["tags"] == "(story,comment)" and first.url.params["query"] == "acme"
    assert first.headers["User-Agent"] == USER_AGENT
    assert [c.request.url.params["page"] for c in respx_mock.calls] == ["0", "1"]
    assert store.load_cursor("hackernews", "Acme") == Cursor(f'{{"after":{NOW_EPOCH - 600},"v":1}}')


def test_second_run_asks_only_for_newer_items_and_stores_nothing_twice(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    pages(respx_mock)
    collect_source(source(fake_time), brand(), store)
    respx_mock.reset()
    respx_mock.routes.clear()
    route = respx_mock.get(API).respond(json=fixture_json("hackernews", "search_newer.json"))
    second = collect_source(source(fake_time), brand(), store)
    assert second.stored == 1
    assert route.calls[0].request.url.params["numericFilters"] == f"created_at_i>{NOW_EPOCH - 600}"
    third = collect_source(source(fake_time), brand(), store)  # the API repeats the item: stored once
    assert third.stored == 0 and third.already_stored == 1
    assert len(stored(store, "hackernews")) == 4


def test_each_anchor_term_of_the_query_is_searched(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    route = respx_mock.get(API).respond(json=fixture_json("hackernews", "search_empty.json"))
    collect_source(source(fake_time), brand('(acme OR "acme air") -airdrop'), store)
    assert [c.request.url.params["query"] for c in route.calls] == ["acme", '"acme air"']


def test_an_empty_page_stores_nothing_and_moves_the_cursor(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(API).respond(json=fixture_json("hackernews", "search_empty.json"))
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 0
    assert store.load_cursor("hackernews", "Acme") == Cursor(f'{{"after":{WEEK_AGO},"v":1}}')


def test_a_short_429_is_waited_out_and_a_long_one_reports_the_reset(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    route = respx_mock.get(API)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "5"}),
        httpx.Response(200, json=fixture_json("hackernews", "search_newer.json")),
    ]
    assert collect_source(source(fake_time), brand(), store).stored == 1
    assert fake_time.sleeps == [5.0]
    route.side_effect = None
    route.respond(429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimited) as caught:
        collect_source(source(fake_time), brand(), store)
    assert caught.value.reset_at == fake_time.now + timedelta(hours=1)


def test_500_then_success(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(API).side_effect = [
        httpx.Response(500),
        httpx.Response(200, json=fixture_json("hackernews", "search_newer.json")),
    ]
    assert collect_source(source(fake_time), brand(), store).stored == 1
    assert len(fake_time.sleeps) == 1 and 0 <= fake_time.sleeps[0] <= 1.0


def test_persistent_timeouts_make_the_source_unavailable(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(API).side_effect = httpx.ReadTimeout("timed out")
    with pytest.raises(SourceUnavailable, match=r"did not answer within 20s after 3 attempt"):
        collect_source(source(fake_time, max_attempts=3), brand(), store)
    assert len(fake_time.sleeps) == 2
    assert store.load_cursor("hackernews", "Acme") == Cursor()


def test_malformed_json_is_reported(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(API).respond(200, text='{"hits": [', headers={"Content-Type": "application/json"})
    with pytest.raises(SourceUnavailable, match=r"malformed JSON"):
        collect_source(source(fake_time, max_attempts=2), brand(), store)


def test_refused_access_is_an_auth_error(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(API).respond(403, json={"message": "Invalid Application-ID or API key", "status": 403})
    with pytest.raises(AuthError, match=r"hackernews: https://hn.algolia.com/api/v1/search_by_date refused") as caught:
        collect_source(source(fake_time), brand(), store)
    assert "api_url" in str(caught.value)
    assert fake_time.sleeps == []


def test_a_failing_source_does_not_stop_the_others(respx_mock: respx.MockRouter, tmp_path: Path, store: Store) -> None:
    respx_mock.get("https://hn.broken.example/api/search_by_date").respond(401)
    respx_mock.get(API).respond(json=fixture_json("hackernews", "search_newer.json"))
    config = config_for(
        tmp_path,
        [
            {"type": "hackernews", "name": "hn-broken", "options": {"api_url": "https://hn.broken.example/api"}},
            {"type": "hackernews", "options": {"backfill_days": 3650}},
        ],
    )
    broken, working = collect(config, store, {})
    assert broken.error is not None and "refused the credentials (401" in broken.error
    assert working.ok and working.stored == 1
    status = {s.source: s for s in store.source_status()}
    assert status["hn-broken"].last_error == broken.error
