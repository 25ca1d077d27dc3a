"""The retry policy: full-jitter backoff, attempts, the total budget and server-given delays."""

from __future__ import annotations

import random

import pytest
from testkit.clock import NOW
from webtools import FakeTime

from listener.retry import Retry, RetryPolicy, call_with_retry, parse_retry_after


class Flaky:
    """Fails ``failures`` times with ``error``, then returns "ok"."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def transient(exc: BaseException) -> Retry | None:
    return Retry() if isinstance(exc, ConnectionError) else None


def run(call: Flaky, time: FakeTime, policy: RetryPolicy, decide=transient) -> str:  # type: ignore[no-untyped-def]
    return call_with_retry(
        call, decide, policy=policy, sleep=time.sleep, clock=lambda: time.elapsed, rng=random.Random(1).random
    )


def test_transient_failures_are_retried_with_growing_jittered_waits() -> None:
    time, call = FakeTime(), Flaky(3, ConnectionError("reset"))
    assert run(call, time, RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=30.0)) == "ok"
    assert call.calls == 4 and len(time.sleeps) == 3
    for attempt, wait in enumerate(time.sleeps, 1):
        assert 0 <= wait <= 2 ** (attempt - 1)


def test_waits_never_exceed_max_delay() -> None:
    time, call = FakeTime(), Flaky(78, ConnectionError("reset"))
    policy = RetryPolicy(max_attempts=80, base_delay=10.0, max_delay=3.0, max_total_wait=1000.0)
    assert run(call, time, policy) == "ok"
    assert len(time.sleeps) == 78 and all(0 <= wait <= 3.0 for wait in time.sleeps)


def test_final_errors_are_raised_at_once() -> None:
    time, call = FakeTime(), Flaky(1, ValueError("bad request"))
    with pytest.raises(ValueError, match=r"bad request"):
        run(call, time, RetryPolicy())
    assert call.calls == 1 and time.sleeps == []


def test_the_last_error_is_raised_when_attempts_run_out() -> None:
    time, call = FakeTime(), Flaky(10, ConnectionError("down"))
    with pytest.raises(ConnectionError, match=r"down"):
        run(call, time, RetryPolicy(max_attempts=3))
    assert call.calls == 3 and len(time.sleeps) == 2


def test_a_server_given_delay_is_waited_exactly() -> None:
    time, call = FakeTime(), Flaky(2, ConnectionError("busy"))
    assert run(call, time, RetryPolicy(), decide=lambda exc: Retry(delay=12.5)) == "ok"
    assert time.sleeps == [12.5, 12.5]


def test_no_wait_goes_past_the_total_budget() -> None:
    time, call = FakeTime(), Flaky(5, ConnectionError("busy"))
    with pytest.raises(ConnectionError):
        run(call, time, RetryPolicy(max_attempts=10, max_total_wait=30.0), decide=lambda exc: Retry(delay=20.0))
    assert time.sleeps == [20.0]  # a second 20 s wait would end after 30 s


def test_policies_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match=r"max_attempts"):
        RetryPolicy(max_attempts=0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("-5", 0.0),
        ("Mon, 23 Nov 2026 12:01:30 GMT", 90.0),
        ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds
