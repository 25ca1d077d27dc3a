"""Every store operation fails the same way: a StorageError naming the action, the store and the fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from foundation.errors import StorageError
from foundation.periods import parse_period
from storage import Store, alerts, digest_runs, digests, display_url, trends
from storage.trends import TrendScope

START = datetime(2026, 11, 16, tzinfo=UTC)
END = datetime(2026, 11, 23, tzinfo=UTC)
PERIOD = parse_period("last-week", "week", "UTC", END)

OPERATIONS: dict[str, Callable[[Store], Any]] = {
    "count mentions per period for a trend": lambda s: trends.trend_counts(s, TrendScope([START, END]), ["mentions"]),
    "compute resolution times for a trend": lambda s: trends.resolution_medians(s, TrendScope([START, END])),
    "count a digest's topics": lambda s: digests.topic_counts(s, ["acme"], START, START, END, "v1"),
    "read a digest's shortfalls": lambda s: digests.top_shortfalls(s, "acme", START, END, "v1", 5),
    "read a digest's complaint texts": lambda s: digests.complaint_texts(s, "acme", START, END, "v1", limit=5),
    "count a digest's open flagged mentions": lambda s: digests.open_flagged(s, ["acme"], "v1"),
    "read the model version": lambda s: s.latest_model_version(),
    "read mention activity": lambda s: alerts.activity(s, ["acme"], START, END, "v1"),
    "read the alerts sent": lambda s: alerts.last_sent_alert(s, "acme", "", "volume"),
    "record digest 'weekly'": lambda s: digest_runs.claim_run(s, "weekly", PERIOD, now=END, message_id="<m@x>"),
    "record the outcome of digest 'weekly'": lambda s: digest_runs.finish_run(
        s, "weekly", PERIOD, status="sent", now=END, message_id=None, recipients=(), error=None
    ),
}


@pytest.fixture
def never_migrated(empty_url: str) -> Iterator[Store]:
    store = Store.open(empty_url)
    yield store
    store.dispose()


@pytest.mark.parametrize("action", OPERATIONS)
def test_a_store_that_was_never_migrated_says_what_failed_and_what_to_run(never_migrated: Store, action: str) -> None:
    with pytest.raises(StorageError) as raised:
        OPERATIONS[action](never_migrated)
    message = str(raised.value)
    assert message.startswith(f"cannot {action}: the results store at {never_migrated.display_url} ")
    assert "`cxpulse db upgrade`" in message


def test_an_unreachable_server_names_the_store_without_its_password() -> None:
    store = Store.open("postgresql://cx:s3cret@127.0.0.1:1/cx")
    try:
        with pytest.raises(StorageError) as raised:
            store.latest_model_version()
    finally:
        store.dispose()
    message = str(raised.value)
    assert "cx:***@127.0.0.1:1/cx" in message and "s3cret" not in message
    assert "[database] url" in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://cx:s3cret@db.example/cx", "postgresql://cx:***@db.example/cx"),
        ("sqlite:///cxpulse.db", "sqlite:///cxpulse.db"),
        ("pg://cx:s3cret@db:port/cx", "pg://cx:***@db:port/cx"),  # unparsable, still masked
    ],
)
def test_display_url_masks_the_password_as_written(url: str, shown: str) -> None:
    assert display_url(url) == shown
