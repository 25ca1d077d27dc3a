"""What the full-text index can answer of a query: a narrowing, and whether it is exact.

Search returns exactly the mentions the query matcher (:func:`foundation.query.matches`)
accepts. The index (:mod:`storage.search.terms`) holds the matcher's own words, handles,
hashtags, symbols and characters of scripts without spaces, so most of the language
compiles to an index query that *is* the matcher's answer:

* a word, ``refund*``, ``@handle``, ``#hashtag`` and a phrase of words: exact;
* a single emoji or symbol (``😡``, ``€``), or two characters of a script without
  spaces (``東京``): exact, from the indexed characters and pairs;
* a longer substring term (``バス停``, ``$$$``) or a phrase with such words: the pairs
  or characters it must contain, a *superset*; the matcher then decides;
* ``-x``: exact when ``x`` is; an exclusion the index cannot answer exactly is left
  out of the narrowing (which only widens it), and the matcher applies it.

A :class:`Plan` carries the narrowing (None: the index cannot narrow at all, so every
mention passing the filters is a candidate) and ``exact``. The narrowing is always
*sound*: it never leaves out a mention the matcher accepts.

Refused here with a :class:`QueryError`, before any SQL, on both backends alike: a query
that only excludes (``-spam``, ``refund OR -spam``: nothing to look for), an empty
group, a tree larger than the query language allows (:data:`MAX_TERMS` terms, nesting
of :data:`MAX_TREE_DEPTH`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from foundation.errors import QueryError
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from foundation.query.match import is_substring_term
from foundation.query.parser import MAX_DEPTH, MAX_TERMS
from foundation.query.text import is_unspaced
from storage.search.terms import (
    CHAR,
    HANDLE,
    HASHTAG,
    MAX_TOKEN_CHARS,
    PAIR,
    WORD,
    capped,
    encode,
    indexed_runs,
)

__all__ = [
    "EXCLUSION_ONLY",
    "MAX_NARROWING_DEPTH",
    "MAX_TREE_DEPTH",
    "OR_EXCLUSION",
    "AllOf",
    "AnyOf",
    "Column",
    "Narrowing",
    "Plan",
    "Sequence",
    "Token",
    "plan",
]

EXCLUSION_ONLY = (
    "the search query only excludes words: add a term to search for, e.g. 'refund -spam' instead of '-spam'"
)
OR_EXCLUSION = (
    "an OR alternative in the search query only excludes words: add a term to search for "
    "in each alternative, e.g. '(refund -spam) OR delay'"
)
MAX_TREE_DEPTH = 2 * MAX_DEPTH + 4
"""Deepest query tree searched: what the parser's nesting limit allows, with room to spare."""
MAX_NARROWING_DEPTH = 12
"""Deepest nesting of AND and OR the index is asked for (FTS5's parser overflows at about 35);
deeper groups are left to the matcher, which only widens the candidates."""


class Column(StrEnum):
    WORDS = "search_words"
    TAGS = "search_tags"


