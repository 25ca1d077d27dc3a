"""Content hashes: copies of one post hash the same, different posts do not."""

# Look-alike characters (dotless i, full-width and Arabic letters) are the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import re

import pytest

from listener.dedup import content_hash

BASE = "My order never arrived and support won't answer! #AcmeFail"


def test_format() -> None:
    digest = content_hash(BASE)
    assert re.fullmatch(r"[0-9a-f]{32}", digest)
    assert content_hash(BASE) == digest


def test_known_value_is_stable() -> None:
    """Stored hashes must not change between releases (a change needs a new HASH_VERSION)."""
    assert content_hash("hello world") == content_hash("Hello,   WORLD!")
    assert content_hash("hello world") == "3a16b3a21660b544d1d4a4dee281fc62"


@pytest.mark.parametrize(
    "copy",
    [
        f"RT @someone: {BASE}",
        f"RT @a: RT @b: {BASE}",
        f"rt: {BASE}",
        f"@acme @acme_help {BASE}",
        f"@acme, {BASE}",
        f"{BASE} https://t.co/AbC123",
        f"{BASE} www.example.com/x?y=1",
        BASE.upper(),
        BASE.replace(" ", "   \n"),
        BASE.replace("!", "!!!"),
        BASE.replace("#", ""),
        f"{BASE} \u200b",
        f"\ufeff{BASE}",
        "ＭＹ " + BASE[3:],  # full-width
    ],
)
def test_copies_hash_the_same(copy: str) -> None:
    assert content_hash(copy) == content_hash(BASE)


def test_emoji_variation_selectors_are_ignored() -> None:
    assert content_hash("love it ❤️") == content_hash("love it ❤")


@pytest.mark.parametrize(
    "other",
    [
        BASE.replace("never", "finally"),
        "My order arrived and support won't answer never! #AcmeFail",  # word order
        BASE + " 😡",
        BASE.replace("order", "ordér"),
        "RT is what I " + BASE,  # RT as a word is content
        BASE + " @bob",  # handles after the start are content
    ],
)
def test_different_texts_differ(other: str) -> None:
    assert content_hash(other) != content_hash(BASE)


def test_emoji_count_as_content() -> None:
    assert content_hash("love it 😍") != content_hash("love it 😡")
    assert content_hash("😍") != content_hash("😡")


def test_link_only_posts_with_different_links_differ() -> None:
    assert content_hash("https://a.example/1") != content_hash("https://a.example/2")
    assert content_hash("@bob") != content_hash("@alice")


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "\x00\x00",
        "\ud800 lone surrogate \udfff",
        "a\u202eb",
        "Z\u0337\u0334\u0338" * 50,
        "🔥" * 1000,
        "x" * 1_000_000,
    ],
)
def test_hostile_input_hashes(hostile: str) -> None:
    assert len(content_hash(hostile)) == 32
