"""Claims on shared work, on SQLite and PostgreSQL: disjoint batches, expiry, fencing, heartbeats."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from testkit.clock import NOW
from testkit.stores import MentionFactory

from foundation.errors import LeaseLost
from foundation.labels import Classification
from foundation.mentions import Cursor
from storage import Store, claims

LEASE = timedelta(minutes=5)
VERSION = "cx-test-1"


def _label(flagged: bool = False) -> Classification:
    return Classification(
        model_version=VERSION,
        sentiment="negative" if flagged else "neutral",
        sentiment_scores={"negative": 0.9 if flagged else 0.1},
        topics=(),
        topic_scores={},
        expectation_gap="none",
        gap_score=0.0,
        gap_evidence=(),
        emotion="neutral",
        emotion_scores={},
        flagged=flagged,
    )


@pytest.fixture
def ten(store: Store, mention: MentionFactory) -> Store:
    store.save_batch(
        [mention(str(i), f"mention number {i}") for i in range(10)], source="twitter", brand="Acme", cursor=Cursor("c")
    )
    return store


def _at(store: Store, when: datetime) -> Store:
    """The same database seen at another time (leases expire by the store's clock)."""
    return Store(store.engine, url=store.display_url, clock=lambda: when)


def test_two_claims_at_once_get_disjoint_batches_and_a_saved_batch_is_gone(ten: Store) -> None:
    first = claims.claim_batch(ten, VERSION, limit=4, lease_for=LEASE, holder="1@a")
    second = claims.claim_batch(ten, VERSION, limit=4, lease_for=LEASE, holder="2@b")
    third = claims.claim_batch(ten, VERSION, limit=4, lease_for=LEASE, holder="3@c")
    ids = [m.id for m in first + second + third]
    assert len(first) == len(second) == 4 and len(third) == 2
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 10  # none twice, none skipped
    assert claims.claim_batch(ten, VERSION, limit=4, lease_for=LEASE, holder="4@d") == []
    assert claims.waiting_on_others(ten, VERSION).held == 10

    saved = claims.save_claimed(ten, [(m.id, _label()) for m in first], holder="1@a")
    assert saved.saved == 4
    assert claims.waiting_on_others(ten, VERSION).held == 6
    assert ten.count_to_classify(VERSION) == 6


def test_an_expired_claim_is_taken_over_and_saving_it_twice_keeps_one_row(ten: Store) -> None:
    dead = claims.claim_batch(ten, VERSION, limit=3, lease_for=LEASE, holder="1@elsewhere")
    later = _at(ten, NOW + LEASE + timedelta(seconds=1))
    assert claims.waiting_on_others(later, VERSION).held == 0
    taken = claims.claim_batch(later, VERSION, limit=3, lease_for=LEASE, holder="2@here")
    assert [m.id for m in taken] == [m.id for m in dead]
    claims.save_claimed(later, [(m.id, _label(True)) for m in taken], holder="2@here")
    claims.save_claimed(later, [(m.id, _label(True)) for m in dead], holder="1@elsewhere")  # the slow one wakes up
    with ten.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT count(*) FROM classifications").scalar_one()
        events = connection.exec_driver_sql("SELECT count(*) FROM triage_events").scalar_one()
    assert rows == 3 and events == 3  # one classification and one triage opening per mention


def test_the_claims_of_a_process_of_this_host_that_died_are_free_at_once(ten: Store) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    holder = f"{gone.stdout.strip()}@{os.uname().nodename}"
    lost = claims.claim_batch(ten, VERSION, limit=5, lease_for=LEASE, holder=holder)
    again = claims.claim_batch(ten, VERSION, limit=5, lease_for=LEASE, holder="99@elsewhere")
    assert [m.id for m in again] == [m.id for m in lost]


def test_a_released_batch_is_claimable_again(ten: Store) -> None:
    batch = claims.claim_batch(ten, VERSION, limit=10, lease_for=LEASE, holder="1@a")
    assert claims.release_batch(ten, VERSION, [m.id for m in batch], holder="1@a") == 10
    assert len(claims.claim_batch(ten, VERSION, limit=10, lease_for=LEASE, holder="2@b")) == 10


def test_one_collector_holds_a_cursor_and_a_taken_over_one_cannot_move_it(ten: Store, mention: MentionFactory) -> None:
    mine = claims.hold_cursor(ten, "twitter", "Acme", lease_for=LEASE, holder="1@a")
    assert mine is not None
    assert claims.hold_cursor(ten, "twitter", "Acme", lease_for=LEASE, holder="2@b") is None
    assert claims.hold_cursor(ten, "twitter", "Other", lease_for=LEASE, holder="2@b") is not None

    later = _at(ten, NOW + LEASE * 2)
    theirs = claims.hold_cursor(later, "twitter", "Acme", lease_for=LEASE, holder="2@b")
    assert theirs is not None
    later.save_batch([mention("n1", "new one")], source="twitter", brand="Acme", cursor=Cursor("theirs"), lease=theirs)
    with pytest.raises(LeaseLost, match="taken over"):
        later.save_batch([mention("n2", "old one")], source="twitter", brand="Acme", cursor=Cursor("old"), lease=mine)
    assert later.load_cursor("twitter", "Acme") == Cursor("theirs")  # never backwards
    assert later.get_mention("twitter", "n2") is None
    claims.release_cursor(later, theirs)
    assert claims.hold_cursor(later, "twitter", "Acme", lease_for=LEASE, holder="3@c") is not None


def test_heartbeats_and_claims_show_in_the_work_status(ten: Store) -> None:
    assert claims.heartbeat(ten, "w1", info={"queues": ["classify"]}, ttl=timedelta(seconds=30))
    assert claims.heartbeat(ten, "w1", info={"queues": ["classify"]}, ttl=timedelta(seconds=30))  # again: renewed
    claims.claim_batch(ten, VERSION, limit=3, lease_for=LEASE, holder="7@x")
    status = claims.work_status(ten)
    assert [(w.name, w.alive, w.info["queues"]) for w in status.workers] == [("w1", True, ["classify"])]
    assert [(h.kind, h.holder, h.count) for h in status.leases] == [("classify", "7@x", 3)]
    assert [w.alive for w in claims.work_status(_at(ten, NOW + timedelta(minutes=1))).workers] == [False]
    claims.drop_worker(ten, "w1")
    assert claims.work_status(ten).workers == []


def test_a_job_runs_on_one_process_at_a_time(store: Store) -> None:
    first = claims.hold_job(store, "alerts", lease_for=LEASE, holder="1@a")
    assert first is not None
    assert claims.hold_job(store, "alerts", lease_for=LEASE, holder="2@b") is None
    assert claims.release_mine(store, holder="1@a") == 1
    assert claims.hold_job(store, "alerts", lease_for=LEASE, holder="2@b") is not None
