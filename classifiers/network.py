"""The encoder and every head as one module: one forward pass feeds all heads."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from classifiers.heads import (
    AboutBrandHead,
    ComplaintHead,
    EmotionHead,
    EvidenceHead,
    GapHead,
    LifecycleHead,
    SentimentHead,
    SwitchingHead,
    TopicHead,
)

__all__ = ["CxNetwork", "NetworkOutput", "mean_pool"]


def mean_pool(token_states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the token vectors, padding left out (what all-MiniLM-L6-v2 was trained with)."""
    mask = attention_mask.unsqueeze(-1).to(token_states.dtype)
    return (token_states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


@dataclass
class NetworkOutput:
    pooled: torch.Tensor
    token_states: torch.Tensor
    sentiment: torch.Tensor
    emotion: torch.Tensor
    gap: torch.Tensor
    about_brand: torch.Tensor
    complaint: torch.Tensor
    switching: torch.Tensor
    lifecycle: torch.Tensor


class CxNetwork(nn.Module):
    """A transformer encoder with every head: sentiment, emotion, gap, evidence, topics, about_brand,
    complaint, switching intent and lifecycle stage."""

    def __init__(self, encoder: nn.Module, hidden_size: int, topic_dim: int = 256) -> None:
        super().__init__()
        self.encoder = encoder
        self.sentiment = SentimentHead(hidden_size)
        self.emotion = EmotionHead(hidden_size)
        self.gap = GapHead(hidden_size)
        self.evidence = EvidenceHead(hidden_size)
        self.topics = TopicHead(hidden_size, topic_dim)
        self.about_brand = AboutBrandHead(hidden_size)
        self.complaint = ComplaintHead(hidden_size)
        self.switching = SwitchingHead(hidden_size)
        self.lifecycle = LifecycleHead(hidden_size)

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Token states and pooled vector from the encoder's single pass."""
        token_states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        token_states = token_states.float()  # heads run in float32 whatever the encoder's precision
        return token_states, mean_pool(token_states, attention_mask)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> NetworkOutput:
        token_states, pooled = self.encode(input_ids, attention_mask)
        return NetworkOutput(
            pooled=pooled,
            token_states=token_states,
            sentiment=self.sentiment(pooled),
            emotion=self.emotion(pooled),
            gap=self.gap(pooled),
            about_brand=self.about_brand(pooled),
            complaint=self.complaint(pooled),
            switching=self.switching(pooled),
            lifecycle=self.lifecycle(pooled),
        )

    def head_state_dict(self) -> dict[str, torch.Tensor]:
        """Weights of the heads only (the encoder ships separately or as an adapter)."""
        return {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items() if not k.startswith("encoder.")}
