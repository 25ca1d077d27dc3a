"""Properties that must hold for any input: parse fails only with QueryError, and round-trips."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import QueryError
from foundation.query import MatchDocument, fold, matches, parse, to_text

QUERY_ALPHABET = st.sampled_from(
    [*"abcAB ()\"-*@#_'.!", "OR", "AND", "or", " OR ", "é", "İ", "ß", "東", "🔥", "\u0301"]
)
query_like = st.lists(QUERY_ALPHABET, max_size=30).map("".join)
any_text = st.text(max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.one_of(query_like, any_text))
def test_parse_raises_only_query_error_and_round_trips(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError:
        return
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text
    matches(tree, MatchDocument.from_text(query))  # never raises


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=("Ll", "Lu", "Lo", "Nd")), min_size=1, max_size=8))
def test_a_word_matches_itself_in_a_sentence(word: str) -> None:
    try:
        tree = parse(word)
    except QueryError:
        return
    assert matches(tree, MatchDocument.from_text(f"I wrote {word} today"))
