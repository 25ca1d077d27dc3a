"""``[service]`` and ``[alerts]``: what ``cxpulse run`` does besides collecting.

Plain data like the rest of :mod:`cxpulse.config.schema`: nothing here reads
the environment or opens a connection. The webhook URL may be an
``{ env = "NAME" }`` reference (a Slack webhook URL is a secret), resolved
only when an alert is sent (:mod:`cxpulse.app.alerts`).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from cxpulse.config.smtp import is_email_address
from foundation.durations import parse_duration
from foundation.secrets import SecretRef
from foundation.settings import SettingsModel

__all__ = ["AlertsConfig", "ServiceConfig", "parse_duration"]


def _duration(value: str) -> str:
    parse_duration(value)
    return value


class ServiceConfig(SettingsModel):
    """``[service]``: the jobs of `cxpulse run` besides collecting (sources have their own schedule)."""

    classify: bool = Field(default=True, description="Classify newly collected mentions in `cxpulse run`.")
    classify_every: str = Field(default="5m", description="How often new mentions are classified (30s, 5m, 1h).")
    misfire_grace_time: str = Field(
        default="15m",
        description="A collect, classify or alert job that could not start on time (the machine slept, the "
        "service was down) still runs if it is at most this late; a digest always runs.",
    )

    @field_validator("classify_every", "misfire_grace_time")
    @classmethod
    def _durations(cls, value: str) -> str:
        return _duration(value)

    @property
    def classify_interval(self) -> timedelta:
        return parse_duration(self.classify_every)

    @property
    def misfire_grace(self) -> timedelta:
        return parse_duration(self.misfire_grace_time)


class AlertsConfig(SettingsModel):
    """``[alerts]``: spike alerts per brand and topic (docs/service.md explains the test)."""

    enabled: bool = Field(default=False, description="Check for spikes in `cxpulse run` (and allow sending).")
    check_every: str = Field(default="15m", description="How often `cxpulse run` checks for spikes.")
    window: str = Field(
        default="1d",
        description="Length of the window ending now that is tested (e.g. 1h, 6h, 1d).",
    )
    baseline_days: int = Field(
        default=14,
        ge=3,
        le=90,
        description="The window is compared with the same window on each of the previous N days "
        "(windows longer than a day: the previous windows of equal length within N days).",
    )
    alpha: float = Field(
        default=0.001,
        gt=0,
        lt=0.5,
        description="Significance level of each check, Bonferroni-corrected over every brand, topic and kind tested.",
    )
    min_mentions: int = Field(
        default=10, ge=1, description="No alert for a window with fewer mentions than this, however unusual."
    )
    min_share_increase: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="A negative-share alert also needs the share to rise by at least this much (0.15 = 15 points).",
    )
    topics: bool = Field(default=True, description="Test each topic of each brand too, not only the brand as a whole.")
    brands: list[str] = Field(default_factory=list, description="Brands to check; empty means all brands.")
    cooldown: str | None = Field(
        default=None,
        description="At most one alert per brand, topic and kind within this time. Default: the window.",
    )
    recipients: list[str] = Field(
        default_factory=list, description="Email addresses alerts go to (sent through [smtp])."
    )
    webhook: str | SecretRef | None = Field(
        default=None,
        description='URL that gets a JSON POST with a Slack-compatible "text" field; a Slack URL is a secret: '
        'webhook = { env = "SLACK_WEBHOOK_URL" }.',
    )
    webhook_timeout: float = Field(default=10.0, gt=0, le=120, description="Seconds to wait for the webhook.")
    top_mentions: int = Field(
        default=5, ge=1, le=50, description="How many of the mentions that caused an alert it quotes."
    )

    @field_validator("check_every", "window")
    @classmethod
    def _durations(cls, value: str) -> str:
        return _duration(value)

    @field_validator("cooldown")
    @classmethod
    def _cooldown(cls, value: str | None) -> str | None:
        return None if value is None else _duration(value)

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not is_email_address(address):
                raise ValueError(f'{address!r} is not an email address; write it like "cx-team@example.com"')
        return value

    @property
    def window_length(self) -> timedelta:
        return parse_duration(self.window)

    @property
    def check_interval(self) -> timedelta:
        return parse_duration(self.check_every)

    @property
    def cooldown_length(self) -> timedelta:
        return parse_duration(self.cooldown) if self.cooldown is not None else self.window_length
