"""Recognize the same content posted twice: retweets, copies, re-shares.

:func:`content_hash` reduces a text to its content and hashes that. Two texts
hash the same when they differ only by:

* a retweet prefix: any number of leading ``RT @handle:`` (or ``RT:``);
* leading @handles (the reply addressees: ``@acme @bob my order...``);
  @handles later in the text count as content;
* URLs (``http(s)://...``, ``www....``), which shorteners make unique per copy;
* case (full Unicode case folding) and compatibility forms (NFKC: full-width
  letters, ligatures);
* whitespace, punctuation and the ``#`` of hashtags;
* emoji variation selectors (U+FE0E/FE0F), zero-width and other invisible
  format characters.

Words, digits, accents, emoji and their order all count: ``love it 😍`` and
``love it 😡`` differ, and so do ``papa`` and ``papá``. A text with no content
left (only URLs or handles) is hashed whole, so two different links never
look like copies. The digest is BLAKE2b, 16 bytes, as 32 hex characters,
personalized so it cannot collide with other blake2b uses; the rules are
versioned by :data:`HASH_VERSION` and changing them means a new version.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from foundation.query.text import WORD_PATTERN

__all__ = ["HASH_VERSION", "content_hash"]

HASH_VERSION = 1

_PERSON = f"cxpulse-dedup-{HASH_VERSION}".encode()
_URL_RE = re.compile(r"https?://\S*|www\.\S+", re.IGNORECASE)
_LEADING_RE = re.compile(r"^(?:\s*(?:rt\s*(?:@\w+\s*:?|:)|@\w+[:,]?))+", re.IGNORECASE)
_INVISIBLE = {cp: None for cp in (0xFE0E, 0xFE0F, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}
# Content units: words, then emoji and other symbols one by one.
_CONTENT_RE = re.compile(rf"{WORD_PATTERN}|[\u00a9\u00ae\u2190-\u2bff\U0001f000-\U0001faff]")


def _content(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).casefold()
    text = _URL_RE.sub(" ", text)
    text = _LEADING_RE.sub(" ", text)
    return " ".join(_CONTENT_RE.findall(text))


def content_hash(text: str) -> str:
    """A stable 32-hex-character digest of ``text``'s content (rules in the module docstring)."""
    content = _content(text)
    payload = ("c:" + content) if content else ("t:" + text)
    digest = hashlib.blake2b(payload.encode("utf-8", errors="surrogatepass"), digest_size=16, person=_PERSON)
    return digest.hexdigest()
