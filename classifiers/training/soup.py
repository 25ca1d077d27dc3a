"""A weight average ("model soup") of classifier artifacts trained from the same start.

Runs of ``scripts/train_classifiers.py`` with the same seed start from the same adapter and
head weights and differ only in their data; the average of their weights is often better
than each run (Wortsman et al., 2022, "Model soups"). The average is exact for the adapters:
each run's LoRA update ``B @ A`` is averaged by stacking the ``A`` matrices and the ``B``
matrices, each scaled by its run's share (1/n by default), so the soup's adapter has the runs' ranks added up
(and the same ``alpha / rank`` scale). Heads are averaged tensor by tensor. Weights make an
average with a soup among its runs exact: a soup of two runs, weighted 2, beside a third run,
weighted 1, is the three runs' plain average. The soup carries
no calibration: recalibrate it on the real dev split before use (``scripts/soup_classifiers.py``
does).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import torch

from classifiers.artifacts import Manifest, read_manifest, write_manifest
from foundation.errors import ClassifierError

__all__ = ["soup"]


def soup(folders: Sequence[Path], out: Path, version: str, weights: Sequence[float] | None = None) -> Manifest:
    """Write the weight average of the artifacts in ``folders`` to ``out`` (``weights``: one per
    folder, any positive numbers, normalized; default equal); returns its manifest."""
    from safetensors.torch import load_file, save_file

    if len(folders) < 2:
        raise ClassifierError("a soup needs at least two artifact folders (--from DIR --from DIR)")
    weights = list(weights) if weights is not None else [1.0] * len(folders)
    if len(weights) != len(folders) or any(w <= 0 for w in weights):
        raise ClassifierError(
            f"got {len(weights)} weights for {len(folders)} folders; give one positive --weight per --from, or none"
        )
    shares = [w / sum(weights) for w in weights]
    manifests = [read_manifest(folder) for folder in folders]
    first = manifests[0]
    for folder, manifest in zip(folders[1:], manifests[1:], strict=True):
        same = (
            manifest.encoder_fingerprint == first.encoder_fingerprint
            and manifest.topic_dim == first.topic_dim
            and manifest.lora_targets == first.lora_targets
            and manifest.max_length == first.max_length
            and manifest.lora_alpha / manifest.lora_rank == first.lora_alpha / first.lora_rank
        )
        if not same:
            raise ClassifierError(
                f"{folder} was trained with another encoder or adapter shape than {folders[0]}; "
                "only runs of the same recipe can be averaged"
            )
    adapters = [load_file(str(folder / "adapter.safetensors")) for folder in folders]
    heads = [load_file(str(folder / "heads.safetensors")) for folder in folders]
    if any(set(a) != set(adapters[0]) for a in adapters) or any(set(h) != set(heads[0]) for h in heads):
        raise ClassifierError("the artifacts' adapters or heads hold different layers; they cannot be averaged")
    adapter: dict[str, torch.Tensor] = {}
    for key in adapters[0]:
        if key.endswith(".lora_a"):  # (rank, in): the runs' rows stacked
            adapter[key] = torch.cat([a[key].float() for a in adapters], dim=0).half()
        else:  # .lora_b (out, rank): the runs' columns stacked, each scaled by its run's share
            adapter[key] = torch.cat([a[key].float() * w for a, w in zip(adapters, shares, strict=True)], dim=1).half()
    averaged = {
        key: sum((h[key].float() * w for h, w in zip(heads, shares, strict=True)), torch.zeros(())).contiguous()
        for key in heads[0]
    }
    rank = sum(m.lora_rank for m in manifests)
    manifest = dataclasses.replace(
        first,
        version=version,
        lora_rank=rank,
        lora_alpha=first.lora_alpha / first.lora_rank * rank,
        trained_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        training={
            "soup_of": [
                {
                    "folder": str(folder),
                    "version": m.version,
                    "weight": round(w, 6),
                    "trained_at": m.trained_at,
                    "training": m.training,
                }
                for folder, m, w in zip(folders, manifests, shares, strict=True)
            ]
        },
        metrics={},
        calibration={},
    )
    out.mkdir(parents=True, exist_ok=True)
    save_file(adapter, str(out / "adapter.safetensors"))
    save_file(averaged, str(out / "heads.safetensors"))
    write_manifest(out, manifest)
    return manifest
