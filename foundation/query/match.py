"""Evaluate a query on one mention, locally and fast.

The pipeline builds one :class:`MatchDocument` per collected mention and then
calls :func:`matches` once per brand. All the text work (folding, splitting
into words, finding hashtags and handles) happens once, in
:meth:`MatchDocument.from_text`; a check is then set look-ups.

How each term matches (see ``docs/query-language.md``):

* a word matches a whole word of the text, so ``acme`` matches ``Acme's``,
  ``acme!``, ``#acme`` and ``@acme`` but not ``acmeville`` or ``@acme_help``;
* ``refund*`` matches any word starting with ``refund``;
* ``@acme`` and ``#acme`` match only the handle or hashtag;
* a phrase matches consecutive words, whatever punctuation lies between them
  (``"acme air"`` matches ``Acme-Air`` and ``acme, air``);
* words in CJK, Thai, Korean and other scripts without spaces, and emoji,
  match as substrings of the folded text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from foundation.query.ast import And, Node, Not, Or, Term, TermKind
from foundation.query.text import (
    extract_handles,
    extract_hashtags,
    fold,
    is_unspaced,
    tokenize,
)

__all__ = ["MatchDocument", "is_substring_term", "matches"]


@dataclass(frozen=True, slots=True)
class MatchDocument:
    """One mention's text, prepared once for matching against every brand query."""

    folded: str
    """The whole text folded (:func:`~foundation.query.text.fold`)."""
    tokens: tuple[str, ...]
    """Its words, in order."""
    token_set: frozenset[str]
    hashtags: frozenset[str]
    """Hashtags without ``#``."""
    handles: frozenset[str]
    """@handles without ``@``."""

    @classmethod
    def from_text(cls, text: str) -> MatchDocument:
        """Fold and split ``text`` once.

        The documents of the last few thousand short texts are kept: the pipeline
        matches a mention against its brand query and the store then indexes the
        same text (:mod:`storage.search.terms`), so each is prepared once.
        """
        if len(text) <= _CACHED_CHARS:
            return _cached_document(text)
        return _document(text)


_CACHED_CHARS = 2_000


def _document(text: str) -> MatchDocument:
    folded = fold(text)
    tokens = tuple(tokenize(folded))
    has_sign = "#" in folded or "@" in folded
    return MatchDocument(
        folded=folded,
        tokens=tokens,
        token_set=frozenset(tokens),
        hashtags=frozenset(extract_hashtags(folded)) if has_sign else frozenset(),
        handles=frozenset(extract_handles(folded)) if has_sign else frozenset(),
    )


_cached_document = lru_cache(maxsize=4_096)(_document)


@lru_cache(maxsize=4096)
def is_substring_term(text: str) -> bool:
    """Whether a word term matches as a substring of the folded text, not as a whole word.

    True for terms in scripts without spaces and for emoji or symbol terms; the
    search index (:mod:`storage.search`) must know which terms these are.
    """
    return is_unspaced(text) or tokenize(text) != [text]


def _match_term(term: Term, doc: MatchDocument) -> bool:
    text = term.text
    if term.kind is TermKind.WORD:
        if is_substring_term(text):
            return text in doc.folded
        if term.prefix:
            return any(token.startswith(text) for token in doc.token_set)
        return text in doc.token_set
    pool = doc.handles if term.kind is TermKind.HANDLE else doc.hashtags
    if term.prefix:
        return any(item.startswith(text) for item in pool)
    return text in pool


def _match_phrase(words: tuple[str, ...], doc: MatchDocument) -> bool:
    if any(is_unspaced(word) for word in words):
        # No word boundaries to rely on: the words in a row, with spaces or
        # punctuation between them or nothing at all.
        return " ".join(words) in doc.folded or "".join(words) in "".join(doc.tokens)
    token_set = doc.token_set
    for word in words:
        if word not in token_set:
            return False
    tokens = doc.tokens
    first, n = words[0], len(words)
    last_start = len(tokens) - n
    start = 0
    while True:
        try:
            i = tokens.index(first, start, last_start + 1)
        except ValueError:
            return False
        if tokens[i : i + n] == words:
            return True
        start = i + 1


def matches(node: Node, doc: MatchDocument) -> bool:
    """Whether the mention prepared as ``doc`` matches the query tree ``node``."""
    if isinstance(node, Term):
        return _match_term(node, doc)
    if isinstance(node, And):
        return all(matches(child, doc) for child in node.children)
    if isinstance(node, Or):
        return any(matches(child, doc) for child in node.children)
    if isinstance(node, Not):
        return not matches(node.child, doc)
    return _match_phrase(node.words, doc)
