"""``[smtp]``: the mail server that digests and alerts are sent through.

Plain data like the rest of :mod:`cxpulse.config.schema`: nothing here opens a
connection or reads the environment. The password is an ``{ env = "NAME" }``
reference, resolved only when a message is sent (:mod:`cxpulse.app.mail`).
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Literal

from pydantic import Field, field_validator, model_validator

from foundation.secrets import SecretRef
from foundation.settings import SettingsModel

__all__ = ["DEFAULT_PORTS", "SmtpConfig", "is_email_address", "one_line"]

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
"""The usual port of each ``security`` mode, used when ``port`` is not given."""


def one_line(value: str, what: str) -> str:
    """``value`` unless it holds a line break or another control character.

    Mail headers (From, Subject) are built from these settings: a CR or LF would
    end the header and start another, which the mail library refuses at every
    send, so it is refused once, when the config is read.
    """
    bad = next((c for c in value if ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise ValueError(
            f"{what} {value!r} contains a control character ({bad!r}); it goes into a mail header, "
            "so write it on one line without line breaks or tabs"
        )
    return value


def is_email_address(value: str) -> bool:
    """True for a plain address like ``ana@example.com`` (no display name, no spaces)."""
    local, _, domain = value.rpartition("@")
    return (
        bool(local)
        and "." in domain.strip(".")
        and not any(c.isspace() or c in '<>(),;:"[]\\' for c in value)
        and not domain.startswith(".")
        and not domain.endswith(".")
    )


class SmtpConfig(SettingsModel):
    """``[smtp]``: the mail server digests and alerts are sent through."""

    host: str = Field(min_length=1, description="Host name of the SMTP server, e.g. smtp.example.com.")
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the SMTP server. Default: 587 for starttls, 465 for tls, 25 for none.",
    )
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description='"starttls" (plain connection upgraded with STARTTLS), "tls" (implicit TLS, '
        'usually port 465) or "none" (unencrypted; only for a relay on localhost).',
    )
    username: str | None = Field(default=None, description="Login name; leave out for a server without login.")
    password: str | SecretRef | None = Field(
        default=None,
        description='Password of username, as an environment reference: password = { env = "SMTP_PASSWORD" }.',
    )
    sender: str = Field(
        description='From address of digests and alerts: "cxpulse@example.com" or "CX Pulse <cxpulse@example.com>".'
    )
    timeout: float = Field(
        default=30.0, gt=0, le=600, description="Seconds to wait for the server before the send fails."
    )

    @field_validator("sender")
    @classmethod
    def _sender_is_an_address(cls, value: str) -> str:
        one_line(value, "sender")
        _, address = parseaddr(value)
        if not is_email_address(address):
            raise ValueError(f'{value!r} is not an email address; write it like "CX Pulse <cxpulse@example.com>"')
        return value

    @model_validator(mode="after")
    def _password_needs_user(self) -> SmtpConfig:
        if self.password is not None and self.username is None:
            raise ValueError('password is set but username is not; add username = "..." or remove password')
        return self

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]
