"""Low-rank adapters (LoRA) for the encoder's linear layers.

A few thousand trainable numbers per layer adapt the frozen encoder to our
tasks; the adapter ships as a small safetensors file and is merged into the
encoder's weights when the classifier loads, so inference costs nothing extra.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
from torch import nn

__all__ = ["LoRALinear", "add_lora", "lora_state_dict", "merge_lora"]

DEFAULT_TARGETS: tuple[str, ...] = ("query", "key", "value", "dense")


class LoRALinear(nn.Module):
    """``base(x) + scale * B(A(x))`` with ``base`` frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.base = base
        self.rank = rank
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        for parameter in self.base.parameters():
            parameter.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.base(x) + (self.dropout(x) @ self.lora_a.T @ self.lora_b.T) * self.scale
        return result

    def merged(self) -> nn.Linear:
        """The base layer with the adapter folded into its weight."""
        with torch.no_grad():
            self.base.weight += (self.lora_b @ self.lora_a) * self.scale
        return self.base


def add_lora(
    model: nn.Module, rank: int, alpha: float, dropout: float = 0.0, targets: Iterable[str] = DEFAULT_TARGETS
) -> list[str]:
    """Wrap every ``nn.Linear`` whose attribute name is in ``targets``; returns their paths."""
    wanted = set(targets)
    wrapped: list[str] = []
    for path, module in list(model.named_modules()):
        for name, child in list(module.named_children()):
            if name in wanted and isinstance(child, nn.Linear):
                setattr(module, name, LoRALinear(child, rank, alpha, dropout))
                wrapped.append(f"{path}.{name}" if path else name)
    return wrapped


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Only the adapter weights, keyed by module path."""
    return {
        key: value.detach().cpu().contiguous()
        for key, value in model.state_dict().items()
        if key.endswith(".lora_a") or key.endswith(".lora_b")
    }


def merge_lora(model: nn.Module, state: dict[str, torch.Tensor], scale: float) -> int:
    """Fold adapter weights into the plain linear layers of an unwrapped model; returns layers merged."""
    modules = dict(model.named_modules())
    merged = 0
    for key, lora_a in state.items():
        if not key.endswith(".lora_a"):
            continue
        path = key[: -len(".lora_a")]
        lora_b = state[path + ".lora_b"]
        layer = modules.get(path)
        if not isinstance(layer, nn.Linear):
            raise KeyError(path)
        with torch.no_grad():
            layer.weight += (lora_b.to(layer.weight.dtype) @ lora_a.to(layer.weight.dtype)) * scale
        merged += 1
    return merged
