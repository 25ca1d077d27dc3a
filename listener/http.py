"""The HTTP client of the httpx-based sources: polite, patient, and mapped to our errors.

:class:`HttpClient` wraps one :class:`httpx.Client` for one source instance:

- every call has a timeout (20 s by default) and sends an honest User-Agent
  (:data:`USER_AGENT`);
- 5xx answers, connection errors, timeouts and malformed JSON are retried with
  exponential backoff and full jitter (:mod:`listener.retry`), waiting what
  ``Retry-After`` asks when it fits the retry budget;
- a 429 whose ``Retry-After`` fits the budget is waited out and retried; a
  longer one raises :class:`~cxpulse.errors.RateLimited` with ``reset_at``
  (from ``Retry-After`` or ``X-RateLimit-Reset``);
- 401/403 raise :class:`~cxpulse.errors.AuthError` naming the source and the
  option to check; persistent 5xx, timeouts, network failures and malformed
  JSON raise :class:`~cxpulse.errors.SourceUnavailable`.

It logs one DEBUG line per request. Neither logs nor error messages carry
headers, and query parameters whose name looks secret (``access_token``,
``api_key``, ...) are masked; error messages leave the query out entirely.

Tests pass ``transport`` (an :class:`httpx.MockTransport`) or mock with respx,
and inject ``sleep``, ``clock``, ``now`` and ``rng`` so nothing really waits.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Any, cast

import httpx

from cxpulse.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from listener.retry import Retry, RetryPolicy, call_with_retry, parse_retry_after

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "HttpClient", "rate_limit_reset", "safe_url"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
"""Seconds allowed for each phase of a request (connect, read, write, pool)."""


def _version() -> str:
    try:
        return version("cxpulse")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


USER_AGENT = f"cxpulse/{_version()} (+https://github.com/cxpulse/cxpulse; social listening)"

_SECRET_PARAM = re.compile(r"token|key|secret|password|passwd|auth|sig|session|cookie", re.IGNORECASE)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def safe_url(url: httpx.URL | str, *, query: bool = True) -> str:
    """``url`` fit for logs: secret-looking query values masked (or the query dropped)."""
    parsed = httpx.URL(str(url))
    if not query or not parsed.query:
        return str(parsed.copy_with(query=None, fragment=None))
    params = httpx.QueryParams(
        [(k, "REDACTED" if _SECRET_PARAM.search(k) else v) for k, v in parsed.params.multi_items()]
    )
    return str(parsed.copy_with(query=None, fragment=None, params=params))


def rate_limit_reset(headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When a rate limit ends, from ``Retry-After`` or ``X-RateLimit-Reset``.

    ``X-RateLimit-Reset`` comes as Unix epoch seconds (X/Twitter, GitHub),
    seconds from now (Reddit) or an ISO 8601 time (Mastodon).
    """
    delay = parse_retry_after(headers.get("retry-after"), now)
    if delay is not None:
        return now + timedelta(seconds=delay)
    reset = (headers.get("x-ratelimit-reset") or "").strip()
    if not reset:
        return None
    try:
        number = float(reset)
    except ValueError:
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if number > 1e9:
        return datetime.fromtimestamp(number, UTC)
    return now + timedelta(seconds=max(0.0, number))


class _Transient(Exception):
    """A response worth retrying (5xx, 429 within budget, malformed JSON)."""

    def __init__(self, response: httpx.Response, delay: float | None, problem: str) -> None:
        super().__init__(problem)
        self.response = response
        self.delay = delay
        self.problem = problem


