"""The one fixed clock of the test suite: Monday 23 November 2026, noon UTC.

Every test that needs "now" uses :data:`NOW` (or the ``fixed_now`` fixture), and a test
that moves time uses :class:`FixedClock`, a callable that returns what it was set to.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["NOW", "FixedClock"]

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""A Monday noon (UTC): the store fixture's clock and the tests' "now"."""


class FixedClock:
    """A clock that stands still until a test sets or advances it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now
