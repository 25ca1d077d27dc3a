"""``[workspace]``: the settings of ``cxpulse serve`` (the SLA per priority)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from foundation.durations import parse_duration
from foundation.settings import SettingsModel

__all__ = ["SlaConfig", "SlaTarget", "WorkspaceConfig"]


class SlaTarget(SettingsModel):
    """``[workspace.sla.<priority>]``: how soon an item of this priority needs a person."""

    first_action: str = Field(description="Time from opening to a person's first change (30m, 4h, 1d).")
    resolution: str = Field(description="Time from opening to resolved or not actionable (8h, 3d).")

    @field_validator("first_action", "resolution")
    @classmethod
    def _durations(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def first_action_within(self) -> timedelta:
        return parse_duration(self.first_action)

    @property
    def resolution_within(self) -> timedelta:
        return parse_duration(self.resolution)


class SlaConfig(SettingsModel):
    """``[workspace.sla]``: the targets per priority; overdue items are marked in the workspace."""

    urgent: SlaTarget = Field(
        default_factory=lambda: SlaTarget(first_action="1h", resolution="8h"), description="Urgent items."
    )
    high: SlaTarget = Field(
        default_factory=lambda: SlaTarget(first_action="4h", resolution="1d"), description="High-priority items."
    )
    normal: SlaTarget = Field(
        default_factory=lambda: SlaTarget(first_action="1d", resolution="3d"), description="Normal items."
    )
    low: SlaTarget = Field(
        default_factory=lambda: SlaTarget(first_action="3d", resolution="7d"), description="Low-priority items."
    )

    def target(self, priority: str | None) -> SlaTarget:
        value = getattr(self, priority or "normal", None)
        return value if isinstance(value, SlaTarget) else self.normal


class WorkspaceConfig(SettingsModel):
    """``[workspace]``: the CX workspace of `cxpulse serve`."""

    sla: SlaConfig = Field(
        default_factory=SlaConfig, description="Time to first action and to resolution per priority."
    )
