"""The cxpulse query language: parse brand and search queries, match them on mentions.

::

    >>> from cxpulse.query import MatchDocument, matches, parse
    >>> query = parse('acme -"acme fruit" (refund* OR #acmefail)')
    >>> matches(query, MatchDocument.from_text("Still waiting for my Acme refund!"))
    True

The syntax is documented for users in ``docs/query-language.md``.
"""

from cxpulse.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from cxpulse.query.match import MatchDocument, matches
from cxpulse.query.parser import parse, require_positive, to_text
from cxpulse.query.text import fold

__all__ = [
    "And",
    "MatchDocument",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Term",
    "TermKind",
    "fold",
    "matches",
    "parse",
    "require_positive",
    "to_text",
]
