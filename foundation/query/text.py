"""Text folding and word splitting shared by the query parser, the matcher and storage.

Every piece of text a query is compared with goes through :func:`fold` first,
so ``Café``, ``CAFE`` and ``cafe`` compare equal, and a query term stored in
the AST (always folded) compares like with like.

Word boundaries follow Unicode: a word is a run of letters, digits, ``_`` and
combining marks (so Devanagari or Thai words are not cut at their vowel
signs), optionally joined by ZWNJ/ZWJ. Scripts written without spaces
(Chinese, Japanese, Thai, Lao, Khmer, Myanmar, Tibetan) and Korean, whose
particles attach to nouns, have no usable word boundaries: terms in them
match as substrings (:func:`is_unspaced`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "UNSPACED_RANGES",
    "WORD_PATTERN",
    "extract_handles",
    "extract_hashtags",
    "fold",
    "is_unspaced",
    "tokenize",
]


def _mark_class(lo: int, hi: int) -> str:
    """A regex character-class body holding every combining mark (Mn, Mc, Me) in [lo, hi)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(lo, hi):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Marks inside and outside the BMP live in separate classes: re matches a
# BMP-only class with a fast bitmap, a mixed one much more slowly.
_BMP_MARKS = _mark_class(0, 0x10000)
_ASTRAL_MARKS = _mark_class(0x10000, 0x20000) + _mark_class(0xE0100, 0xE01F0)
_BASE = rf"[\w{_BMP_MARKS}]"

WORD_PATTERN = rf"\w{_BASE}*(?:[{_ASTRAL_MARKS}]+{_BASE}*|[\u200c\u200d]\w{_BASE}*)*"
"""Regular-expression source matching one word of folded text.

A word is a letter, digit or ``_`` followed by more of them and combining
marks, possibly joined by ZWNJ or ZWJ.
"""

_WORD_RE = re.compile(WORD_PATTERN)
# Most texts hold no combining mark outside the BMP, and matching without
# the astral class is about twice as fast.
_BMP_WORD_RE = re.compile(rf"\w{_BASE}*(?:[\u200c\u200d]\w{_BASE}*)*")
# Every astral mark lies in these two spans (emoji start above them); two
# plain ranges test much faster than the full class.
_ASTRAL_MARK_SPAN_RE = re.compile("[\U000101fd-\U0001e94a\U000e0100-\U000e01ef]")
_HASHTAG_RE = re.compile(rf"(?<![\w&/#])#({WORD_PATTERN})")
_HANDLE_RE = re.compile(rf"(?<![\w@.])@({WORD_PATTERN})")

# Marks are dropped only after Latin, Greek or ASCII characters (accents,
# zalgo). Marks on other scripts are parts of letters (Japanese dakuten,
# Devanagari vowel signs, Thai vowels) and are kept.
_STRIPPABLE_BASE = "\u0000-\u024f\u1e00-\u1eff\u0370-\u03ff\u1f00-\u1fff"
_LATIN_MARKS_RE = re.compile(rf"(?<=[{_STRIPPABLE_BASE}])[{_BMP_MARKS}]+")

_EXTRA_FOLD = str.maketrans(
    {
        "\u0131": "i",  # dotless i (Turkish)
        "\u0142": "l",  # l with stroke (Polish)
        "\u00f8": "o",  # o with stroke (Danish, Norwegian)
        "\u0111": "d",  # d with stroke (Croatian, Vietnamese)
        "\u0127": "h",  # h with stroke (Maltese)
        "\ufe0e": None,  # text variation selector
        "\ufe0f": None,  # emoji variation selector
        "\u0640": None,  # Arabic tatweel (elongation)
        **{chr(cp): None for cp in range(0x064B, 0x0660)},  # Arabic harakat
        "\u0670": None,  # Arabic superscript alef
    }
)

_EXTRA_FOLD_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _EXTRA_FOLD) + "]")


def _extra_fold(t: str) -> str:
    """``t.translate(_EXTRA_FOLD)``, skipped when there is nothing to map (a dict-table
    translate costs about as much as the rest of folding)."""
    return t.translate(_EXTRA_FOLD) if _EXTRA_FOLD_RE.search(t) else t


UNSPACED_RANGES = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Hangul
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b"  # CJK radicals, marks
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003134f"  # CJK extensions
)
"""Character ranges of the scripts written without spaces between words (a regex class body)."""

_UNSPACED_RE = re.compile("[" + UNSPACED_RANGES + "]")


def fold(s: str) -> str:
    """Fold text for comparison: NFKC, case-folded, accents removed.

    Steps: NFKC; :meth:`str.casefold` (``ß`` becomes ``ss``, ``İ`` becomes
    ``i``); a few letters mapped to their base (dotless i, and l, o, d, h with stroke);
    emoji variation selectors and Arabic vowel marks removed; combining marks
    after Latin and Greek letters removed (``é`` becomes ``e``); recomposed
    with NFKC. Letters of other scripts are kept whole. Idempotent:
    ``fold(fold(s)) == fold(s)``.
    """
    if s.isascii():
        return s.lower()
    t = _extra_fold(unicodedata.normalize("NFKC", s).casefold())
    t = _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFKD", t))
    t = unicodedata.normalize("NFKC", t)
    if not t.isascii():
        # NFKC can recompose into characters casefold would still change
        # (rare compatibility letters); one more pass makes fold idempotent.
        t2 = _extra_fold(t.casefold())
        if t2 != t:
            t = unicodedata.normalize("NFKC", t2)
    return t


def tokenize(folded: str) -> list[str]:
    """Split folded text into words (Unicode word boundaries), in order."""
    if not folded.isascii() and _ASTRAL_MARK_SPAN_RE.search(folded):
        return _WORD_RE.findall(folded)
    return _BMP_WORD_RE.findall(folded)


def extract_hashtags(folded: str) -> set[str]:
    """Hashtags in folded text, without the ``#`` (``#acme!`` gives ``acme``)."""
    return set(_HASHTAG_RE.findall(folded))


def extract_handles(folded: str) -> set[str]:
    """@handles in folded text, without the ``@``; e-mail addresses are not handles."""
    return set(_HANDLE_RE.findall(folded))


@lru_cache(maxsize=4096)
def is_unspaced(word: str) -> bool:
    """Whether ``word`` holds a script written without spaces between words.

    Such words (CJK, Thai, Korean, ...) are matched as substrings of the
    folded text instead of as whole words.
    """
    return _UNSPACED_RE.search(word) is not None
