"""Parse query text into the AST, check it, and write it back as text.

Grammar (``OR`` binds tighter than the implicit ``AND``, as in X/Twitter
search, so ``a b OR c`` means ``a AND (b OR c)``)::

    query    := and_expr END
    and_expr := or_expr ( ["AND"] or_expr )*
    or_expr  := unary ( "OR" unary )*
    unary    := "-" unary | atom
    atom     := WORD | "@"WORD | "#"WORD | WORD"*" | '"' phrase '"' | "(" and_expr ")"

Only uppercase ``OR`` and ``AND`` are operators; ``or`` is a word. A bare
word that folds into several words (``acme-air``, ``don't``) becomes a
phrase. A bare emoji or symbol (``🔥``) becomes a term matched as a
substring. Every error is a :class:`~foundation.errors.QueryError` that quotes
the query, gives a 1-based column and says what to do.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum

from foundation.errors import QueryError
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from foundation.query.text import fold, tokenize

__all__ = ["MAX_DEPTH", "MAX_QUERY_CHARS", "MAX_TERMS", "parse", "require_positive", "to_text"]

MAX_DEPTH = 64
"""Deepest nesting of parentheses and exclusions a query may have."""
MAX_TERMS = 256
"""Most terms a query may have: words (each word of a phrase counts), handles, hashtags, emoji."""
MAX_QUERY_CHARS = 10_000
"""Longest query text, in characters."""
_SHOWN_CHARS = 80


class _Kind(Enum):
    WORD = "word"
    PHRASE = "phrase"
    LPAREN = "("
    RPAREN = ")"
    MINUS = "-"
    OR = "OR"
    AND = "AND"
    END = "end of query"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str
    column: int  # 1-based


def _shown(query: str) -> str:
    """The query as an error message shows it: one line, same columns, a long one cut short."""
    line = "".join(" " if ch in "\n\r\t" else ch for ch in query)
    return line if len(line) <= _SHOWN_CHARS else line[:_SHOWN_CHARS] + "…"


def _error(query: str, column: int, problem: str, advice: str) -> QueryError:
    return QueryError(f"{problem} at column {column} in query '{_shown(query)}': {advice}")


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Token(_Kind.LPAREN, ch, i + 1))
            i += 1
        elif ch == ")":
            tokens.append(_Token(_Kind.RPAREN, ch, i + 1))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise _error(query, i + 1, "unclosed quote", 'close the phrase with "')
            tokens.append(_Token(_Kind.PHRASE, query[i + 1 : end], i + 1))
            i = end + 1
        elif ch == "-":
            nxt = query[i + 1] if i + 1 < n else ""
            if not nxt or nxt.isspace() or nxt == ")":
                raise _error(
                    query,
                    i + 1,
                    "exclusion with nothing after '-'",
                    "write the word to exclude right after it, as in -fruit",
                )
            tokens.append(_Token(_Kind.MINUS, ch, i + 1))
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '()"':
                i += 1
            word = query[start:i]
            kind = {"OR": _Kind.OR, "AND": _Kind.AND}.get(word, _Kind.WORD)
            tokens.append(_Token(kind, word, start + 1))
    tokens.append(_Token(_Kind.END, "", n + 1))
    return tokens


def _symbols(folded: str) -> str:
    """The emoji and symbols of a word without letters (``🔥!`` gives ``🔥``)."""
    kept = "".join(ch for ch in folded if ch == "\u200d" or unicodedata.category(ch)[0] in "SM")
    return kept if any(unicodedata.category(ch)[0] == "S" for ch in kept) else ""


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _lex(query)
        self.pos = 0
        self.depth = 0
        self.terms = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def peek(self) -> _Kind:
        """The kind of the current token (a call, so type narrowing does not stick)."""
        return self.tokens[self.pos].kind

    def fail(self, token: _Token, problem: str, advice: str) -> QueryError:
        return _error(self.query, token.column, problem, advice)

    def parse(self) -> Node:
        if self.peek() is _Kind.END:
            raise QueryError(f"empty query '{_shown(self.query)}': write at least one word to look for")
        node = self.and_expr()
        if self.peek() is _Kind.RPAREN:
            raise self.fail(self.tok, "unbalanced ')'", "remove it or add a matching '('")
        return node

    def and_expr(self) -> Node:
        children = [self.or_expr()]
        while self.peek() not in (_Kind.END, _Kind.RPAREN):
            if self.peek() is _Kind.AND:
                op = self.tok
                self.pos += 1
                if self.peek() in (_Kind.END, _Kind.RPAREN, _Kind.OR, _Kind.AND):
                    raise self.fail(op, "AND with nothing after it", "add a term or remove AND")
            children.append(self.or_expr())
        return _flatten(And, children)

    def or_expr(self) -> Node:
        children = [self.unary()]
        while self.peek() is _Kind.OR:
            op = self.tok
            self.pos += 1
            if self.peek() in (_Kind.END, _Kind.RPAREN, _Kind.OR, _Kind.AND):
                raise self.fail(op, "OR with nothing after it", "add a term or remove OR")
            children.append(self.unary())
        return _flatten(Or, children)

    def unary(self) -> Node:
        tok = self.tok
        if tok.kind is _Kind.MINUS:
            self.pos += 1
            self.enter(tok)
            child = self.unary()
            self.depth -= 1
            return Not(child)
        return self.atom()

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(tok, "query nested too deeply", f"use at most {MAX_DEPTH} levels of ( and -")

    def count(self, tok: _Token, terms: int) -> None:
        self.terms += terms
        if self.terms > MAX_TERMS:
            raise self.fail(
                tok,
                f"more than {MAX_TERMS} terms",
                f"use at most {MAX_TERMS} words, handles, hashtags and emoji (each word of a phrase counts)",
            )

    def atom(self) -> Node:
        tok = self.tok
        self.pos += 1
        if tok.kind is _Kind.WORD:
            node = self.word(tok)
            self.count(tok, len(node.words) if isinstance(node, Phrase) else 1)
            return node
        if tok.kind is _Kind.PHRASE:
            node = self.phrase(tok)
            self.count(tok, len(node.words) if isinstance(node, Phrase) else 1)
            return node
        if tok.kind is _Kind.LPAREN:
            if self.peek() is _Kind.RPAREN:
                raise self.fail(tok, "empty parentheses", "put terms inside them or remove them")
            self.enter(tok)
            node = self.and_expr()
            self.depth -= 1
            if self.peek() is not _Kind.RPAREN:
                raise self.fail(tok, "unclosed '('", "add a matching ')'")
            self.pos += 1
            return node
        if tok.kind is _Kind.RPAREN:
            raise self.fail(tok, "unbalanced ')'", "remove it or add a matching '('")
        if tok.kind in (_Kind.OR, _Kind.AND):
            raise self.fail(
                tok,
                f"{tok.text} with nothing before it",
                f"put a term before {tok.text}, or write it in lowercase to search for the word",
            )
        raise self.fail(tok, "unexpected end of query", "finish the query")  # pragma: no cover

    def word(self, tok: _Token) -> Node:
        raw = tok.text
        kind = TermKind.WORD
        if raw[0] in "@#":
            kind = TermKind.HANDLE if raw[0] == "@" else TermKind.HASHTAG
            raw = raw[1:]
        prefix = raw.endswith("*")
        if prefix:
            raw = raw[:-1]
        if "*" in raw:
            raise self.fail(tok, "'*' inside a word", "use '*' only at the end, as in refund*")
        folded = fold(raw)
        words = tokenize(folded)
        if kind is not TermKind.WORD:
            sign = "@" if kind is TermKind.HANDLE else "#"
            if len(words) != 1:
                raise self.fail(
                    tok,
                    f"'{sign}' must be followed by one word",
                    f"write it as {sign}name with letters, digits and _ only",
                )
            return Term(words[0], kind, prefix)
        if not words:
            symbols = _symbols(folded)
            if symbols and not prefix:
                return Term(symbols)
            raise self.fail(
                tok,
                f"'{tok.text}' has no letters, digits or emoji to search for",
                "remove it",
            )
        if len(words) == 1:
            return Term(words[0], prefix=prefix)
        if prefix:
            raise self.fail(tok, "'*' after several words", "use '*' on a single word, as in refund*")
        return Phrase(tuple(words))

    def phrase(self, tok: _Token) -> Node:
        words = tokenize(fold(tok.text))
        if not words:
            raise self.fail(tok, "phrase without words", "put words between the quotes or remove them")
        if len(words) == 1:
            return Term(words[0])
        return Phrase(tuple(words))


def _flatten(cls: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        if isinstance(child, cls):
            flat.extend(child.children)
        else:
            flat.append(child)
    return cls(tuple(flat))


def parse(text: str) -> Node:
    """Parse a brand or search query into its syntax tree.

    Raises :class:`~foundation.errors.QueryError` (and nothing else) when the
    query is malformed; the message quotes the query, names the column and
    says how to fix it. The tree may be all exclusions (``-fruit``); brand
    queries must also pass :func:`require_positive`. A query may be at most
    :data:`MAX_QUERY_CHARS` long and hold at most :data:`MAX_TERMS` terms.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query of {len(text):,} characters '{_shown(text)}' is too long: "
            f"use at most {MAX_QUERY_CHARS:,} characters and {MAX_TERMS} terms"
        )
    return _Parser(text).parse()


