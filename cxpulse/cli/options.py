"""Parsing of option values shared by several commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from foundation.clock import utc_now

__all__ = ["parse_mapping", "parse_when"]

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
