"""The one error tree of cxpulse.

Every error a user can meet is a subclass of :class:`CxPulseError`, and its
message says where the problem is (file, line, key) and what to do about it.
Only the CLI catches them: it prints the message as one line on stderr and
exits with code 1. Library exceptions (tweepy, prawcore, httpx, SQLAlchemy,
...) are mapped to these at the boundary where they happen.

::

    CxPulseError
    ├── ConfigError            config.toml (or a flag/env override) is wrong
    │   └── SecretMissing      a { env = "NAME" } reference names an unset variable
    ├── QueryError             a brand or search query does not parse
    ├── InputError             an imported file or row is unusable
    ├── SourceError            a source could not collect
    │   ├── UnknownSource      no source registered under that name
    │   ├── AuthError          credentials refused
    │   ├── RateLimited        the API said slow down; carries ``reset_at``
    │   └── SourceUnavailable  network failure, 5xx, malformed response
    ├── ClassifierError        the model or its heads cannot be used
    ├── DeliveryError          an email (digest, alert) could not be delivered
    │   └── DeliveryUncertain  it may have been: the server never confirmed the whole message it got
    ├── StorageError           the results store cannot be opened or written
    │   ├── CursorMoved        another run moved a cursor this run was advancing
    │   └── LeaseLost          another process took over work whose lease expired
    ├── BrokerError            the task broker (Redis, RabbitMQ) of [execution] cannot be reached
    ├── ExportError            an export cannot be written (unknown format, unwritable file, nothing to label)
    ├── AccessError            a login, session or API token was refused
    │   ├── LoginThrottled     too many failed logins; carries ``retry_after`` seconds
    │   └── PermissionDenied   the user's role does not allow the action
    └── NotFound               no such mention, user or token
"""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "AccessError",
    "AuthError",
    "BrokerError",
    "ClassifierError",
    "ConfigError",
    "CursorMoved",
    "CxPulseError",
    "DeliveryError",
    "DeliveryUncertain",
    "ExportError",
    "InputError",
    "LeaseLost",
    "LoginThrottled",
    "NotFound",
    "PermissionDenied",
    "QueryError",
    "RateLimited",
    "SecretMissing",
    "SourceError",
    "SourceUnavailable",
    "StorageError",
    "UnknownSource",
]


class CxPulseError(Exception):
    """Base class of every error cxpulse reports to a user."""


class ConfigError(CxPulseError):
    """The configuration is invalid. The message names file, line and key."""


class SecretMissing(ConfigError):
    """A secret reference points at an environment variable that is not set."""


class QueryError(CxPulseError):
    """A brand query or search query could not be parsed."""


class InputError(CxPulseError):
    """An input file (or one of its rows) cannot be used."""


class SourceError(CxPulseError):
    """A source failed to collect mentions."""


class UnknownSource(SourceError):
    """No source type is registered under the requested name."""


class AuthError(SourceError):
    """The source refused our credentials."""


class RateLimited(SourceError):
    """The source asked us to slow down until ``reset_at`` (UTC), when known."""

    def __init__(self, message: str, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class SourceUnavailable(SourceError):
    """The source could not be reached or answered with something unusable."""


class ClassifierError(CxPulseError):
    """The classifier model or one of its heads cannot be used."""


class DeliveryError(CxPulseError):
    """A message could not be handed to the mail server (refused, unreachable, login failed)."""


class DeliveryUncertain(DeliveryError):
    """The whole message went to the mail server, but the connection ended before the server
    confirmed it: it may or may not have been delivered, so sending it again may make a copy."""


class StorageError(CxPulseError):
    """The results store cannot be opened, migrated or written."""


class CursorMoved(StorageError):
    """Another run (a manual `cxpulse collect` beside `cxpulse run`) moved the cursor this run was
    about to advance: the batch is not stored and this run stops; the other run collects the rest."""


class LeaseLost(StorageError):
    """Work this process held (a cursor, a batch) was taken over after its lease expired;
    nothing more is written for it here."""


class BrokerError(CxPulseError):
    """The task broker named by ``[execution] broker_url`` cannot be reached or refused us."""


class ExportError(CxPulseError):
    """An export cannot be written: an unknown format, an output that cannot be opened,
    or a store with no labels to export."""


class AccessError(CxPulseError):
    """The workspace or the API refused a login, a session or a token."""


class LoginThrottled(AccessError):
    """Too many failed logins for this user or address; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDenied(AccessError):
    """The user is known, but their role does not allow the action."""


class NotFound(CxPulseError):
    """The mention, user or token asked for does not exist."""
