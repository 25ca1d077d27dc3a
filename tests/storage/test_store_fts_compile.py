"""Compiling query trees to FTS5 strings and PostgreSQL tsquery text, and fuzzing both."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundation.errors import QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query import MatchDocument, matches
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from storage import SearchFilters, Store
from storage.search.plan import plan
from storage.search.postgres import compile_tsquery
from storage.search.sqlite import compile_match

_T = datetime(2024, 5, 1, tzinfo=UTC)


def fts5(node: Node) -> str:
    narrowing = plan(node).narrowing
    assert narrowing is not None
    return compile_match(narrowing)


def tsquery(node: Node) -> str:
    narrowing = plan(node).narrowing
    assert narrowing is not None
    return compile_tsquery(narrowing)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Term("refund"), '{search_words} : "wrefund"'),
        (Term("refund", prefix=True), '{search_words} : "wrefund"*'),
        (Term("acme", TermKind.HANDLE), '{search_tags} : "hacme"'),
        (Term("acme", TermKind.HASHTAG, prefix=True), '{search_tags} : "tacme"*'),
        (Phrase(("acme", "air")), '{search_words} : "wacme wair"'),
        (Term("zoo"), '{search_words} : "wz003hoo"'),  # z and every other character escaped
        (And((Term("a"), Term("b"))), '({search_words} : "wa") AND ({search_words} : "wb")'),
        (Or((Term("a"), Term("b"))), '({search_words} : "wa") OR ({search_words} : "wb")'),
        (And((Term("a"), Not(Term("b")))), '(({search_words} : "wa")) NOT (({search_words} : "wb"))'),
        (
            And((Not(Term("b")), Term("a"), Not(Term("c")))),
            '(({search_words} : "wa")) NOT (({search_words} : "wb") OR ({search_words} : "wc"))',
        ),
        (And((Term("a"), Not(Not(Term("b"))))), '({search_words} : "wa") AND ({search_words} : "wb")'),
        (And((Term("a"), And((Not(Term("b")),)))), '(({search_words} : "wa")) NOT (({search_words} : "wb"))'),
    ],
)
def test_fts5_strings_quote_every_token_in_its_column(node: Node, expected: str) -> None:
    assert fts5(node) == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Term("refund", prefix=True), "wrefund:*"),
        (Phrase(("acme", "air")), "(wacme <-> wair)"),
        (And((Term("a"), Not(Term("b")), Not(Term("c")))), "(wa & !(wb | wc))"),
        (Or((Term("a"), Term("b", TermKind.HASHTAG))), "(wa | tb)"),
    ],
)
def test_postgres_tsquery_text(node: Node, expected: str) -> None:
    assert tsquery(node) == expected


def test_no_user_text_reaches_either_engine_unencoded() -> None:
    nasty = "x'); DROP TABLE mentions; -- :* & | ! <-> \\"
    node = And((Term("acme"), Not(Phrase(("a", "b"))), Term(nasty + "y", prefix=True), Term(nasty, TermKind.HANDLE)))
    assert re.fullmatch(r"[a-z0-9 ()&|!<>:*-]+", tsquery(node))
    assert "DROP" not in tsquery(node) and "drop" not in tsquery(node)
    assert re.fullmatch(r'[a-z0-9_ (){}:"*ADNORT]+', fts5(node))
    assert "drop" not in fts5(node)


def test_a_prefix_never_reaches_facet_or_tag_tokens() -> None:
    # Brand facets are b + hex in their own column; words start with w, handles h, hashtags t.
    assert fts5(Term("b", prefix=True)) == '{search_words} : "wb"*'
    assert tsquery(Term("b", prefix=True)) == "wb:*"


def test_a_plan_is_exact_where_the_index_holds_the_matchers_answer() -> None:
    exact = [Term("refund"), Term("refund", prefix=True), Term("acme", TermKind.HANDLE), Term("😡"), Term("東京")]
    exact += [Phrase(("acme", "air")), And((Term("a"), Not(Term("b")))), Or((Term("€"), Term("a")))]
    for node in exact:
        assert plan(node).exact, node
    for node in [Term("東京駅"), Term("$$$"), Phrase(("東京", "駅")), And((Term("a"), Not(Term("東京駅"))))]:
        assert not plan(node).exact, node
        assert plan(node).narrowing is not None, node


def test_exclusion_only_is_refused_before_any_sql() -> None:
    with pytest.raises(QueryError, match="add a term to search for"):
        plan(Not(Term("spam")))


def test_an_exclusion_inside_an_alternative_is_searched_not_refused() -> None:
    # acme AND (-spam OR refund): the brand-query matcher accepts it, so search does too.
    query = And((Term("acme"), Or((Not(Term("spam")), Term("refund")))))
    assert not plan(query).exact and plan(query).narrowing is not None


# --- fuzzing: any tree of any text searches without a database error, finding what the matcher finds

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
    texts = ['he said "refund" (NEAR) now', "a:b & c|d !e 'f'", "café ß 日本 #tag @handle"]
    if store.count(None, SearchFilters()) == 0:
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
    expected = {str(i) for i, t in enumerate(texts) if matches(query, MatchDocument.from_text(t))}
    assert {hit.external_id for hit in hits} == expected
    assert total == len(expected)
