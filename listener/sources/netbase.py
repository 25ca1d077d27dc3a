"""What the client-library sources (twitter, reddit, google_play, bluesky) share.

- :class:`NetworkOptions`: the options every network source takes (backfill
  window, timeout, attempts, how long a rate limit may be waited out);
- :class:`Waits`: the clock and sleep a source uses, injectable so tests never
  wait;
- :func:`call_api`: one API call with retries (exponential backoff with full
  jitter from :mod:`listener.retry`), a 429 waited out when the reset is within
  ``max_rate_limit_wait``;
- :func:`encode_state` / :func:`decode_state`: versioned JSON cursors that
  ``cxpulse sources status`` shows as they are.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import Field

from cxpulse.errors import SourceError
from cxpulse.types import Cursor
from listener.http import DEFAULT_TIMEOUT
from listener.retry import Classifier, Retry, RetryPolicy, call_with_retry
from listener.sources.base import SourceOptions

__all__ = [
    "NetworkOptions",
    "Waits",
    "backfill_start",
    "call_api",
    "decode_state",
    "encode_state",
    "epoch",
    "rate_limit_verdict",
    "resumes_message",
]

T = TypeVar("T")

_RETRY_BUDGET = 120.0
"""Seconds of backoff one call may spend on transient failures (rate-limit waits come on top)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class NetworkOptions(SourceOptions):
    """Options shared by the sources that call a network API through a client library."""

    backfill_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="On the first run, collect this many days back; later runs collect only what is new.",
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT, gt=0, le=300, description="Seconds to wait for each HTTP request."
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
        "0 stops the run and resumes on the next one.",
    )


@dataclass(frozen=True)
class Waits:
    """Time as a source sees it: ``sleep`` and ``clock`` (monotonic) for retries, ``now`` (UTC) for windows."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = field(default=_utc_now)
    rng: Callable[[], float] = random.random


def rate_limit_verdict(reset_at: datetime | None, options: NetworkOptions, waits: Waits) -> Retry | None:
    """Retry after the reset when it is within ``max_rate_limit_wait``; None to give up now."""
    if reset_at is None or options.max_rate_limit_wait <= 0:
        return None
    delay = max(0.0, (reset_at - waits.now()).total_seconds()) + 1.0
    return Retry(delay) if delay <= options.max_rate_limit_wait else None


def resumes_message(reset_at: datetime | None) -> str:
    """The end of a RateLimited message: when, and what the user can do."""
    until = f" (the limit resets at {reset_at.isoformat()})" if reset_at else ""
    return f"collection resumes on the next run{until}; set max_rate_limit_wait to wait for the reset instead"


def call_api(
    call: Callable[[], T],
    classify: Classifier,
    *,
    options: NetworkOptions,
    waits: Waits,
    what: str,
) -> T:
    """Run one API call, retrying what ``classify`` calls transient. Raises the last failure unchanged."""
    policy = RetryPolicy(
        max_attempts=options.max_attempts,
        max_total_wait=_RETRY_BUDGET + options.max_rate_limit_wait,
    )
    return call_with_retry(
        call, classify, policy=policy, sleep=waits.sleep, clock=waits.clock, rng=waits.rng, what=what
    )


def epoch(when: datetime) -> float:
    """Seconds since the Unix epoch of an aware datetime."""
    return when.timestamp()


def backfill_start(options: NetworkOptions, waits: Waits) -> datetime:
    """The oldest time a first run collects."""
    return waits.now() - timedelta(days=options.backfill_days)


def encode_state(state: dict[str, Any]) -> Cursor:
    """A cursor holding ``state`` as compact JSON, with the format version first."""
    return Cursor(json.dumps({"v": 1, **state}, separators=(",", ":"), sort_keys=True))


def decode_state(cursor: Cursor, source: str) -> dict[str, Any] | None:
    """The state in ``cursor``; None for a start cursor. SourceError when it is not ours."""
    if cursor.value is None:
        return None
    try:
        state = json.loads(cursor.value)
    except json.JSONDecodeError:
        state = None
    if not isinstance(state, dict) or state.get("v") != 1:
        raise SourceError(
            f"{source}: unreadable cursor {cursor.value[:80]!r}; reset the source's cursor to collect "
            "from the backfill window again"
        )
    return state
