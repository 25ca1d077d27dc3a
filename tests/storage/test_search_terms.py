"""The index tokens: any text becomes a-z0-9 tokens, and prefixes and equality survive the encoding."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.search.terms import OVERFLOW, encode, index_terms

any_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=500, deadline=None)
@given(any_text, any_text)
def test_encoding_keeps_equality_and_prefixes(a: str, b: str) -> None:
    assert re.fullmatch("[a-z0-9]*", encode(a))
    assert (encode(a) == encode(b)) == (a == b)
    assert encode(a + b).startswith(encode(a))
    assert encode(a).startswith(encode(b)) == a.startswith(b)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_indexed_as_tokens_both_engines_keep_whole(text: str) -> None:
    terms = index_terms(text)
    assert re.fullmatch("[a-z0-9 ]*", terms.words)
    assert re.fullmatch("[a-z0-9 ]*", terms.tags)
    assert all(token[0] == "w" for token in terms.words.split())
    assert all(token[0] in "htcp" for token in terms.tags.split())


def test_the_ascii_symbols_are_exactly_the_ascii_characters_of_category_s() -> None:
    symbols = "".join(chr(c) for c in range(128) if unicodedata.category(chr(c)).startswith("S"))
    assert symbols == "$+<=>^`|~"
    assert {token for token in index_terms(symbols).tags.split() if token.startswith("c")}
    assert len(index_terms(symbols).tags.split()) == 2 * len(symbols) - 1  # each, and each pair


def test_a_mention_too_big_for_the_postgresql_index_is_left_to_the_matcher() -> None:
    assert index_terms("acme " * 251).tags == OVERFLOW
    assert index_terms(" ".join(f"w{i}" for i in range(16_001))).tags == OVERFLOW
    assert index_terms("acme " * 250).tags != OVERFLOW
