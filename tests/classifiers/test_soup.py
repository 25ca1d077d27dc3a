"""The weight average of artifacts: each run's adapter update is averaged exactly, heads tensor by tensor."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from classifiers.artifacts import default_artifacts_dir, read_manifest, write_manifest
from classifiers.training.soup import soup
from foundation.errors import ClassifierError

LAYER = "encoder.layer.0.attention.self.query"


def _run(folder: Path, seed: int, rank: int = 4) -> Path:
    generator = torch.Generator().manual_seed(seed)
    folder.mkdir(parents=True)
    save_file(
        {
            f"{LAYER}.lora_a": torch.randn(rank, 8, generator=generator).half(),
            f"{LAYER}.lora_b": torch.randn(6, rank, generator=generator).half(),
        },
        str(folder / "adapter.safetensors"),
    )
    save_file({"gap.linear.weight": torch.randn(3, 8, generator=generator)}, str(folder / "heads.safetensors"))
    manifest = read_manifest(default_artifacts_dir())
    write_manifest(folder, dataclasses.replace(manifest, lora_rank=rank, lora_alpha=2.0 * rank))
    return folder


def _update(folder: Path) -> torch.Tensor:
    adapter = load_file(str(folder / "adapter.safetensors"))
    manifest = read_manifest(folder)
    scale = manifest.lora_alpha / manifest.lora_rank
    return (adapter[f"{LAYER}.lora_b"].float() @ adapter[f"{LAYER}.lora_a"].float()) * scale


def test_the_soup_averages_each_runs_update_and_heads(tmp_path: Path) -> None:
    runs = [_run(tmp_path / f"run{i}", seed=i) for i in range(3)]
    manifest = soup(runs, tmp_path / "soup", "9.9.0")
    assert (manifest.version, manifest.lora_rank, manifest.lora_alpha) == ("9.9.0", 12, 24.0)
    assert manifest.calibration == {}  # to be fitted on dev before use
    assert [r["folder"] for r in manifest.training["soup_of"]] == [str(r) for r in runs]
    expected = sum(_update(r) for r in runs) / 3
    assert torch.allclose(_update(tmp_path / "soup"), expected, atol=2e-2)
    heads = [load_file(str(r / "heads.safetensors"))["gap.linear.weight"] for r in runs]
    soup_heads = load_file(str(tmp_path / "soup" / "heads.safetensors"))["gap.linear.weight"]
    assert torch.allclose(soup_heads, sum(heads) / 3)


def test_a_soup_weighted_by_its_runs_beside_a_third_run_is_the_three_runs_average(tmp_path: Path) -> None:
    runs = [_run(tmp_path / f"run{i}", seed=i) for i in range(3)]
    soup(runs[:2], tmp_path / "pair", "9.8.0")
    manifest = soup([tmp_path / "pair", runs[2]], tmp_path / "soup", "9.9.0", weights=[2, 1])
    assert manifest.lora_rank == 12
    assert [r["weight"] for r in manifest.training["soup_of"]] == [round(2 / 3, 6), round(1 / 3, 6)]
    assert torch.allclose(_update(tmp_path / "soup"), sum(_update(r) for r in runs) / 3, atol=2e-2)
    heads = [load_file(str(r / "heads.safetensors"))["gap.linear.weight"] for r in runs]
    soup_heads = load_file(str(tmp_path / "soup" / "heads.safetensors"))["gap.linear.weight"]
    assert torch.allclose(soup_heads, sum(heads) / 3, atol=1e-6)
    with pytest.raises(ClassifierError, match="one positive --weight"):
        soup(runs, tmp_path / "bad", "9.9.0", weights=[1, 2])


def test_runs_of_another_shape_are_refused(tmp_path: Path) -> None:
    first = _run(tmp_path / "a", seed=1)
    other = _run(tmp_path / "b", seed=2)
    manifest = read_manifest(other)
    write_manifest(other, dataclasses.replace(manifest, lora_alpha=manifest.lora_alpha * 2))
    with pytest.raises(ClassifierError, match="same recipe"):
        soup([first, other], tmp_path / "soup", "9.9.0")
    with pytest.raises(ClassifierError, match="at least two"):
        soup([first], tmp_path / "soup", "9.9.0")
