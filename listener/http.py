"""The HTTP client of the httpx-based sources: polite, patient, and mapped to our errors.

:class:`HttpClient` wraps one :class:`httpx.Client` for one source instance:

- every call has a timeout (20 s by default) and sends an honest User-Agent
  (:data:`USER_AGENT`);
- 5xx answers, connection errors, timeouts and malformed JSON are retried with
  exponential backoff and full jitter (:mod:`listener.retry`), waiting what
  ``Retry-After`` asks when it fits the retry budget;
- a 429 whose reset (``Retry-After`` or ``X-RateLimit-Reset``) is within
  ``rate_limit_wait`` is waited out and retried; a later one raises
  :class:`~foundation.errors.RateLimited` with ``reset_at``;
- :meth:`HttpClient.get_json` and a ``decode`` given to :meth:`HttpClient.post`
  retry an answer they cannot read (malformed JSON, an unexpected page) like
  a 5xx;
- 401/403 raise :class:`~foundation.errors.AuthError` naming the source and the
  option to check; persistent 5xx, timeouts, network failures and malformed
  JSON raise :class:`~foundation.errors.SourceUnavailable`.

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
from typing import Any, TypeVar, cast, overload

import httpx

from foundation.clock import Clock, utc_now
from foundation.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from listener.retry import Retry, RetryPolicy, call_with_retry, parse_retry_after

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "HttpClient", "rate_limit_reset", "resumes_message", "safe_url"]

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = 20.0
"""Seconds allowed for each phase of a request (connect, read, write, pool)."""


def _version() -> str:
    try:
        return version("cxpulse")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


USER_AGENT = f"cxpulse/{_version()} (+https://github.com/cxpulse/cxpulse; social listening)"

_SECRET_PARAM = re.compile(r"token|key|secret|password|passwd|auth|sig|session|cookie", re.IGNORECASE)


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


def resumes_message(reset_at: datetime | None) -> str:
    """The end of a RateLimited message: when, and what the user can do."""
    until = f" (the limit resets at {reset_at.isoformat()})" if reset_at else ""
    return f"collection resumes on the next run{until}; set max_rate_limit_wait to wait for the reset instead"


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
    ``rate_limit_wait`` is the longest wait for a 429's reset that is sat out
    (default: the policy's ``max_delay``).
    """

    def __init__(
        self,
        source: str,
        *,
        auth_hint: str = "the source's credentials",
        timeout: float = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        rate_limit_wait: float | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Clock = utc_now,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.auth_hint = auth_hint
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self.rate_limit_wait = self.policy.max_delay if rate_limit_wait is None else rate_limit_wait
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
        return self._send("GET", url, params=params, headers=headers, accept=accept, decode=_itself)

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
        return self._send("GET", url, params=params, headers=headers, decode=_json)

    @overload
    def post(
        self,
        url: str,
        *,
        content: bytes | str | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Iterable[int] = (),
        decode: None = None,
    ) -> httpx.Response: ...

    @overload
    def post(
        self,
        url: str,
        *,
        content: bytes | str | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Iterable[int] = (),
        decode: Callable[[httpx.Response], T],
    ) -> T: ...

    def post(
        self,
        url: str,
        *,
        content: bytes | str | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Iterable[int] = (),
        decode: Callable[[httpx.Response], Any] | None = None,
    ) -> Any:
        """POST ``content`` to ``url``: the response (as :meth:`get`), or what ``decode`` makes of it
        (of a 2xx answer, or one whose status is in ``accept``).

        A ``decode`` that raises ValueError (an answer it cannot read) is
        retried like a 5xx, then raises SourceUnavailable naming the problem.
        """
        return self._send(
            "POST", url, params=params, headers=headers, content=content, accept=accept, decode=decode or _itself
        )

    # -- internals --------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        decode: Callable[[httpx.Response], T],
        content: bytes | str | None = None,
        accept: Iterable[int] = (),
    ) -> T:
        allowed = frozenset(accept)

        def attempt() -> T:
            response = self._once(method, url, params, headers, content, allowed)
            try:
                return decode(response)
            except ValueError as exc:
                raise _Transient(response, None, _problem(exc)) from None

        return cast(T, self._retrying(attempt, method, url))

    def _once(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        content: bytes | str | None,
        accept: frozenset[int],
    ) -> httpx.Response:
        started = time.perf_counter()
        request = self._client.build_request(method, url, params=params, headers=headers, content=content)
        try:
            response = self._client.send(request)
        except httpx.HTTPError as exc:
            log.debug(
                "%s: %s %s failed after %.2fs: %s",
                self.source,
                method,
                safe_url(request.url),
                time.perf_counter() - started,
                type(exc).__name__,
            )
            raise
        status = response.status_code
        log.debug(
            "%s: %s %s -> %d (%d bytes, %.2fs)",
            self.source,
            method,
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
            now = self._now()
            reset_at = rate_limit_reset(response.headers, now)
            delay = None if reset_at is None else max(0.0, (reset_at - now).total_seconds())
            if delay is not None and delay <= self.rate_limit_wait:
                raise _Transient(response, delay, "429 Too Many Requests")
            raise RateLimited(
                f"{self.source}: {where} says too many requests (429); {resumes_message(reset_at)}", reset_at
            )
        if status >= 500:
            delay = parse_retry_after(response.headers.get("retry-after"), self._now())
            raise _Transient(response, delay, f"{status} {response.reason_phrase}")
        raise SourceUnavailable(
            f"{self.source}: {where} answered {status} {response.reason_phrase}; check the source's options"
        )

    def _where(self, url: httpx.URL) -> str:
        return safe_url(url, query=False)

    def _verdict(self, exc: BaseException) -> Retry | None:
        if isinstance(exc, _Transient):
            return Retry(exc.delay)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return None
        if isinstance(exc, httpx.TransportError):  # timeouts, connect/read errors, protocol errors
            return Retry()
        return None

    def _retrying(self, call: Callable[[], Any], method: str, url: str) -> Any:
        try:
            return call_with_retry(
                call,
                self._verdict,
                policy=self.policy,
                sleep=self._sleep,
                clock=self._clock,
                rng=self._rng,
                what=f"{self.source}: {method} {safe_url(url, query=False)}",
            )
        except SourceError:
            raise
        except _Transient as exc:
            where = self._where(exc.response.request.url)
            if exc.response.status_code == 429:
                reset_at = rate_limit_reset(exc.response.headers, self._now())
                raise RateLimited(
                    f"{self.source}: {where} kept saying too many requests (429); {resumes_message(reset_at)}",
                    reset_at,
                ) from None
            raise SourceUnavailable(
                f"{self.source}: {where} answered {exc.problem} after {self.policy.max_attempts} attempt(s); "
                "the service may be down, try again later"
            ) from None
        except httpx.TimeoutException:
            raise SourceUnavailable(
                f"{self.source}: {safe_url(url, query=False)} did not answer within {self.timeout:g}s "
                f"after {self.policy.max_attempts} attempt(s); try again later or raise timeout_seconds"
            ) from None
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"{self.source}: cannot reach {safe_url(url, query=False)} ({type(exc).__name__}); "
                "check the network and the source's URL options"
            ) from None


def _itself(response: httpx.Response) -> httpx.Response:
    return response


def _json(response: httpx.Response) -> tuple[Any, httpx.Response]:
    return json.loads(response.content), response


def _problem(exc: ValueError) -> str:
    """What was wrong with an answer, for messages."""
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON ({exc.msg})"
    if isinstance(exc, UnicodeDecodeError):
        return "malformed JSON (not UTF-8)"
    return str(exc)
