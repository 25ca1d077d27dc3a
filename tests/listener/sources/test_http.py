"""The sources' HTTP client: timeouts, User-Agent, retries, error mapping and secret-free logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from webtools import NOW, FakeTime

from foundation.errors import AuthError, RateLimited, SourceUnavailable
from listener.http import USER_AGENT, HttpClient, rate_limit_reset, safe_url
from listener.retry import RetryPolicy

URL = "https://api.example/v1/items"
SECRET = "tok-123-secret"  # noqa: S105 (a made-up token, to check it never leaks)


def client(time: FakeTime, **kwargs: object) -> HttpClient:
    return HttpClient(
        "demo-src",
        auth_hint="the api_token option",
        sleep=time.sleep,
        clock=lambda: time.elapsed,
        now=lambda: time.now,
        rng=lambda: 0.5,
        **kwargs,  # type: ignore[arg-type]
    )


def test_requests_carry_an_honest_user_agent_and_a_timeout(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(URL).respond(json={"ok": True})
    with client(FakeTime(), timeout=7.5) as http:
        body, response = http.get_json(URL)
    assert body == {"ok": True} and response.status_code == 200
    request = route.calls[0].request
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("cxpulse/") and "(+https://github.com/cxpulse/cxpulse; social listening)" in USER_AGENT
    assert request.extensions["timeout"] == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}


def test_a_mock_transport_can_stand_in_for_the_network() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[1, 2]))
    with client(FakeTime(), transport=transport) as http:
        assert http.get_json(URL)[0] == [1, 2]


def test_5xx_then_success_waits_with_backoff(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    respx_mock.get(URL).side_effect = [httpx.Response(502), httpx.Response(503), httpx.Response(200, json=[])]
    with client(time) as http:
        assert http.get_json(URL)[0] == []
    assert time.sleeps == [0.5, 1.0]  # rng 0.5 x (1 s, then 2 s)


def test_retry_after_on_a_503_is_honoured(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    respx_mock.get(URL).side_effect = [httpx.Response(503, headers={"Retry-After": "9"}), httpx.Response(204)]
    with client(time) as http:
        assert http.get(URL).status_code == 204
    assert time.sleeps == [9.0]


def test_persistent_5xx_is_unavailable(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    respx_mock.get(URL).respond(500)
    with client(time, policy=RetryPolicy(max_attempts=3)) as http, pytest.raises(SourceUnavailable) as caught:
        http.get(URL)
    assert str(caught.value) == (
        "demo-src: https://api.example/v1/items answered 500 Internal Server Error after 3 attempt(s); "
        "the service may be down, try again later"
    )
    assert len(time.sleeps) == 2


def test_429_within_the_budget_is_waited_out(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    respx_mock.get(URL).side_effect = [httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200)]
    with client(time) as http:
        assert http.get(URL).status_code == 200
    assert time.sleeps == [3.0]


@pytest.mark.parametrize(
    ("headers", "reset"),
    [
        ({"Retry-After": "900"}, NOW + timedelta(seconds=900)),
        ({"x-ratelimit-reset": "1795436100"}, datetime(2026, 11, 23, 12, 15, tzinfo=UTC)),  # epoch (X, GitHub)
        ({"x-ratelimit-reset": "600"}, NOW + timedelta(seconds=600)),  # seconds left (Reddit)
        ({"X-RateLimit-Reset": "2026-11-23T12:05:00.000Z"}, datetime(2026, 11, 23, 12, 5, tzinfo=UTC)),  # Mastodon
        ({}, None),
    ],
)
def test_429_raises_rate_limited_with_the_reset(
    respx_mock: respx.MockRouter, headers: dict[str, str], reset: datetime | None
) -> None:
    time = FakeTime()
    respx_mock.get(URL).respond(429, headers=headers)
    with client(time) as http, pytest.raises(RateLimited) as caught:
        http.get(URL)
    assert caught.value.reset_at == reset
    assert "too many requests (429)" in str(caught.value)
    assert time.sleeps == []


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_name_the_source_and_the_option(respx_mock: respx.MockRouter, status: int) -> None:
    respx_mock.get(URL).respond(status)
    with client(FakeTime(), headers={"Authorization": f"Bearer {SECRET}"}) as http, pytest.raises(AuthError) as caught:
        http.get(URL, params={"access_token": SECRET})
    message = str(caught.value)
    assert message.startswith(f"demo-src: https://api.example/v1/items refused the credentials ({status} ")
    assert message.endswith("check the api_token option") and SECRET not in message


def test_other_4xx_is_reported_unless_accepted(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(URL).respond(404)
    with client(FakeTime()) as http:
        assert http.get(URL, accept=(404,)).status_code == 404
        with pytest.raises(SourceUnavailable, match=r"answered 404 Not Found; check the source's options"):
            http.get(URL)


def test_timeouts_and_network_errors_are_retried_then_unavailable(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    route = respx_mock.get(URL)
    route.side_effect = [httpx.ConnectTimeout("slow"), httpx.ReadTimeout("slow"), httpx.Response(200, json={})]
    with client(time) as http:
        assert http.get_json(URL)[0] == {}
        assert len(time.sleeps) == 2
        route.side_effect = httpx.ConnectError("refused")
        with pytest.raises(SourceUnavailable, match=r"cannot reach https://api.example/v1/items .ConnectError."):
            http.get(URL)
        route.side_effect = httpx.ReadTimeout("slow")
        with pytest.raises(SourceUnavailable, match=r"did not answer within 20s after 4 attempt.*timeout_seconds"):
            http.get(URL)


def test_malformed_json_is_retried_then_unavailable(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    route = respx_mock.get(URL)
    route.side_effect = [httpx.Response(200, text="<html>"), httpx.Response(200, json={"a": 1})]
    with client(time) as http:
        assert http.get_json(URL)[0] == {"a": 1}
        route.side_effect = None
        route.respond(200, text='{"a": ')
        with pytest.raises(SourceUnavailable, match=r"malformed JSON \(Expecting value\) after 4 attempt"):
            http.get_json(URL)


def test_one_log_line_per_request_without_secrets(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    respx_mock.get(URL).respond(json={})
    caplog.set_level(logging.DEBUG, logger="listener")
    with client(FakeTime(), headers={"Authorization": f"Bearer {SECRET}"}) as http:
        http.get_json(URL, params={"q": "acme", "api_key": SECRET})
    lines = [r.getMessage() for r in caplog.records if r.name == "listener.http"]
    assert len(lines) == 1
    assert lines[0].startswith("demo-src: GET https://api.example/v1/items?q=acme&api_key=REDACTED -> 200")
    assert SECRET not in caplog.text


def test_safe_url_masks_secret_looking_parameters() -> None:
    assert safe_url("https://x.example/a?token=1&q=2&client_secret=3") == (
        "https://x.example/a?token=REDACTED&q=2&client_secret=REDACTED"
    )
    assert safe_url("https://x.example/a?token=1", query=False) == "https://x.example/a"


def test_rate_limit_reset_ignores_unreadable_headers() -> None:
    assert rate_limit_reset({"x-ratelimit-reset": "tomorrow"}, NOW) is None


def test_post_sends_the_body_and_retries_an_answer_it_cannot_read(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    route = respx_mock.post(URL)
    route.side_effect = [httpx.Response(200, text="<html>busy</html>"), httpx.Response(200, text="ok:42")]

    def decode(response: httpx.Response) -> int:
        if not response.text.startswith("ok:"):
            raise ValueError("no answer in the page")
        return int(response.text[3:])

    with client(time) as http:
        assert http.post(URL, content=b"q=acme", params={"hl": "en"}, decode=decode) == 42
    sent = route.calls[0].request
    assert sent.content == b"q=acme" and sent.url.params["hl"] == "en" and sent.headers["User-Agent"] == USER_AGENT
    assert time.sleeps == [0.5]

    route.side_effect = None
    route.respond(200, text="<html>still busy</html>")
    with client(FakeTime()) as http, pytest.raises(SourceUnavailable, match=r"answered no answer in the page after 4"):
        http.post(URL, content=b"q=acme", decode=decode)


def test_post_without_decode_gives_the_response_and_maps_errors(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(URL).respond(404)
    with client(FakeTime()) as http:
        assert http.post(URL, content=b"x", accept=(404,)).status_code == 404
    respx_mock.post(URL).respond(401)
    with client(FakeTime()) as http, pytest.raises(AuthError, match="check the api_token option"):
        http.post(URL, content=b"x")


def test_a_rate_limit_reset_within_rate_limit_wait_is_waited_out(respx_mock: respx.MockRouter) -> None:
    time = FakeTime()
    reset = {"X-RateLimit-Reset": "2026-11-23T12:05:00.000Z"}  # 300 s after NOW
    respx_mock.get(URL).side_effect = [httpx.Response(429, headers=reset), httpx.Response(200)]
    with client(time, rate_limit_wait=600, policy=RetryPolicy(max_total_wait=900)) as http:
        assert http.get(URL).status_code == 200
    assert time.sleeps == [300.0]
