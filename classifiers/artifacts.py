"""Trained artifacts on disk: a manifest, the encoder adapter and the heads.

An artifact folder holds ``manifest.json`` (what encoder it was trained for,
its version, settings, calibrated thresholds and metrics), ``adapter.safetensors``
(the LoRA weights) and ``heads.safetensors``. ``scripts/train_classifiers.py``
writes one; the shipped one lives in ``classifiers/artifacts/``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "ARTIFACT_FILES",
    "Manifest",
    "artifacts_dir",
    "default_artifacts_dir",
    "model_version",
    "read_manifest",
    "write_manifest",
]

ARTIFACT_FILES = ("manifest.json", "adapter.safetensors", "heads.safetensors")
DEFAULT_ARTIFACT = "cx-minilm-l6"


@dataclass
class Manifest:
    """What ``manifest.json`` records about one trained artifact."""

    name: str
    version: str
    encoder: str
    encoder_fingerprint: str
    lora_rank: int
    lora_alpha: float
    lora_targets: list[str]
    topic_dim: int
    topic_threshold: float
    evidence_threshold: float
    max_length: int
    trained_at: str
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    """Chosen on the real dev split: a temperature per head, the gap decision's log-offsets,
    the flag rule's thresholds and the switching threshold (empty for artifacts before 2.0)."""

    @property
    def model_version(self) -> str:
        return f"{self.name}-{self.version}"


def default_artifacts_dir() -> Path:
    """The folder of the heads shipped with cxpulse."""
    return Path(str(resources.files("classifiers").joinpath("artifacts", DEFAULT_ARTIFACT)))


def artifacts_dir(setting: str | None) -> Path:
    """The artifact folder ``[classifiers] artifacts`` names, or the shipped one."""
    return Path(setting).expanduser() if setting else default_artifacts_dir()


def model_version(manifest: Manifest, precision: str) -> str:
    """The version stored with each classification: int8 answers differ enough to be told apart."""
    return manifest.model_version + ("+int8" if precision == "int8" else "")


def read_manifest(folder: Path) -> Manifest:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    known = set(Manifest.__dataclass_fields__)
    return Manifest(**{k: v for k, v in data.items() if k in known})


def write_manifest(folder: Path, manifest: Manifest) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n"
    (folder / "manifest.json").write_text(text, encoding="utf-8")
