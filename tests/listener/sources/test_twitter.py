"""The twitter source through tweepy's real Client, with X API v2 answers recorded at the
requests transport (responses): what a user would see in the store and in error messages."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from responses import matchers
from webtools import NOW, FakeTime, collect_beside_demo, fixture_text, northwind

from cxpulse.app.collect import collect_source
from cxpulse.config.schema import BrandConfig
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from listener.sources.twitter import TwitterOptions, TwitterSource, build_searches
from storage import Store

URL = "https://api.twitter.com/2/tweets/search/recent"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAtest-bearer-not-real"  # noqa: S105 (made up, to check it never leaks)


def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **match: Any) -> responses.Response:
    matcher = [matchers.query_param_matcher(match, strict_match=False)] if match else []
    return responses.Response(
        responses.GET,
        URL,
        body=fixture_text("twitter", name),
        status=status,
        content_type="application/json",
        headers=headers,
        match=matcher,
    )


def source(fake: FakeTime, **options: Any) -> TwitterSource:
    return TwitterSource("twitter", TwitterOptions(bearer_token=TOKEN, **options), hooks=fake.hooks())


def run(src: TwitterSource, store: Store) -> Any:
    return collect_source(src, northwind(), store, clock=lambda: NOW)


@responses.activate
def test_first_run_pages_back_over_the_window_then_second_run_fetches_only_new(
    store: Store, fake_time: FakeTime
) -> None:
    responses.add(page("search_page1.json", start_time="2026-11-16T12:01:00Z"))
    responses.add(page("search_page2.json", next_token="b26v89c19zqg8o3fpzbkk5g0kg3m0yl7t9y9j0vcjqh"))  # noqa: S106 (a page token)
    first = run(source(fake_time), store)
    assert first.ok and first.stored == 4  # 6 tweets: one with a suspended author, one with no text
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["User-Agent"].startswith("cxpulse/")
    query = requests.utils.unquote(sent.url)
    assert '(northwind OR @northwindair) -"northwind traders" -is:retweet' in query.replace("+", " ")
    assert "expansions=author_id" in query and "followers" not in query
    cursor = json.loads(store.load_cursor("twitter", "Northwind Air").value or "{}")
    assert list(cursor["since"].values()) == ["1860380000000000005"]
    assert store.get_mention("twitter", "1860380000000000005") is not None
    assert store.get_mention("twitter", "1860380000000000003") is None  # suspended author

    responses.reset()
    responses.add(page("search_new.json", since_id="1860380000000000005"))
    second = run(source(fake_time), store)
    assert second.stored == 1
    assert "start_time" not in responses.calls[0].request.url
    assert store.summary().mentions == 5
    responses.reset()
    responses.add(page("search_new.json", since_id="1860380000000000007"))
    assert run(source(fake_time), store).stored == 0  # the same tweet again is not stored twice


@responses.activate
def test_mentions_carry_author_followers_link_and_language(store: Store, fake_time: FakeTime) -> None:
    responses.add(page("search_page2.json"))
    batches = list(source(fake_time).fetch(northwind(), store.load_cursor("twitter", "Northwind Air")))
    mentions = {m.external_id: m for b in batches for m in b.mentions}
    priya = mentions["1860380000000000002"]
    assert priya.author_handle == "priyas" and priya.author_name == "Priya S"
    assert priya.author_followers == 40210
    assert priya.url == "https://x.com/priyas/status/1860380000000000002"
    assert priya.created_at.isoformat() == "2026-11-21T07:30:00+00:00"
    assert mentions["1860380000000000001"].language == "fr"
    assert "1860380000000000000" not in mentions  # blank text


@responses.activate
def test_empty_page_stores_nothing_and_succeeds(store: Store, fake_time: FakeTime) -> None:
    responses.add(page("search_empty.json"))
    result = run(source(fake_time), store)
    assert result.ok and result.stored == 0 and result.fetched == 0


@responses.activate
def test_rate_limit_reports_the_reset_time_and_keeps_the_cursor(store: Store, fake_time: FakeTime) -> None:
    reset = int(NOW.timestamp()) + 600
    responses.add(page("error_429.json", status=429, headers={"x-rate-limit-reset": str(reset)}))
    with pytest.raises(RateLimited) as caught:
        run(source(fake_time), store)
    assert caught.value.reset_at is not None and int(caught.value.reset_at.timestamp()) == reset
    assert "max_rate_limit_wait" in str(caught.value)
    assert fake_time.sleeps == []
    assert store.load_cursor("twitter", "Northwind Air").value is None


@responses.activate
def test_rate_limit_is_waited_out_when_configured(store: Store, fake_time: FakeTime) -> None:
    reset = int(NOW.timestamp()) + 120
    responses.add(page("error_429.json", status=429, headers={"x-rate-limit-reset": str(reset)}))
    responses.add(page("search_page2.json"))
    result = run(source(fake_time, max_rate_limit_wait=900), store)
    assert result.stored == 2
    assert fake_time.sleeps == [121.0]


@responses.activate
def test_server_error_then_success_retries_with_backoff(store: Store, fake_time: FakeTime) -> None:
    responses.add(page("error_503.json", status=503))
    responses.add(page("search_page2.json"))
    assert run(source(fake_time), store).stored == 2
    assert len(fake_time.sleeps) == 1 and 0 < fake_time.sleeps[0] <= 1.0


@responses.activate
def test_timeouts_are_retried_then_reported(store: Store, fake_time: FakeTime) -> None:
    for _ in range(3):
        responses.add(responses.GET, URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailable, match="did not answer within 20s after 3 attempt"):
        run(source(fake_time, max_attempts=3), store)
    assert len(fake_time.sleeps) == 2


@responses.activate
def test_malformed_json_is_reported(store: Store, fake_time: FakeTime) -> None:
    responses.add(responses.GET, URL, body='{"data": [', status=200, content_type="application/json")
    with pytest.raises(SourceUnavailable, match="malformed JSON"):
        run(source(fake_time, max_attempts=2), store)


@responses.activate
def test_auth_failure_says_what_to_check_and_never_shows_the_token(
    store: Store, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    responses.add(page("error_401.json", status=401))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        run(source(fake_time), store)
    message = str(caught.value)
    assert "bearer token" in message and "options.bearer_token" in message
    assert TOKEN not in message
    assert TOKEN not in caplog.text
    assert len(responses.calls) == 1  # a refused token is not retried


@responses.activate
def test_a_long_query_is_split_and_results_are_merged_once(store: Store, fake_time: FakeTime) -> None:
    words = " OR ".join(f"northwindroute{i}" for i in range(60))
    long_brand = BrandConfig(name="Northwind Air", query=f"northwind ({words})").as_query()
    searches = build_searches(long_brand.expression, ("en",), True)
    assert len(searches) >= 3 and all(len(s) <= 512 for s in searches)
    assert all(s.startswith("northwind (") and s.endswith("lang:en -is:retweet") for s in searches)
    routes = {w for s in searches for w in s.split() if w.strip("()").startswith("northwindroute")}
    assert len(routes) == 60  # nothing dropped
    responses.add(page("search_page2.json"))
    batches = list(source(fake_time).fetch(long_brand, store.load_cursor("twitter", "Northwind Air")))
    assert len(responses.calls) == len(searches)
    assert sum(len(b.mentions) for b in batches) == 2  # the same tweets from every search, kept once
    assert len(json.loads(batches[-1].cursor.value or "{}")["since"]) == len(searches)


@responses.activate
def test_a_failing_twitter_does_not_stop_other_sources(tmp_path: Path, store: Store) -> None:
    responses.add(page("error_401.json", status=401))
    twitter = {"type": "twitter", "options": {"bearer_token": {"env": "X_BEARER_TOKEN"}}}
    failed = collect_beside_demo(tmp_path, store, twitter, {"X_BEARER_TOKEN": TOKEN})
    assert failed.error is not None and "refused the bearer token" in failed.error
    status = {s.source: s for s in store.source_status()}
    assert status["twitter"].last_error is not None and TOKEN not in status["twitter"].last_error