@dataclass(frozen=True, slots=True)
class Token:
    """One index token (``prefix``: any token starting with it) in ``column``."""

    column: Column
    token: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Sequence:
    """Word tokens at consecutive positions of ``search_words``."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every ``include`` and no ``exclude``; ``include`` is never empty."""

    include: tuple[Narrowing, ...]
    exclude: tuple[Narrowing, ...] = ()


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of ``options`` (never empty)."""

    options: tuple[Narrowing, ...]


Narrowing = Token | Sequence | AllOf | AnyOf


@dataclass(frozen=True, slots=True)
class Plan:
    """How to search for ``query``: the candidates the index gives, and whether they are the answer."""

    query: Node
    narrowing: Narrowing | None
    """None: the index cannot narrow; every mention passing the filters is a candidate."""
    exact: bool
    """True: every candidate of ``narrowing`` matches (mentions indexed as overflow aside)."""


def plan(query: Node) -> Plan:
    """The search plan for ``query``, or :class:`QueryError` for a query search refuses."""
    _check_size(query)
    if not _is_positive(query):
        raise QueryError(OR_EXCLUSION if _has_or(query) else EXCLUSION_ONLY)
    narrowing, exact = _compile(query, 0)
    return Plan(query, narrowing, exact and narrowing is not None)


def _check_size(query: Node) -> None:
    """Count terms and depth without recursion (a tree may come from anywhere, not only the parser)."""
    terms = 0
    stack: list[tuple[Node, int]] = [(query, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise QueryError(
                f"the search query is nested more than {MAX_TREE_DEPTH} levels deep: remove parentheses or exclusions"
            )
        if isinstance(node, Term):
            terms += 1
        elif isinstance(node, Phrase):
            if not node.words:
                raise QueryError("the search query has an empty phrase: put words between the quotes")
            terms += len(node.words)
        elif isinstance(node, Not):
            stack.append((node.child, depth + 1))
        elif isinstance(node, And | Or):
            stack.extend((child, depth + 1) for child in node.children)
        else:
            raise QueryError(f"cannot search for {node!r}: not a query node")
        if terms > MAX_TERMS:
            raise QueryError(
                f"the search query has more than {MAX_TERMS} terms: use at most {MAX_TERMS} words, "
                "handles, hashtags and emoji"
            )


def _is_positive(node: Node) -> bool:
    """As :func:`foundation.query.require_positive` decides: something must be present."""
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Not):
        return isinstance(node.child, Not) and _is_positive(node.child.child)
    if isinstance(node, And):
        return any(_is_positive(child) for child in node.children)
    if isinstance(node, Or):
        if not node.children:
            raise QueryError("the search query has an empty group: add a term to search for")
        return all(_is_positive(child) for child in node.children)
    return False


def _has_or(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Or):
            return True
        if isinstance(current, And):
            stack.extend(current.children)
        elif isinstance(current, Not):
            stack.append(current.child)
    return False


_Compiled = tuple[Narrowing | None, bool]


def _compile(node: Node, depth: int) -> _Compiled:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return _phrase(node.words)
    if isinstance(node, Not):
        if isinstance(node.child, Not):
            return _compile(node.child.child, depth)
        return None, False  # "not x" alone: not expressible as index candidates
    if depth >= MAX_NARROWING_DEPTH:
        return None, False
    if isinstance(node, And):
        return _all_of(node, depth + 1)
    return _any_of(node, depth + 1)


def _word_token(marker: str, column: Column, text: str, prefix: bool) -> _Compiled:
    encoded = encode(text)
    if prefix:
        return Token(column, marker + capped(encoded), prefix=True), len(encoded) <= MAX_TOKEN_CHARS
    if len(encoded) < MAX_TOKEN_CHARS:
        return Token(column, marker + encoded), True
    # The index keeps the first MAX_TOKEN_CHARS characters of a longer word.
    return Token(column, marker + capped(encoded), prefix=True), False


def _term(term: Term) -> _Compiled:
    if term.kind is TermKind.HANDLE:
        return _word_token(HANDLE, Column.TAGS, term.text, term.prefix)
    if term.kind is TermKind.HASHTAG:
        return _word_token(HASHTAG, Column.TAGS, term.text, term.prefix)
    if is_substring_term(term.text):
        return _substring(term.text)
    return _word_token(WORD, Column.WORDS, term.text, term.prefix)


def _substring(text: str) -> _Compiled:
    """A term matched anywhere in the folded text: the indexed characters and pairs it contains."""
    tokens: dict[str, None] = {}
    for run in indexed_runs(text):
        if len(run) == 1:
            tokens[CHAR + encode(run)] = None
        for i in range(len(run) - 1):
            tokens[PAIR + encode(run[i : i + 2])] = None
    if not tokens:
        return None, False
    parts = tuple(Token(Column.TAGS, token) for token in tokens)
    runs = indexed_runs(text)
    exact = len(runs) == 1 and runs[0] == text and len(text) <= 2
    return (parts[0] if len(parts) == 1 else AllOf(parts)), exact


def _phrase(words: tuple[str, ...]) -> _Compiled:
    if any(is_unspaced(word) for word in words):
        # Matched as a substring, with or without the spaces between the words:
        # only single characters are sure to be in the text.
        chars = {CHAR + encode(char): None for run in indexed_runs("".join(words)) for char in run}
        if not chars:
            return None, False
        parts = tuple(Token(Column.TAGS, token) for token in chars)
        return (parts[0] if len(parts) == 1 else AllOf(parts)), False
    encoded = [encode(word) for word in words]
    tokens = tuple(WORD + capped(e) for e in encoded)
    exact = all(len(e) < MAX_TOKEN_CHARS for e in encoded)
    if len(tokens) == 1:
        return Token(Column.WORDS, tokens[0]), exact
    return Sequence(tokens), exact


def _all_of(node: And, depth: int) -> _Compiled:
    include: list[Narrowing] = []
    exclude: list[Narrowing] = []
    exact = True
    for child in _flat_and(node):
        while isinstance(child, Not) and isinstance(child.child, Not):
            child = child.child.child
        if isinstance(child, Not):
            narrowing, child_exact = _compile(child.child, depth)
            if narrowing is not None and child_exact:
                exclude.append(narrowing)
            else:
                exact = False  # the matcher applies this exclusion
            continue
        narrowing, child_exact = _compile(child, depth)
        exact = exact and child_exact
        if narrowing is None:
            continue
        include.extend(narrowing.include if isinstance(narrowing, AllOf) and not narrowing.exclude else [narrowing])
    if not include:
        return None, False
    if len(include) == 1 and not exclude:
        return include[0], exact
    return AllOf(tuple(include), tuple(exclude)), exact


def _flat_and(node: And) -> list[Node]:
    children: list[Node] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if isinstance(child, And):
            stack.extend(reversed(child.children))
        else:
            children.append(child)
    return children


def _any_of(node: Or, depth: int) -> _Compiled:
    options: list[Narrowing] = []
    exact = True
    for child in node.children:
        narrowing, child_exact = _compile(child, depth)
        if narrowing is None:
            return None, False
        exact = exact and child_exact
        options.extend(narrowing.options if isinstance(narrowing, AnyOf) else [narrowing])
    if not options:
        raise QueryError("the search query has an empty group: add a term to search for")
    if len(options) == 1:
        return options[0], exact
    return AnyOf(tuple(options)), exact