def _is_positive(node: Node) -> bool:
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_is_positive(c) for c in node.children)
    return all(_is_positive(c) for c in node.children)


def require_positive(node: Node, query_text: str) -> Node:
    """Return ``node`` if it needs at least one term to be present, else raise :class:`QueryError`.

    A query such as ``-fruit`` or ``acme OR -fruit`` matches nearly every
    text on the network; brand queries and stored searches reject it.
    ``query_text`` is the text the user wrote, quoted in the message.
    """
    if not _is_positive(node):
        raise QueryError(
            f"query '{_shown(query_text)}' only excludes: add a term to look for "
            "(every OR alternative needs one), as in 'acme -fruit'"
        )
    return node


def _term_text(term: Term) -> str:
    sign = {TermKind.WORD: "", TermKind.HANDLE: "@", TermKind.HASHTAG: "#"}[term.kind]
    text = f"{sign}{term.text}{'*' if term.prefix else ''}"
    if term.kind is TermKind.WORD and tokenize(term.text) not in ([term.text], []):
        return f'"{term.text}"'
    return text


def to_text(node: Node) -> str:
    """Write ``node`` as canonical query text.

    Round-trips: ``parse(to_text(parse(q))) == parse(q)`` for every query
    :func:`parse` accepts. Terms are written folded (lowercase, no accents).
    """
    if isinstance(node, Term):
        return _term_text(node)
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Not):
        inner = to_text(node.child)
        if isinstance(node.child, And | Or):
            return f"-({inner})"
        return f"-{inner}"
    if isinstance(node, Or):
        return " OR ".join(f"({to_text(c)})" if isinstance(c, And | Or) else to_text(c) for c in node.children)
    return " ".join(f"({to_text(c)})" if isinstance(c, And) else to_text(c) for c in node.children)
