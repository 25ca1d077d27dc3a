"""The labelled CX corpus we write ourselves: a deterministic compositional generator.

``build(seed)`` returns the train and test splits (lists of ``Example``); ``write`` saves
one split as JSONL; ``counts`` gives per-label counts. Standard library only.
"""

from .build import DEFAULT_SEED, HELD_OUT_INDUSTRIES, INDUSTRIES, build, counts, write
from .labels import CHANNELS, EMOTIONS, GAPS, HARD_CASES, LANGUAGES, SENTIMENTS, TOPICS, Example

__all__ = [
    "CHANNELS",
    "DEFAULT_SEED",
    "EMOTIONS",
    "GAPS",
    "HARD_CASES",
    "HELD_OUT_INDUSTRIES",
    "INDUSTRIES",
    "LANGUAGES",
    "SENTIMENTS",
    "TOPICS",
    "Example",
    "build",
    "counts",
    "write",
]
