"""Every setting of config.toml, declared once with its default and its help.

The models are plain data: building them reads no file and no environment.
:mod:`cxpulse.config.loader` reads the file, applies overrides and turns
validation failures into :class:`~foundation.errors.ConfigError` messages that
name the file, the line and the key.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from classifiers.settings import ClassifiersConfig, TopicConfig
from cxpulse.config.digests import DigestConfig
from cxpulse.config.execution import ExecutionConfig
from cxpulse.config.reporting import ReportingConfig
from cxpulse.config.service import AlertsConfig, ServiceConfig
from cxpulse.config.smtp import SmtpConfig, one_line
from cxpulse.config.workspace import WorkspaceConfig
from foundation.durations import parse_duration
from foundation.errors import ConfigError, QueryError
from foundation.mentions import BrandQuery
from foundation.query import parse, require_positive
from foundation.query.ast import Node
from foundation.settings import SettingsModel
from listener.settings import PipelineConfig
from storage.settings import DatabaseConfig

__all__ = [
    "BrandConfig",
    "Schedule",
    "Settings",
    "SourceConfig",
]


class Schedule(SettingsModel):
    """When a source is collected by ``cxpulse run``: ``{ every = "15m" }`` or ``{ cron = "..." }``."""

    every: str | None = Field(default=None, description="Interval like 30s, 15m, 2h or 1d.")
    cron: str | None = Field(default=None, description='Five-field crontab expression, e.g. "0 */2 * * *".')

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError('give exactly one of every = "15m" or cron = "*/15 * * * *"')
        if self.every is not None:
            parse_duration(self.every)
        if self.cron is not None and len(self.cron.split()) != 5:
            raise ValueError(f"cron = {self.cron!r} needs five fields: minute hour day month weekday")
        return self

    @property
    def every_seconds(self) -> int | None:
        if self.every is None:
            return None
        return int(parse_duration(self.every).total_seconds())


class BrandConfig(SettingsModel):
    """``[[brands]]``: one brand to listen for."""

    name: str = Field(min_length=1, max_length=100, description="Brand name shown in results and digests.")
    query: str = Field(
        min_length=1,
        description="What to listen for, in the cxpulse query language (docs/query-language.md).",
    )
    competitors: list[str] = Field(
        default_factory=list,
        description="Names of other [[brands]] entries that compete with this one (share of voice).",
    )
    languages: list[str] = Field(
        default_factory=list,
        description='ISO 639-1 codes to keep, e.g. ["en", "es"]; empty keeps every language.',
    )
    topics: list[TopicConfig] | None = Field(
        default=None,
        description="This brand's own topic taxonomy ([[brands.topics]]); default: the top-level [[topics]].",
    )

    @field_validator("name")
    @classmethod
    def _name_on_one_line(cls, value: str) -> str:
        return one_line(value, "brand name")  # it goes into digest and alert subjects

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        try:
            require_positive(parse(value), value)
        except QueryError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise ValueError(f'{code!r} is not an ISO 639-1 language code like "en"')
        return value

    @property
    def expression(self) -> Node:
        return parse(self.query)

    def as_query(self) -> BrandQuery:
        """The typed brand query sources and the pipeline work with."""
        return BrandQuery(
            name=self.name,
            query=self.query,
            expression=self.expression,
            competitors=tuple(self.competitors),
            languages=tuple(self.languages),
        )


class SourceConfig(SettingsModel):
    """``[[sources]]``: one place to collect from."""

    type: str = Field(description="Source type; `cxpulse sources list` shows the installed ones.")
    name: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Unique name of this source (cursors and results use it). Default: the type.",
    )
    brands: list[str] = Field(
        default_factory=list, description="Brands this source collects for; empty means all brands."
    )
    enabled: bool = Field(default=True, description="Set false to keep a source configured but idle.")
    schedule: Schedule = Field(
        default_factory=lambda: Schedule(every="15m"),
        description="How often `cxpulse run` collects it (default every 15 minutes).",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Options of the source type; `cxpulse sources list` says which it takes.",
    )

    @property
    def instance_name(self) -> str:
        return self.name or self.type


class Settings(SettingsModel):
    """The whole of config.toml."""

    database: DatabaseConfig = Field(default_factory=DatabaseConfig, description="Results store.")
    pipeline: PipelineConfig = Field(default_factory=PipelineConfig, description="Ingest pipeline.")
    brands: list[BrandConfig] = Field(default_factory=list, description="Brands to listen for.")
    sources: list[SourceConfig] = Field(default_factory=list, description="Sources to collect from.")
    classifiers: ClassifiersConfig = Field(
        default_factory=ClassifiersConfig, description="Classification engine: encoder, heads, flag rule."
    )
    topics: list[TopicConfig] = Field(
        default_factory=list,
        description="Topic taxonomy for all brands. Empty: the default consumer-brand taxonomy shipped with cxpulse.",
    )
    smtp: SmtpConfig | None = Field(default=None, description="Mail server for digests and alerts.")
    digests: list[DigestConfig] = Field(default_factory=list, description="Periodic digest emails.")
    service: ServiceConfig = Field(default_factory=ServiceConfig, description="Jobs of `cxpulse run`.")
    alerts: AlertsConfig = Field(default_factory=AlertsConfig, description="Spike alerts.")
    execution: ExecutionConfig = Field(
        default_factory=ExecutionConfig,
        description="Where the jobs of `cxpulse run` execute: in it, or on Celery workers (`cxpulse worker`).",
    )
    workspace: WorkspaceConfig = Field(
        default_factory=WorkspaceConfig, description="The CX workspace of `cxpulse serve` (SLA per priority)."
    )
    reporting: ReportingConfig = Field(
        default_factory=ReportingConfig, description="Trends: the time zone periods are counted in."
    )

    @model_validator(mode="after")
    def _digest_references(self) -> Settings:
        names = [b.name for b in self.brands]
        _no_duplicates([d.name for d in self.digests], "digests", "name")
        for i, digest in enumerate(self.digests):
            for brand_name in digest.brands:
                if brand_name not in names:
                    raise _PathError(
                        ("digests", i, "brands"),
                        f"brand {brand_name!r} is not defined in [[brands]] (known: {', '.join(names) or 'none'})",
                    )
        return self

    @model_validator(mode="after")
    def _references(self) -> Settings:
        names = [b.name for b in self.brands]
        _no_duplicates(names, "brands", "name")
        for i, brand in enumerate(self.brands):
            for competitor in brand.competitors:
                if competitor not in names or competitor == brand.name:
                    raise _PathError(
                        ("brands", i, "competitors"),
                        f"competitor {competitor!r} is not another [[brands]] entry; "
                        f"add it as a brand (known: {', '.join(names) or 'none'})",
                    )
        _no_duplicates([s.instance_name for s in self.sources], "sources", "name")
        for i, source in enumerate(self.sources):
            for brand_name in source.brands:
                if brand_name not in names:
                    raise _PathError(
                        ("sources", i, "brands"),
                        f"brand {brand_name!r} is not defined in [[brands]] (known: {', '.join(names) or 'none'})",
                    )
        return self

    def brand(self, name: str) -> BrandConfig:
        for brand in self.brands:
            if brand.name == name:
                return brand
        known = ", ".join(b.name for b in self.brands) or "none configured"
        raise ConfigError(f"unknown brand {name!r}; known brands: {known}")

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.instance_name == name:
                return source
        known = ", ".join(s.instance_name for s in self.sources) or "none configured"
        raise ConfigError(f"unknown source {name!r}; sources in config: {known}")

    def brands_for(self, source: SourceConfig) -> list[BrandConfig]:
        if not source.brands:
            return list(self.brands)
        return [b for b in self.brands if b.name in source.brands]


class _PathError(ValueError):
    """A validation error that knows the exact key path it belongs to."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def _no_duplicates(values: list[str], table: str, key: str) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            raise _PathError((table, i, key), f"{table} {value!r} is defined twice; names must be unique")
        seen[value] = i
