"""The fault suite's fixtures and its report.

- ``fault_report``: the session's :class:`~testkit.faults.FaultReport`; every fault test
  records the faults it injected and what it compared with a fault-free run. The table is
  printed at the end of the session (also under ``-q``).
- ``own_postgres``: a PostgreSQL server of the suite's own (never the shared one on 5432)
  that a test may SIGKILL and restart (:mod:`testkit.postgres_server`); ``own_pg_url``: a
  fresh, empty database on it for one test. Without PostgreSQL's binaries the tests skip,
  except under ``CI=true``, where they fail.
- The SMTP servers that fail (``down_smtp_port``, ``dropping_smtp_server``, ...) come from
  :mod:`testkit.smtp`; ``mid_message_dropping_smtp_server`` drops the connection while the
  message is coming in.

Reduced counts by default; ``FAULTS_LONG=1`` (``make faults``) runs more rounds on larger inputs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from testkit.faults import FaultReport
from testkit.postgres_server import OwnPostgres, find_bindir
from testkit.smtp import Recorder, SmtpServer, free_port

_REPORT = pytest.StashKey[FaultReport]()


@pytest.fixture(scope="session")
def fault_report(pytestconfig: pytest.Config) -> FaultReport:
    report = pytestconfig.stash.get(_REPORT, None)
    if report is None:
        report = pytestconfig.stash[_REPORT] = FaultReport()
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash.get(_REPORT, None)
    if report is None or not report.records:
        return
    terminalreporter.write_sep("=", "fault suite report")
    for line in report.lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[OwnPostgres]:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL's server binaries (initdb, postgres) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; the fault suite needs them under CI=true")
        pytest.skip(message)
    server = OwnPostgres(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_pg_url(own_postgres: OwnPostgres) -> str:
    """A fresh database on the suite's own server, running at the start of the test."""
    own_postgres.start()  # a test before may have left it killed
    return own_postgres.create_database(f"cxfault_{secrets.token_hex(4)}")


class _DropsMidMessage(SMTP):
    """An SMTP session that answers ``DATA`` with 354, reads the message's headers and closes the
    connection: the server never has the message. Whether the client finished writing it first
    (then it cannot know the message's fate) or its write failed (then it knows) is the network's
    timing; either way it must not count the message as delivered."""

    async def smtp_DATA(self, arg: str) -> None:
        self.event_handler.attempts += 1
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        while (await self._reader.readline()).strip():
            pass
        self.transport.close()


class _MidMessageHandler(Recorder):
    attempts = 0


class _MidMessageController(Controller):
    def factory(self) -> SMTP:
        return _DropsMidMessage(self.handler)


@pytest.fixture
def mid_message_dropping_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that takes the envelope, then drops every connection mid-message."""
    handler = _MidMessageHandler()
    controller = _MidMessageController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        controller.stop()
