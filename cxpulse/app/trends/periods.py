"""The periods of a trend: local hours, days, ISO weeks, months or quarters in one time zone.

The boundaries are computed here, in Python with :mod:`zoneinfo`, and handed to
:mod:`storage.trends` as UTC instants, so a local day is 23 or 25 hours long
across a DST change and both backends cut time the same way. Hours are real
hours (a local day with a DST change has 23 or 25 of them), aligned to the
local clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from foundation.errors import InputError

__all__ = ["MAX_PERIODS", "PERIODS", "PeriodGrid", "grid", "parse_moment", "zone"]

PERIODS = ("hour", "day", "week", "month", "quarter")
MAX_PERIODS = 10_000
"""At most this many periods in one trend (an hourly year is 8,760)."""
WHEN_HELP = "now, 12h / 7d / 2w ago, 2026-11-01 or 2026-11-01T08:00 (optionally with +01:00)"
_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


def zone(name: str) -> ZoneInfo:
    """The time zone ``name``; InputError with examples when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError(
            f"{name!r} is not an IANA time zone; write it like Europe/Berlin, America/New_York or UTC"
        ) from None


def parse_moment(value: str | datetime, name: str, tz: ZoneInfo, now: datetime, *, end: bool = False) -> datetime:
    """``value`` as a UTC instant. Strings as ``cxpulse search --since`` takes them, plus
    ``now``; a date or a time without an offset is local time in ``tz``, and a bare date
    given as ``end`` means the end of that day."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=tz)
        return _utc(moment, name, value)
    text = str(value).strip()
    try:
        if text.lower() == "now":
            return now.astimezone(UTC)
        relative = _RELATIVE.match(text.lower())
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            hours = amount * {"h": 1, "d": 24, "w": 24 * 7}[unit]
            return now.astimezone(UTC) - timedelta(hours=hours)
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return _utc(datetime(day.year, day.month, day.day, tzinfo=tz), name, value)
        parsed = datetime.fromisoformat(text)
    except OverflowError:
        raise InputError(f"{name} {text!r} is outside the dates cxpulse can handle; give a nearer date") from None
    except ValueError:
        raise InputError(f"{name} {text!r} is not a time; use {WHEN_HELP}") from None
    return _utc(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz), name, value)


def _utc(moment: datetime, name: str, value: object) -> datetime:
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InputError(f"{name} {value!s} is outside the dates cxpulse can handle; give a nearer date") from None


@dataclass(frozen=True)
class PeriodGrid:
    """Consecutive periods: ``bounds[i]`` to ``bounds[i + 1]``, UTC.

    Period 0 is the one before the first asked for (it gives the first period's change).
    """

    by: str
    timezone: str
    bounds: tuple[datetime, ...]

    @property
    def periods(self) -> int:
        """How many periods were asked for (without period 0)."""
        return len(self.bounds) - 2

    def start(self, i: int) -> datetime:
        return self.bounds[i].astimezone(ZoneInfo(self.timezone))

    def end(self, i: int) -> datetime:
        return self.bounds[i + 1].astimezone(ZoneInfo(self.timezone))


def _truncate(local: datetime, by: str) -> datetime:
    """The start of the period holding ``local`` (naive local wall time, or aware for hours)."""
    if by == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.date()
    if by == "week":
        day -= timedelta(days=day.weekday())
    elif by == "month":
        day = day.replace(day=1)
    elif by == "quarter":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return datetime(day.year, day.month, day.day)


def _step(start: datetime, by: str, n: int) -> datetime:
    if by == "day":
        return start + timedelta(days=n)
    if by == "week":
        return start + timedelta(days=7 * n)
    months = start.year * 12 + start.month - 1 + n * (3 if by == "quarter" else 1)
    return start.replace(year=months // 12, month=months % 12 + 1)


def grid(by: str, since: datetime, until: datetime, timezone: str) -> PeriodGrid:
    """The whole periods of ``by`` in ``timezone`` from the one holding ``since`` to the one
    holding the last instant before ``until``, and the period before them."""
    if by not in PERIODS:
        raise InputError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    if since >= until:
        raise InputError(
            f"--since ({since.isoformat()}) is not before --until ({until.isoformat()}); "
            "give the earlier time as --since"
        )
    tz = zone(timezone)
    bounds: list[datetime] = []
    try:
        if by == "hour":
            first = _truncate(since.astimezone(tz), by).astimezone(UTC) - timedelta(hours=1)
            bounds = [first]
            while bounds[-1] < until or len(bounds) < 3:
                bounds.append(bounds[-1] + timedelta(hours=1))
                _check(bounds)
        else:
            local = _step(_truncate(since.astimezone(tz).replace(tzinfo=None), by), by, -1)
            n = 0
            while not bounds or bounds[-1] < until or len(bounds) < 3:
                bounds.append(_step(local, by, n).replace(tzinfo=tz).astimezone(UTC))
                n += 1
                _check(bounds)
    except (OverflowError, ValueError):
        raise InputError("the range reaches outside the dates cxpulse can handle; give nearer dates") from None
    return PeriodGrid(by, timezone, tuple(bounds))


def _check(bounds: list[datetime]) -> None:
    if len(bounds) > MAX_PERIODS + 2:
        raise InputError(
            f"the range has more than {MAX_PERIODS} periods; use a coarser --by or a shorter --since/--until"
        )
