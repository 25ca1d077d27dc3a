"""The reddit source through the real praw/prawcore stack, with Reddit's OAuth token and
listing answers recorded at the requests transport (responses)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from responses import matchers
from webtools import NOW, FakeTime, collect_beside_demo, fixture_text, northwind

from cxpulse.app.collect import collect_source
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from listener.sources.reddit import RedditOptions, RedditSource
from storage import Store

TOKEN_URL = "https://www.reddit.com/api/v1/access_token"  # noqa: S105 (a URL)
SEARCH_URL = "https://oauth.reddit.com/r/travel+awardtravel/search/"
COMMENTS_URL = "https://oauth.reddit.com/r/travel+awardtravel/comments/"
SECRET = "test-secret-not-real-0123"  # noqa: S105 (made up, to check it never leaks)
RATE_HEADERS = {"x-ratelimit-remaining": "95.0", "x-ratelimit-used": "5", "x-ratelimit-reset": "420"}


def answer(url: str, name: str, status: int = 200, method: str = responses.GET, **match: Any) -> responses.Response:
    return responses.Response(
        method,
        url,
        body=fixture_text("reddit", name),
        status=status,
        content_type="application/json",
        headers=RATE_HEADERS if status == 200 else None,
        match=[matchers.query_param_matcher(match, strict_match=False)] if match else [],
    )


def token() -> responses.Response:
    return answer(TOKEN_URL, "access_token.json", method=responses.POST)


def source(fake: FakeTime, **options: Any) -> RedditSource:
    opts = {"client_id": "p-jcoLKBynTLew", "client_secret": SECRET, "subreddits": ["travel", "awardtravel"], **options}
    return RedditSource("reddit", RedditOptions(**opts), hooks=fake.hooks())


def run(src: RedditSource, store: Store) -> Any:
    return collect_source(src, northwind(), store, clock=lambda: NOW)


@responses.activate
def test_first_run_reads_search_pages_and_comments_then_second_run_only_new(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(answer(SEARCH_URL, "search_page1.json", sort="new", t="week", restrict_sr="True"))
    responses.add(answer(SEARCH_URL, "search_page2.json", after="t3_1h8jw7c"))
    responses.add(answer(COMMENTS_URL, "comments.json"))
    first = run(source(fake_time), store)
    # 5 posts (one deleted) + 3 comments (one deleted, one about another brand)
    assert first.ok and first.stored == 5 and first.dropped == {"no_match": 1}
    token_call = responses.calls[0].request
    assert token_call.headers["Authorization"].startswith("Basic ")
    assert "grant_type=client_credentials" in str(token_call.body)
    search_call = responses.calls[1].request
    assert search_call.headers["User-Agent"].startswith("cxpulse/")
    assert search_call.headers["Authorization"] == "bearer eyJhbGciOiJSUzI1NiJ9.test-not-a-real-token"
    query = requests.utils.unquote(search_call.url).replace("+", " ")
    assert '((northwind OR northwindair) AND NOT "northwind traders")' in query
    post = store.get_mention("reddit", "t3_1h8k2qa")
    assert post is not None and post.author_handle == "throwaway_flyer"
    assert post.text.startswith("Northwind Air cancelled my flight") and "chargebacks" in post.text
    assert post.url == "https://www.reddit.com/r/travel/comments/1h8k2qa/northwind_air_cancelled_my_flight_and_th/"
    assert store.get_mention("reddit", "t3_1h8jw7c") is None  # deleted by its author
    assert store.get_mention("reddit", "t1_m0a1b2c") is not None
    cursor = json.loads(store.load_cursor("reddit", "Northwind Air").value or "{}")
    assert "t3_1h8k2qa" in cursor["posts"]["ids"] and "t1_m0a1b2c" in cursor["comments"]["ids"]

    responses.reset()
    fake_time.now = NOW + timedelta(hours=2)
    responses.add(token())
    responses.add(answer(SEARCH_URL, "search_new.json", t="day"))
    responses.add(answer(COMMENTS_URL, "comments.json"))
    second = run(source(fake_time), store)
    assert second.stored == 1 and second.already_stored == 0  # the repeated post is skipped by the cursor
    assert store.get_mention("reddit", "t3_1h9b001") is not None
    assert store.summary().mentions == 6


@responses.activate
def test_empty_search_and_comments_succeed_with_nothing(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(answer(SEARCH_URL, "search_empty.json"))
    result = run(source(fake_time, comments=False), store)
    assert result.ok and result.stored == 0


@responses.activate
def test_rate_limit_reports_reddit_reset(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(
        responses.GET,
        SEARCH_URL,
        body=fixture_text("reddit", "error_429.json"),
        status=429,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-used": "100", "x-ratelimit-reset": "300"},
    )
    with pytest.raises(RateLimited) as caught:
        run(source(fake_time), store)
    assert caught.value.reset_at == NOW + timedelta(seconds=300)
    assert fake_time.sleeps == []


@responses.activate
def test_server_error_then_success(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(responses.GET, SEARCH_URL, body="<html>upstream</html>", status=503)
    responses.add(answer(SEARCH_URL, "search_page2.json"))
    assert run(source(fake_time, comments=False), store).stored == 2
    assert len(fake_time.sleeps) == 1


@responses.activate
def test_timeouts_are_retried_then_reported(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    for _ in range(2):
        responses.add(responses.GET, SEARCH_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailable, match="did not answer within 20s after 2 attempt"):
        run(source(fake_time, max_attempts=2), store)
    assert len(fake_time.sleeps) == 1


@responses.activate
def test_malformed_json_is_reported(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(responses.GET, SEARCH_URL, body='{"kind": "Listing", "data": {', content_type="application/json")
    with pytest.raises(SourceUnavailable, match="malformed JSON"):
        run(source(fake_time, max_attempts=2), store)


@responses.activate
def test_refused_credentials_are_reported_clearly(
    store: Store, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    responses.add(answer(TOKEN_URL, "token_401.json", status=401, method=responses.POST))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError, match="client_id and the environment variable"):
        run(source(fake_time), store)
    assert SECRET not in caplog.text


@responses.activate
def test_private_subreddit_is_reported(store: Store, fake_time: FakeTime) -> None:
    responses.add(token())
    responses.add(answer(SEARCH_URL, "error_403.json", status=403))
    with pytest.raises(AuthError, match="may be private"):
        run(source(fake_time), store)


@responses.activate
def test_a_failing_reddit_does_not_stop_other_sources(tmp_path: Path, store: Store) -> None:
    responses.add(answer(TOKEN_URL, "token_401.json", status=401, method=responses.POST))
    reddit = {
        "type": "reddit",
        "options": {"client_id": "p-jcoLKBynTLew", "client_secret": {"env": "REDDIT_CLIENT_SECRET"}},
    }
    failed = collect_beside_demo(tmp_path, store, reddit, {"REDDIT_CLIENT_SECRET": SECRET})
    assert failed.error is not None and "refused the app credentials" in failed.error
