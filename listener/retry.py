"""Retrying transient failures: exponential backoff with full jitter.

A source wraps one network call in :func:`call_with_retry` with a
:class:`RetryPolicy` and a *classifier*: a function that looks at the
exception the call raised and returns :class:`Retry` (transient: try again,
optionally after the delay the server asked for) or ``None`` (final: raise it
now). When the attempts or the total wait budget run out, the last exception
is raised unchanged, so the caller maps it to a
:class:`~foundation.errors.SourceError` at its boundary.

::

    def classify(exc: BaseException) -> Retry | None:
        if isinstance(exc, prawcore.ServerError):
            return Retry()
        return None

    result = call_with_retry(lambda: api.search(q), classify, policy=RetryPolicy(max_attempts=3))

Waits follow "full jitter" (a uniform draw between 0 and
``min(max_delay, base_delay * 2 ** (attempt - 1))``); a delay the server gave
(``Retry-After``) is waited exactly, as long as it fits the budget.
``sleep``, ``clock`` and ``rng`` are injectable so tests never sleep and are
deterministic.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

__all__ = ["Classifier", "Retry", "RetryPolicy", "call_with_retry", "parse_retry_after"]

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Retry:
    """A classifier's verdict that a failure is transient.

    ``delay`` is the wait the server asked for, in seconds (``Retry-After``);
    None lets the policy's backoff choose.
    """

    delay: float | None = None


Classifier = Callable[[BaseException], Retry | None]
"""Looks at a failure: :class:`Retry` to try again, ``None`` when it is final."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry one call."""

    max_attempts: int = 4
    """Attempts in all, the first one included (1 means never retry)."""
    base_delay: float = 1.0
    """Seconds: the ceiling of the first backoff draw, doubled for each further attempt."""
    max_delay: float = 30.0
    """Seconds: the largest backoff draw."""
    max_total_wait: float = 120.0
    """Seconds: give up rather than wait past this, counted from the first attempt."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.max_total_wait) < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), with full jitter."""
        ceiling: float = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 62))
        return rng() * ceiling


def call_with_retry(
    call: Callable[[], T],
    classify: Classifier,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
    what: str = "request",
) -> T:
    """Run ``call``, retrying the failures ``classify`` calls transient.

    Raises the last exception once it is final, the attempts are used up, or
    the next wait would end after ``policy.max_total_wait``. ``what`` names
    the call in log lines (never put a secret in it).
    """
    policy = policy or RetryPolicy()
    deadline = clock() + policy.max_total_wait
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except Exception as exc:
            verdict = classify(exc)
            if verdict is None or attempt >= policy.max_attempts:
                raise
            asked = verdict.delay
            delay = asked if asked is not None and math.isfinite(asked) else policy.backoff(attempt, rng)
            delay = max(0.0, delay)
            if clock() + delay > deadline:
                log.info(
                    "%s failed (%s); not retrying: waiting %.1fs would pass the %.0fs retry budget",
                    what,
                    _describe(exc),
                    delay,
                    policy.max_total_wait,
                )
                raise
            log.info(
                "%s failed (%s); retry %d of %d in %.1fs",
                what,
                _describe(exc),
                attempt,
                policy.max_attempts - 1,
                delay,
            )
            sleep(delay)


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date.

    None when the header is absent or unreadable; never negative.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
