"""Real SMTP servers on loopback (aiosmtpd): one that records, one that refuses, one that is down,
one that drops the connection after DATA, one that never answers DATA."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK: queued"


class Refuser:
    """An aiosmtpd handler that refuses every message at DATA."""

    def __init__(self) -> None:
        self.attempts = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        return "554 5.7.1 Message rejected by policy"


@dataclass
class SmtpServer:
    port: int
    handler: Any


def serve(handler: Any) -> Iterator[SmtpServer]:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that accepts and records every message."""
    yield from serve(Recorder())


@pytest.fixture
def refusing_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that answers 554 to every message."""
    yield from serve(Refuser())


@pytest.fixture
def down_smtp_port() -> int:
    """A loopback port nothing listens on."""
    return free_port()


class DropsAfterData:
    """An aiosmtpd handler that takes the whole message, keeps it (as a server that queued it would),
    and drops the connection before its reply, the first ``drops`` times; then it accepts normally.

    The client cannot know whether such a message was delivered: it was.
    """

    def __init__(self, drops: int = 1) -> None:
        self.envelopes: list[Any] = []
        self.drops = drops

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        if self.drops > 0:
            self.drops -= 1
            server.transport.close()  # the "250" below never reaches the client
        return "250 OK: queued"


class Stalls:
    """An aiosmtpd handler that keeps the message and never answers it (until :meth:`release`):
    a client waiting for the reply can be killed mid-send."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.released = False

    def release(self) -> None:
        self.released = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        while not self.released:
            await asyncio.sleep(0.05)
        return "250 OK: queued"


@pytest.fixture
def dropping_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that keeps the first message and drops the connection before confirming it."""
    yield from serve(DropsAfterData(drops=1))


@pytest.fixture
def stalling_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that keeps every message and never confirms one."""
    handler = Stalls()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        handler.release()
        controller.stop()
