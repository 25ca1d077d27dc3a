"""Settings of the ingest pipeline: ``[pipeline]``, declared once with their defaults and help."""

from __future__ import annotations

from pydantic import Field

from foundation.settings import SettingsModel

__all__ = ["PipelineConfig"]


class PipelineConfig(SettingsModel):
    """``[pipeline]``: how collected mentions are prepared before they are stored."""

    max_text_chars: int = Field(
        default=20_000,
        ge=280,
        le=1_000_000,
        description="Longer mention texts are cut to this many characters (a warning is logged).",
    )
    detect_language: bool = Field(
        default=True,
        description="Detect each mention's language when the source does not say it.",
    )