class HttpClient:
    """One source instance's HTTP client. Use it as a context manager, or call :meth:`close`.

    ``source`` names the source instance in messages; ``auth_hint`` says what
    to check when credentials are refused (e.g. "the access_token option").
    """

    def __init__(
        self,
        source: str,
        *,
        auth_hint: str = "the source's credentials",
        timeout: float = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.auth_hint = auth_hint
        self.policy = policy or RetryPolicy()
        self._sleep, self._clock, self._now, self._rng = sleep, clock, now, rng
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            transport=transport,
            follow_redirects=True,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public calls -----------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Iterable[int] = (),
    ) -> httpx.Response:
        """GET ``url``: a 2xx response, or one whose status is in ``accept`` (e.g. 304, 404).

        Raises AuthError, RateLimited or SourceUnavailable (see the module doc).
        """
        allowed = frozenset(accept)
        return cast(httpx.Response, self._retrying(lambda: self._once(url, params, headers, allowed), url))

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, httpx.Response]:
        """GET ``url`` and decode its JSON body: ``(value, response)``.

        Malformed JSON is retried like a 5xx, then raises SourceUnavailable.
        """

        def attempt() -> tuple[Any, httpx.Response]:
            response = self._once(url, params, headers, frozenset())
            try:
                return json.loads(response.content), response
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
                raise _Transient(response, None, f"malformed JSON ({detail})") from None

        return cast(tuple[Any, httpx.Response], self._retrying(attempt, url))

    # -- internals --------------------------------------------------------------

    def _once(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        accept: frozenset[int],
    ) -> httpx.Response:
        started = time.perf_counter()
        request = self._client.build_request("GET", url, params=params, headers=headers)
        try:
            response = self._client.send(request)
        except httpx.HTTPError as exc:
            log.debug(
                "%s: GET %s failed after %.2fs: %s",
                self.source,
                safe_url(request.url),
                time.perf_counter() - started,
                type(exc).__name__,
            )
            raise
        status = response.status_code
        log.debug(
            "%s: GET %s -> %d (%d bytes, %.2fs)",
            self.source,
            safe_url(request.url),
            status,
            len(response.content),
            time.perf_counter() - started,
        )
        if status in accept or 200 <= status < 300:
            return response
        where = self._where(request.url)
        if status in (401, 403):
            raise AuthError(
                f"{self.source}: {where} refused the credentials ({status} {response.reason_phrase}); "
                f"check {self.auth_hint}"
            )
        if status == 429:
            delay = parse_retry_after(response.headers.get("retry-after"), self._now())
            if delay is not None and delay <= self.policy.max_delay:
                raise _Transient(response, delay, "429 Too Many Requests")
            reset_at = rate_limit_reset(response.headers, self._now())
            until = f" until {reset_at.isoformat()}" if reset_at else ""
            raise RateLimited(
                f"{self.source}: {where} says too many requests (429); collection resumes on the next run{until}",
                reset_at,
            )
        if status >= 500:
            delay = parse_retry_after(response.headers.get("retry-after"), self._now())
            raise _Transient(response, delay, f"{status} {response.reason_phrase}")
        raise SourceUnavailable(
            f"{self.source}: {where} answered {status} {response.reason_phrase}; check the source's options"
        )

    def _where(self, url: httpx.URL) -> str:
        return safe_url(url, query=False)

    def _classify(self, exc: BaseException) -> Retry | None:
        if isinstance(exc, _Transient):
            return Retry(exc.delay)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return None
        if isinstance(exc, httpx.TransportError):  # timeouts, connect/read errors, protocol errors
            return Retry()
        return None

    def _retrying(self, call: Callable[[], Any], url: str) -> Any:
        try:
            return call_with_retry(
                call,
                self._classify,
                policy=self.policy,
                sleep=self._sleep,
                clock=self._clock,
                rng=self._rng,
                what=f"{self.source}: GET {safe_url(url, query=False)}",
            )
        except SourceError:
            raise
        except _Transient as exc:
            where = self._where(exc.response.request.url)
            if exc.response.status_code == 429:
                reset_at = rate_limit_reset(exc.response.headers, self._now())
                until = f" until {reset_at.isoformat()}" if reset_at else ""
                raise RateLimited(
                    f"{self.source}: {where} kept saying too many requests (429); "
                    f"collection resumes on the next run{until}",
                    reset_at,
                ) from None
            raise SourceUnavailable(
                f"{self.source}: {where} answered {exc.problem} after {self.policy.max_attempts} attempt(s); "
                "the service may be down, try again later"
            ) from None
        except httpx.TimeoutException:
            raise SourceUnavailable(
                f"{self.source}: {safe_url(url, query=False)} did not answer in time "
                f"after {self.policy.max_attempts} attempt(s); try again later or raise timeout_seconds"
            ) from None
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"{self.source}: cannot reach {safe_url(url, query=False)} ({type(exc).__name__}); "
                "check the network and the source's URL options"
            ) from None
