"""Emerging complaint phrases: word pairs among complaints that jumped against the period before.

A phrase is two consecutive words, neither a stop word nor part of the
brand's name, counted once per mention. It is *emerging* when at least
``min_mentions`` complaints of the period use it and its count is at least
``min_ratio`` times that of the previous period (add-one smoothed, so a
phrase new this period needs ``min_mentions`` uses, not one).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["STOP_WORDS", "emerging_phrases", "phrase_counts"]

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be been before being but by can could did do does
    doing don dont for from get got had has have having he her here hers him his how i if im in into is it its
    it's just me more most my no nor not now of off on once only or other our out over own same she should so
    some still such than that the their them then there these they this those through to too under until up
    very every was we were what when where which while who why will with would you your yours""".split()
)
_WORD = re.compile(r"\w[\w'\u2019-]*", re.UNICODE)


def phrase_counts(texts: Iterable[str], exclude: Iterable[str] = ()) -> Counter[str]:
    """How many texts use each two-word phrase."""
    skip = STOP_WORDS | {w.lower() for w in exclude}
    counts: Counter[str] = Counter()
    for text in texts:
        words = [w.lower() for w in _WORD.findall(text)]
        seen = {
            f"{a} {b}"
            for a, b in itertools.pairwise(words)
            if a not in skip and b not in skip and len(a) > 2 and len(b) > 2 and a != b and a.isalpha() and b.isalpha()
        }
        counts.update(seen)
    return counts


def emerging_phrases(
    current: Iterable[str],
    previous: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    min_mentions: int = 3,
    min_ratio: float = 2.0,
    limit: int = 5,
) -> list[tuple[str, int, int]]:
    """``(phrase, current, previous)`` for the phrases that jumped most, strongest first."""
    exclude = list(exclude)
    now, before = phrase_counts(current, exclude), phrase_counts(previous, exclude)
    found = [
        (phrase, n, before.get(phrase, 0))
        for phrase, n in now.items()
        if n >= min_mentions and (n + 1) / (before.get(phrase, 0) + 1) >= min_ratio
    ]
    found.sort(key=lambda item: (-(item[1] - item[2]), -item[1], item[0]))
    # A longer theme shows up as overlapping pairs ("refund never", "never arrived"): keep the strongest.
    kept: list[tuple[str, int, int]] = []
    for item in found:
        words = set(item[0].split())
        if not any(words & set(k[0].split()) for k in kept):
            kept.append(item)
        if len(kept) == limit:
            break
    return kept
