"""Text normalization before matching, classification and storage."""

# Look-alike characters (dotless i, full-width and Arabic letters) are the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import time
import unicodedata

import pytest

from listener.normalize import NormalizedText, normalize_text


def norm(text: str, **kwargs: int) -> str:
    return normalize_text(text, **kwargs).text


def test_plain_text_is_unchanged() -> None:
    assert normalize_text("My order never arrived.") == NormalizedText("My order never arrived.", truncated=False)


def test_nfc() -> None:
    assert norm("cafe\u0301") == "caf\u00e9"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u2028b", "a\nb"),
        ("a  \t\t b", "a b"),
        ("a\u00a0\u3000b", "a b"),
        ("  a  ", "a"),
        ("a \n \n\n\n\n b", "a\n\nb"),
        ("a \n b", "a\nb"),
        ("\n\na\n\n", "a"),
    ],
)
def test_whitespace(raw: str, clean: str) -> None:
    assert norm(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),  # NUL
        ("a\x07b\x1b[31m", "ab[31m"),  # bell, escape
        ("a\u200bb", "ab"),  # zero-width space
        ("\ufeffhello", "hello"),  # BOM
        ("soft\u00adhyphen", "softhyphen"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
        ("a\u2066b\u2069", "ab"),  # bidi isolates
        ("x\ud800y\udfffz", "xyz"),  # lone surrogates
    ],
)
def test_invisible_and_control_characters_are_removed(raw: str, clean: str) -> None:
    assert norm(raw) == clean


def test_meaningful_joiners_are_kept() -> None:
    assert norm("👩\u200d💻 at work") == "👩\u200d💻 at work"  # emoji ZWJ sequence
    assert norm("می\u200cخواهم") == "می\u200cخواهم"  # Persian ZWNJ
    flag = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert norm(f"go {flag}") == f"go {flag}"
    assert norm("a\u200db") == "ab"  # a ZWJ between letters is noise
    assert norm("a\U000e0067b") == "ab"  # stray tag character


def test_rtl_text_is_kept() -> None:
    text = "خدمة العملاء سيئة جدا"
    assert norm(text) == text


def test_emoji_only_and_empty() -> None:
    assert norm("🔥🔥") == "🔥🔥"
    assert normalize_text("") == NormalizedText("", truncated=False)
    assert norm("\u200b\x00 \n") == ""


def test_truncation() -> None:
    result = normalize_text("hello world", max_chars=5)
    assert result == NormalizedText("hello", truncated=True)


def test_truncation_keeps_combining_marks_with_their_letter() -> None:
    zalgo = "Z" + "\u0337\u0334\u0338" * 10 + "a"
    result = normalize_text(zalgo, max_chars=5)
    assert result.text == ""
    assert result.truncated
    assert norm("abq\u0301d", max_chars=3) == "ab"  # q + acute has no precomposed form


def test_truncation_keeps_emoji_sequences_and_flags_whole() -> None:
    assert norm("x👩\u200d💻", max_chars=3) == "x"
    assert norm("🇫🇷🇩🇪", max_chars=3) == "🇫🇷"
    assert norm("ok👍🏽", max_chars=3) == "ok"


def test_zalgo_is_kept_but_normalized() -> None:
    text = "Z\u0337a\u0334l\u0338g\u0335o"
    assert norm(text) == unicodedata.normalize("NFC", text)


def test_one_megabyte() -> None:
    big = ("word \u200b\x00 " * 120_000)[:1_000_000]
    start = time.perf_counter()
    result = normalize_text(big)
    assert time.perf_counter() - start < 2
    assert result.truncated
    assert len(result.text) <= 20_000
    assert "\x00" not in result.text and "\u200b" not in result.text


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        normalize_text("a", max_chars=0)


def test_output_is_stable() -> None:
    for raw in ["a \r\n\r\n\r\n b\u200b", "x\u00a0 y", "🇫🇷 \u202e e\u0301"]:
        once = norm(raw)
        assert norm(once) == once
