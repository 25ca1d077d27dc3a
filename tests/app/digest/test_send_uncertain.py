"""Digests whose delivery is uncertain: the connection dropped after DATA, or the sender was killed mid-send.

Against real SMTP servers on loopback (aiosmtpd) and a real killed process. The rule under test
(docs/digests.md): an uncertain period is resent automatically at most once, with the same
Message-ID, so at most two copies ever arrive without `--resend`.
"""

from __future__ import annotations

import email
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select, update
from testkit.digests import NOW, Seeder, write_config
from testkit.smtp import SmtpServer

from cxpulse.app.digest import digest_status, send_digest
from foundation.periods import due_period
from storage import Store
from storage.digest_runs import claim_run, finish_run, mark_sending
from storage.models import DigestRunModel

ROOT = Path(__file__).resolve().parents[3]
LAST_WEEK = due_period("weekly", "UTC", NOW)


def _seed(seeder: Seeder) -> None:
    seeder.add("Acme", "acme never refunded me", NOW - timedelta(days=3), sentiment="negative", flagged=True)


def _message_ids(*servers: SmtpServer) -> list[str]:
    return [
        str(email.message_from_bytes(e.original_content, policy=default)["Message-ID"]).strip()
        for server in servers
        for e in server.handler.envelopes
    ]


def _run(store: Store) -> DigestRunModel:
    with store.engine.connect() as connection:
        [row] = connection.execute(select(DigestRunModel)).all()
    return DigestRunModel(**row._asdict())


