"""The ``demo`` source: seeded, realistic mentions for fictional brands, no network.

Cursor format (version 1)::

    v1;anchor=2026-11-23T12:00:00+00:00;next=1500

``anchor`` is the end of the time window (UTC, truncated to the hour), fixed
on the first run so that a resumed run reproduces the same mentions with the
same timestamps; ``next`` is the index of the next mention to yield. Once
``next`` reaches ``count`` the stream is exhausted and later runs yield
nothing (raising ``count`` later yields the extra mentions with the same
anchor). Changing ``seed`` changes the text behind the same external ids, so
it needs a fresh store or a new source name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import Field, field_validator

from foundation.clock import Clock, utc_now
from foundation.errors import SourceError
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.sources.base import SourceOptions
from listener.sources.demo.generator import Generator
from listener.sources.demo.world import profile_for

__all__ = ["DemoOptions", "DemoSource"]

log = logging.getLogger(__name__)


class DemoOptions(SourceOptions):
    """Options of the ``demo`` source (``[[sources]] type = "demo"``)."""

    seed: int = Field(default=7, ge=0, description="Seed of the generator; same seed, same mentions.")
    count: int = Field(default=1500, ge=0, le=10_000_000, description="Mentions generated per brand.")
    days: int = Field(
        default=60,
        ge=1,
        le=3650,
        description="Spread mentions over the last N days before the anchor.",
    )
    batch_size: int = Field(default=500, ge=1, le=100_000, description="Mentions per batch.")
    anchor: datetime | None = Field(
        default=None,
        description="End of the time window (UTC); default: the hour of the first run. "
        "Set it to make two stores hold exactly the same demo mentions.",
    )

    @field_validator("anchor")
    @classmethod
    def _utc_anchor(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def encode_cursor(anchor: datetime, next_index: int) -> Cursor:
    """The cursor stored after yielding mentions up to ``next_index`` (exclusive)."""
    return Cursor(f"v1;anchor={anchor.isoformat()};next={next_index}")


def decode_cursor(cursor: Cursor) -> tuple[datetime, int] | None:
    """``(anchor, next)`` from a cursor; None for a start cursor.

    Raises :class:`~foundation.errors.SourceError` when the value isn't a demo cursor.
    """
    if cursor.value is None:
        return None
    try:
        version, anchor_part, next_part = cursor.value.split(";")
        if version != "v1" or not anchor_part.startswith("anchor=") or not next_part.startswith("next="):
            raise ValueError(cursor.value)
        anchor = datetime.fromisoformat(anchor_part.removeprefix("anchor="))
        next_index = int(next_part.removeprefix("next="))
        if anchor.tzinfo is None or next_index < 0:
            raise ValueError(cursor.value)
    except ValueError:
        raise SourceError(
            f"demo source: unreadable cursor {cursor.value!r}; expected "
            "'v1;anchor=<ISO 8601 UTC>;next=<int>'. Reset the source's cursor to start over."
        ) from None
    return anchor.astimezone(UTC), next_index


class DemoSource:
    """Yields a deterministic stream of realistic mentions for each brand.

    Demo brands (:data:`~listener.sources.demo.DEMO_BRANDS`) get their own
    industry, story and noise; any other brand name gets generic consumer-brand
    mentions written about it. ``clock`` (a keyword for tests) supplies "now".
    """

    summary: ClassVar[str] = "Seeded, realistic demo mentions for fictional brands (no network)"
    needs: ClassVar[str] = "nothing: no network, no credentials"
    options_model: ClassVar[type[SourceOptions]] = DemoOptions
    matches_query: ClassVar[bool] = True

    def __init__(
        self,
        name: str,
        options: SourceOptions,
        *,
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(options, DemoOptions):
            options = DemoOptions.model_validate(options.model_dump())
        self.name = name
        self.options: DemoOptions = options
        self._clock = clock

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield ``count`` mentions for ``brand`` from ``cursor`` on, ``batch_size`` at a time."""
        state = decode_cursor(cursor)
        if state is None:
            now = (self.options.anchor or self._clock()).astimezone(UTC)
            anchor, start = now.replace(minute=0, second=0, microsecond=0), 0
        else:
            anchor, start = state
        opts = self.options
        if start >= opts.count:
            return
        generator = Generator(
            profile=profile_for(brand.name, brand.competitors),
            seed=opts.seed,
            anchor=anchor,
            days=opts.days,
            source=self.name,
            languages=brand.languages,
        )
        log.debug("demo: generating mentions %d..%d for %s", start, opts.count, brand.name)
        for low in range(start, opts.count, opts.batch_size):
            high = min(low + opts.batch_size, opts.count)
            mentions: tuple[Mention, ...] = tuple(generator.mention(i) for i in range(low, high))
            yield Batch(mentions=mentions, cursor=encode_cursor(anchor, high))
