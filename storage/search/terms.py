"""The full-text index's own tokens: what the query matcher sees in a mention, spelled for any engine.

Search must find exactly what the brand-query matcher (:mod:`foundation.query.match`)
matches. The engines' own tokenizers cannot promise that: SQLite's ``unicode61``
and PostgreSQL's parser split, fold and drop text in their own ways (``@acme``
is the word ``acme`` to both, ``😡`` and ``€`` are nothing, full-width letters and
``ﬁ`` stay unfolded, a URL path is one token to PostgreSQL). So the index is
built from the matcher's own view of the text, :class:`MatchDocument`, and
each piece of it is written as a token made only of ``a-z`` and ``0-9``, which
both engines keep exactly as given:

* ``search_words``: every word of the folded text, in order (so phrases are
  word positions), as ``w`` + :func:`encode` of the word;
* ``search_tags``: one token per distinct handle (``h``), hashtag (``t``),
  symbol or emoji and character of a script written without spaces (``c``),
  and pair of such characters next to each other (``p``).

:func:`encode` keeps ``a``-``y`` and ``0``-``9`` and writes every other
character as ``z`` + four base-35 digits of its code point. That is a prefix
code, so a word starts with ``refund`` exactly when its encoding starts with
``encode("refund")``: prefix queries stay exact. The first letter of a token
says what it is, so a user's ``ba*`` (``wba``) can never reach a brand facet
token (``b`` + hex, :mod:`storage.search.facets`) or a hashtag.

A mention too big for PostgreSQL's ``tsvector`` limits (over 16,383 word
positions, over 256 positions of one word, 1 MB of lexemes) is indexed as the
single token :data:`OVERFLOW`: every search then takes it as a candidate and
the matcher decides (:mod:`storage.search.execute`). So does a row inserted or
whose text was changed outside cxpulse (the column default and the update
triggers of migration 0005).

Written by hand because no tokenizer of either engine can be configured to
agree with the matcher, and a custom SQLite tokenizer cannot be registered
from Python.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from foundation.query.match import MatchDocument
from foundation.query.text import UNSPACED_RANGES

__all__ = [
    "CHAR",
    "HANDLE",
    "HASHTAG",
    "MAX_TOKEN_CHARS",
    "OVERFLOW",
    "PAIR",
    "WORD",
    "IndexTerms",
    "capped",
    "encode",
    "index_terms",
    "indexed_runs",
]

WORD = "w"
HANDLE = "h"
HASHTAG = "t"
CHAR = "c"
PAIR = "p"
OVERFLOW = "xoverflow"
"""The one token of a mention the index does not describe: always a candidate."""

MAX_TOKEN_CHARS = 200
"""Encoded characters kept of one word (PostgreSQL drops lexemes over 2,047 bytes)."""
MAX_WORDS = 16_000
"""Words kept with positions (PostgreSQL keeps positions up to 16,383)."""
MAX_REPEATS = 250
"""Positions of one word (PostgreSQL keeps 256)."""
MAX_INDEX_CHARS = 600_000
"""Characters of distinct tokens in one mention (a ``tsvector`` holds at most 1 MB)."""

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxy"
_PLAIN = frozenset(_DIGITS)
_PLAIN_RE = re.compile("[a-y0-9]*")
_INDEXED_RUN = regex.compile(r"[\p{S}" + UNSPACED_RANGES + "]+")
"""Runs of the characters indexed one by one: symbols and emoji (Unicode category S) and
the scripts :func:`foundation.query.text.is_unspaced` names, where a term matches anywhere."""


def _escape(char: str) -> str:
    n = ord(char)
    digits = []
    for _ in range(4):
        n, d = divmod(n, 35)
        digits.append(_DIGITS[d])
    return "z" + "".join(reversed(digits))


@lru_cache(maxsize=65_536)
def encode(text: str) -> str:
    """``text`` as ``a-z0-9`` only: ``a``-``y`` and digits kept, any other character escaped.

    Injective and a prefix code: ``encode(a).startswith(encode(b))`` exactly when
    ``a.startswith(b)``.
    """
    if _PLAIN_RE.fullmatch(text):
        return text
    return "".join(char if char in _PLAIN else _escape(char) for char in text)


def capped(encoded: str) -> str:
    """An encoded word as the index keeps it: at most :data:`MAX_TOKEN_CHARS` characters."""
    return encoded[:MAX_TOKEN_CHARS]


def indexed_runs(folded: str) -> list[str]:
    """The runs of characters in ``folded`` that the index holds one by one and in pairs."""
    runs: list[str] = _INDEXED_RUN.findall(folded)
    return runs


@dataclass(frozen=True, slots=True)
class IndexTerms:
    """The two indexed columns of one mention."""

    words: str
    tags: str


OVERFLOWED = IndexTerms("", OVERFLOW)


def index_terms(text: str) -> IndexTerms:
    """The index tokens of a mention whose text is ``text``."""
    doc = MatchDocument.from_text(text)
    tokens = doc.tokens
    if len(tokens) > MAX_WORDS:
        return OVERFLOWED
    if len(tokens) > MAX_REPEATS and Counter(tokens).most_common(1)[0][1] > MAX_REPEATS:
        return OVERFLOWED
    joined = " ".join(tokens)
    if _PLAIN_WORDS.fullmatch(joined) and not _LONG_WORD.search(joined):
        words = WORD + joined.replace(" ", " " + WORD) if joined else ""  # the common case, at C speed
    else:
        words = " ".join(WORD + capped(encode(token)) for token in tokens)
    tags: set[str] = set()
    if doc.handles or doc.hashtags:
        tags.update(HANDLE + capped(encode(h)) for h in doc.handles)
        tags.update(HASHTAG + capped(encode(h)) for h in doc.hashtags)
    folded = doc.folded
    if not folded.isascii() or _ASCII_SYMBOLS.search(folded):
        for run in indexed_runs(folded):
            tags.update(CHAR + encode(char) for char in run)
            tags.update(PAIR + encode(run[i : i + 2]) for i in range(len(run) - 1))
    tag_text = " ".join(sorted(tags))
    if len(words) + len(tag_text) > MAX_INDEX_CHARS and (
        sum(map(len, set(words.split()))) + len(tag_text) > MAX_INDEX_CHARS
    ):
        return OVERFLOWED
    return IndexTerms(words, tag_text)


_PLAIN_WORDS = re.compile("[a-y0-9 ]*")
_LONG_WORD = re.compile(rf"[^ ]{{{MAX_TOKEN_CHARS},}}")
_ASCII_SYMBOLS = re.compile(r"[$+<=>^`|~]")
