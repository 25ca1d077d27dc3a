"""Calibrated probabilities: temperature scaling fitted on the real dev split.

Each head's logits are divided by one temperature before the softmax (or the
sigmoid, for yes/no heads), chosen to minimise the negative log-likelihood of
the dev labels; the expected calibration error (ECE) measures how far the
stated probabilities are from the observed accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["expected_calibration_error", "fit_logistic", "fit_temperature"]


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, *, binary: bool = False) -> float:
    """The temperature in [0.05, 20] that minimises dev NLL (a 1-d search on log T)."""
    logits = logits.detach().float()
    labels = labels.detach()

    def nll(t: float) -> float:
        if binary:
            return float(torch.nn.functional.binary_cross_entropy_with_logits(logits / t, labels.float()))
        return float(torch.nn.functional.cross_entropy(logits / t, labels.long()))

    grid = [0.05 * (1.08**k) for k in range(0, 76)]
    best = min(grid, key=nll)
    return round(best, 4)


def fit_logistic(scores: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """``(scale, bias)`` such that ``sigmoid(scale * score + bias)`` minimises the NLL of 0/1
    ``labels`` (Platt scaling; scores and labels of any shape, fitted over all their cells).
    Works inside ``torch.inference_mode`` too."""
    with torch.inference_mode(False), torch.enable_grad():
        x = scores.detach().float().flatten().clone()  # a clone: the scores may come from inference mode
        y = labels.detach().float().flatten().clone()
        scale = torch.tensor(10.0, requires_grad=True)
        bias = torch.tensor(-4.0, requires_grad=True)
        optimizer = torch.optim.LBFGS([scale, bias], max_iter=200, line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(scale * x + bias, y)
            loss.backward()  # type: ignore[no-untyped-call]
            return loss

        optimizer.step(closure)  # type: ignore[no-untyped-call]
        return float(scale.detach()), float(bias.detach())


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """ECE over ``bins`` equal-width confidence bins: sum of |accuracy - confidence| weighted by bin size."""
    if not confidence:
        return 0.0
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence) if low < c <= high or (b == 0 and c == 0.0)]
        if not members:
            continue
        accuracy = sum(1 for i in members if correct[i]) / len(members)
        mean_confidence = sum(confidence[i] for i in members) / len(members)
        total += len(members) / len(confidence) * abs(accuracy - mean_confidence)
    return round(total, 4)
