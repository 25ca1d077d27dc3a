"""Search parameters of the inbox and the API, turned into the store's :class:`SearchFilters`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.datastructures import QueryParams

from cxpulse.app.workspace import OPEN_STATUSES, ORDERS
from foundation.errors import InputError
from storage import SearchFilters

__all__ = ["LIST_PARAMS", "SearchParams", "from_query", "parse_day"]

LIST_PARAMS: dict[str, str] = {
    # query parameter: SearchParams / SearchFilters field
    "brand": "brands",
    "source": "sources",
    "channel": "channels",
    "language": "languages",
    "sentiment": "sentiments",
    "topic": "topics",
    "gap": "gaps",
    "emotion": "emotions",
    "lifecycle": "lifecycles",
    "status": "statuses",
    "assignee": "assignees",
    "priority": "priorities",
    "tag": "tags",
}
"""Repeatable filters: any of the values matches. A new label is one more line."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    flagged: bool | None = None
    about_brand: bool | None = None
    switching: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_rating: float | None = None
    max_rating: float | None = None
    order: str = "relevance"

    def filters(self, model_version: str | None) -> SearchFilters:
        lists: dict[str, Any] = {name: self.values.get(name, ()) for name in LIST_PARAMS.values()}
        return SearchFilters(
            since=self.since,
            until=self.until,
            flagged=self.flagged,
            about_brand=self.about_brand,
            switching=self.switching,
            min_rating=self.min_rating,
            max_rating=self.max_rating,
            model_version=model_version,
            **lists,
        )

    def chosen(self, param: str) -> tuple[str, ...]:
        return self.values.get(LIST_PARAMS[param], ())


def parse_day(value: str | None, *, end: bool = False) -> datetime | None:
    """``2026-11-20`` -> that day's start in UTC (``end``: the next day's start); blank -> None."""
    if not value or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(f"{value!r} is not a date: use YYYY-MM-DD") from None
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def _number(value: str | None, name: str) -> float | None:
    if not value or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{name} must be a number, got {value!r}") from None


def _flag(value: str | None) -> bool | None:
    return {"yes": True, "true": True, "no": False, "false": False}.get((value or "").lower())


def from_query(params: QueryParams, *, defaults: bool = True) -> SearchParams:
    """The inbox's parameters. A form the user submitted carries ``f=1``; without it (a bare
    visit) the inbox shows the default view: open flagged work."""
    values: dict[str, tuple[str, ...]] = {}
    for param, name in LIST_PARAMS.items():
        chosen: Sequence[str] = [v.strip() for v in params.getlist(param) if v.strip() or param == "assignee"]
        if param == "assignee":
            chosen = [v for v in params.getlist(param) if v != "*"]
        if chosen:
            values[name] = tuple(dict.fromkeys(chosen))
    flagged = _flag(params.get("flagged"))
    if defaults and "f" not in params:
        flagged = True
        values.setdefault("statuses", OPEN_STATUSES)
    order = params.get("order", "relevance")
    return SearchParams(
        q=params.get("q", "")[:1000],
        values=values,
        flagged=flagged,
        about_brand=_flag(params.get("about_brand")),
        switching=_flag(params.get("switching")),
        since=parse_day(params.get("since")),
        until=parse_day(params.get("until"), end=True),
        min_rating=_number(params.get("min_rating"), "min_rating"),
        max_rating=_number(params.get("max_rating"), "max_rating"),
        order=order if order in ORDERS else "relevance",
    )
