"""Send email through the ``[smtp]`` server: STARTTLS or implicit TLS, login from an env reference.

Digests and alerts both send through :class:`Mailer`. Every failure of the
server or the network becomes a :class:`~foundation.errors.DeliveryError` whose
message says what went wrong and which setting to check; nothing here
retries (the callers record the failure and try again on their next run).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from cxpulse.config import LoadedConfig
from cxpulse.config.smtp import SmtpConfig
from foundation.errors import ConfigError, DeliveryError

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
            with self._connect() as client:
                if self.smtp.username is not None:
                    client.login(self.smtp.username, self._password or "")
                refused = client.send_message(message, from_addr=sender, to_addrs=list(recipients))
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

    def _connect(self) -> smtplib.SMTP:
        smtp = self.smtp
        context = self._ssl_context or ssl.create_default_context()
        if smtp.security == "tls":
            return smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout, context=context)
        client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
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


def _text(value: bytes | str) -> str:
    return " ".join((value.decode("utf-8", "replace") if isinstance(value, bytes) else value).split())


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
