"""The search strings a keyword-search API needs to see every mention a brand query matches.

Simple search APIs (Hacker News' Algolia, hashtag timelines) cannot take our
full query language, so a source asks them for a few *anchor* terms and lets
the pipeline apply the exact brand query (``matches_query = True``). The
anchors cover the query: every text the query matches contains at least one
of them. ``acme OR "acme air"`` needs both; ``acme refund*`` needs only the
rarer-looking single side of the AND (the one with fewer alternatives).
"""

from __future__ import annotations

from cxpulse.query import Node, Not, Or, Phrase, Term

__all__ = ["anchor_terms", "hashtag_candidates"]


def _anchors(node: Node) -> list[Node] | None:
    """Terms/phrases covering ``node``; None when it cannot be anchored (a negation)."""
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        found: list[Node] = []
        for child in node.children:
            sub = _anchors(child)
            if sub is None:
                return None
            found.extend(s for s in sub if s not in found)
        return found
    options = [a for a in (_anchors(c) for c in node.children) if a]
    return min(options, key=len) if options else None


def _text(node: Node) -> str:
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    assert isinstance(node, Term)
    return node.text


def anchor_terms(expression: Node, fallback: str) -> list[str]:
    """Search strings covering ``expression``: words bare, phrases in quotes, handles and
    hashtags without their sign. ``fallback`` (the brand name) when nothing anchors."""
    anchors = _anchors(expression)
    if not anchors:
        return [fallback]
    texts: list[str] = []
    for node in anchors:
        text = _text(node)
        if text and text not in texts:
            texts.append(text)
    return texts or [fallback]


def hashtag_candidates(expression: Node) -> list[str]:
    """Hashtags worth following for a query: its one-word anchor terms (``#acme``, ``acme``,
    ``@acme`` all give ``acme``), in query order; phrases and prefixes give none."""
    tags: list[str] = []
    for node in _anchors(expression) or []:
        if isinstance(node, Term) and not node.prefix and node.text.isalnum() and node.text not in tags:
            tags.append(node.text)
    return tags
