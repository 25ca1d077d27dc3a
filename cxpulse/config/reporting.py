"""``[reporting]``: how trends and exports cut time (``cxpulse trends``, ``GET /api/v1/trends``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

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
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'{value!r} is not an IANA time zone; write it like "Europe/Berlin", "America/New_York" or "UTC"'
            ) from None
        return value
