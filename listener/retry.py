"""Retrying transient failures, on tenacity: exponential backoff with full jitter.

A source wraps one network call in :func:`call_with_retry` with a
:class:`RetryPolicy` and a :data:`RetryDecision`: a function that looks at the
exception the call raised and returns :class:`Retry` (transient: try again,
optionally after the delay the server asked for) or ``None`` (final: raise it
now). When the attempts or the total wait budget run out, the last exception
is raised unchanged, so the caller maps it to a
:class:`~foundation.errors.SourceError` at its boundary.

::

    def decide(exc: BaseException) -> Retry | None:
        if isinstance(exc, prawcore.ServerError):
            return Retry()
        return None

    result = call_with_retry(lambda: api.search(q), decide, policy=RetryPolicy(max_attempts=3))

The loop, the attempt limit, re-raising the last failure, the log line before
each wait and the (injectable) sleep are tenacity's (:class:`tenacity.Retrying`).
What is ours, because tenacity has no such thing:

- one decision per failure that says both *whether* to retry and *how long* to
  wait: a delay the server gave (``Retry-After``, a rate limit's reset) is waited
  exactly; otherwise the wait is "full jitter", a uniform draw between 0 and
  ``min(max_delay, base_delay * 2 ** (attempt - 1))``, as tenacity's
  ``wait_random_exponential`` draws it but from an injectable ``rng`` (tenacity
  draws from the global :mod:`random`, which a test cannot seed per call);
- the total wait budget is checked against an injectable monotonic ``clock``
  (tenacity's ``stop_before_delay`` reads :func:`time.monotonic` itself), so a
  wait that would end after ``max_total_wait`` is not started;
- :func:`parse_retry_after`: the ``Retry-After`` header as seconds or an HTTP date.

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

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential
from tenacity.stop import stop_base

__all__ = ["Retry", "RetryDecision", "RetryPolicy", "call_with_retry", "parse_retry_after"]

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Retry:
    """A retry decision's verdict that a failure is transient.

    ``delay`` is the wait the server asked for, in seconds (``Retry-After``);
    None lets the policy's backoff choose.
    """

    delay: float | None = None


RetryDecision = Callable[[BaseException], Retry | None]
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


class _FullJitter(wait_exponential):
    """tenacity's ``wait_random_exponential`` (full jitter), drawing from ``rng``."""

    def __init__(self, policy: RetryPolicy, rng: Callable[[], float]) -> None:
        super().__init__(multiplier=policy.base_delay, max=policy.max_delay)
        self._rng = rng

    def __call__(self, retry_state: RetryCallState) -> float:
        return self._rng() * super().__call__(retry_state)


class _Decisions:
    """One call's retry decisions: the ``retry`` and ``wait`` callbacks of :func:`call_with_retry`.

    After a failure tenacity asks ``retry`` (the decision, kept here) and then
    ``wait``, so the wait can honour the delay the decision carries.
    """

    def __init__(self, decide: RetryDecision, policy: RetryPolicy, rng: Callable[[], float]) -> None:
        self.decide, self.policy = decide, policy
        self.backoff = _FullJitter(policy, rng)
        self.verdict: Retry | None = None

    def transient(self, exc: BaseException) -> bool:
        self.verdict = self.decide(exc) if isinstance(exc, Exception) else None
        return self.verdict is not None

    def wait(self, retry_state: RetryCallState) -> float:
        if retry_state.attempt_number >= self.policy.max_attempts:
            return 0.0  # no wait follows the last attempt: draw nothing
        asked = self.verdict.delay if self.verdict is not None else None
        delay = asked if asked is not None and math.isfinite(asked) else self.backoff(retry_state)
        return max(0.0, delay)


class _PastBudget(stop_base):
    """tenacity's ``stop_before_delay(max_total_wait)``, on an injectable monotonic clock."""

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float], what: str) -> None:
        self.policy, self.clock, self.what = policy, clock, what
        self.deadline = clock() + policy.max_total_wait

    def __call__(self, retry_state: RetryCallState) -> bool:
        delay = retry_state.upcoming_sleep
        if self.clock() + delay <= self.deadline:
            return False
        log.info(
            "%s failed (%s); not retrying: waiting %.1fs would pass the %.0fs retry budget",
            self.what,
            _describe(retry_state),
            delay,
            self.policy.max_total_wait,
        )
        return True


def call_with_retry(
    call: Callable[[], T],
    decide: RetryDecision,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
    what: str = "request",
) -> T:
    """Run ``call``, retrying the failures ``decide`` calls transient.

    Raises the last exception once it is final, the attempts are used up, or
    the next wait would end after ``policy.max_total_wait``. ``what`` names
    the call in log lines (never put a secret in it).
    """
    policy = policy or RetryPolicy()
    decisions = _Decisions(decide, policy, rng)

    def before_sleep(retry_state: RetryCallState) -> None:
        log.info(
            "%s failed (%s); retry %d of %d in %.1fs",
            what,
            _describe(retry_state),
            retry_state.attempt_number,
            policy.max_attempts - 1,
            retry_state.upcoming_sleep,
        )

    retrying = Retrying(
        retry=retry_if_exception(decisions.transient),
        wait=decisions.wait,
        stop=stop_after_attempt(policy.max_attempts) | _PastBudget(policy, clock, what),
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
    return retrying(call)


def _describe(retry_state: RetryCallState) -> str:
    """The failure of the last attempt, for log lines: its type and the first line of its message."""
    exc = retry_state.outcome.exception() if retry_state.outcome is not None else None
    text = str(exc).splitlines()[0] if str(exc) else ""
    kind = type(exc).__name__
    if kind.startswith("_") and text:  # a caller's private marker (an HTTP status): the text says it all
        return text
    return f"{kind}: {text}" if text else kind


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
