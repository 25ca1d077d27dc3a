"""Sessions of the workspace, API tokens, and login throttling.

A session token and an API token are 32 random bytes (``secrets``); the store
keeps only their SHA-256, which is enough for a value with that much entropy
(a slow hash is for passwords people choose). A session also carries a CSRF
token that every state-changing form must send back.

The login throttle is kept in memory by the process that serves logins: after
:data:`MAX_FAILURES_PER_USER` failed logins for one username, or
:data:`MAX_FAILURES_PER_CLIENT` from one address, within :data:`FAILURE_WINDOW`,
further attempts are refused until the oldest failure leaves the window.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from cxpulse.app.users import User, authenticate, find_user
from foundation.clock import Clock, utc_now
from foundation.errors import InputError, LoginThrottled, NotFound
from storage import Store
from storage import users as stored
from storage.users import TokenRecord

__all__ = [
    "SESSION_LIFETIME",
    "LoginThrottle",
    "NewSession",
    "Session",
    "TokenRecord",
    "create_token",
    "csrf_matches",
    "end_session",
    "list_tokens",
    "log_in",
    "resolve_session",
    "resolve_token",
    "revoke_token",
]

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "cxp_"  # noqa: S105 (a marker, not a secret)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """A live session: who, and the CSRF token its forms carry."""

    user: User
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NewSession(Session):
    """A session just created: also the token for the cookie (shown once, stored hashed)."""

    token: str = ""


class LoginThrottle:
    """Counts failed logins per username and per client address (thread-safe, in memory)."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and now - times[0] >= FAILURE_WINDOW:
            times.popleft()
        return times

    def check(self, username: str, client: str) -> None:
        """Raise :class:`LoginThrottled` when either key has too many recent failures."""
        now = self._clock()
        with self._lock:
            limits = ((f"user:{username}", MAX_FAILURES_PER_USER), (f"client:{client}", MAX_FAILURES_PER_CLIENT))
            for key, limit in limits:
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = int((times[0] + FAILURE_WINDOW - now).total_seconds()) + 1
                    raise LoginThrottled(f"too many failed logins; try again in {wait} seconds", retry_after=wait)

    def failed(self, username: str, client: str) -> None:
        now = self._clock()
        with self._lock:
            self._failures[f"user:{username}"].append(now)
            self._failures[f"client:{client}"].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username}", None)


def log_in(store: Store, username: str, password: str, *, throttle: LoginThrottle, client: str) -> NewSession:
    """Check the password and open a session; raises AccessError or LoginThrottled."""
    username = username.strip().lower()
    throttle.check(username, client)
    try:
        user = authenticate(store, username, password)
    except Exception:
        throttle.failed(username, client)
        log.info("failed login for %r from %s", username[:100], client)
        raise
    throttle.succeeded(username)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = store.now() + SESSION_LIFETIME
    stored.create_session(store, user.id, token_hash=_digest(token), csrf_token=csrf, expires_at=expires)
    log.info("user %s logged in from %s", user.username, client)
    return NewSession(user=user, csrf_token=csrf, expires_at=expires, token=token)


def resolve_session(store: Store, token: str) -> Session | None:
    """The live session of a cookie's token, or None (unknown, expired, or the user is disabled)."""
    if not token:
        return None
    record = stored.session_user(store, _digest(token))
    if record is None:
        return None
    u = record.user
    return Session(User(u.id, u.username, u.display_name, u.role), record.csrf_token, record.expires_at)


def csrf_matches(session: Session, sent: str | None) -> bool:
    """True when a form's CSRF token is the session's (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(session.csrf_token.encode(), (sent or "").encode())


def end_session(store: Store, token: str) -> None:
    if token:
        stored.delete_session(store, _digest(token))


def create_token(store: Store, username: str, name: str) -> tuple[str, TokenRecord]:
    """A new API token for ``username``: the token itself (shown once) and its record."""
    if not name.strip():
        raise InputError("give the token a name that says what uses it, e.g. --name nightly-export")
    user = find_user(store, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = stored.create_token(store, user.id, name=name.strip(), prefix=token[:12], token_hash=_digest(token))
    log.info("API token %s (%s) created for %s", record.prefix, record.name, username)
    return token, record


def resolve_token(store: Store, token: str) -> User | None:
    """The enabled user of an unrevoked API token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = stored.token_user(store, _digest(token))
    if record is None:
        return None
    return User(record.id, record.username, record.display_name, record.role)


def list_tokens(store: Store, username: str | None = None) -> list[TokenRecord]:
    return stored.list_tokens(store, username)


def revoke_token(store: Store, key: str) -> TokenRecord:
    """Revoke the token with this id or prefix; raises NotFound."""
    record = stored.revoke_token(store, key)
    if record is None:
        raise NotFound(f"no unrevoked API token with id or prefix {key!r}; `cxpulse tokens list` shows them")
    log.info("API token %s (%s) of %s revoked", record.prefix, record.name, record.username)
    return record
