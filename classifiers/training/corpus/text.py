"""Texts built from pieces, so evidence offsets stay exact through every rewrite.

A frame is a string with slots (``{real}``, ``{^real}`` capitalises) and evidence
markers: ``"[[{b} promised {np}]], but [[{real}]]."`` marks two evidence pieces. Noise
(casing, typos, abbreviations) rewrites each piece on its own before the pieces are
joined, and the spans are computed from the final pieces.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Doc", "Piece", "cap", "fill"]

_TRIM = ",;:-\u2014\u2013"  # separators never start or end a span
_SLOT = re.compile(r"\{(\^?)(\w+)\}")
_MARK = re.compile(r"(\[\[|\]\])")


def cap(s: str) -> str:
    """Capitalise the first letter, leaving the rest (handles and acronyms) alone."""
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1 :]
        if ch not in "\"'\u201c\u2018(\u00a1\u00bf":
            return s
    return s


@dataclass
class Piece:
    text: str
    evidence: bool = False
    protected: bool = False  # handles, order numbers: no typos or abbreviations


@dataclass
class Doc:
    pieces: list[Piece] = field(default_factory=list)

    def add(self, text: str, evidence: bool = False, protected: bool = False) -> Doc:
        if text:
            self.pieces.append(Piece(text, evidence, protected))
        return self

    def extend(self, other: Doc) -> Doc:
        self.pieces.extend(other.pieces)
        return self

    def map(self, fn: Callable[[Piece], str]) -> None:
        for p in self.pieces:
            p.text = fn(p)

    def render(self) -> tuple[str, list[list[int]]]:
        """The text and its merged evidence spans, trimmed of surrounding spaces and punctuation."""
        text, spans, pos = "", [], 0
        for p in self.pieces:
            if p.evidence and p.text:
                spans.append([pos, pos + len(p.text)])
            text += p.text
            pos += len(p.text)
        merged: list[list[int]] = []
        for s, e in spans:
            while s < e and (text[s].isspace() or text[s] in _TRIM):
                s += 1
            while e > s and (text[e - 1].isspace() or text[e - 1] in _TRIM):
                e -= 1
            if s >= e:
                continue
            if merged and text[merged[-1][1] : s].strip() == "":
                merged[-1][1] = e
            else:
                merged.append([s, e])
        return text, merged


def fill(frame: str, slots: Mapping[str, str], rng: random.Random | None = None) -> Doc:
    """Turn a frame into a Doc; ``{a|b}`` inline alternatives are not used, slots must exist."""
    doc = Doc()
    evidence = False
    for part in _MARK.split(frame):
        if part in ("[[", "]]"):
            evidence = part == "[["
            continue
        if not part:
            continue

        def sub(m: re.Match[str]) -> str:
            value = slots[m.group(2)]
            return cap(value) if m.group(1) else value

        doc.add(_SLOT.sub(sub, part), evidence)
    return doc
