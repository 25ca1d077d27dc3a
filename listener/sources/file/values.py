"""Turning one imported row (a column -> value mapping) into a :class:`Mention`."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from foundation.mentions import Mention

__all__ = ["FIELDS", "RowError", "content_id", "parse_datetime", "row_to_mention"]

FIELDS = (
    "id",
    "text",
    "created_at",
    "author_handle",
    "author_name",
    "author_followers",
    "url",
    "language",
    "channel",
    "rating",
)
"""The cxpulse fields a column can be mapped to."""

_DATE_ADVICE = "use ISO 8601 like 2026-03-01T14:05:00Z"


class RowError(ValueError):
    """One unusable value: ``column`` names where it is, the message what is wrong."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse_datetime(value: Any, zone: tzinfo) -> datetime:
    """A UTC datetime from ISO 8601, RFC 2822, ``YYYY-MM-DD[ HH:MM[:SS]]`` or Unix epoch.

    Epoch numbers above 10^11 are read as milliseconds, others as seconds.
    Naive times are read in ``zone``. Raises ValueError when none of these fit.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    try:
        return _from_epoch(float(text))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ValueError(text) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _from_epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError(seconds)
    if abs(seconds) >= 1e11:
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError):
        raise ValueError(seconds) from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValueError("a string, not a JSON object or list")
    text = str(value).strip()
    return text or None


def _number(value: Any, column: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RowError(column, f"cannot read {value!r} as a number")
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise RowError(column, f"cannot read {value!r} as a number") from None
    if not math.isfinite(number):
        raise RowError(column, f"cannot read {value!r} as a number")
    return number


def content_id(row: Mapping[str, Any]) -> str:
    """A stable id from a row's content: the same row imported twice gets the same id."""
    blob = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256-" + hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def row_to_mention(
    row: Mapping[str, Any],
    columns: Mapping[str, str],
    *,
    source: str,
    zone: tzinfo,
    fallback_time: datetime,
    origin: Mapping[str, Any],
    rating_scale: tuple[float, float] = (1.0, 5.0),
) -> Mention:
    """Build a mention from ``row``; ``columns`` maps each cxpulse field to its column.

    A rating must lie within ``rating_scale`` (lowest, highest), both included.
    Raises :class:`RowError` naming the column of the first unusable value.
    """

    def get(field: str) -> Any:
        column = columns.get(field)
        return None if column is None else row.get(column)

    def text_of(field: str) -> str | None:
        try:
            return _text(get(field))
        except ValueError as exc:
            raise RowError(columns[field], f"expected {exc}") from None

    text_column = columns.get("text", "text")
    raw_text = get("text")
    if not isinstance(raw_text, str) or not raw_text.strip():
        if raw_text is None:
            what = "missing"
        elif isinstance(raw_text, str):
            what = "empty"
        else:
            what = "not a string"
        raise RowError(text_column, f"text is {what}; every row needs the mention's text")
    created_raw = get("created_at")
    if created_raw is None or (isinstance(created_raw, str) and not created_raw.strip()):
        created_at = fallback_time
    else:
        try:
            created_at = parse_datetime(created_raw, zone)
        except ValueError:
            raise RowError(columns["created_at"], f"cannot read {created_raw!r} as a date; {_DATE_ADVICE}") from None
    followers = _number(get("author_followers"), columns.get("author_followers", ""))
    if followers is not None and (followers < 0 or followers != int(followers)):
        raise RowError(columns["author_followers"], f"cannot read {followers!r} as a count")
    rating = _number(get("rating"), columns.get("rating", ""))
    low, high = rating_scale
    if rating is not None and not low <= rating <= high:
        raise RowError(
            columns["rating"],
            f"rating {rating:g} is outside the scale {low:g} to {high:g}; fix the value, "
            "or give the file's scale (--rating-scale LOW..HIGH, or rating_scale in config)",
        )
    external_id = text_of("id") or content_id(row)
    mapped = set(columns.values())
    extra = {k: v for k, v in row.items() if k not in mapped}
    return Mention(
        source=source,
        external_id=external_id,
        text=raw_text,
        created_at=created_at,
        url=text_of("url"),
        author_handle=text_of("author_handle"),
        author_name=text_of("author_name"),
        author_followers=None if followers is None else int(followers),
        language=text_of("language"),
        channel=text_of("channel") or "import",
        rating=rating,
        raw={**origin, "extra": extra} if extra else dict(origin),
    )
