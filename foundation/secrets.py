"""Secrets kept out of config files (``{ env = "NAME" }`` references) and out of every output.

A setting that holds a secret accepts either a plain value or a :class:`SecretRef`;
the config loader resolves references from the environment when they are used, so a
missing variable is reported with the file, line and key that names it.

Every secret value the loader resolves is remembered (:func:`remember_secret`,
:func:`remember_url_secrets`), and :func:`scrub` is the one helper that takes
secrets out of a text before it is logged, printed or stored: it replaces every
remembered value (also URL-, JSON- and base64-encoded, as a server's reply may
echo it), the password of any ``scheme://user:password@`` URL, the values of
secret-looking query parameters (``?password=``, ``?token=``, ``&sig=``) and the
path of Slack and Discord webhook URLs and ``Bearer``/``Basic`` credentials. The storage layer scrubs every error
text it records and the CLI scrubs every line it logs or prints, so a secret a
server echoes back in an error body never reaches a user or the store.

Written by hand rather than taken from a library: the remembered values come
from our own config loader, and the patterns are the few URL shapes cxpulse
meets; no maintained package does exactly this.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from typing import Annotated
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, unquote, urlsplit

from pydantic import Field

from foundation.settings import SettingsModel

__all__ = ["REDACTED", "SecretRef", "forget_secrets", "remember_secret", "remember_url_secrets", "scrub"]

REDACTED = "***"
"""What a secret is replaced by in logs, messages and stored error texts."""

MIN_SECRET_LENGTH = 4
"""Shorter values are not remembered: masking every "ab" would make all output unreadable."""


class SecretRef(SettingsModel):
    """A secret kept out of the file: ``{ env = "NAME" }`` reads environment variable NAME."""

    env: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Name of the environment variable that holds the secret."
        ),
    ]


SECRET_NAME = r"[\w.-]*(?:password|passwd|pwd|secret|token|api_?key|key|sig|signature|auth|credential|session)[\w.-]*"  # noqa: S105
"""A parameter or key name that holds a secret (case-insensitive)."""

_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@:]*:)[^\s/@]+@")
_QUERY_SECRET = re.compile(rf"([?&;]{SECRET_NAME}=)(?!REDACTED\b|\*\*\*)[^&;#\s'\"<>]+", re.IGNORECASE)
"""A secret-looking query parameter's value, unless it is already masked (``listener.http`` writes REDACTED)."""
_WEBHOOK = re.compile(
    r"(https?://(?:hooks\.slack\.com/(?:services|workflows|triggers)|(?:\w+\.)?discord(?:app)?\.com/api/webhooks)/)"
    r"[^\s'\"<>)]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b((?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}")
_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")


class _Known:
    """The remembered secret values; shared by every thread of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.raw: frozenset[str] = frozenset()
        self.forms: frozenset[str] = frozenset()
        self.pattern: re.Pattern[str] | None = None

    def add(self, raw: str, forms: set[str]) -> None:
        with self._lock:
            self.forms = self.forms | {f for f in forms if len(f) >= MIN_SECRET_LENGTH}
            self.raw = self.raw | {raw}
            self.pattern = re.compile("|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True)))

    def clear(self) -> None:
        with self._lock:
            self.raw, self.forms, self.pattern = frozenset(), frozenset(), None


_known = _Known()


def remember_secret(value: str) -> None:
    """From now on, :func:`scrub` removes ``value`` (and its encoded forms) from every text.

    A value that is itself a URL (a webhook) also has its path and query
    remembered, the part that carries the secret however a library renders the host.
    """
    if len(value) < MIN_SECRET_LENGTH:
        return
    forms = {value, value.strip(), quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1]}
    forms |= {base64.b64encode(value.encode()).decode().rstrip("=")}
    parts = _split(value)
    if parts is not None and parts.netloc:
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        if len(tail) >= 8:
            forms |= {tail, parts.path} if len(parts.path) >= 8 else {tail}
    _known.add(value, forms)


def remember_url_secrets(url: str) -> None:
    """Remember the secret parts of a URL that is not secret as a whole (a database URL).

    Its password and the values of secret-looking query parameters are scrubbed;
    the host and database name stay readable.
    """
    parts = _split(url)
    if parts is None:
        return
    if parts.password:
        remember_secret(unquote(parts.password))
        remember_secret(parts.password)
    for key, value in parse_qsl(parts.query, keep_blank_values=False):
        if re.fullmatch(SECRET_NAME, key, re.IGNORECASE):
            remember_secret(value)


def forget_secrets() -> None:
    """Forget every remembered value (tests call it to start from a clean slate)."""
    _known.clear()


def scrub(text: str) -> str:
    """``text`` with every remembered secret and every secret-bearing URL part replaced by ``***``."""
    if not text:
        return text
    pattern = _known.pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, _BASE64_TOKEN.sub(_scrub_encoded, text))
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    text = _QUERY_SECRET.sub(rf"\1{REDACTED}", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    return _WEBHOOK.sub(rf"\1{REDACTED}", text)


def _scrub_encoded(match: re.Match[str]) -> str:
    """A base64 token (an SMTP ``AUTH PLAIN`` echo) that decodes to text holding a secret."""
    token = match.group(0)
    padded = token + "=" * (-len(token.rstrip("=")) % 4)
    try:
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=False)
    except (binascii.Error, ValueError):
        return token
    text = decoded.decode("utf-8", "replace")
    return REDACTED if any(secret in text for secret in _known.raw) else token


def _split(value: str) -> SplitResult | None:
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        return None
    return parts if parts.scheme and parts.netloc else None
