"""Which collected URLs may become links in what cxpulse sends (digests, alerts, webhooks).

A mention's URL comes from whoever wrote or served the mention, so it is
untrusted. :func:`safe_link` accepts only an absolute ``http`` or ``https``
URL with a plain host, and returns it with every character that has a meaning
in HTML attributes, Slack markup or email text (space, ``"``, ``'``, ``<``,
``>``, ``|``, backtick, backslash, braces, non-ASCII) percent-encoded, so the
result can be put inside ``href="..."`` or Slack's ``<url|label>`` without
ending it early. Anything else (``javascript:``, ``data:``, ``mailto:``, a URL
with control characters or a malformed host) gives None: the caller shows it as
inert text, never as a link. Written by hand because ``urllib.parse`` splits
URLs but judges none of this.
"""

from __future__ import annotations

import string
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["inert_url", "safe_link"]

SCHEMES = frozenset({"http", "https"})
_HOST_CHARS = frozenset(string.ascii_letters + string.digits + "-._~%!$&()*+,;=:@[]")
INERT_CHARS = 200
"""The most of a refused URL shown as text."""
_KEEP = "/?#[]@!$&()*+,;=:%~-._"
"""Characters kept as they are in path, query and fragment (RFC 3986's, less the quote ``'``)."""


def safe_link(url: str | None) -> str | None:
    """``url`` ready to be a link when it is an absolute http(s) URL with a plain host; else None."""
    if not url:
        return None
    text = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # "http://[::1" and other malformed hosts
        return None
    if parts.scheme.lower() not in SCHEMES or not host or not set(parts.netloc) <= _HOST_CHARS:
        return None
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc,
            quote(parts.path, safe=_KEEP),
            quote(parts.query, safe=_KEEP),
            quote(parts.fragment, safe=_KEEP),
        )
    )


def inert_url(url: str) -> str:
    """A URL that is not linked, as text: on one line, at most :data:`INERT_CHARS` long.

    Still untrusted: escape it for the format it goes into.
    """
    flat = "".join(ch if ch.isprintable() else " " for ch in url)
    flat = " ".join(flat.split())
    return flat if len(flat) <= INERT_CHARS else flat[: INERT_CHARS - 1] + "\u2026"
