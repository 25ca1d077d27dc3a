"""The mailer against real SMTP servers on loopback: which failures leave a message's fate unknown."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from testkit.smtp import Recorder, SmtpServer, serve

from cxpulse.app.mail import Mailer
from cxpulse.config.smtp import SmtpConfig
from foundation.errors import DeliveryError, DeliveryUncertain


def _mailer(port: int) -> Mailer:
    return Mailer(SmtpConfig(host="127.0.0.1", port=port, security="none", sender="cx@example.com", timeout=5))


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "hello"
    message["From"] = "cx@example.com"
    message["To"] = "team@example.com"
    message.set_content("hi")
    return message


class QuitRefused(Recorder):
    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return "421 closing anyway"


@pytest.fixture
def quit_refusing_server() -> Iterator[SmtpServer]:
    yield from serve(QuitRefused())


def test_a_connection_dropped_after_the_whole_message_is_uncertain(dropping_smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryUncertain, match="received the whole message but the connection ended"):
        _mailer(dropping_smtp_server.port).send(_message())
    assert len(dropping_smtp_server.handler.envelopes) == 1


@pytest.mark.parametrize("case", ["refused", "down"])
def test_a_refusal_or_no_server_is_a_plain_failure(
    case: str, refusing_smtp_server: SmtpServer, down_smtp_port: int
) -> None:
    port = refusing_smtp_server.port if case == "refused" else down_smtp_port
    with pytest.raises(DeliveryError) as raised:
        _mailer(port).send(_message())
    assert not isinstance(raised.value, DeliveryUncertain)


def test_a_refused_quit_after_the_message_was_accepted_is_no_failure(quit_refusing_server: SmtpServer) -> None:
    assert _mailer(quit_refusing_server.port).send(_message()) == {}
    assert len(quit_refusing_server.handler.envelopes) == 1
