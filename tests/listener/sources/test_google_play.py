"""The google_play source: Google Play's batchexecute answers recorded at the httpx transport
(respx), read with google-play-scraper's own request format and parser."""

from __future__ import annotations

import json
import ssl
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from webtools import NOW, FakeTime, collect_beside_demo, fixture_text, northwind

from cxpulse.app.collect import collect_source
from foundation.errors import RateLimited, SourceError, SourceUnavailable
from foundation.mentions import Cursor
from listener.sources.google_play import REVIEWS_URL, GooglePlayOptions, GooglePlaySource
from storage import Store

APP = "com.northwind.app"


def body(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, text=fixture_text("google_play", name), headers={"content-type": "application/json", **(headers or {})}
    )


def source(fake: FakeTime, **options: Any) -> GooglePlaySource:
    return GooglePlaySource("google_play", GooglePlayOptions(app_ids=[APP], **options), hooks=fake.hooks())


def run(src: GooglePlaySource, store: Store) -> Any:
    return collect_source(src, northwind(), store, clock=lambda: NOW)


@respx.mock
def test_first_run_pages_back_over_the_window_then_second_run_only_new(store: Store, fake_time: FakeTime) -> None:
    route = respx.post(REVIEWS_URL, params={"hl": "en", "gl": "us"})
    route.side_effect = [body("reviews_page1.txt"), body("reviews_page2.txt")]
    first = run(source(fake_time), store)
    assert first.ok and first.stored == 4  # 6 reviews: one without text, one older than 7 days
    first_request, second_request = (call.request for call in route.calls)
    assert first_request.headers["User-Agent"].startswith("cxpulse/")
    assert "com.northwind.app" in first_request.content.decode()
    assert "CpEBAQMFBgcICQoLDA0OEBESExQ" in second_request.content.decode()  # the continuation token
    review = store.get_mention("google_play", "gp:AOqpTOFmK2bq1nVv0Xzu6f8zJ3-1")
    assert review is not None and review.rating == 1.0 and review.author_name == "Dana Ruiz"
    assert review.raw is not None and review.raw["app_version"] == "5.12.0"
    assert review.created_at.replace(tzinfo=UTC) == NOW - timedelta(minutes=30)
    assert review.url == f"https://play.google.com/store/apps/details?id={APP}&reviewId=gp:AOqpTOFmK2bq1nVv0Xzu6f8zJ3-1"
    assert store.get_mention("google_play", "gp:AOqpTOFmK2bq1nVv0Xzu6f8zJ3-3") is None  # rating only
    assert store.get_mention("google_play", "gp:AOqpTOFmK2bq1nVv0Xzu6f8zJ3-6") is None  # before the window
    cursor = json.loads(store.load_cursor("google_play", "Northwind Air").value or "{}")
    assert cursor["apps"][APP]["ids"] == ["gp:AOqpTOFmK2bq1nVv0Xzu6f8zJ3-1"]

    route.side_effect = [body("reviews_new.txt")]
    second = run(source(fake_time), store)
    assert second.stored == 1 and second.fetched == 1
    assert store.summary().mentions == 5
    route.side_effect = [body("reviews_new.txt")]
    assert run(source(fake_time), store).fetched == 0  # nothing newer than the stored newest review


@respx.mock
def test_empty_page_succeeds_with_nothing(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(return_value=body("reviews_empty.txt"))
    result = run(source(fake_time), store)
    assert result.ok and result.stored == 0


@respx.mock
def test_rate_limit_reports_the_reset_time(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(
        return_value=httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "600"})
    )
    with pytest.raises(RateLimited) as caught:
        run(source(fake_time), store)
    assert caught.value.reset_at is not None and (caught.value.reset_at - NOW).total_seconds() == 600


@respx.mock
def test_server_error_then_success(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(
        side_effect=[httpx.Response(500, text="<html>Error 500</html>"), body("reviews_page2.txt")]
    )
    assert run(source(fake_time), store).stored == 2
    assert len(fake_time.sleeps) == 1


@respx.mock
def test_store_gateway_throttling_is_retried(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(side_effect=[body("gateway_error.txt"), body("reviews_page2.txt")])
    assert run(source(fake_time), store).stored == 2


@respx.mock
def test_timeouts_are_retried_then_reported(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(SourceUnavailable, match="did not answer within 20s after 3 attempt"):
        run(source(fake_time, max_attempts=3), store)
    assert len(fake_time.sleeps) == 2


@respx.mock
def test_malformed_answer_is_reported(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(return_value=httpx.Response(200, text=')]}\'\n\n[["wrb.fr","oCPfdb","[[["'))
    with pytest.raises(SourceUnavailable, match="malformed answer"):
        run(source(fake_time, max_attempts=2), store)


@respx.mock
def test_unknown_app_is_reported_clearly(store: Store, fake_time: FakeTime) -> None:
    respx.post(REVIEWS_URL).mock(return_value=body("unknown_app.txt"))
    with pytest.raises(SourceError, match=r"knows no app 'com\.northwind\.app'"):
        run(source(fake_time), store)


def test_reading_reviews_leaves_tls_verification_on(fake_time: FakeTime) -> None:
    before = ssl._create_default_https_context
    with respx.mock:
        respx.post(REVIEWS_URL).mock(return_value=body("reviews_empty.txt"))
        list(source(fake_time).fetch(northwind(), Cursor()))
    assert ssl._create_default_https_context is before
    assert ssl._create_default_https_context is not ssl._create_unverified_context


@respx.mock
def test_a_failing_google_play_does_not_stop_other_sources(tmp_path: Path, store: Store) -> None:
    respx.post(REVIEWS_URL).mock(return_value=body("unknown_app.txt"))
    play = {"type": "google_play", "options": {"app_ids": [APP]}}
    failed = collect_beside_demo(tmp_path, store, play, {})
    assert failed.error is not None and "knows no app" in failed.error
