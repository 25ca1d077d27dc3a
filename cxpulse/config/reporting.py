"""``[reporting]``: how trends and exports cut time (``cxpulse trends``, ``GET /api/v1/trends``)."""

from __future__ import annotations

from pydantic import Field, field_validator

from foundation.periods import valid_time_zone
from foundation.settings import SettingsModel

__all__ = ["ReportingConfig"]


class ReportingConfig(SettingsModel):
    """``[reporting]``: the settings of trends."""

    timezone: str = Field(
        default="UTC",
        description="IANA time zone whose local hours, days, weeks (Monday), months and quarters trends "
        'count in, e.g. "Europe/Berlin"; `cxpulse trends --tz` overrides it.',
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return valid_time_zone(value)
