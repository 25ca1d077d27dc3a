"""What every network source shares (twitter, reddit, google_play, app_store, rss, bluesky, mastodon, hackernews).

- :class:`NetworkOptions`: the options every one of them takes (backfill
  window, timeout, attempts, how long a rate limit may be waited out);
- :class:`SourceHooks`: the test seams (HTTP transport, sleep, clocks,
  randomness), passed as ``hooks=`` to the source's constructor; the defaults
  are the real network, clock and :func:`time.sleep`. It also builds the
  :class:`~listener.http.HttpClient` of the httpx-based sources;
- :class:`NetworkSource`: the constructor every network source shares;
- :func:`call_api`: one client-library call with retries (exponential backoff
  with full jitter from :mod:`listener.retry`), a 429 waited out when the
  reset is within ``max_rate_limit_wait`` (:func:`rate_limit_verdict`);
- :func:`encode_state` / :func:`decode_state`: versioned JSON cursors
  (``{"v": 1, ...}``) that ``cxpulse sources status`` shows as they are.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar, cast

import httpx
from pydantic import Field

from foundation.clock import Clock, utc_now
from foundation.errors import SourceError
from foundation.mentions import Cursor
from listener.http import DEFAULT_TIMEOUT, HttpClient
from listener.retry import Retry, RetryDecision, RetryPolicy, call_with_retry
from listener.sources.base import SourceOptions

__all__ = [
    "NetworkOptions",
    "NetworkSource",
    "SourceHooks",
    "call_api",
    "decode_state",
    "encode_state",
    "rate_limit_verdict",
]

T = TypeVar("T")
O = TypeVar("O", bound="NetworkOptions")  # noqa: E741 (the options type)

_RETRY_BUDGET = 120.0
"""Seconds of backoff one call may spend on transient failures (rate-limit waits come on top)."""


class NetworkOptions(SourceOptions):
    """Options shared by the sources that call a network API."""

    backfill_days: int = Field(
        default=7,
        ge=0,
        le=3650,
        description="On the first run, collect this many days back; later runs collect only what is new.",
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT, gt=0, le=600, description="Seconds to wait for each HTTP request."
    )
    max_attempts: int = Field(
        default=4,
        ge=1,
        le=10,
        description="Attempts per request, the first included: 5xx answers, timeouts and connection "
        "errors are retried with exponential backoff and jitter.",
    )
    max_rate_limit_wait: float = Field(
        default=0,
        ge=0,
        le=3600,
        description="On a rate limit (429), wait up to this many seconds for the reset and go on; "
        "0 stops the run and resumes on the next one (a Retry-After of 30 s or less is always waited).",
    )

    def retry_policy(self) -> RetryPolicy:
        """The retry policy these options ask for."""
        return RetryPolicy(max_attempts=self.max_attempts, max_total_wait=_RETRY_BUDGET + self.max_rate_limit_wait)


@dataclass(frozen=True)
class SourceHooks:
    """Test seams of a network source: nothing here changes what it collects.

    ``transport`` replaces the network of the httpx-based sources; ``sleep``
    and ``clock`` (monotonic) time the retries; ``now`` (UTC) places the
    backfill window; ``rng`` draws the backoff jitter.
    """

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    now: Clock = utc_now
    rng: Callable[[], float] = field(default_factory=lambda: random.Random().random)

    def client(
        self,
        source: str,
        options: NetworkOptions,
        *,
        auth_hint: str,
        headers: Mapping[str, str] | None = None,
    ) -> HttpClient:
        """An :class:`HttpClient` for ``source`` with the options' timeout, attempts and rate-limit wait."""
        policy = options.retry_policy()
        return HttpClient(
            source,
            auth_hint=auth_hint,
            timeout=options.timeout_seconds,
            policy=policy,
            rate_limit_wait=max(policy.max_delay, options.max_rate_limit_wait),
            headers=headers,
            transport=self.transport,
            sleep=self.sleep,
            clock=self.clock,
            now=self.now,
            rng=self.rng,
        )

    def backfill_start(self, options: NetworkOptions) -> datetime:
        """The oldest time a first run collects: ``backfill_days`` before now."""
        return self.now().astimezone(UTC) - timedelta(days=options.backfill_days)


class NetworkSource(Generic[O]):
    """The constructor of every network source: name, validated options, hooks. No I/O.

    A subclass sets ``options_model`` (its options class, also the ``O`` it
    is parametrised with), ``summary``, ``needs`` and ``matches_query``.
    """

    options_model: ClassVar[type[SourceOptions]]
    matches_query: ClassVar[bool] = True

    def __init__(self, name: str, options: SourceOptions, *, hooks: SourceHooks | None = None) -> None:
        model = self.options_model
        if not isinstance(options, model):
            options = model.model_validate(options.model_dump())
        self.name = name
        self.options: O = cast(O, options)
        self.hooks = hooks or SourceHooks()


def rate_limit_verdict(reset_at: datetime | None, options: NetworkOptions, hooks: SourceHooks) -> Retry | None:
    """Retry after the reset when it is within ``max_rate_limit_wait``; None to give up now."""
    if reset_at is None or options.max_rate_limit_wait <= 0:
        return None
    delay = max(0.0, (reset_at - hooks.now()).total_seconds()) + 1.0
    return Retry(delay) if delay <= options.max_rate_limit_wait else None


def call_api(
    call: Callable[[], T],
    decide: RetryDecision,
    *,
    options: NetworkOptions,
    hooks: SourceHooks,
    what: str,
) -> T:
    """Run one API call, retrying what ``decide`` calls transient. Raises the last failure unchanged."""
    return call_with_retry(
        call,
        decide,
        policy=options.retry_policy(),
        sleep=hooks.sleep,
        clock=hooks.clock,
        rng=hooks.rng,
        what=what,
    )


def encode_state(state: Mapping[str, Any]) -> Cursor:
    """A cursor holding ``state`` (JSON-serializable) as compact JSON, with the format version first."""
    return Cursor(json.dumps({"v": 1, **state}, separators=(",", ":"), sort_keys=True))


def decode_state(cursor: Cursor, source: str) -> dict[str, Any]:
    """The state in ``cursor`` (without its version); empty for a start cursor. SourceError when not ours."""
    if cursor.value is None:
        return {}
    try:
        state = json.loads(cursor.value)
    except json.JSONDecodeError:
        state = None
    if not isinstance(state, dict) or state.get("v") != 1:
        raise SourceError(
            f"{source}: unreadable cursor {cursor.value[:80]!r}; reset the source's cursor to collect "
            "from the backfill window again"
        )
    del state["v"]
    return state
