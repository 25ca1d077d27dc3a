"""Locate a shortfall's evidence strings in its mention text, as plain segments.

The segments are plain text: the templates escape each one and wrap the
evidence pieces in a highlight, so nothing from a mention is ever markup.
"""

from __future__ import annotations

import re

from cxpulse.app.digest.model import Segment

__all__ = ["MAX_QUOTE_CHARS", "evidence_spans", "quote_segments"]

MAX_QUOTE_CHARS = 500


def evidence_spans(text: str, evidence: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each evidence string occurs in ``text`` (case and runs of spaces ignored), merged and sorted."""
    spans: list[tuple[int, int]] = []
    for piece in evidence:
        words = piece.split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            spans.append(match.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def quote_segments(
    text: str, evidence: list[str] | tuple[str, ...], *, max_chars: int = MAX_QUOTE_CHARS
) -> tuple[tuple[Segment, ...], bool]:
    """The text as segments with the evidence marked, cut to about ``max_chars`` around the first evidence.

    Returns the segments and whether the text was cut.
    """
    text = " ".join(text.split())
    spans = evidence_spans(text, evidence)
    window_start, window_end = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0] if spans else 0
        window_start = max(0, min(first - max_chars // 4, len(text) - max_chars))
        window_end = window_start + max_chars
    segments: list[Segment] = []
    if window_start > 0:
        segments.append(Segment("…"))
    position = window_start
    for start, end in spans:
        start, end = max(start, window_start), min(end, window_end)
        if start >= end:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], evidence=True))
        position = end
    if position < window_end:
        segments.append(Segment(text[position:window_end]))
    cut = window_start > 0 or window_end < len(text)
    if window_end < len(text):
        segments.append(Segment("…"))
    return tuple(segments), cut
