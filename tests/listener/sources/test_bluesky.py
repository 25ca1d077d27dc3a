"""The bluesky source through atproto's real Client, with the XRPC answers (login and
app.bsky.feed.searchPosts) recorded at the httpx transport (respx)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from webtools import NOW, FakeTime, collect_beside_demo, fixture_text, northwind

from cxpulse.app.collect import collect_source
from foundation.errors import AuthError, RateLimited, SourceUnavailable
from listener.sources.bluesky import BlueskyOptions, BlueskySource
from storage import Store

LOGIN_URL = "https://bsky.social/xrpc/com.atproto.server.createSession"
SEARCH_URL = "https://bsky.social/xrpc/app.bsky.feed.searchPosts"
PASSWORD = "abcd-efgh-ijkl-mnop"  # noqa: S105 (made up, to check it never leaks)


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, text=fixture_text("bluesky", name), headers={"content-type": "application/json", **(headers or {})}
    )


def source(fake: FakeTime, **options: Any) -> BlueskySource:
    opts = {"handle": "northwind-cx.bsky.social", "app_password": PASSWORD, **options}
    return BlueskySource("bluesky", BlueskyOptions(**opts), hooks=fake.hooks())


def run(src: BlueskySource, store: Store) -> Any:
    return collect_source(src, northwind(), store, clock=lambda: NOW)


def routes(*pages: httpx.Response | type[Exception] | Exception) -> respx.Route:
    """Login, then ``pages`` for the search "northwind"; the other search ("northwindair") finds nothing."""
    respx.post(LOGIN_URL).mock(return_value=answer("create_session.json"))
    respx.get(SEARCH_URL, params={"q": "northwindair"}).mock(return_value=answer("search_empty.json"))
    route = respx.get(SEARCH_URL, params={"q": "northwind"})
    route.side_effect = list(pages)
    return route


@respx.mock
def test_first_run_pages_back_then_second_run_only_new(store: Store, fake_time: FakeTime) -> None:
    route = routes(answer("search_page1.json"), answer("search_page2.json"))
    first = run(source(fake_time), store)
    assert first.ok and first.stored == 3  # 5 posts: one with no text, one hidden from logged-out readers
    login = json.loads(respx.calls[0].request.content)
    assert login["identifier"] == "northwind-cx.bsky.social"
    first_search, second_search = (c.request for c in route.calls)
    assert first_search.headers["User-Agent"].startswith("cxpulse/")
    assert first_search.headers["Authorization"].startswith("Bearer ey")
    assert first_search.url.params["sort"] == "latest"
    assert first_search.url.params["since"] == "2026-11-16T12:00:00Z"
    assert second_search.url.params["cursor"] == "25"
    post = store.get_mention("bluesky", "at://did:plc:dana4ruiz7x2kq3m5n6p8r9t/app.bsky.feed.post/3lbxq2mfa5k2c")
    assert post is not None and post.author_handle == "danaruiz.bsky.social" and post.author_name == "Dana Ruiz"
    assert post.url == "https://bsky.app/profile/danaruiz.bsky.social/post/3lbxq2mfa5k2c"
    assert post.language == "en"
    hidden = "at://did:plc:quiet5person2a3b4c5d6e7f/app.bsky.feed.post/3lbxpyy1a2b2d"
    assert store.get_mention("bluesky", hidden) is None

    respx.reset()
    fake_time.now = NOW + timedelta(hours=1)
    route = routes(answer("search_new.json"))
    second = run(source(fake_time), store)
    assert second.stored == 1 and second.fetched == 1  # the repeated post is skipped by the cursor
    assert route.calls[0].request.url.params["since"] == "2026-11-23T11:33:00Z"  # newest minus 15 minutes
    assert store.summary().mentions == 4


@respx.mock
def test_empty_search_succeeds_with_nothing(store: Store, fake_time: FakeTime) -> None:
    routes(answer("search_empty.json"))
    result = run(source(fake_time), store)
    assert result.ok and result.stored == 0


@respx.mock
def test_rate_limit_reports_the_reset_time(store: Store, fake_time: FakeTime) -> None:
    reset = int(NOW.timestamp()) + 300
    routes(
        answer(
            "error_429.json",
            429,
            {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
        )
    )
    with pytest.raises(RateLimited) as caught:
        run(source(fake_time), store)
    assert caught.value.reset_at == NOW + timedelta(seconds=300)


@respx.mock
def test_rate_limit_is_waited_out_when_configured(store: Store, fake_time: FakeTime) -> None:
    reset = int(NOW.timestamp()) + 30
    routes(answer("error_429.json", 429, {"ratelimit-reset": str(reset)}), answer("search_page2.json"))
    assert run(source(fake_time, max_rate_limit_wait=60), store).stored == 1
    assert fake_time.sleeps == [31.0]


@respx.mock
def test_server_error_then_success(store: Store, fake_time: FakeTime) -> None:
    routes(answer("error_500.json", 500), answer("search_page2.json"))
    assert run(source(fake_time), store).stored == 1
    assert len(fake_time.sleeps) == 1


@respx.mock
def test_timeouts_are_retried_then_reported(store: Store, fake_time: FakeTime) -> None:
    routes(httpx.ReadTimeout("timed out"), httpx.ReadTimeout("timed out"))
    with pytest.raises(SourceUnavailable, match="did not answer within 20s after 2 attempt"):
        run(source(fake_time, max_attempts=2), store)


@respx.mock
def test_malformed_json_is_reported(store: Store, fake_time: FakeTime) -> None:
    bad = httpx.Response(200, text='{"posts": [', headers={"content-type": "application/json"})
    routes(bad, bad)
    with pytest.raises(SourceUnavailable, match="malformed JSON"):
        run(source(fake_time, max_attempts=2), store)


@respx.mock
def test_refused_login_is_reported_clearly(store: Store, fake_time: FakeTime, caplog: pytest.LogCaptureFixture) -> None:
    respx.post(LOGIN_URL).mock(return_value=answer("login_401.json", 401))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        run(source(fake_time), store)
    assert "app_password" in str(caught.value) and "Invalid identifier or password" in str(caught.value)
    assert PASSWORD not in str(caught.value) and PASSWORD not in caplog.text


@respx.mock
def test_a_failing_bluesky_does_not_stop_other_sources(tmp_path: Path, store: Store) -> None:
    respx.post(LOGIN_URL).mock(return_value=answer("login_401.json", 401))
    bluesky = {
        "type": "bluesky",
        "options": {"handle": "northwind-cx.bsky.social", "app_password": {"env": "BSKY_APP_PASSWORD"}},
    }
    failed = collect_beside_demo(tmp_path, store, bluesky, {"BSKY_APP_PASSWORD": PASSWORD})
    assert failed.error is not None and "refused the login" in failed.error
