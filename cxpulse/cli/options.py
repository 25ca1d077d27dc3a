"""Parsing of option values shared by several commands."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import click

from foundation.clock import utc_now
from foundation.labels import GAPS, LIFECYCLE_STAGES, SENTIMENTS
from storage import SearchFilters

__all__ = ["FilterOptions", "parse_mapping", "parse_when", "search_filter_options"]

F = TypeVar("F", bound=Callable[..., Any])

_RELATIVE = re.compile(r"^(\d+)([hdw])$")


def parse_when(value: str | None, *, now: datetime | None = None, end_of_day: bool = False) -> datetime | None:
    """``2026-11-01``, ``2026-11-01T08:00``, ``2026-11-01T08:00+01:00`` or relative ``12h``/``7d``/``2w``."""
    if value is None:
        return None
    now = now or utc_now()
    try:
        relative = _RELATIVE.match(value.strip())
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
            return now - delta
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if end_of_day and len(value.strip()) == 10:
            parsed += timedelta(days=1)
        return parsed.astimezone(UTC)
    except OverflowError:
        raise click.BadParameter(
            f"{value!r} is outside the dates cxpulse can handle (years 1 to 9999); give a nearer date or a shorter span"
        ) from None
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use 2026-11-01, 2026-11-01T08:00 or a relative 12h, 7d, 2w"
        ) from None


def parse_mapping(values: tuple[str, ...]) -> dict[str, str]:
    """``--map text=body,created_at=date`` (repeatable) into a field -> column dict."""
    mapping: dict[str, str] = {}
    for value in values:
        for pair in value.split(","):
            if not pair.strip():
                continue
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise click.BadParameter(f"{pair!r} is not FIELD=COLUMN, e.g. --map text=body")
            mapping[field.strip()] = column.strip()
    return mapping


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The search filter options as given on the command line (see :func:`search_filter_options`)."""

    brands: tuple[str, ...]
    sources: tuple[str, ...]
    since: str | None
    until: str | None
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    no_duplicates: bool
    sentiments: tuple[str, ...]
    topics: tuple[str, ...]
    gaps: tuple[str, ...]
    flagged: bool | None
    about_brand: bool | None
    switching: bool | None
    lifecycles: tuple[str, ...]

    def to_filters(self, model_version: str | None) -> SearchFilters:
        """The store's filters; the classification filters read ``model_version``'s labels."""
        return SearchFilters(
            brands=self.brands,
            sources=self.sources,
            since=parse_when(self.since),
            until=parse_when(self.until, end_of_day=True),
            languages=self.languages,
            channels=self.channels,
            include_duplicates=not self.no_duplicates,
            sentiments=self.sentiments,
            topics=self.topics,
            gaps=self.gaps,
            flagged=self.flagged,
            about_brand=self.about_brand,
            switching=self.switching,
            lifecycles=self.lifecycles,
            model_version=model_version,
        )


_FILTER_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.option("--brand", "-b", "brands", multiple=True, help="Only this brand; repeatable."),
    click.option("--source", "-s", "sources", multiple=True, help="Only this source name; repeatable."),
    click.option("--since", metavar="WHEN", help="From this time: 2026-11-01, 2026-11-01T08:00, or 12h / 7d / 2w ago."),
    click.option("--until", metavar="WHEN", help="Up to this time (a bare date includes that whole day)."),
    click.option(
        "--language",
        "-l",
        "languages",
        multiple=True,
        metavar="CODE",
        help="Only this language (en, es, ...); repeatable.",
    ),
    click.option(
        "--channel", "channels", multiple=True, help="Only this channel (twitter, reddit, app_review, ...); repeatable."
    ),
    click.option("--no-duplicates", is_flag=True, help="Hide copies (retweets, copy-paste) of earlier mentions."),
    click.option(
        "--sentiment",
        "sentiments",
        multiple=True,
        type=click.Choice(SENTIMENTS),
        help="Only mentions classified with this sentiment; repeatable.",
    ),
    click.option(
        "--topic",
        "topics",
        multiple=True,
        metavar="NAME",
        help="Only mentions classified with this topic (a [[topics]] name); repeatable: any of them.",
    ),
    click.option(
        "--gap",
        "gaps",
        multiple=True,
        type=click.Choice(GAPS),
        help="Only mentions with this expectation gap; repeatable.",
    ),
    click.option(
        "--flagged/--no-flagged",
        "flagged",
        default=None,
        help="Only mentions flagged for CX staff (--flagged) or only those not flagged (--no-flagged).",
    ),
    click.option(
        "--about-brand/--not-about-brand",
        "about_brand",
        default=None,
        help="Only customers talking about their experience with a brand, or only general chatter.",
    ),
    click.option(
        "--switching/--no-switching",
        "switching",
        default=None,
        help="Only mentions where the customer threatens to leave, cancel or switch (or only those without).",
    ),
    click.option(
        "--lifecycle",
        "lifecycles",
        multiple=True,
        type=click.Choice(LIFECYCLE_STAGES),
        help="Only mentions at this stage of the customer journey; repeatable.",
    ),
)
_FILTER_NAMES = tuple(FilterOptions.__dataclass_fields__)


def search_filter_options(command: F) -> F:
    """Add every search filter option to ``command``, which receives them as one
    :class:`FilterOptions` argument named ``filter_options`` (``cxpulse search`` and
    ``cxpulse export mentions`` share them, so the two never drift)."""

    @functools.wraps(command)
    def collect(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _FILTER_NAMES}
        return command(*args, filter_options=FilterOptions(**values), **kwargs)

    wrapped: Any = collect
    for option in reversed(_FILTER_OPTIONS):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]
