"""Checking a query tree and bringing it to the shape both full-text backends compile.

SQLite FTS5 has only a *binary* NOT (``a NOT b``), so a query must always
contain something to search for: an exclusion alone (``-spam``), or an OR
alternative that is only an exclusion (``refund OR -spam``), is refused with a
:class:`QueryError` on every backend, so both behave alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from foundation.errors import QueryError
from foundation.query.ast import And, Node, Not, Or, Phrase, Term

__all__ = ["AllOf", "AnyOf", "Leaf", "Positive", "normalize"]

EXCLUSION_ONLY = (
    "the search query only excludes words: add a term to search for, e.g. 'refund -spam' instead of '-spam'"
)
OR_EXCLUSION = (
    "an OR alternative in the search query only excludes words: add a term to search for "
    "in each alternative, e.g. '(refund -spam) OR delay'"
)


@dataclass(frozen=True, slots=True)
class Leaf:
    """Words that must appear in this order (one word for a term); ``prefix``
    makes the last word match any word starting with it."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every ``include`` matches and no ``exclude`` does; ``include`` is never empty."""

    include: tuple[Positive, ...]
    exclude: tuple[Positive, ...] = ()


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one option matches."""

    options: tuple[Positive, ...]


Positive = Leaf | AllOf | AnyOf


def _clean(text: str) -> str:
    # NUL cannot travel to PostgreSQL; the pipeline strips it from stored text anyway.
    return text.replace("\x00", " ")


def normalize(node: Node) -> Positive:
    """Return the positive form of ``node``, or raise :class:`QueryError`."""
    if isinstance(node, Term):
        # Handles and hashtags are stored without @/#; both tokenizers drop them too.
        return Leaf((_clean(node.text),), node.prefix)
    if isinstance(node, Phrase):
        return Leaf(tuple(_clean(word) for word in node.words))
    if isinstance(node, Not):
        if isinstance(node.child, Not):
            return normalize(node.child.child)
        raise QueryError(EXCLUSION_ONLY)
    if isinstance(node, And):
        return _normalize_and(node)
    if isinstance(node, Or):
        return _normalize_or(node)
    raise QueryError(f"cannot search for {node!r}: not a query node")


def _flatten_and(node: And) -> list[Node]:
    children: list[Node] = []
    for child in node.children:
        children.extend(_flatten_and(child) if isinstance(child, And) else [child])
    return children


def _normalize_and(node: And) -> Positive:
    include: list[Positive] = []
    exclude: list[Positive] = []
    for child in _flatten_and(node):
        while isinstance(child, Not) and isinstance(child.child, Not):
            child = child.child.child
        if isinstance(child, Not):
            exclude.append(normalize(child.child))
        else:
            include.append(normalize(child))
    if not include:
        raise QueryError(EXCLUSION_ONLY)
    if len(include) == 1 and not exclude:
        return include[0]
    return AllOf(tuple(include), tuple(exclude))


def _normalize_or(node: Or) -> Positive:
    options: list[Positive] = []
    for child in node.children:
        try:
            positive = normalize(child)
        except QueryError as exc:
            if str(exc) == EXCLUSION_ONLY:
                raise QueryError(OR_EXCLUSION) from None
            raise
        options.extend(positive.options if isinstance(positive, AnyOf) else [positive])
    if not options:
        raise QueryError("the search query has an empty group: add a term to search for")
    if len(options) == 1:
        return options[0]
    return AnyOf(tuple(options))
