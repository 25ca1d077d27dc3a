"""What the httpx-based sources (hackernews, mastodon, app_store, rss) share.

- :class:`HttpSourceOptions`: the options every one of them takes
  (``backfill_days``, ``timeout_seconds``, ``max_attempts``);
- :class:`HttpHooks`: the test seams (transport, sleep, clocks, randomness),
  passed as a keyword to the source's constructor; the defaults are the real
  network, clock and :func:`time.sleep`;
- :func:`encode_state` / :func:`decode_state`: a cursor holding a small JSON
  object (``v1;{...}``), for sources that track several streams per brand.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import Field

from cxpulse.errors import SourceError
from cxpulse.types import Cursor
from listener.http import DEFAULT_TIMEOUT, HttpClient
from listener.retry import RetryPolicy
from listener.sources.base import SourceOptions

__all__ = ["HttpHooks", "HttpSourceOptions", "decode_state", "encode_state"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HttpSourceOptions(SourceOptions):
    """Options shared by the sources that speak HTTP through :mod:`listener.http`."""

    backfill_days: int = Field(
        default=7, ge=0, le=3650, description="On the first run, collect what was posted in the last N days."
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT, gt=0, le=600, description="Seconds to wait for each HTTP request."
    )
    max_attempts: int = Field(
        default=4, ge=1, le=10, description="Attempts per request on 5xx, timeouts and network errors."
    )


@dataclass(frozen=True)
class HttpHooks:
    """Test seams of an HTTP source: nothing here changes what it collects."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = _utc_now
    monotonic: Callable[[], float] = time.monotonic
    rng: Callable[[], float] = field(default_factory=lambda: random.Random().random)

    def client(
        self,
        source: str,
        options: HttpSourceOptions,
        *,
        auth_hint: str,
        headers: Mapping[str, str] | None = None,
    ) -> HttpClient:
        """An :class:`HttpClient` for ``source`` with the options' timeout and attempts."""
        return HttpClient(
            source,
            auth_hint=auth_hint,
            timeout=options.timeout_seconds,
            policy=RetryPolicy(max_attempts=options.max_attempts),
            headers=headers,
            transport=self.transport,
            sleep=self.sleep,
            clock=self.monotonic,
            now=self.now,
            rng=self.rng,
        )

    def backfill_start(self, options: HttpSourceOptions) -> datetime:
        """The oldest time a first run collects: ``backfill_days`` before now."""
        return self.now().astimezone(UTC) - timedelta(days=options.backfill_days)


def encode_state(state: Mapping[str, Any]) -> Cursor:
    """A cursor holding ``state`` (JSON-serializable) as ``v1;{...}``."""
    return Cursor("v1;" + json.dumps(state, sort_keys=True, separators=(",", ":")))


def decode_state(cursor: Cursor, source: str) -> dict[str, Any]:
    """The state in ``cursor``; empty for a start cursor. SourceError when unreadable."""
    if cursor.value is None:
        return {}
    try:
        if not cursor.value.startswith("v1;"):
            raise ValueError(cursor.value)
        state = json.loads(cursor.value[3:])
        if not isinstance(state, dict):
            raise ValueError(cursor.value)
    except ValueError:
        raise SourceError(
            f"{source}: unreadable cursor {cursor.value[:80]!r}; expected 'v1;{{...}}'. "
            "Reset the source's cursor to collect from the backfill window again."
        ) from None
    return state
