"""The base of every settings model: frozen, and strict about unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["SettingsModel"]


class SettingsModel(BaseModel):
    """A settings table of config.toml: plain data, immutable, unknown keys refused.

    Building one reads no file and no environment; ``cxpulse.config`` reads the
    file and turns validation errors into messages naming the file, line and key.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
