"""Matching queries on mention texts, as a CX team would check them."""

# Look-alike characters (dotless i, full-width and Arabic letters) are the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from foundation.query import MatchDocument, matches, parse


def hit(query: str, text: str) -> bool:
    return matches(parse(query), MatchDocument.from_text(text))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("acme", "I love ACME"),
        ("acme", "Acme's support is slow"),  # possessive
        ("acme", "acme!"),
        ("acme", "(acme)"),
        ("acme", "thanks #Acme"),  # a word also matches the hashtag
        ("acme", "hey @acme where is my order"),  # and the handle
        ("cafe", "Café Acme"),  # accents
        ("café", "CAFE ACME"),
        ("istanbul", "İSTANBUL havalimanı"),  # Turkish dotted capital I
        ("havalimani", "İSTANBUL havalimanı"),  # Turkish dotless i
        ("strasse", "Straße"),  # German sharp s
        ("straße", "STRASSE"),
        ("refund*", "Refunds take forever"),
        ("refund*", "refund"),
        ('"acme air"', "Flying Acme Air today"),
        ('"acme air"', "acme-air rocks"),  # phrases match across punctuation
        ('"acme air"', "ACME, air!"),
        ("acme-air", "Acme Air"),
        ("@acme", "hi @Acme!"),
        ("#acmefail", "again #AcmeFail"),
        ("#acme*", "#AcmeFail"),
        ("@acme*", "@acme_help"),
        ("🔥", "acme is 🔥🔥"),
        ("❤️", "love acme ❤"),  # variation selector ignored
        ("شركة", "خدمة شركة أكمي سيئة"),  # Arabic, RTL
        ("أكمي", "خِدْمَةُ أَكْمِي"),  # Arabic vowel marks ignored
        ("東京", "東京駅で遅延"),  # CJK: substring
        ("遅延", "東京駅で遅延しました"),
        ("ไทย", "สายการบินไทยดีมาก"),  # Thai: substring
        ("삼성", "삼성이 최고"),  # Korean particle attached
        ("हिन्दी", "मुझे हिन्दी पसंद है"),  # Devanagari with vowel signs
        ("Z̷a̴l̸g̵o", "zalgo"),
        ("acme OR globex", "globex rocks"),
        ("acme (refund OR delay)", "Acme delay again"),
        ("acme -fruit", "acme airline"),
        ("acme or", "acme or else"),  # lowercase or is a word
    ],
)
def test_matches(query: str, text: str) -> None:
    assert hit(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("acme", "acmeville is nice"),  # whole words only
        ("acme", "@acme_help is slow"),
        ("acme", "#AcmeFail"),
        ("@acme", "mail bob@acme.com"),  # an e-mail is not a handle
        ("@acme", "acme is fine"),
        ("#acme", "acme is fine"),
        ("#acme", "@acme is fine"),
        ('"acme air"', "air acme"),
        ('"acme air"', "acme the air"),
        ("refund*", "refun"),
        ("strasse", "strase"),
        ("東京", "京東"),
        ("acme -fruit", "Acme fruit bars"),
        ('acme -"acme fruit"', "acme-fruit bars"),
        ("acme -(fruit OR juice)", "acme juice"),
        ("acme refund", "acme only"),
        ("🔥", "fire"),
    ],
)
def test_does_not_match(query: str, text: str) -> None:
    assert not hit(query, text)


def test_words_inside_urls_and_emails_match() -> None:
    # Documented behaviour: text is split at every non-word character.
    assert hit("acme", "see https://acme.com/help")
    assert hit("acme", "mail bob@acme.com")


def test_empty_and_emoji_only_text() -> None:
    assert not hit("acme", "")
    assert not hit("acme", "🔥🔥🔥")
    assert hit("-acme", "")


def test_document_parts() -> None:
    doc = MatchDocument.from_text("RT @AcmeHelp: Café #Delay, bob@x.com")
    assert doc.handles == {"acmehelp"}
    assert doc.hashtags == {"delay"}
    assert doc.tokens == ("rt", "acmehelp", "cafe", "delay", "bob", "x", "com")


def test_phrase_with_repeated_first_word() -> None:
    assert hit('"acme air lines"', "acme acme air acme air lines")
    assert not hit('"acme air lines"', "acme air acme lines air")
