"""Folding and word splitting: the comparisons every query relies on."""

# Look-alike characters (dotless i, full-width and Arabic letters) are the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from foundation.query import fold
from foundation.query.text import extract_handles, extract_hashtags, is_unspaced, tokenize


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ACME", "acme"),
        ("Café", "cafe"),
        ("Crème Brûlée", "creme brulee"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ıslak", "islak"),
        ("Łódź", "lodz"),
        ("ﬁne", "fine"),  # ligature, NFKC
        ("ＡＣＭＥ", "acme"),  # full-width
        ("❤️", "❤"),
        ("Ελλάδα", "ελλαδα"),
        ("がんばって", "がんばって"),  # dakuten kept: it is part of the letter
        ("한국어", "한국어"),  # Hangul recomposed
        ("हिन्दी", "हिन्दी"),  # Devanagari vowel signs kept
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_is_idempotent_on_samples() -> None:
    for s in ["Café", "ǅ", "ᴬ", "ŉ", "ΐ", "Z̷a̴l̸g̵o", "𝔄𝔠𝔪𝔢"]:
        assert fold(fold(s)) == fold(s)


def test_tokenize_unicode_words() -> None:
    assert tokenize(fold("Acme's new-app, v2.0!")) == ["acme", "s", "new", "app", "v2", "0"]
    assert tokenize("می\u200cخواهم") == ["می\u200cخواهم"]  # ZWNJ inside a Persian word
    assert tokenize("😀acme😀") == ["acme"]


def test_hashtags_and_handles() -> None:
    text = fold("#Acme and @Acme_Help, not bob@acme.com or a#b")
    assert extract_hashtags(text) == {"acme"}
    assert extract_handles(text) == {"acme_help"}


def test_is_unspaced() -> None:
    assert is_unspaced("東京")
    assert is_unspaced("ไทย")
    assert is_unspaced("삼성")
    assert not is_unspaced("acme")
    assert not is_unspaced("شركة")
