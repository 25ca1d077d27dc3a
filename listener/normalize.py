"""Clean a mention's text before it is matched, classified and stored.

:func:`normalize_text` makes text from any source safe and uniform:

* line breaks: ``\\r\\n``, ``\\r``, vertical tab, form feed, NEL and the
  Unicode line/paragraph separators become ``\\n``;
* removed: control characters (Unicode Cc) other than ``\\n`` and ``\\t``,
  format characters (Cf: zero-width space, BOM, soft hyphen, bidi overrides
  such as U+202E, ...), and lone surrogates. Kept, because they are part of
  what was written: ZWJ between two emoji (👩‍💻), ZWNJ between two letters
  (Persian, Indic scripts), and the tag characters of subdivision flags
  (🏴󠁧󠁢󠁳󠁣󠁴󠁿);
* spaces: runs of spaces, tabs and other Unicode spaces (NBSP, ...) become
  one space; spaces around line breaks are dropped; at most two line breaks
  in a row (one blank line); both ends stripped;
* Unicode NFC;
* truncated to ``max_chars`` characters without splitting a grapheme cluster
  (a character from its combining marks, an emoji ZWJ sequence or a flag): the
  cut falls on a boundary of the ``regex`` module's ``\\X``.

The removal rules are written here because no library makes this choice of
what to drop and which joiners to keep; the cluster boundaries are ``regex``'s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex

__all__ = ["DEFAULT_MAX_CHARS", "NormalizedText", "normalize_text"]

DEFAULT_MAX_CHARS = 20_000

_NEWLINES_RE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")

_EMOJI = "\u00a9\u00ae\u203c-\u3299\ufe0f\U0001f000-\U0001faff"
_TAGS = "\U000e0020-\U000e007f"
# Every character that may have to go. Kept ones are put back by _keep().
_SUSPECT_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    f"\U0001d173-\U0001d17a{_TAGS}\U000e0001\ud800-\udfff]+"
)
_ZWJ_KEEP_RE = re.compile(f"(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}])")
_ZWNJ_KEEP_RE = re.compile(r"(?<=\w)\u200c(?=\w)")
_FLAG_TAGS_RE = re.compile(f"\U0001f3f4[{_TAGS}]+")

_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Any run of whitespace that is not already exactly one plain space.
_SPACES_RE = re.compile(f"[{_SPACES}][ {_SPACES}]*| [ {_SPACES}]+")
_AROUND_NEWLINE_RE = re.compile(" ?\n ?")
_MANY_NEWLINES_RE = re.compile("\n{3,}")

# Unicode extended grapheme clusters (UAX #29): a letter with its marks, an emoji
# with its modifiers and ZWJ sequence, a flag's pair of regional indicators or tags.
_GRAPHEME_RE = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Cleaned text, and whether it was cut at ``max_chars``."""

    text: str
    truncated: bool


def _strip_invisible(text: str) -> str:
    """Remove control and format characters, keeping the meaningful joiners."""
    kept: dict[int, str] = {}
    for pattern in (_ZWJ_KEEP_RE, _ZWNJ_KEEP_RE, _FLAG_TAGS_RE):
        for m in pattern.finditer(text):
            kept[m.start()] = m.group()
    if not kept:
        return _SUSPECT_RE.sub("", text)
    parts: list[str] = []
    pos = 0
    for start in sorted(kept):
        if start < pos:
            continue
        parts.append(_SUSPECT_RE.sub("", text[pos:start]))
        parts.append(kept[start])
        pos = start + len(kept[start])
    parts.append(_SUSPECT_RE.sub("", text[pos:]))
    return "".join(parts)


def _safe_cut(text: str, limit: int) -> int:
    """The largest index <= ``limit`` that ends a grapheme cluster (``regex``'s ``\\X``)."""
    cut = 0
    for cluster in _GRAPHEME_RE.finditer(text):
        end: int = cluster.end()
        if end > limit:
            break
        cut = end
    return cut


def normalize_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> NormalizedText:
    """Clean ``text`` as described in the module docstring; never raises on any ``str``.

    ``max_chars`` must be at least 1.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if "\r" in text or not text.isascii():
        text = _NEWLINES_RE.sub("\n", text)
    if _SUSPECT_RE.search(text):
        text = _strip_invisible(text)
    text = _SPACES_RE.sub(" ", text)
    if "\n" in text:
        text = _AROUND_NEWLINE_RE.sub("\n", text)
        text = _MANY_NEWLINES_RE.sub("\n\n", text)
    text = text.strip(" \n")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if len(text) <= max_chars:
        return NormalizedText(text, truncated=False)
    cut = _safe_cut(text, max_chars)
    return NormalizedText(text[:cut].rstrip(" \n"), truncated=True)
