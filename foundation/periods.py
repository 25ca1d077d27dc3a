"""The period a digest covers, in the digest's own time zone, and the one before it.

A period is a run of whole local days ``[start, end)``; its UTC bounds are the
local midnights converted to UTC, so a week in Europe/Berlin starts at Monday
00:00 Berlin time whatever the season. Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from foundation.errors import ConfigError

__all__ = [
    "MAX_PERIOD_DAYS",
    "PERIOD_HELP",
    "Period",
    "due_period",
    "midnight_utc",
    "parse_period",
    "valid_time_zone",
]


def valid_time_zone(value: str) -> str:
    """``value`` when it names an IANA time zone; else ValueError with how to write one."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'{value!r} is not an IANA time zone; write it like "Europe/Berlin", "America/New_York" or "UTC"'
        ) from None
    return value


MAX_PERIOD_DAYS = 366
PERIOD_HELP = "last-week, this-week, yesterday, today, last-month, this-month or YYYY-MM-DD..YYYY-MM-DD"
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_DASH = "\u2013"
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Period:
    """Local days ``start`` (included) to ``end`` (excluded) in ``timezone``.

    ``kind`` is ``"daily"``, ``"weekly"``, ``"monthly"`` or ``"custom"``; it
    decides what :meth:`previous` means and how :attr:`label` reads.
    """

    start: date
    end: date
    timezone: str
    kind: str = "custom"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start_utc(self) -> datetime:
        return midnight_utc(self.start, self.zone)

    @property
    def end_utc(self) -> datetime:
        return midnight_utc(self.end, self.zone)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> Period:
        """The period just before: the month before for a calendar month, else as many days."""
        if self.kind == "monthly" or (self.start.day == 1 and self.end.day == 1 and _months(self) == 1):
            first = (self.start - timedelta(days=1)).replace(day=1)
            return Period(first, self.start, self.timezone, self.kind)
        length = self.end - self.start
        return Period(self.start - length, self.start, self.timezone, self.kind)

    @property
    def label(self) -> str:
        """How people write it: "23 Nov 2026", "16-22 Nov 2026" (with an en dash), "November 2026"."""
        first, last = self.start, self.last_day
        if first == last:
            return _day(first)
        if self.kind == "monthly" or (first.day == 1 and self.end.day == 1 and _months(self) == 1):
            return first.strftime("%B %Y")
        if first.year != last.year:
            return f"{_day(first)} {_DASH} {_day(last)}"
        if first.month != last.month:
            return f"{first.day} {_MONTHS[first.month - 1]} {_DASH} {_day(last)}"
        return f"{first.day}{_DASH}{_day(last)}"

    def contains(self, moment: datetime) -> bool:
        return self.start_utc <= moment < self.end_utc


def due_period(kind: str, timezone: str, now: datetime) -> Period:
    """The last complete period of ``kind`` before ``now``: yesterday, last week, last month."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    if kind == "daily":
        return Period(today - timedelta(days=1), today, timezone, "daily")
    if kind == "weekly":
        monday = today - timedelta(days=today.weekday())
        return Period(monday - timedelta(days=7), monday, timezone, "weekly")
    if kind == "monthly":
        first = today.replace(day=1)
        return Period((first - timedelta(days=1)).replace(day=1), first, timezone, "monthly")
    raise ConfigError(f"unknown digest period {kind!r}; use daily, weekly or monthly")


def parse_period(spec: str | None, kind: str, timezone: str, now: datetime) -> Period:
    """The period a ``--period`` value names (None: the digest's due period)."""
    if spec is None or spec == "last":
        return due_period(kind, timezone, now)
    today = now.astimezone(ZoneInfo(timezone)).date()
    spec = spec.strip().lower()
    if spec == "yesterday":
        return due_period("daily", timezone, now)
    if spec == "today":
        return Period(today, today + timedelta(days=1), timezone, "daily")
    if spec == "last-week":
        return due_period("weekly", timezone, now)
    if spec == "this-week":
        monday = today - timedelta(days=today.weekday())
        return Period(monday, monday + timedelta(days=7), timezone, "weekly")
    if spec == "last-month":
        return due_period("monthly", timezone, now)
    if spec == "this-month":
        first = today.replace(day=1)
        return Period(first, (first + timedelta(days=32)).replace(day=1), timezone, "monthly")
    match = _RANGE.match(spec)
    if match is None:
        raise ConfigError(f"--period {spec!r} is not a period; use {PERIOD_HELP}")
    try:
        first, last = (date.fromisoformat(match.group(i)) for i in (1, 2))
    except ValueError as exc:
        raise ConfigError(f"--period {spec!r}: {exc}; write dates as YYYY-MM-DD") from None
    if last < first:
        raise ConfigError(f"--period {spec!r} ends before it starts; write the earlier date first")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ConfigError(f"--period {spec!r} is longer than {MAX_PERIOD_DAYS} days; pick a shorter range")
    return Period(first, last + timedelta(days=1), timezone, "custom")


def midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of local midnight at the start of ``day`` in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _months(period: Period) -> int:
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month


def _day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
