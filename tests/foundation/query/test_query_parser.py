"""Parsing brand and search queries: precedence, grouping, canonical text, errors."""

from __future__ import annotations

import pytest

from foundation.errors import QueryError
from foundation.query import (
    And,
    Not,
    Or,
    Phrase,
    Term,
    TermKind,
    parse,
    require_positive,
    to_text,
)
from foundation.query.parser import MAX_QUERY_CHARS, MAX_TERMS


def w(text: str, prefix: bool = False) -> Term:
    return Term(text, TermKind.WORD, prefix)


def test_single_word_is_folded() -> None:
    assert parse("Café") == w("cafe")


def test_implicit_and() -> None:
    assert parse("acme refund") == And((w("acme"), w("refund")))


def test_or_binds_tighter_than_implicit_and() -> None:
    assert parse("a b OR c") == And((w("a"), Or((w("b"), w("c")))))


def test_or_binds_tighter_than_explicit_and() -> None:
    assert parse("a AND b OR c") == parse("a b OR c")


def test_parentheses_group() -> None:
    assert parse("(a b) OR c") == Or((And((w("a"), w("b"))), w("c")))


def test_nested_same_operators_are_flattened() -> None:
    assert parse("a (b c)") == And((w("a"), w("b"), w("c")))
    assert parse("a OR (b OR c)") == Or((w("a"), w("b"), w("c")))


def test_lowercase_or_and_and_are_words() -> None:
    assert parse("a or b and c") == And((w("a"), w("or"), w("b"), w("and"), w("c")))


def test_exclusions() -> None:
    assert parse('acme -"acme fruit"') == And((w("acme"), Not(Phrase(("acme", "fruit")))))
    assert parse("acme -(a OR b)") == And((w("acme"), Not(Or((w("a"), w("b"))))))


def test_handles_hashtags_prefixes() -> None:
    assert parse("@AcmeAir") == Term("acmeair", TermKind.HANDLE)
    assert parse("#AcmeFail") == Term("acmefail", TermKind.HASHTAG)
    assert parse("refund*") == w("refund", prefix=True)
    assert parse("#acme*") == Term("acme", TermKind.HASHTAG, True)


def test_word_with_inner_punctuation_becomes_phrase() -> None:
    assert parse("acme-air") == Phrase(("acme", "air"))
    assert parse("acme's") == Phrase(("acme", "s"))


def test_one_word_phrase_is_a_term() -> None:
    assert parse('"Acme"') == w("acme")


def test_quoted_operators_are_words() -> None:
    assert parse('"OR" x') == And((w("or"), w("x")))


def test_emoji_term() -> None:
    assert parse("acme 🔥") == And((w("acme"), w("🔥")))


def test_cjk_term() -> None:
    assert parse("東京駅") == w("東京駅")


@pytest.mark.parametrize(
    "query",
    [
        "acme",
        "a b OR c",
        "(a b) OR c",
        'acme -"acme fruit" (refund* OR #acmefail OR @acme_help)',
        "-(a OR b) c",
        "--a",
        "(a OR b) (c OR -d)",
        "東京 🔥 café",
    ],
)
def test_to_text_round_trips(query: str) -> None:
    tree = parse(query)
    assert parse(to_text(tree)) == tree


def test_to_text_is_canonical() -> None:
    assert to_text(parse("A AND (B OR c)  -Fruit")) == "a b OR c -fruit"
    assert to_text(parse("(a b) OR c")) == "(a b) OR c"


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ('acme "air', 6, 'close the phrase with "'),
        ("a OR", 3, "OR with nothing after it"),
        ("OR a", 1, "OR with nothing before it"),
        ("a OR OR b", 3, "OR with nothing after it"),
        ("a AND", 3, "AND with nothing after it"),
        ("(a b", 1, "unclosed '('"),
        ("a b)", 4, "unbalanced ')'"),
        ("a - b", 3, "exclusion with nothing after '-'"),
        ("a -", 3, "exclusion with nothing after '-'"),
        ("a ()", 3, "empty parentheses"),
        ('a ""', 3, "phrase without words"),
        ("a !!!", 3, "no letters, digits or emoji"),
        ("ac*me", 1, "'*' inside a word"),
        ("acme-air*", 1, "'*' after several words"),
        ("@", 1, "'@' must be followed by one word"),
        ("#acme-air", 1, "'#' must be followed by one word"),
    ],
)
def test_errors_name_column_and_quote_query(query: str, column: int, fragment: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    message = str(info.value)
    assert f"at column {column}" in message
    assert f"in query '{query}'" in message
    assert fragment in message


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query(query: str) -> None:
    with pytest.raises(QueryError, match="empty query"):
        parse(query)


def test_error_message_is_one_line() -> None:
    with pytest.raises(QueryError) as info:
        parse('acme\n"air')
    assert "\n" not in str(info.value)


def test_deep_nesting_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("(" * 500 + "a" + ")" * 500)
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("-" * 500 + "a")


def test_an_or_chain_up_to_the_term_limit_is_fine() -> None:
    tree = parse(" OR ".join(f"w{i}" for i in range(MAX_TERMS)))
    assert isinstance(tree, Or) and len(tree.children) == MAX_TERMS


@pytest.mark.parametrize(
    "query",
    [
        " OR ".join(f"w{i}" for i in range(MAX_TERMS + 1)),
        " ".join(f"w{i}" for i in range(MAX_TERMS + 1)),
        '"' + " ".join(f"w{i}" for i in range(MAX_TERMS + 1)) + '"',
        " ".join(["@a #b 🔥 -c"] * (MAX_TERMS // 4)) + " d",
    ],
)
def test_more_terms_than_the_limit_is_a_query_error_naming_the_limit(query: str) -> None:
    with pytest.raises(QueryError, match=f"more than {MAX_TERMS} terms at column .*: use at most {MAX_TERMS}"):
        parse(query)


def test_a_query_longer_than_the_character_limit_is_a_query_error() -> None:
    parse("a" * MAX_QUERY_CHARS)
    with pytest.raises(QueryError, match=f"too long: use at most {MAX_QUERY_CHARS:,} characters") as info:
        parse("a" * (MAX_QUERY_CHARS + 1))
    assert len(str(info.value)) < 300  # the query is shown cut short


@pytest.mark.parametrize("query", ["-fruit", "-a -b", "acme OR -fruit", "-(a b)"])
def test_require_positive_rejects_exclusion_only(query: str) -> None:
    with pytest.raises(QueryError, match="only excludes"):
        require_positive(parse(query), query)


@pytest.mark.parametrize("query", ["acme", "acme -fruit", "(a OR b) -c", "a (b OR c)"])
def test_require_positive_accepts(query: str) -> None:
    tree = parse(query)
    assert require_positive(tree, query) is tree
