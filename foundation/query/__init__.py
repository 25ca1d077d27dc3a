"""The cxpulse query language: parse brand and search queries, match them on mentions.

::

    >>> from foundation.query import MatchDocument, matches, parse
    >>> query = parse('acme -"acme fruit" (refund* OR #acmefail)')
    >>> matches(query, MatchDocument.from_text("Still waiting for my Acme refund!"))
    True

The syntax is documented for users in ``docs/query-language.md``.
"""

from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from foundation.query.match import MatchDocument, matches
from foundation.query.parser import parse, require_positive, to_text
from foundation.query.text import fold

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
