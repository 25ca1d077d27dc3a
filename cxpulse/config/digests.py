"""``[[digests]]``: the periodic emails marketing teams read.

Each digest covers its brands for one period (a day, a week or a month in
its own time zone) against the period before. Whether its brands exist is
checked by :class:`cxpulse.config.schema.Settings`, with the file's line.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from cxpulse.config.smtp import is_email_address, one_line
from foundation.periods import valid_time_zone
from foundation.settings import SettingsModel

__all__ = ["DEFAULT_SCHEDULES", "DigestConfig", "PeriodKind"]

PeriodKind = Literal["daily", "weekly", "monthly"]

DEFAULT_SCHEDULES: dict[str, str] = {
    "daily": "0 8 * * *",
    "weekly": "0 8 * * mon",
    "monthly": "0 8 1 * *",
}
"""When a digest is sent when ``schedule`` is not given: 08:00 after its period ends."""

_SUBJECT_FIELDS = {"name", "period", "brands"}


class DigestConfig(SettingsModel):
    """``[[digests]]``: one periodic digest email."""

    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$",
        description="Unique name; `cxpulse digest send NAME` uses it and sent digests are recorded under it.",
    )
    brands: list[str] = Field(min_length=1, description="Names of [[brands]] entries the digest covers.")
    period: PeriodKind = Field(
        default="weekly",
        description='"daily" (yesterday), "weekly" (last Monday to Sunday) or "monthly" (last calendar month), '
        "each compared with the period before.",
    )
    schedule: str | None = Field(
        default=None,
        description='Five-field cron expression of when `cxpulse run` sends it, in timezone. Default: "0 8 * * *" '
        'daily, "0 8 * * mon" weekly, "0 8 1 * *" monthly.',
    )
    timezone: str = Field(
        default="UTC",
        description='IANA time zone of the period boundaries and the schedule, e.g. "Europe/Berlin".',
    )
    recipients: list[str] = Field(min_length=1, description='Email addresses, e.g. ["marketing@example.com"].')
    subject: str | None = Field(
        default=None,
        description="Subject line; may use {name}, {period} and {brands}. Default: "
        '"{brands}: customer pulse, {period}".',
    )

    @field_validator("brands")
    @classmethod
    def _unique_brands(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a brand is listed twice; list each brand once")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value.split()) != 5:
            raise ValueError(f"schedule = {value!r} needs five fields: minute hour day month weekday")
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"schedule = {value!r} is not a valid cron expression: {exc}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return valid_time_zone(value)

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not is_email_address(address):
                raise ValueError(f'{address!r} is not an email address; write it like "marketing@example.com"')
        return value

    @field_validator("subject")
    @classmethod
    def _subject_fields(cls, value: str | None) -> str | None:
        if value is None:
            return None
        one_line(value, "subject")
        unknown = set(re.findall(r"\{(\w*)\}", value)) - _SUBJECT_FIELDS
        if unknown:
            raise ValueError(
                f"subject uses unknown field(s) {', '.join(sorted(unknown))}; use {{name}}, {{period}} or {{brands}}"
            )
        return value

    @property
    def cron(self) -> str:
        """The schedule, or the default of the period."""
        return self.schedule or DEFAULT_SCHEDULES[self.period]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
