"""Sources built from config.toml: the plugin looked up by type, its options validated.

Looking a type up by name is the listener's job (:mod:`listener.registry`); reading the
``[[sources]]`` entry, resolving its secrets and naming the file, line and key of a bad
option is done here, at the top, so the listener never sees the whole config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from cxpulse.config import LoadedConfig, SourceConfig
from foundation.errors import UnknownSource
from listener.registry import source_class
from listener.sources.base import Source

__all__ = ["build_source"]


def build_source(
    config: LoadedConfig, index: int, env: Mapping[str, str], *, override: Mapping[str, Any] | None = None
) -> Source:
    """Instantiate ``[[sources]]`` entry ``index``: resolve secrets, validate options.

    Errors name the config file, the line and the key (``sources[1].options.count``).
    No network or file I/O happens here; sources open connections in ``fetch``.
    """
    entry: SourceConfig = config.settings.sources[index]
    try:
        cls = source_class(entry.type)
    except UnknownSource as exc:
        raise config.error(("sources", index, "type"), str(exc)) from None
    raw = config.resolve_secret(dict(entry.options), ("sources", index, "options"), env)
    raw.update(override or {})
    try:
        options = cls.options_model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ("sources", index, "options", *error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            valid = ", ".join(sorted(cls.options_model.model_fields))
            message = f"unknown option for a {entry.type} source; valid options: {valid}"
        raise config.error(key, message) from None
    return cls(entry.instance_name, options)
