"""Search snippets: a window of the text around the first match, matched terms marked.

Built here rather than by FTS5's ``snippet()`` or PostgreSQL's ``ts_headline``:
the index holds encoded tokens, not the text (:mod:`storage.search.terms`), and
marking what the query matcher matched, folded (``cafe`` marks "Café"), gives
the same snippet on both backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from foundation.query.match import is_substring_term
from foundation.query.text import WORD_PATTERN, fold, tokenize
from storage.results import SNIPPET_END, SNIPPET_START

__all__ = ["PLAIN_SNIPPET_CHARS", "snippet"]

PLAIN_SNIPPET_CHARS = 200
"""Characters of a snippet (a text without a marked term starts the same way)."""
CONTEXT_CHARS = 60
"""Characters kept before the first match."""
SCAN_CHARS = 10_000
"""Characters of a text searched word by word for the first match; past them, a
case-insensitive search for the terms as written finds where to cut the window."""

_WORD = re.compile(WORD_PATTERN)


@dataclass
class _Wanted:
    words: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    handles: set[str] = field(default_factory=set)
    handle_prefixes: list[str] = field(default_factory=list)
    hashtags: set[str] = field(default_factory=set)
    hashtag_prefixes: list[str] = field(default_factory=list)
    substrings: set[str] = field(default_factory=set)


def _wanted(query: Node) -> _Wanted:
    """The terms a match may show: every term not under an exclusion."""
    wanted = _Wanted()
    stack = [query]
    while stack:
        node = stack.pop()
        if isinstance(node, And | Or):
            stack.extend(node.children)
        elif isinstance(node, Not):
            continue
        elif isinstance(node, Phrase):
            for word in node.words:
                (wanted.substrings if is_substring_term(word) else wanted.words).add(word)
        elif isinstance(node, Term) and node.text:
            if node.kind is TermKind.HANDLE:
                (wanted.handle_prefixes.append if node.prefix else wanted.handles.add)(node.text)
            elif node.kind is TermKind.HASHTAG:
                (wanted.hashtag_prefixes.append if node.prefix else wanted.hashtags.add)(node.text)
            elif is_substring_term(node.text):
                wanted.substrings.add(node.text)
            else:
                (wanted.prefixes.append if node.prefix else wanted.words.add)(node.text)
    return wanted


def _spans(text: str, wanted: _Wanted) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    prefixes, handle_prefixes, hashtag_prefixes = (
        tuple(wanted.prefixes),
        tuple(wanted.handle_prefixes),
        tuple(wanted.hashtag_prefixes),
    )
    signed = bool(wanted.handles or wanted.hashtags or handle_prefixes or hashtag_prefixes)
    for match in _WORD.finditer(text):
        parts = tokenize(fold(match.group()))
        if any(part in wanted.words or (prefixes and part.startswith(prefixes)) for part in parts):
            spans.append(match.span())
        elif signed and parts and match.start() > 0 and text[match.start() - 1] in "@#":
            part = parts[0]
            if text[match.start() - 1] == "@":
                hit = part in wanted.handles or bool(handle_prefixes and part.startswith(handle_prefixes))
            else:
                hit = part in wanted.hashtags or bool(hashtag_prefixes and part.startswith(hashtag_prefixes))
            if hit:
                spans.append((match.start() - 1, match.end()))
    lowered = text.casefold() if wanted.substrings else ""
    for sub in wanted.substrings:
        for found in re.finditer(re.escape(sub), lowered if len(lowered) == len(text) else text):
            spans.append(found.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _plain(text: str) -> str:
    if len(text) <= PLAIN_SNIPPET_CHARS:
        return text
    return text[:PLAIN_SNIPPET_CHARS].rstrip() + "…"


def _first_match(text: str, wanted: _Wanted) -> int | None:
    """Where the first marked term starts: exactly in the first :data:`SCAN_CHARS`, then roughly."""
    spans = _spans(text[:SCAN_CHARS], wanted)
    if spans:
        return spans[0][0]
    if len(text) <= SCAN_CHARS:
        return None
    literals = [*wanted.words, *wanted.prefixes, *wanted.substrings]
    literals += [f"@{h}" for h in (*wanted.handles, *wanted.handle_prefixes)]
    literals += [f"#{h}" for h in (*wanted.hashtags, *wanted.hashtag_prefixes)]
    if not literals:
        return None
    pattern = re.compile("|".join(re.escape(literal) for literal in sorted(literals, key=len, reverse=True)), re.I)
    found = pattern.search(text, SCAN_CHARS - 100)
    return found.start() if found else None


def snippet(text: str, query: Node | None) -> str:
    """A short window of ``text`` with the terms of ``query`` it shows marked
    (:data:`~storage.results.SNIPPET_START` ... :data:`~storage.results.SNIPPET_END`)."""
    clean = text.replace(SNIPPET_START, " ").replace(SNIPPET_END, " ")
    if query is None:
        return _plain(clean)
    wanted = _wanted(query)
    first = _first_match(clean, wanted)
    if first is None:
        return _plain(clean)
    start = max(0, first - CONTEXT_CHARS)
    if start > 0:
        space = clean.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(clean), start + PLAIN_SNIPPET_CHARS)
    if end < len(clean):
        space = clean.rfind(" ", first + 1, end)
        end = space if space >= 0 else end
    window = clean[start:end]
    out = ["…"] if start > 0 else []
    position = 0
    for span_start, span_end in _spans(window, wanted):
        out += [window[position:span_start], SNIPPET_START, window[span_start:span_end], SNIPPET_END]
        position = span_end
    out.append(window[position:])
    if end < len(clean):
        out[-1] = out[-1].rstrip()
        out.append("…")
    return "".join(out)
