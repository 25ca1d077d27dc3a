"""SQLite narrows a date window to a range of ids (``mention_days``, migration 0012).

Every mention dated in the window must have an id in the range (the search's exact date
filter then decides), whatever wrote the mention: ``save_batch``, another program's plain
``INSERT``, or an ``UPDATE`` of its date. PostgreSQL's BRIN index is tested with the
migrations; both backends' search results are pinned by the differential property test.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from foundation.mentions import Cursor, StoredMention
from foundation.query import parse
from storage import SearchFilters, Store
from storage.search.sqlite import window_ids

START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'cxpulse.db'}")
    store.upgrade()
    return store


def _mention(key: str, moment: datetime) -> StoredMention:
    return StoredMention(
        source="s", external_id=key, text=f"late refund {key}", created_at=moment, collected_at=moment, content_hash=key
    )


def _dated(store: Store) -> dict[int, datetime]:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, created_at FROM mentions").fetchall()
    return {int(i): datetime.fromisoformat(str(moment)).replace(tzinfo=UTC) for i, moment in rows}


def _check_windows(store: Store, *, tight: bool) -> None:
    dated = _dated(store)
    moments = [START + timedelta(hours=h) for h in range(-7, 5 * 24 + 8, 7)]
    with store.engine.connect() as connection:
        for since, until in itertools.product([None, *moments], [None, *moments]):
            first, last = window_ids(connection, since, until)
            inside = {
                i
                for i, moment in dated.items()
                if (since is None or moment >= since) and (until is None or moment < until)
            }
            assert all(first <= i <= last for i in inside), (since, until, first, last)
            if not tight:  # a moved date leaves its old day's range as wide as it was
                continue
            # Tight: the range reaches no further than the mentions of the window's days.
            low = since.date() if since is not None else date.min
            high = (until - timedelta(microseconds=1)).date() if until is not None else date.max
            same_days = [i for i, m in dated.items() if low <= m.date() <= high]
            if not same_days:
                assert first > last
                continue
            assert (first, last) == (min(same_days), max(same_days))


def test_saved_batches_in_date_order_give_tight_ranges(sqlite_store: Store) -> None:
    batch = [_mention(str(h), START + timedelta(hours=h)) for h in range(0, 5 * 24, 5)]
    for chunk in (batch[:9], batch[9:]):
        sqlite_store.save_batch(chunk, source="s", brand="Acme", cursor=Cursor())
    _check_windows(sqlite_store, tight=True)
    hits = sqlite_store.search(
        parse("late"), SearchFilters(since=START + timedelta(days=1), until=START + timedelta(days=2))
    )
    assert sorted(int(h.external_id) for h in hits) == [h for h in range(0, 5 * 24, 5) if 24 <= h < 48]


def test_a_backfill_and_other_writers_widen_the_ranges(sqlite_store: Store) -> None:
    sqlite_store.save_batch(
        [_mention(str(h), START + timedelta(hours=h)) for h in range(30, 100, 6)],
        source="s",
        brand="Acme",
        cursor=Cursor(),
    )
    # Mentions dated earlier, stored later (a backfill), in a batch and by another program.
    sqlite_store.save_batch([_mention("old", START + timedelta(hours=2))], source="s", brand="Acme", cursor=Cursor())
    with sqlite_store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO mentions (source, external_id, text, created_at, collected_at, content_hash) "
            "VALUES ('other', 'x1', 'late', '2026-03-03 05:00:00.000000', '2026-03-03 05:00:00.000000', 'x1')"
        )
        # A date moved to another day.
        connection.exec_driver_sql(
            "UPDATE mentions SET created_at = '2026-03-05 23:00:00.000000' WHERE external_id = '30'"
        )
    _check_windows(sqlite_store, tight=False)
    hits = sqlite_store.search(parse("late"), SearchFilters(since=START + timedelta(days=4)))
    assert "30" in {h.external_id for h in hits}


def test_an_empty_window_matches_nothing(sqlite_store: Store) -> None:
    sqlite_store.save_batch([_mention("1", START)], source="s", brand="Acme", cursor=Cursor())
    later = START + timedelta(days=30)
    with sqlite_store.engine.connect() as connection:
        first, last = window_ids(connection, later, later + timedelta(days=1))
    assert first > last
    assert sqlite_store.search(parse("late"), SearchFilters(since=later)) == []
