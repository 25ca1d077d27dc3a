"""SMTP down, refusing, or dropping the connection mid-message or before its reply, week after week.

Real SMTP servers on loopback (aiosmtpd). A weekly digest is sent for several weeks, as
the scheduler would: each week's send meets a fault, and the next try (the scheduler's
next run) meets a working server. A fault-free run of the same weeks sends each period
once; after the faults every period must be recorded as sent, each period's message must
have arrived, and no period twice under different Message-IDs. Only a message the server
kept without confirming it may arrive twice, with the same Message-ID (docs/digests.md):
the report counts those copies as ``repeated``.
"""

from __future__ import annotations

import email
import logging
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from testkit.digests import NOW, Seeder, write_config
from testkit.faults import FaultReport, compare, long_run, snapshot
from testkit.smtp import SmtpServer

from cxpulse.app.digest import send_digest
from storage import Store

WEEKS = 12 if long_run() else 4
FAULTS = ("down", "mid-message", "after-data", "refused")


def _messages(*servers: SmtpServer) -> list[tuple[str, str]]:
    """(Message-ID, Subject) of every message the servers received."""
    found = []
    for server in servers:
        for envelope in server.handler.envelopes:
            message = email.message_from_bytes(envelope.original_content, policy=default)
            found.append((str(message["Message-ID"]).strip(), str(message["Subject"])))
    return found


def _seed(seeder: Seeder) -> None:
    for week in range(WEEKS + 1):
        seeder.add("Acme", f"acme lost my parcel in week {week}", NOW + timedelta(days=7 * week - 3), flagged=True)


@pytest.fixture
def down_server(down_smtp_port: int) -> SmtpServer:
    return SmtpServer(down_smtp_port, None)


def test_digests_through_smtp_faults_arrive_once_per_period_like_a_clean_run(
    store: Store,
    tmp_path: Path,
    smtp_server: SmtpServer,
    down_server: SmtpServer,
    mid_message_dropping_smtp_server: SmtpServer,
    dropping_smtp_server: SmtpServer,
    refusing_smtp_server: SmtpServer,
    fault_report: FaultReport,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    seeder = Seeder(store)
    _seed(seeder)
    reference_store = Store.open(f"sqlite:///{tmp_path / 'reference.db'}", clock=lambda: NOW)
    reference_store.upgrade()
    _seed(Seeder(reference_store))
    (tmp_path / "clean").mkdir()
    clean_config = write_config(tmp_path / "clean", port=smtp_server.port)
    for week in range(WEEKS):
        assert send_digest(reference_store, clean_config, "weekly", now=NOW + timedelta(weeks=week), env={}).ok
    reference_messages = _messages(smtp_server)
    reference_runs = snapshot(reference_store)["digest runs"]
    reference_store.dispose()
    smtp_server.handler.envelopes.clear()

    faulty = {
        "down": down_server,
        "mid-message": mid_message_dropping_smtp_server,
        "after-data": dropping_smtp_server,
        "refused": refusing_smtp_server,
    }
    configs = {}
    for name, server in [*faulty.items(), ("good", smtp_server)]:
        (tmp_path / name).mkdir()
        configs[name] = write_config(tmp_path / name, port=server.port)
    expected = {"down": {"failed"}, "mid-message": {"failed", "uncertain"}, "after-data": {"uncertain"}}
    expected["refused"] = {"failed"}
    injected = 0
    faults = [FAULTS[week % len(FAULTS)] for week in range(WEEKS)]
    with caplog.at_level(logging.WARNING):
        for week in range(WEEKS):
            now = NOW + timedelta(weeks=week)
            fault = faults[week]
            dropping_smtp_server.handler.drops = 1
            outcome = send_digest(store, configs[fault], "weekly", now=now, env={})
            injected += 1
            assert outcome.status in expected[fault], (fault, outcome)
            assert outcome.error
            retried = send_digest(store, configs["good"], "weekly", now=now + timedelta(minutes=5), env={})
            assert retried.status == "sent", (fault, retried)
            again = send_digest(store, configs["good"], "weekly", now=now + timedelta(minutes=10), env={})
            assert again.status == "already_sent"

    received = _messages(smtp_server, dropping_smtp_server, mid_message_dropping_smtp_server)
    by_id: dict[str, set[str]] = {}
    for message_id, subject in received:
        by_id.setdefault(message_id, set()).add(subject)
    assert all(len(subjects) == 1 for subjects in by_id.values())  # one Message-ID, one digest
    unique = [next(iter(subjects)) for subjects in by_id.values()]
    messages = compare([subject for _, subject in reference_messages], unique)
    runs = compare(reference_runs, snapshot(store)["digest runs"])
    repeated = len(received) - len(by_id)
    assert messages.equal, messages
    assert runs.equal, runs
    assert repeated == faults.count("after-data")  # kept unconfirmed, resent once with the same Message-ID
    warnings = [r.getMessage() for r in caplog.records if r.name == "cxpulse.app.digest.send"]
    said = [w for w in warnings if "failed, will retry on the next run" in w or "may or may not have arrived" in w]
    assert len(said) == injected  # each fault: one line that says what happened and what comes next
    assert mid_message_dropping_smtp_server.handler.attempts == sum(f == "mid-message" for f in faults)
    fault_report.record(
        request.node.name,
        "SMTP down, 554, drop mid-message, drop before reply",
        injected=injected,
        comparisons=[messages, runs],
        repeated=repeated,
    )
