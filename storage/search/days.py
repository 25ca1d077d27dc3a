"""SQLite's zone map of mention ids per day: a date filter answered inside the full-text index.

``mention_days`` (migration 0012) holds the smallest and largest id of the mentions
created on each UTC day. Mentions are stored about in the order they were written, so
the mentions of a date window lie in a narrow id range: a search's full-text query on
SQLite carries that range as a rowid constraint, which FTS5 skips to, instead of
reading every match of the whole store and checking its date one row at a time (a
sixth of a search's time over a million mentions, a quarter of its p95, BENCHMARKS.md).
The range holds every mention of the window whatever order they were written in (an
import of old posts only widens it), and the exact date filter still decides.

Most of that range needs no date check at all: an id that no other day's range holds
belongs to a mention created on one of the window's whole days (:func:`interior`). The
ranking checks the date only of the candidates outside that interior, so it reads no row
of ``mentions`` for the others.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, text

__all__ = ["EMPTY", "RECORD_SINCE", "id_window", "interior"]

EMPTY = (1, 0)
"""The id range of a window without any mention."""

RECORD_SINCE = text(
    "INSERT INTO mention_days (day, min_id, max_id) "
    "SELECT substr(created_at, 1, 10) AS day, min(id), max(id) FROM mentions WHERE id > :after GROUP BY day "
    "ON CONFLICT (day) DO UPDATE SET min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id)"
)
"""Record the days of the mentions with an id above ``after`` (a batch whose insert
trigger was suspended, :func:`storage.writes.save_batch`)."""

_WINDOW = text("SELECT min(min_id), max(max_id) FROM mention_days WHERE day >= :first AND day <= :last")


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def id_window(connection: Connection, since: datetime | None, until: datetime | None) -> tuple[int, int] | None:
    """The smallest and largest id a mention created in ``[since, until)`` can have
    (:data:`EMPTY` when none was), or None without a date filter."""
    if since is None and until is None:
        return None
    first = _day(since) if since is not None else ""
    last = _day(until) if until is not None else "9999-99-99"
    low, high = connection.execute(_WINDOW, {"first": first, "last": last}).one()
    if low is None:
        return EMPTY
    return int(low), int(high)


_OTHER_DAYS = text(
    "SELECT min_id, max_id FROM mention_days "
    "WHERE (day < :first OR day > :last) AND max_id >= :low AND min_id <= :high ORDER BY min_id"
)


def interior(
    connection: Connection, since: datetime | None, until: datetime | None, window: tuple[int, int]
) -> tuple[int, int] | None:
    """The longest run of ids within ``window`` (:func:`id_window`'s range) that only the
    window's whole days hold: every mention with such an id was created in ``[since, until)``.
    None when there is none.

    The mention with id ``x`` was created on a day whose range holds ``x``; if no day outside
    the window's whole days (the days before and after it, and its partial first and last
    days) holds ``x``, that day is one of the whole days."""
    low, high = window
    if low > high:
        return None
    first = ""
    if since is not None:
        start = since.astimezone(UTC)
        whole = start.date() if start.time() == time() else start.date() + timedelta(days=1)
        first = whole.isoformat()
    last = (until.astimezone(UTC).date() - timedelta(days=1)).isoformat() if until is not None else "9999-99-99"
    if first > last:
        return None
    best: tuple[int, int] | None = None
    start_id = low
    rows = connection.execute(_OTHER_DAYS, {"first": first, "last": last, "low": low, "high": high})
    for min_id, max_id in rows:
        if min_id > start_id and (best is None or min_id - 1 - start_id > best[1] - best[0]):
            best = (start_id, int(min_id) - 1)
        start_id = max(start_id, int(max_id) + 1)
    if start_id <= high and (best is None or high - start_id > best[1] - best[0]):
        best = (start_id, high)
    return best
