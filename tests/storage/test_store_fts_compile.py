"""Compiling query trees to FTS5 strings and PostgreSQL tsquery expressions, and fuzzing both."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql

from foundation.errors import QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from storage import SearchFilters, Store
from storage.search.normalize import normalize
from storage.search.postgres import compile_tsquery
from storage.search.sqlite import compile_match

_T = datetime(2024, 5, 1, tzinfo=UTC)


def fts5(node: Node) -> str:
    return compile_match(normalize(node))


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Term("refund"), '"refund"'),
        (Term("refund", prefix=True), '"refund"*'),
        (Term("acme", TermKind.HANDLE), '"acme"'),
        (Phrase(("acme", "air")), '"acme air"'),
        (Term('say "hi"'), '"say ""hi"""'),
        (Term("NEAR"), '"NEAR"'),
        (And((Term("a"), Term("b"))), '("a") AND ("b")'),
        (Or((Term("a"), Term("b"))), '("a") OR ("b")'),
        (And((Term("a"), Not(Term("b")))), '(("a")) NOT ("b")'),
        (And((Not(Term("b")), Term("a"), Not(Term("c")))), '((("a")) NOT ("b")) NOT ("c")'),
        (And((Term("a"), Not(Not(Term("b"))))), '("a") AND ("b")'),
        (And((Term("a"), And((Not(Term("b")),)))), '(("a")) NOT ("b")'),
    ],
)
def test_fts5_strings_quote_every_term(node: Node, expected: str) -> None:
    assert fts5(node) == expected


def test_postgres_tsquery_keeps_user_text_out_of_the_sql() -> None:
    nasty = "x'); DROP TABLE mentions; --"
    node = And((Term(nasty), Not(Phrase((nasty, "b"))), Term(nasty + "y", prefix=True)))
    compiled = compile_tsquery(normalize(node)).compile(dialect=postgresql.dialect())
    assert "DROP" not in str(compiled)
    assert any("DROP" in str(value) for value in compiled.params.values())


def test_a_prefix_term_reaches_postgres_as_word_characters_only() -> None:
    compiled = compile_tsquery(normalize(Term("re:fund!|&*", prefix=True))).compile(dialect=postgresql.dialect())
    assert list(compiled.params.values()) == ["re <-> fund:*"]


def test_exclusion_only_is_refused_before_any_sql() -> None:
    with pytest.raises(QueryError, match="add a term to search for"):
        normalize(Not(Term("spam")))


# --- fuzzing: any tree of any text must search without a database error -------------------

NASTY = "\"*():&|!'\\^-+{}[]<>@#.,;~`" + "\t\n"
KEYWORDS = st.sampled_from(["NEAR", "AND", "OR", "NOT", "near", "NEAR/2", "text:", ":*"])
TEXT = st.one_of(
    KEYWORDS,
    st.text(alphabet=st.sampled_from(NASTY + string.ascii_lowercase + "éß日"), max_size=8),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=8,
    ),
)
LEAVES = st.one_of(
    st.builds(Term, TEXT, st.sampled_from(list(TermKind)), st.booleans()),
    st.builds(Phrase, st.lists(TEXT, min_size=1, max_size=3).map(tuple)),
)
TREES: st.SearchStrategy[Node] = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.builds(And, st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Or, st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, children),
    ),
    max_leaves=6,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=TREES)
def test_random_queries_never_raise_a_database_error(store: Store, query: Node) -> None:
    if store.count(None, SearchFilters()) == 0:
        texts = ['he said "refund" (NEAR) now', "a:b & c|d !e 'f'", "café ß 日本 #tag @handle"]
        batch = [
            StoredMention(
                source="s",
                external_id=str(i),
                text=t,
                created_at=_T,
                collected_at=_T,
                content_hash=str(i),
            )
            for i, t in enumerate(texts)
        ]
        store.save_batch(batch, source="s", brand="acme", cursor=Cursor())
    try:
        hits = store.search(query, SearchFilters(brands=("acme",)), limit=5)
        total = store.count(query, SearchFilters())
    except QueryError:
        return  # exclusion-only trees are refused on purpose
    assert len(hits) <= total <= 3
