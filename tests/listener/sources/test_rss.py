"""RSS and Atom feeds over httpx + feedparser: conditional requests, cursors, failures."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from webtools import FakeTime, brand, config_for, fixture_bytes, stored

from cxpulse.app.collect import collect, collect_source
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from listener.sources.rss import RssOptions, RssSource
from storage import Store

REVIEWS = "https://reviews.example/feed.rss"
NEWS = "https://news.example/atom.xml"
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def source(fake_time: FakeTime, feeds: list[str] | None = None, **options: object) -> RssSource:
    opts = RssOptions.model_validate({"feeds": feeds or [REVIEWS, NEWS], **options})
    return RssSource("rss", opts, hooks=fake_time.hooks())


def feeds(respx_mock: respx.MockRouter) -> tuple[respx.Route, respx.Route]:
    reviews = respx_mock.get(REVIEWS).respond(
        content=fixture_bytes("rss", "reviews.rss"),
        headers={**RSS_TYPE, "ETag": '"abc"', "Last-Modified": "Mon, 23 Nov 2026 11:30:00 GMT"},
    )
    news = respx_mock.get(NEWS).respond(
        content=fixture_bytes("rss", "news.atom"), headers={"Content-Type": "application/atom+xml", "ETag": 'W/"n1"'}
    )
    return reviews, news


def test_first_run_reads_every_feed_within_the_backfill_window(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    feeds(respx_mock)
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 3
    assert result.dropped == {"no_match": 1}  # the bakery review
    hits = {h.external_id: h for h in stored(store, "rss")}
    # the removed item (no title, no text) and the one from last month are skipped
    assert set(hits) == {
        "https://reviews.example/r/9001",
        "https://reviews.example/r/8998",
        "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
    }
    parcel = hits["https://reviews.example/r/9001"]
    assert (
        parcel.text == "Acme lost my parcel\n\nOrdered from Acme on the 2nd; tracking says delivered, nothing arrived."
    )
    assert parcel.url == "https://reviews.example/r/9001" and parcel.language == "en"
    assert parcel.created_at.isoformat() == "2026-11-23T11:00:00+00:00"
    news = hits["urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"]
    assert news.language == "de" and news.text.startswith("Acme kündigt neuen Tarif an\n\nAcme senkt")
    cursor = json.loads(store.load_cursor("rss", "Acme").value or "{}")["feeds"]
    assert cursor[REVIEWS] == {
        "etag": '"abc"',
        "latest": "2026-11-23T11:00:00+00:00",
        "modified": "Mon, 23 Nov 2026 11:30:00 GMT",
    }
    assert cursor[NEWS]["etag"] == 'W/"n1"'


def test_second_run_is_conditional_and_stores_nothing_twice(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    reviews, news = feeds(respx_mock)
    collect_source(source(fake_time), brand(), store)
    reviews.respond(content=fixture_bytes("rss", "reviews_newer.rss"), headers={**RSS_TYPE, "ETag": '"def"'})
    news.respond(304)
    second = collect_source(source(fake_time), brand(), store)
    assert second.stored == 1 and second.already_stored == 1  # 9001 is as new as the cursor: offered, kept once
    assert reviews.calls[-1].request.headers["If-None-Match"] == '"abc"'
    assert reviews.calls[-1].request.headers["If-Modified-Since"] == "Mon, 23 Nov 2026 11:30:00 GMT"
    assert news.calls[-1].request.headers["If-None-Match"] == 'W/"n1"'
    cursor = json.loads(store.load_cursor("rss", "Acme").value or "{}")["feeds"]
    assert cursor[REVIEWS] == {"etag": '"def"', "latest": "2026-11-23T11:50:00+00:00"}
    assert cursor[NEWS]["etag"] == 'W/"n1"'  # a 304 keeps what it had
    assert len(stored(store, "rss")) == 4


def test_an_empty_feed(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(REVIEWS).respond(content=fixture_bytes("rss", "empty.rss"), headers=RSS_TYPE)
    result = collect_source(source(fake_time, [REVIEWS]), brand(), store)
    assert result.ok and result.stored == 0


def test_a_page_that_is_not_a_feed_is_reported(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(REVIEWS).respond(
        content=fixture_bytes("rss", "not_a_feed.html"), headers={"Content-Type": "text/html"}
    )
    with pytest.raises(SourceUnavailable, match=r"feed.rss is not an RSS or Atom feed .*check the URL in feeds"):
        collect_source(source(fake_time, [REVIEWS]), brand(), store)


def test_one_failing_feed_is_a_rejected_line_and_the_others_are_read(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(REVIEWS).respond(401)
    respx_mock.get(NEWS).respond(content=fixture_bytes("rss", "news.atom"))
    result = collect_source(source(fake_time), brand(), store)
    assert result.stored == 1
    [line] = result.rejected
    assert "https://reviews.example/feed.rss refused the credentials (401 Unauthorized)" in line
    assert REVIEWS not in json.loads(store.load_cursor("rss", "Acme").value or "{}")["feeds"]


def test_429_500_timeout_and_auth(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    route = respx_mock.get(REVIEWS)
    route.respond(429, headers={"Retry-After": "7200"})
    with pytest.raises(RateLimited) as caught:
        collect_source(source(fake_time, [REVIEWS]), brand(), store)
    assert caught.value.reset_at is not None and caught.value.reset_at.isoformat() == "2026-11-23T14:00:00+00:00"

    route.side_effect = [httpx.Response(500), httpx.Response(200, content=fixture_bytes("rss", "reviews_newer.rss"))]
    assert collect_source(source(fake_time, [REVIEWS]), brand(), store).stored == 2
    assert len(fake_time.sleeps) == 1

    route.side_effect = httpx.ConnectError("connection refused")
    with pytest.raises(SourceUnavailable, match=r"cannot reach https://reviews.example/feed.rss"):
        collect_source(source(fake_time, [REVIEWS], max_attempts=2), brand(), store)

    route.side_effect = httpx.ReadTimeout("timed out")
    with pytest.raises(SourceUnavailable, match=r"did not answer within 20s"):
        collect_source(source(fake_time, [REVIEWS], max_attempts=2), brand(), store)

    route.side_effect = None
    route.respond(403)
    with pytest.raises(AuthError, match=r"rss: https://reviews.example/feed.rss refused the credentials"):
        collect_source(source(fake_time, [REVIEWS]), brand(), store)


def test_feeds_must_be_urls() -> None:
    with pytest.raises(ValueError, match=r"feeds must be http"):
        RssOptions.model_validate({"feeds": ["reviews.example/feed"]})


def test_a_failing_source_does_not_stop_the_others(respx_mock: respx.MockRouter, tmp_path: Path, store: Store) -> None:
    respx_mock.get("https://private.example/feed").respond(401)
    respx_mock.get(REVIEWS).respond(content=fixture_bytes("rss", "reviews_newer.rss"), headers=RSS_TYPE)
    config = config_for(
        tmp_path,
        [
            {"type": "rss", "name": "private", "options": {"feeds": ["https://private.example/feed"]}},
            {"type": "rss", "options": {"feeds": [REVIEWS], "backfill_days": 3650}},
        ],
    )
    private, working = collect(config, store, {})
    assert private.error is not None and "refused the credentials (401" in private.error
    assert working.ok and working.stored == 2
