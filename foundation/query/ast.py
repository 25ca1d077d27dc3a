"""The syntax tree of a cxpulse query (brand queries and search queries share it).

A query is a tree of these frozen nodes. :func:`foundation.query.parse` builds it;
:mod:`foundation.query.match` evaluates it on a mention; :mod:`storage.search`
compiles it to SQLite FTS5 or PostgreSQL tsquery.

Text in ``Term`` and ``Phrase`` is stored *folded*: case-folded, accents
removed, NFKC-normalized, exactly as :func:`foundation.query.text.fold` does it,
so every consumer compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["And", "Node", "Not", "Or", "Phrase", "Term", "TermKind"]


class TermKind(StrEnum):
    WORD = "word"  # acme, café, 携帯
    HANDLE = "handle"  # @acme   (stored without the @)
    HASHTAG = "hashtag"  # #acme  (stored without the #)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    kind: TermKind = TermKind.WORD
    prefix: bool = False  # written as ``refund*``


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]  # "acme air" -> ("acme", "air")


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Term | Phrase | And | Or | Not
