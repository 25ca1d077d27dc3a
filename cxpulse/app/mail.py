"""Send email through the ``[smtp]`` server: STARTTLS or implicit TLS, login from an env reference.

Digests and alerts both send through :class:`Mailer`. Every failure of the
server or the network becomes a :class:`~foundation.errors.DeliveryError` whose
message says what went wrong and which setting to check; nothing here
retries (the callers record the failure and try again on their next run).

One failure is different: when the whole message went out after ``DATA`` and
the connection ended (or timed out) before the server's reply, the server may
have queued it. That is a :class:`~foundation.errors.DeliveryUncertain`, so a
caller can avoid sending a second copy. A failed ``QUIT`` after the server
accepted the message is ignored: the message was delivered.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING

from cxpulse.config import LoadedConfig
from cxpulse.config.smtp import SmtpConfig
from foundation.errors import ConfigError, DeliveryError, DeliveryUncertain

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["Mailer"]

log = logging.getLogger(__name__)


class Mailer:
    """Sends messages through one SMTP server; one connection per :meth:`send`.

    ``ssl_context`` defaults to the system's trusted certificates with host
    name checking.
    """

    def __init__(
        self, smtp: SmtpConfig, *, password: str | None = None, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.smtp = smtp
        self._password = password
        self._ssl_context = ssl_context

    @classmethod
    def from_config(cls, loaded: LoadedConfig, env: Mapping[str, str] | None = None) -> Mailer:
        """The mailer of ``[smtp]`` in ``loaded``, its password read from the environment now."""
        smtp = loaded.settings.smtp
        if smtp is None:
            raise ConfigError(
                f"{loaded.path}: no [smtp] section; add one with host and sender "
                "(docs/configuration.md) to send digests and alerts"
            )
        password = None
        if smtp.password is not None:
            password = str(
                loaded.resolve_secret(smtp.password, ("smtp", "password"), os.environ if env is None else env)
            )
        return cls(smtp, password=password)

    @property
    def where(self) -> str:
        return f"{self.smtp.host}:{self.smtp.effective_port}"

    def send(self, message: EmailMessage, recipients: Sequence[str] | None = None) -> dict[str, tuple[int, bytes]]:
        """Hand ``message`` to the server for ``recipients`` (default: its To, Cc and Bcc).

        Returns the recipients the server refused while accepting others;
        raises :class:`DeliveryError` when nobody got the message.
        """
        if recipients is None:
            headers = [str(v) for key in ("To", "Cc", "Bcc") for v in message.get_all(key, [])]
            recipients = [address for _, address in getaddresses(headers) if address]
        sender = parseaddr(str(message["From"] or self.smtp.sender))[1]
        try:
            refused = self._deliver(message, sender, list(recipients))
        except _Unconfirmed as exc:
            raise DeliveryUncertain(
                f"SMTP server {self.where} received the whole message but the connection ended before it "
                f"confirmed it ({exc.__cause__}); it may or may not have been delivered"
            ) from exc.__cause__
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"SMTP server {self.where} refused the login of {self.smtp.username!r} ({_reply(exc)}); "
                "check [smtp] username and the password's environment variable"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            detail = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items())
            raise DeliveryError(
                f"SMTP server {self.where} refused every recipient ({detail}); check the recipients addresses"
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(
                f"SMTP server {self.where} refused the sender {exc.sender!r} ({_reply(exc)}); "
                "check [smtp] sender (the server may only allow its own domain)"
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(
                f"SMTP server {self.where} does not support {exc}; "
                'use security = "tls" for a port-465 server, or check [smtp] security and port'
            ) from exc
        except (smtplib.SMTPResponseException, smtplib.SMTPDataError) as exc:
            raise DeliveryError(
                f"SMTP server {self.where} refused the message ({_reply(exc)}); "
                "the server's log or administrator can tell why; it is retried on the next run"
            ) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(
                f"SMTP server {self.where} closed the connection ({exc}); check [smtp] port and security "
                '("tls" for port 465, "starttls" for 587)'
            ) from exc
        except ssl.SSLError as exc:
            raise DeliveryError(
                f"TLS with SMTP server {self.where} failed ({exc.reason or exc}); check [smtp] security and port, "
                "and that the server's certificate is valid for its host name"
            ) from exc
        except TimeoutError as exc:
            raise DeliveryError(
                f"SMTP server {self.where} did not answer within {self.smtp.timeout:g} s; "
                "check [smtp] host and port, or raise [smtp] timeout"
            ) from exc
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"sending through SMTP server {self.where} failed: {exc}") from exc
        except OSError as exc:
            raise DeliveryError(
                f"cannot reach SMTP server {self.where} ({exc.strerror or exc}); check [smtp] host and port "
                "and that the server is running"
            ) from exc
        for rcpt, (code, msg) in refused.items():
            log.warning("SMTP server %s refused recipient %s: %s %s", self.where, rcpt, code, _text(msg))
        log.info(
            "sent %r to %d recipient(s) via %s", str(message["Subject"]), len(recipients) - len(refused), self.where
        )
        return refused

    def _deliver(self, message: EmailMessage, sender: str, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        client = self._connect()
        try:
            if self.smtp.username is not None:
                client.login(self.smtp.username, self._password or "")
            try:
                refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
            except smtplib.SMTPResponseException:
                raise  # the server answered: refused, certainly not delivered
            except OSError as exc:  # smtplib's errors are OSErrors too
                if client.message_sent:
                    raise _Unconfirmed() from exc
                raise
        except Exception:
            _quit(client)
            raise
        except BaseException:  # interrupted: no polite QUIT, which could wait for the server's timeout
            client.close()
            raise
        _quit(client)
        return refused

    def _connect(self) -> _SMTP:
        smtp = self.smtp
        context = self._ssl_context or ssl.create_default_context()
        if smtp.security == "tls":
            return _SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout, context=context)
        client = _SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
        try:
            if smtp.security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("STARTTLS")
                client.starttls(context=context)
                client.ehlo()
        except BaseException:
            client.close()
            raise
        return client


class _SMTP(smtplib.SMTP):
    """smtplib's client, noting when the whole message has gone out after ``DATA`` (from then
    on, a connection that ends before the server's reply leaves the message's fate unknown)."""

    message_sent = False
    _body_next = False

    def getreply(self) -> tuple[int, bytes]:
        code, text = super().getreply()
        self._body_next = code == 354  # "start mail input": data() sends the message next
        return code, text

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        if self._body_next:
            self._body_next = False
            self.message_sent = True


class _SMTP_SSL(_SMTP, smtplib.SMTP_SSL):
    """:class:`_SMTP` over implicit TLS."""


class _Unconfirmed(Exception):
    """The message went out whole, and the server's reply to it never came (the cause says why)."""


def _quit(client: smtplib.SMTP) -> None:
    """Say QUIT and close; a failure here changes nothing about the message, so it is ignored."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _text(value: bytes | str) -> str:
    return " ".join((value.decode("utf-8", "replace") if isinstance(value, bytes) else value).split())


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