def test_a_connection_dropped_after_data_is_uncertain_and_resent_once_with_the_same_message_id(
    store: Store, seeder: Seeder, dropping_smtp_server: SmtpServer, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    first = send_digest(store, write_config(tmp_path, port=dropping_smtp_server.port), "weekly", now=NOW, env={})

    assert (first.status, first.ok, first.auto_resend_left) == ("uncertain", False, True)
    assert "may or may not have been delivered" in (first.error or "")
    assert len(dropping_smtp_server.handler.envelopes) == 1  # the server did get it
    run = _run(store)
    assert (run.status, run.attempts, run.uncertain_attempts, run.sent_at) == ("uncertain", 1, 1, None)

    config = write_config(tmp_path, port=smtp_server.port)
    again = send_digest(store, config, "weekly", now=NOW + timedelta(minutes=1), env={})
    after = send_digest(store, config, "weekly", now=NOW + timedelta(minutes=2), env={})

    assert (again.status, again.resent, after.status) == ("sent", True, "already_sent")
    assert _message_ids(dropping_smtp_server, smtp_server) == [first.message_id, first.message_id]
    run = _run(store)
    assert (run.status, run.attempts, run.uncertain_attempts) == ("sent", 2, 1)
    assert "resent with the same Message-ID" in (run.error or "")


def test_after_two_unconfirmed_attempts_only_resend_sends_again(
    store: Store, seeder: Seeder, dropping_smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    dropping_smtp_server.handler.drops = 10
    config = write_config(tmp_path, port=dropping_smtp_server.port)

    outcomes = [send_digest(store, config, "weekly", now=NOW + timedelta(minutes=i), env={}) for i in range(4)]

    assert [(o.status, o.auto_resend_left) for o in outcomes] == [("uncertain", True)] + [("uncertain", False)] * 3
    assert len(dropping_smtp_server.handler.envelopes) == 2  # the first and one automatic resend
    assert _run(store).uncertain_attempts == 2
    [row] = digest_status(store, config, "weekly", now=NOW + timedelta(minutes=5))
    assert (row.status, row.period, row.attempts, row.uncertain_attempts) == ("uncertain", "16\u201322 Nov 2026", 2, 2)
    assert "send --resend" in row.next

    forced = send_digest(store, config, "weekly", now=NOW + timedelta(minutes=6), env={}, resend=True)
    assert forced.status == "uncertain" and len(dropping_smtp_server.handler.envelopes) == 3
    assert len(set(_message_ids(dropping_smtp_server))) == 1


def test_a_resend_that_fails_outright_leaves_it_uncertain_not_failed(
    store: Store,
    seeder: Seeder,
    dropping_smtp_server: SmtpServer,
    down_smtp_port: int,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    _seed(seeder)
    send_digest(store, write_config(tmp_path, port=dropping_smtp_server.port), "weekly", now=NOW, env={})
    down = send_digest(store, write_config(tmp_path, port=down_smtp_port), "weekly", now=NOW, env={})

    assert (down.status, down.auto_resend_left) == ("uncertain", True)  # the first copy may still have arrived
    assert "cannot reach SMTP server" in (down.error or "") and "may have arrived" in (down.error or "")
    assert (_run(store).status, _run(store).uncertain_attempts) == ("uncertain", 1)  # a refusal is no copy

    sent = send_digest(store, write_config(tmp_path, port=smtp_server.port), "weekly", now=NOW, env={})
    assert (sent.status, sent.resent) == ("sent", True)
    assert len(_message_ids(dropping_smtp_server, smtp_server)) == 2


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_run_killed_mid_send_is_seen_at_once_and_resent_once(
    how: signal.Signals,
    store: Store,
    seeder: Seeder,
    stalling_smtp_server: SmtpServer,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    _seed(seeder)
    stalling = tmp_path / "stalling"
    stalling.mkdir()
    write_config(stalling, port=stalling_smtp_server.port)
    path = stalling / "config.toml"
    path.write_text(path.read_text().replace("timeout = 5", "timeout = 120"), encoding="utf-8")
    url = store.engine.url.render_as_string(hide_password=False)
    # Ctrl-C as a terminal delivers it, even when the test run itself was started in the background
    # (a non-interactive shell's `cmd &` starts it with SIGINT ignored, and children inherit that).
    script = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler);"
        "import sys; from datetime import datetime; from pathlib import Path;"
        "from cxpulse.app.digest import send_digest; from cxpulse.config import load_config; from storage import Store;"
        "send_digest(Store.open(sys.argv[1]), load_config(Path(sys.argv[2]), env={}), 'weekly',"
        " now=datetime.fromisoformat(sys.argv[3]), env={})"
    )
    sender = subprocess.Popen([sys.executable, "-c", script, url, str(path), NOW.isoformat()], cwd=ROOT)
    try:
        deadline = time.monotonic() + 90
        while not stalling_smtp_server.handler.envelopes and sender.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stalling_smtp_server.handler.envelopes, "the sender never handed the message over"
    finally:
        sender.send_signal(how)
        if sender.wait(timeout=60) is None:  # pragma: no cover
            sender.kill()

    run = _run(store)
    assert (run.claimed_by, run.attempts) == (f"{sender.pid}@{socket.gethostname()}", 1)
    # SIGKILL leaves the row "sending" (read as uncertain by the next run); Ctrl-C records it as uncertain.
    expected = ("sending", 0) if how == signal.SIGKILL else ("uncertain", 1)
    assert (run.status, run.uncertain_attempts) == expected
    loaded = write_config(tmp_path, port=smtp_server.port)
    [row] = digest_status(store, loaded, now=NOW + timedelta(minutes=1))
    assert row.status == expected[0] and row.next.startswith("resent once by the next send")

    # Not "being sent by another run": that run is dead, and the message may have arrived.
    outcome = send_digest(store, loaded, "weekly", now=NOW + timedelta(minutes=1), env={})
    assert (outcome.status, outcome.resent) == ("sent", True)
    assert _message_ids(stalling_smtp_server, smtp_server) == [outcome.message_id, outcome.message_id]
    run = _run(store)
    assert (run.status, run.attempts, run.uncertain_attempts) == ("sent", 2, 1)
    assert "stopped while handing it to the mail server" in (run.error or "")
    assert sender.returncode != 0


def test_a_live_run_elsewhere_is_waited_for_then_taken_over_after_the_stale_window(
    store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    config = write_config(tmp_path, port=smtp_server.port)
    with store.engine.begin() as connection:  # a run on another host claimed the period and is sending it
        connection.execute(
            DigestRunModel.__table__.insert().values(
                name="weekly",
                period_start=LAST_WEEK.start_utc,
                period_end=LAST_WEEK.end_utc,
                status="sending",
                message_id="<digest.1@example.com>",
                created_at=NOW,
                claimed_by="4242@elsewhere.example",
                attempts=1,
            )
        )

    busy = send_digest(store, config, "weekly", now=NOW + timedelta(minutes=5), env={})
    assert (busy.status, busy.ok, busy.holder) == ("in_progress", False, "4242@elsewhere.example")
    assert busy.stale_at == NOW + timedelta(minutes=15)
    assert smtp_server.handler.envelopes == []

    later = send_digest(store, config, "weekly", now=NOW + timedelta(minutes=16), env={})
    assert (later.status, later.resent, later.message_id) == ("sent", True, "<digest.1@example.com>")
    assert len(smtp_server.handler.envelopes) == 1


def test_a_claim_taken_over_is_not_sent_by_the_slow_run(store: Store) -> None:
    assert claim_run(store, "weekly", LAST_WEEK, now=NOW, message_id="<a@x>").claimed
    with store.engine.begin() as connection:  # another run took it over as stale
        connection.execute(update(DigestRunModel).values(claimed_by="1@elsewhere.example"))
    assert mark_sending(store, "weekly", LAST_WEEK) is False
    assert not finish_run(
        store, "weekly", LAST_WEEK, status="sent", now=NOW, message_id="<a@x>", recipients=(), error=None
    )
