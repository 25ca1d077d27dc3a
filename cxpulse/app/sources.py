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
from foundation.errors import ConfigError, UnknownSource
from listener.registry import source_class
from listener.sources.base import Source

__all__ = ["build_source", "source_problems"]


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
        raise _option_errors(config, index, cls, exc)[0] from None
    return cls(entry.instance_name, options)


def source_problems(config: LoadedConfig, index: int, env: Mapping[str, str]) -> list[str]:
    """Every problem of ``[[sources]]`` entry ``index``: its type and all of its options.

    An option whose ``{ env = "NAME" }`` variable is not set is left to the config
    check, which reports it; the other options are still checked.
    """
    entry: SourceConfig = config.settings.sources[index]
    try:
        cls = source_class(entry.type)
    except UnknownSource as exc:
        return [str(config.error(("sources", index, "type"), str(exc)))]
    unset = {ref["env"] for ref in _references(entry.options) if not env.get(ref["env"])}
    filled = {**env, **dict.fromkeys(unset, "x")}  # too short to be remembered as a secret
    raw = config.resolve_secret(dict(entry.options), ("sources", index, "options"), filled)
    try:
        cls.options_model.model_validate(raw)
    except ValidationError as exc:
        return [str(error) for error in _option_errors(config, index, cls, exc)]
    return []


def _option_errors(config: LoadedConfig, index: int, cls: type[Source], exc: ValidationError) -> list[ConfigError]:
    entry = config.settings.sources[index]
    errors = []
    for error in exc.errors():
        key = ("sources", index, "options", *error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            valid = ", ".join(sorted(cls.options_model.model_fields))
            message = f"unknown option for a {entry.type} source; valid options: {valid}"
        errors.append(config.error(key, message))
    return errors


def _references(value: Any) -> list[dict[str, str]]:
    if isinstance(value, dict):
        if set(value) == {"env"} and isinstance(value["env"], str):
            return [value]
        return [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []
