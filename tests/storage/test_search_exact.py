"""Regression tests for issue 17 §1: each query search and the brand-query matcher disagreed on.

Every case runs on SQLite and PostgreSQL and checks search against the matcher
itself, so the expected set is the language's, not a hand-written guess.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest

from foundation.errors import QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query import MatchDocument, matches, parse, require_positive
from foundation.query.ast import And, Node, Or, Term
from foundation.query.parser import MAX_DEPTH, MAX_TERMS
from storage import SNIPPET_END, SNIPPET_START, SearchFilters, Store
from storage.search.facets import brand_token

MentionFactory = Callable[..., StoredMention]
ALL = SearchFilters()

TEXTS = {
    "angry": "refund now 😡😡 please",
    "calm": "refund please, no rush",
    "euro": "it was 30€ for nothing",
    "dollar": "it was $30 for nothing",
    "handle": "hey @skyhop where is my bag",
    "word": "skyhop lost my bag",
    "underscore": "ask @skyhop_help instead",
    "email": "mail bob@skyhop.com about it",
    "hashtag": "again #northwindair",
    "hashtag-word": "northwindair again",
    "hashtag-longer": "#NorthwindAirFail",
    "banana": "banana bread",
    "tokyo": "東京駅で遅延しています",
    "kyoto": "京都は晴れ",
    "thai": "ร้านนี้บริการแย่มาก",
    "korean": "삼성이 좋아요",
    "fullwidth": "\uff21\uff23\uff2d\uff25 \uff21\uff29\uff32 is late",
    "ligature": "ﬁnally arrived",
    "strokes": "Łódź øre đuro ħal",
    "url": "see https://example.com/refund/status/123 for details",
    "accents": "Café crème brûlée",
}


@pytest.fixture
def texts(store: Store, mention: MentionFactory) -> Store:
    batch = [mention(key, text) for key, text in TEXTS.items()]
    store.save_batch(batch, source="twitter", brand="Northwind Air", cursor=Cursor())
    return store


def matcher(query: Node) -> set[str]:
    return {key for key, text in TEXTS.items() if matches(query, MatchDocument.from_text(text))}


def found(store: Store, query: Node, filters: SearchFilters = ALL) -> set[str]:
    hits = store.search(query, filters, limit=100)
    assert store.count(query, filters) == len(hits)
    return {hit.external_id for hit in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("😡", {"angry"}),
        ("€", {"euro"}),
        ("refund 😡", {"angry"}),  # PostgreSQL dropped the emoji and found every refund
        ("@skyhop", {"handle"}),  # not the word, not @skyhop_help, not an e-mail address
        ("@skyhop*", {"handle", "underscore"}),
        ("skyhop", {"handle", "word", "email"}),
        ("#northwindair", {"hashtag"}),  # not the word, not a longer hashtag
        ("#northwind*", {"hashtag", "hashtag-longer"}),
        ("ba*", {"banana", "handle", "word"}),  # banana, bag
        ("東京", {"tokyo"}),  # CJK: anywhere in the text
        ("駅で遅延", {"tokyo"}),
        ("京", {"tokyo", "kyoto"}),
        ("บริการ", {"thai"}),  # Thai has no spaces between words
        ("삼성", {"korean"}),
        ("acme", {"fullwidth"}),  # full-width letters fold to ASCII
        ("\uff21\uff23\uff2d\uff25", {"fullwidth"}),
        ('"acme air"', {"fullwidth"}),
        ("finally", {"ligature"}),
        ("ﬁnally", {"ligature"}),
        ("lodz", {"strokes"}),
        ("łódź", {"strokes"}),
        ("ore", {"strokes"}),
        ("duro", {"strokes"}),
        ("hal", {"strokes"}),
        ("refund", {"angry", "calm", "url"}),  # PostgreSQL's parser kept /refund/status/123 whole
        ("status", {"url"}),
        ("example", {"url"}),
        ("cafe", {"accents"}),
        ("creme brulee", {"accents"}),
        ("refund -😡", {"calm", "url"}),
        ("$", {"dollar"}),
    ],
)
def test_search_finds_what_the_matcher_finds(texts: Store, query: str, expected: set[str]) -> None:
    tree = require_positive(parse(query), query)
    assert matcher(tree) == expected  # the language's answer, as documented
    assert found(texts, tree) == expected


def test_a_prefix_never_reaches_the_brand_facet_tokens(store: Store, mention: MentionFactory) -> None:
    brand = next(f"brand {i}" for i in count() if brand_token(f"brand {i}").startswith("ba"))
    store.save_batch([mention("1", "nothing to see")], source="twitter", brand=brand, cursor=Cursor())
    for query in ("ba*", "b*", "#ba*", "@ba*", brand_token(brand)):
        tree = parse(query)
        assert found(store, tree) == set(), query
        assert found(store, tree, SearchFilters(brands=(brand,))) == set(), query


def test_an_exclusion_inside_an_alternative_is_searched_like_the_matcher_does(texts: Store) -> None:
    # "refund AND (-calm OR 😡)": search refused it before; the matcher accepts it.
    tree = require_positive(parse("refund -please OR 😡"), "refund -please OR 😡")
    assert found(texts, tree) == matcher(tree) == {"angry", "url"}


def test_a_query_of_many_words_searches_on_both_backends(texts: Store) -> None:
    # PostgreSQL raised RecursionError from the SQL compiler at about 90 words.
    words = " ".join(["refund"] * 40 + [f"w{i}" for i in range(80)])
    assert found(texts, parse(words)) == set()
    alternatives = " OR ".join([f"w{i}" for i in range(MAX_TERMS - 1)] + ["refund"])
    assert found(texts, parse(alternatives)) == {"angry", "calm", "url"}


def test_the_deepest_query_the_language_allows_searches_on_both_backends(texts: Store) -> None:
    # Two tree levels per parenthesis (a AND (b OR ...)), and exclusions of groups.
    for query in (
        "refund " + "(no please OR " * MAX_DEPTH + "c" + ")" * MAX_DEPTH,
        "refund " + "-(a " * (MAX_DEPTH // 2) + "c" + ")" * (MAX_DEPTH // 2),
        "refund " + "(x OR " * MAX_DEPTH + "please" + ")" * MAX_DEPTH,
    ):
        tree = parse(query)
        assert found(texts, tree) == matcher(tree) != set()


def test_a_tree_larger_than_the_language_allows_is_a_query_error(store: Store) -> None:
    big = Or(tuple(Term(f"w{i}") for i in range(MAX_TERMS + 1)))
    with pytest.raises(QueryError, match=f"more than {MAX_TERMS} terms"):
        store.search(big, ALL)
    deep: Node = Term("a")
    for _ in range(1000):
        deep = And((Term("b"), deep))
    with pytest.raises(QueryError, match="nested more than"):
        store.count(deep, ALL)


def test_an_overlong_mention_is_found_through_the_matcher(store: Store, mention: MentionFactory) -> None:
    repeated = "acme " * 300 + "lost my refund"  # one word at more positions than PostgreSQL keeps
    filler = " ".join(f"word{i}" for i in range(20_000)) + " needle at the end"  # over 16,383 positions
    store.save_batch(
        [mention("repeated", repeated), mention("long", filler), mention("short", "acme refund")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )
    assert found(store, parse('"my refund"')) == {"repeated"}
    assert found(store, parse("needle")) == {"long"}
    assert found(store, parse('"the end"')) == {"long"}
    assert found(store, parse("acme refund")) == {"repeated", "short"}
    assert found(store, parse("acme -lost")) == {"short"}
    assert store.search(parse("acme"), ALL)[0].external_id == "short"  # indexed ones first
    [hit] = store.search(parse("needle"), ALL)
    assert f"{SNIPPET_START}needle{SNIPPET_END}" in hit.snippet and len(hit.snippet) < 400


def test_a_text_changed_outside_cxpulse_is_still_found_exactly(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("1", "parcel lost")], source="twitter", brand="acme", cursor=Cursor())
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE mentions SET text = 'parcel stolen 😡' WHERE external_id = '1'")
    assert found(store, parse("stolen")) == {"1"}
    assert found(store, parse("😡")) == {"1"}
    assert found(store, parse("lost")) == set()


def test_snippets_mark_what_the_matcher_matched(texts: Store) -> None:
    def marked(query: str) -> list[str]:
        [hit] = texts.search(parse(query), ALL)
        return [part.split(SNIPPET_END)[0] for part in hit.snippet.split(SNIPPET_START)[1:]]

    assert marked("cafe") == ["Café"]
    assert marked("@skyhop") == ["@skyhop"]
    assert marked("東京") == ["東京"]
    assert marked("😡") == ["😡😡"]
    assert marked("acme") == ["\uff21\uff23\uff2d\uff25"]


def test_marker_characters_in_a_text_cannot_forge_a_highlight(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("1", "a \x02fake\x03 refund")], source="twitter", brand="acme", cursor=Cursor())
    [hit] = store.search(parse("refund"), ALL)
    assert hit.snippet.count(SNIPPET_START) == 1 and f"{SNIPPET_START}refund{SNIPPET_END}" in hit.snippet
