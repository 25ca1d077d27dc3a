"""Evidence: which words state what was expected and what happened.

A per-token head over the encoder's last hidden states scores each token; the
highest-scoring runs of tokens become character spans of the original text,
widened to whole words, so every piece of evidence is an exact substring.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["EvidenceHead", "spans_from_token_scores"]


class EvidenceHead(nn.Module):
    """One logit per token: is this token part of the evidence of an expectation gap?"""

    def __init__(self, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, token_states: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.linear(self.dropout(token_states)).squeeze(-1)
        return result


def spans_from_token_scores(
    text: str,
    scores: Sequence[float],
    offsets: Sequence[tuple[int, int]],
    *,
    threshold: float = 0.5,
    max_gap_tokens: int = 2,
    min_chars: int = 4,
) -> list[tuple[int, int]]:
    """Character spans of ``text`` covered by tokens scoring at least ``threshold``.

    Runs separated by at most ``max_gap_tokens`` low tokens are joined; when no
    token reaches the threshold, the run around the best token (tokens within
    half its score) is used, so a predicted gap always shows some evidence.
    Special tokens carry the offset ``(0, 0)`` and are ignored.
    """
    real = [i for i, (start, end) in enumerate(offsets) if end > start]
    if not real:
        return []
    cut = threshold
    if max(scores[i] for i in real) < threshold:
        cut = max(scores[i] for i in real) / 2
    runs: list[list[int]] = []
    last = -10
    for i in real:
        if scores[i] < cut:
            continue
        if runs and i - last <= max_gap_tokens + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
        last = i
    spans: list[tuple[int, int]] = []
    for run in runs:
        start, end = offsets[run[0]][0], offsets[run[-1]][1]
        start, end = _widen_to_words(text, start, end)
        if end - start >= min_chars:
            if spans and start <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    return spans


def _widen_to_words(text: str, start: int, end: int, limit: int = 30) -> tuple[int, int]:
    """Extend a span to whole words, by at most ``limit`` characters on each side."""
    floor, ceiling = max(0, start - limit), min(len(text), end + limit)
    while start > floor and text[start - 1].isalnum():
        start -= 1
    while end < ceiling and text[end].isalnum():
        end += 1
    return start, end
