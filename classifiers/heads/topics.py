"""Topics: multi-label over any taxonomy, with no training needed for a new one.

Mentions and topics meet in one learned space. A topic's prototype is the mean
of its description's and examples' vectors; a mention's probability for a topic
is ``sigmoid(scale * cosine + bias)``, where ``scale`` and ``bias`` were
calibrated on labelled mentions once and hold for any taxonomy. Training
(scripts/train_classifiers.py) teaches the projection to put a mention near the
descriptions of what it talks about, on our CX corpus and on BANKING77's 77
intents, so that a taxonomy it has never seen still works; adding examples to a
topic moves its prototype toward how customers really say it.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["TopicHead"]


class TopicHead(nn.Module):
    """Projection into the mention-topic space plus the calibration of its cosine."""

    def __init__(self, hidden_size: int, dim: int = 256) -> None:
        super().__init__()
        self.projection = nn.Linear(hidden_size, dim)
        self.scale = nn.Parameter(torch.tensor(10.0))
        self.bias = nn.Parameter(torch.tensor(-4.0))

    def embed(self, pooled: torch.Tensor) -> torch.Tensor:
        """Unit vectors in the topic space."""
        return nn.functional.normalize(self.projection(pooled), dim=-1)

    def prototypes(self, text_vectors: torch.Tensor, owners: list[int], count: int) -> torch.Tensor:
        """Average the unit vectors of each topic's texts (``owners[i]`` is text i's topic)."""
        index = torch.tensor(owners, device=text_vectors.device)
        sums = torch.zeros(count, text_vectors.shape[1], device=text_vectors.device, dtype=text_vectors.dtype)
        sums.index_add_(0, index, text_vectors)
        return nn.functional.normalize(sums, dim=-1)

    def logits(self, mention_vectors: torch.Tensor, prototypes: torch.Tensor) -> torch.Tensor:
        return self.scale * (mention_vectors @ prototypes.T) + self.bias
