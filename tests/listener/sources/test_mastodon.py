"""Mastodon hashtag and account timelines over the REST API, replayed with respx."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from webtools import FakeTime, brand, config_for, fixture_json, stored

from cxpulse.app.collect import collect, collect_source
from foundation.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from listener.sources.mastodon import MastodonOptions, MastodonSource
from storage import Store

INSTANCE = "https://mastodon.example"
TAG = f"{INSTANCE}/api/v1/timelines/tag/acme"
TOKEN = "s3cr3t-token-value"  # noqa: S105 (a made-up token, to check it never leaks)


def link(max_id: str, min_id: str) -> str:
    return f'<{TAG}?max_id={max_id}>; rel="next", <{TAG}?min_id={min_id}>; rel="prev"'


def tag_timeline(request: httpx.Request) -> httpx.Response:
    """The instance: page 1, then page 2 below max_id, newest first."""
    if request.url.params.get("max_id") == "113500000000000008":
        page = fixture_json("mastodon", "tag_acme_page2.json")
        return httpx.Response(200, json=page, headers={"Link": link("113500000000000001", "113500000000000007")})
    page = fixture_json("mastodon", "tag_acme_page1.json")
    return httpx.Response(200, json=page, headers={"Link": link("113500000000000008", "113500000000000010")})


def source(fake_time: FakeTime, **options: object) -> MastodonSource:
    opts = MastodonOptions.model_validate({"instance": "mastodon.example", **options})
    return MastodonSource("mastodon", opts, hooks=fake_time.hooks())


def test_first_run_pages_back_to_the_backfill_window(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    route = respx_mock.get(TAG).mock(side_effect=tag_timeline)
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 2
    hits = {h.external_id: h for h in stored(store, "mastodon")}
    # boost, followers-only, text-less and older-than-a-week statuses are skipped
    assert set(hits) == {"113500000000000010", "113500000000000007"}
    refund = hits["113500000000000010"]
    assert refund.text == (
        "Three weeks and still no refund from #acme. You promised 5 days.\n\nNot happy https://example.com/ticket/123"
    )
    assert refund.author_handle == "ana" and refund.url == "https://mastodon.example/@ana/113500000000000010"
    assert refund.language == "en" and refund.channel == "mastodon"
    assert hits["113500000000000007"].text == "app rant\n\nAcme app crashes on login again & again"
    assert hits["113500000000000007"].author_handle == "bob@other.example"
    params = [c.request.url.params for c in route.calls]
    assert [p.get("max_id") for p in params] == [None, "113500000000000008"]
    assert all(p["limit"] == "40" and "since_id" not in p for p in params)
    assert "Authorization" not in route.calls[0].request.headers
    assert json.loads(store.load_cursor("mastodon", "Acme").value or "{}")["streams"] == {
        "tag:acme": "113500000000000010"
    }


def test_second_run_reads_since_the_newest_status_and_stores_nothing_twice(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    route = respx_mock.get(TAG).mock(side_effect=tag_timeline)
    collect_source(source(fake_time), brand(), store)
    route.side_effect = None
    route.respond(json=fixture_json("mastodon", "tag_acme_newer.json"))  # no Link header: the last page
    second = collect_source(source(fake_time), brand(), store)
    assert second.stored == 1
    assert route.calls[-1].request.url.params["since_id"] == "113500000000000010"
    third = collect_source(source(fake_time), brand(), store)
    assert third.stored == 0 and third.already_stored == 1
    assert route.calls[-1].request.url.params["since_id"] == "113500000000000020"
    assert len(stored(store, "mastodon")) == 3


def test_account_statuses_are_read_after_a_lookup_with_the_token(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    lookup = respx_mock.get(f"{INSTANCE}/api/v1/accounts/lookup", params={"acct": "acme"}).respond(
        json=fixture_json("mastodon", "account_lookup.json")
    )
    statuses = respx_mock.get(f"{INSTANCE}/api/v1/accounts/109000000000000099/statuses").respond(
        json=fixture_json("mastodon", "account_statuses.json")
    )
    caplog.set_level("DEBUG")
    src = source(fake_time, accounts=["@acme"], hashtags=[], access_token=TOKEN)
    respx_mock.get(TAG).respond(json=[])
    result = collect_source(src, brand("acme", "Acme"), store)
    assert result.stored == 1
    assert statuses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert lookup.called
    hit = stored(store, "mastodon")[0]
    assert hit.author_handle == "acme" and "login problems" in hit.text
    assert TOKEN not in caplog.text and TOKEN not in repr(src.options)


def test_an_unknown_account_says_which_option_to_fix(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(f"{INSTANCE}/api/v1/accounts/lookup").respond(404, json={"error": "Record not found"})
    with pytest.raises(
        SourceError, match=r"account 'nobody' not found on https://mastodon.example; check the accounts"
    ):
        collect_source(source(fake_time, accounts=["nobody"], hashtags=["acme"]), brand(), store)


def test_an_empty_timeline(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(TAG).respond(json=[])
    result = collect_source(source(fake_time), brand(), store)
    assert result.ok and result.stored == 0 and len(respx_mock.calls) == 1


def test_429_reports_the_reset_from_the_rate_limit_header(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(TAG).respond(
        429,
        json={"error": "Too many requests"},
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "2026-11-23T12:05:00.000Z",
        },
    )
    with pytest.raises(RateLimited) as caught:
        collect_source(source(fake_time), brand(), store)
    assert caught.value.reset_at is not None and caught.value.reset_at.isoformat() == "2026-11-23T12:05:00+00:00"
    assert fake_time.sleeps == []


def test_500_then_success(respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime) -> None:
    respx_mock.get(TAG).side_effect = [
        httpx.Response(503, headers={"Retry-After": "2"}),
        httpx.Response(200, json=fixture_json("mastodon", "tag_acme_newer.json")),
    ]
    assert collect_source(source(fake_time), brand(), store).stored == 1
    assert fake_time.sleeps == [2.0]


def test_timeout_and_malformed_json_make_it_unavailable(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    route = respx_mock.get(TAG)
    route.side_effect = httpx.ConnectTimeout("connect timed out")
    with pytest.raises(SourceUnavailable, match=r"did not answer within 20s"):
        collect_source(source(fake_time, max_attempts=2), brand(), store)
    route.side_effect = None
    route.respond(200, text="<html>Bad gateway</html>")
    with pytest.raises(SourceUnavailable, match=r"malformed JSON"):
        collect_source(source(fake_time, max_attempts=2), brand(), store)


def test_a_refused_token_is_reported_without_the_token(
    respx_mock: respx.MockRouter, store: Store, fake_time: FakeTime
) -> None:
    respx_mock.get(TAG).respond(401, json={"error": "The access token is invalid"})
    with pytest.raises(AuthError) as caught:
        collect_source(source(fake_time, access_token=TOKEN), brand(), store)
    message = str(caught.value)
    assert "mastodon: https://mastodon.example/api/v1/timelines/tag/acme refused the credentials (401" in message
    assert "access_token option" in message and TOKEN not in message


def test_a_failing_source_does_not_stop_the_others(respx_mock: respx.MockRouter, tmp_path: Path, store: Store) -> None:
    respx_mock.get("https://down.example/api/v1/timelines/tag/acme").respond(403)
    respx_mock.get(TAG).respond(json=fixture_json("mastodon", "tag_acme_newer.json"))
    config = config_for(
        tmp_path,
        [
            {
                "type": "mastodon",
                "name": "down",
                "options": {"instance": "https://down.example", "access_token": {"env": "MASTODON_TOKEN"}},
            },
            {"type": "mastodon", "options": {"instance": INSTANCE, "backfill_days": 3650}},
        ],
    )
    down, working = collect(config, store, {"MASTODON_TOKEN": TOKEN})
    assert down.error is not None and "refused the credentials (403" in down.error and TOKEN not in down.error
    assert working.ok and working.stored == 1
