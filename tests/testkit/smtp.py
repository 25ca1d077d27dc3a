"""Real SMTP servers on loopback (aiosmtpd): one that records, one that refuses, one that is down."""

from __future__ import annotations

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
