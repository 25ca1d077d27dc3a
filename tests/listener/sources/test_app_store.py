"""App Store reviews from Apple's public customer-reviews feed, replayed with respx."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from webtools import FakeTime, brand, config_for, fixture_json, stored

from cxpulse.app.collect import collect, collect_source
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from foundation.mentions import Cursor
from listener.sources.app_store import AppStoreOptions, AppStoreSource
from storage import Store

APP = "1234567890"


def page_url(page: int, country: str = "us") -> str:
    return f"https://itunes.apple.com/{country}/rss/customerreviews/page={page}/id={APP}/sortby=mostrecent/json"


def source(fake_time: FakeTime, **options: object) -> AppStoreSource:
    opts = AppStoreOptions.model_validate({"app_ids": [f"id{APP}"], **options})
    return AppStoreSource("app_store", opts, hooks=fake_time.hooks())


def two_pages(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_us_page1.json"))
    respx_mock.get(page_url(2)).respond(json=fixture_json("app_store", "reviews_us_page2.json"))


def test_first_run_reads_pages_until_the_backfill_window_with_ratings_and_versions(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    two_pages(respx_mock)
    result = collect_source(source(fake_time), brand("zzz-not-in-any-review"), store)  # reviews are not query-filtered
    assert result.ok and result.stored == 3
    hits = {h.external_id: h for h in stored(store, "app_store")}
    # the app's own entry, a review without text and one older than a week are skipped
    assert set(hits) == {"11000000003", "11000000002", "11000000001"}
    broke = hits["11000000003"]
    assert broke.rating == 1.0 and hits["11000000002"].rating == 5.0
    assert broke.text == "Update broke checkout\n\nSince 4.2 the app logs me out at checkout. Used to work fine."
    assert broke.created_at.isoformat() == "2026-11-23T10:10:00+00:00"
    assert broke.channel == "app_store"
    assert [str(c.request.url) for c in respx_mock.calls] == [page_url(1), page_url(2)]
    cursor = json.loads(store.load_cursor("app_store", "Acme").value or "{}")["feeds"]
    assert cursor == {f"us/{APP}": "2026-11-23T10:10:00+00:00"}


def test_the_app_version_rides_along(respx_mock: respx.MockRouter, fake_time: FakeTime) -> None:
    respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_single_entry.json"))
    [batch, _] = list(source(fake_time).fetch(brand(), Cursor()))
    [review] = batch.mentions
    assert review.raw is not None and review.raw["app_version"] == "4.2.1"
    assert review.rating == 4.0 and review.author_name == "angry_shopper"


def test_second_run_stops_at_what_it_has_and_stores_nothing_twice(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    two_pages(respx_mock)
    collect_source(source(fake_time), brand(), store)
    respx_mock.routes.clear()
    route = respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_us_newer.json"))
    second = collect_source(source(fake_time), brand(), store)
    assert second.stored == 1 and route.call_count == 1
    third = collect_source(source(fake_time), brand(), store)
    assert third.stored == 0
    assert len(stored(store, "app_store")) == 4


def test_each_country_has_its_own_cursor(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_single_entry.json"))
    respx_mock.get(page_url(1, "gb")).respond(json=fixture_json("app_store", "reviews_empty.json"))
    result = collect_source(source(fake_time, countries=["US", "gb"]), brand(), store)
    assert result.stored == 1
    cursor = json.loads(store.load_cursor("app_store", "Acme").value or "{}")["feeds"]
    assert set(cursor) == {f"us/{APP}", f"gb/{APP}"}


def test_an_empty_feed(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_empty.json"))
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 0


def test_429_500_timeout_and_malformed_json(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    route = respx_mock.get(page_url(1))
    route.respond(429, headers={"Retry-After": "Mon, 23 Nov 2026 13:00:00 GMT"})
    with pytest.raises(RateLimited) as caught:
        collect_source(source(fake_time), brand(), store)
    assert caught.value.reset_at is not None and caught.value.reset_at.isoformat() == "2026-11-23T13:00:00+00:00"

    route.side_effect = [httpx.Response(502), httpx.Response(200, json=fixture_json("app_store", "reviews_empty.json"))]
    assert collect_source(source(fake_time), brand(), store).ok
    assert len(fake_time.sleeps) == 1

    route.side_effect = httpx.ReadTimeout("read timed out")
    with pytest.raises(SourceUnavailable, match=r"did not answer within 20s"):
        collect_source(source(fake_time, max_attempts=2), brand(), store)

    route.side_effect = None
    route.respond(200, text='{"feed": {"entry": [')
    with pytest.raises(SourceUnavailable, match=r"malformed JSON .* after 2 attempt"):
        collect_source(source(fake_time, max_attempts=2), brand(), store)


def test_a_refused_request_is_an_auth_error(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(page_url(1)).respond(403, text="Forbidden")
    with pytest.raises(AuthError, match=r"app_store: .* refused .*403 Forbidden.*check the app_ids and countries"):
        collect_source(source(fake_time), brand(), store)


def test_bad_app_ids_are_refused_in_config(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"app ids are digits"):
        AppStoreOptions.model_validate({"app_ids": ["com.acme.shop"]})


def test_a_failing_source_does_not_stop_the_others(respx_mock: respx.MockRouter, tmp_path: Path, store: Store) -> None:
    respx_mock.get(page_url(1, "de")).respond(503)
    respx_mock.get(page_url(1)).respond(json=fixture_json("app_store", "reviews_single_entry.json"))
    config = config_for(
        tmp_path,
        [
            {
                "type": "app_store",
                "name": "app-de",
                "options": {"app_ids": [APP], "countries": ["de"], "max_attempts": 1},
            },
            {"type": "app_store", "options": {"app_ids": [APP], "backfill_days": 3650}},
        ],
    )
    down, working = collect(config, store, {})
    assert down.error is not None and "503 Service Unavailable after 1 attempt" in down.error
    assert working.ok and working.stored == 1
