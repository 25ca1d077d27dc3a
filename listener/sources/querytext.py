"""Brand queries written in a network's own search syntax, split to fit its length limit.

The pipeline matches every collected mention against the full brand query, so
a search string may ask for a little more than the query (a superset) but
must never ask for less. Two ways of writing a query:

- :func:`render` writes the whole tree in an X-like (``x``) or Reddit
  (``reddit``, Lucene-like) dialect; :func:`split_to_fit` cuts an ``OR``
  group into several queries when the text is longer than the API allows,
  never truncating it;
- :func:`positive_alternatives` turns a query into a few plain searches
  (words and phrases, no operators) for APIs without boolean syntax
  (Bluesky): their union covers every mention the query can match;
- :func:`anchor_terms` goes further for simple keyword APIs (Hacker News'
  Algolia): single words and phrases only, so ``acme refund*`` needs only
  the side of the AND with fewer alternatives; :func:`hashtag_candidates`
  picks the one-word ones worth following as hashtags (Mastodon).

All three rest on the same walk (:func:`_alternatives`): the positive part
of the query as an OR of ANDs, exclusions left to the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import Literal

from foundation.errors import QueryError
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind

__all__ = ["Dialect", "anchor_terms", "hashtag_candidates", "positive_alternatives", "render", "split_to_fit"]

Dialect = Literal["x", "reddit"]

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_'")


def _word(term: Term, dialect: Dialect) -> str:
    text = term.text
    if dialect == "x" and term.kind is TermKind.HANDLE:
        return "@" + text
    if term.kind is TermKind.HASHTAG:
        return "#" + text
    if text.isascii() and not set(text) <= _PLAIN:  # "a.b", "c:d": quoted so they stay one token
        return '"' + text.replace('"', "") + '"'
    return text


def render(node: Node, dialect: Dialect) -> str:
    """``node`` in the search syntax of ``dialect`` (prefix terms are searched as their stem)."""
    if isinstance(node, Term):
        return _word(node, dialect)
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Or):
        return "(" + " OR ".join(render(c, dialect) for c in node.children) + ")"
    if isinstance(node, And):
        parts = [render(c, dialect) for c in node.children]
        return " ".join(parts) if dialect == "x" else "(" + " AND ".join(parts) + ")"
    inner = render(node.child, dialect)
    if dialect == "x" and isinstance(node.child, And):
        inner = "(" + inner + ")"
    return "-" + inner if dialect == "x" else "NOT " + inner


def _has_or(node: Node) -> bool:
    if isinstance(node, Or):
        return True
    if isinstance(node, And):
        return any(_has_or(c) for c in node.children)
    return False  # an OR under an exclusion cannot be split: every query needs the whole exclusion


def _or_of(children: list[Node]) -> Node:
    return children[0] if len(children) == 1 else Or(tuple(children))


def split_to_fit(node: Node, text_of: Callable[[Node], str], limit: int) -> list[Node]:
    """Queries whose union is ``node``, each rendering within ``limit`` characters.

    OR groups are split into several queries; an AND keeps its other parts in
    every query. Raises QueryError when a part that cannot be split (a long
    phrase, the exclusions) is longer than the limit by itself.
    """
    if len(text_of(node)) <= limit:
        return [node]
    if isinstance(node, Or):
        groups: list[list[Node]] = [[]]
        for child in node.children:
            trial = [*groups[-1], child]
            if groups[-1] and len(text_of(_or_of(trial))) > limit:
                groups.append([child])
            else:
                groups[-1] = trial
        out: list[Node] = []
        for group in groups:
            out.extend(split_to_fit(_or_of(group), text_of, limit) if len(group) == 1 else [_or_of(group)])
        return out
    if isinstance(node, And) and any(_has_or(c) for c in node.children):
        index = max(
            (i for i, c in enumerate(node.children) if _has_or(c)),
            key=lambda i: len(text_of(node.children[i])),
        )
        child = node.children[index]
        budget = limit - (len(text_of(node)) - len(text_of(child)))
        if budget <= 0:
            raise _too_long(text_of(node), limit)
        out = []
        for part in split_to_fit(child, text_of, budget):
            replaced = And((*node.children[:index], part, *node.children[index + 1 :]))
            out.extend(split_to_fit(replaced, text_of, limit))
        return out
    raise _too_long(text_of(node), limit)


def _too_long(text: str, limit: int) -> QueryError:
    return QueryError(
        f"the search {text[:60]!r}... is {len(text)} characters, over the API's limit of {limit}, "
        "and has no OR group that could be split; shorten the brand query (fewer exclusions or phrases)"
    )


def _plain(parts: tuple[Node, ...], signs: bool = True) -> str:
    """Words bare, phrases in quotes, hashtags with their ``#`` (unless ``signs`` is False)."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, Phrase):
            words.append('"' + " ".join(part.words) + '"')
        elif isinstance(part, Term):
            words.append("#" + part.text if signs and part.kind is TermKind.HASHTAG else part.text)
    return " ".join(words)


def _alternatives(node: Node, cap: int) -> list[tuple[Node, ...]]:
    """DNF of the positive part of ``node``; ``()`` means "no constraint".

    An AND becomes the product of its children's alternatives while that has
    at most ``cap`` members, else the alternatives of its child with fewest
    (a superset); ``cap=0`` thus keeps every alternative a single word or phrase.
    """
    if isinstance(node, Term | Phrase):
        return [(node,)]
    if isinstance(node, Not):
        return [()]
    if isinstance(node, Or):
        out: list[tuple[Node, ...]] = []
        for child in node.children:
            alts = _alternatives(child, cap)
            if () in alts:
                return [()]
            out.extend(a for a in alts if a not in out)
        return out
    per_child = [a for a in (_alternatives(c, cap) for c in node.children) if a != [()]]
    if not per_child:
        return [()]
    size = 1
    for alts in per_child:
        size *= len(alts)
    if size <= cap:
        return [tuple(p for combo in combo_parts for p in combo) for combo_parts in product(*per_child)]
    return min(per_child, key=len)  # a superset: one conjunct's alternatives alone


def positive_alternatives(node: Node, cap: int = 12) -> list[str]:
    """Plain searches (words, "phrases", #tags) whose union covers every match of ``node``.

    Exclusions are left to the pipeline's matching. Raises QueryError when the
    query has no positive word to search for.
    """
    alts = _alternatives(node, cap)
    if () in alts:
        raise QueryError("the brand query has no word to search for outside exclusions; add a positive term")
    return [_plain(a) for a in alts]


def anchor_terms(expression: Node, fallback: str) -> list[str]:
    """Single words and "phrases" whose union covers every match of ``expression``: handles and
    hashtags without their sign. ``[fallback]`` (the brand name) when nothing anchors it."""
    alts = _alternatives(expression, cap=0)
    if () in alts:
        return [fallback]
    texts: list[str] = []
    for alt in alts:
        text = _plain(alt, signs=False)
        if text and text not in texts:
            texts.append(text)
    return texts or [fallback]


def hashtag_candidates(expression: Node) -> list[str]:
    """Hashtags worth following for a query: its one-word anchor terms (``#acme``, ``acme``,
    ``@acme`` all give ``acme``), in query order; phrases and prefixes give none."""
    tags: list[str] = []
    for alt in _alternatives(expression, cap=0):
        for node in alt:
            if isinstance(node, Term) and not node.prefix and node.text.isalnum() and node.text not in tags:
                tags.append(node.text)
    return tags
