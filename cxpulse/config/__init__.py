"""Configuration: config.toml read once into typed settings.

See ``docs/configuration.md`` for every key; the same text is the ``description``
of each field in :mod:`cxpulse.config.schema`.
"""

from cxpulse.config.loader import (
    DATABASE_URL_ENV,
    ConfigCheck,
    LoadedConfig,
    check_config,
    load_config,
    settings_from_data,
)
from cxpulse.config.locate import LineLocator, format_path
from cxpulse.config.schema import BrandConfig, Schedule, Settings, SourceConfig

__all__ = [
    "DATABASE_URL_ENV",
    "BrandConfig",
    "ConfigCheck",
    "LineLocator",
    "LoadedConfig",
    "Schedule",
    "Settings",
    "SourceConfig",
    "check_config",
    "format_path",
    "load_config",
    "settings_from_data",
]
