"""Sources looked up by name, through the same entry points a plugin uses.

Built-in sources are registered in cxpulse's ``pyproject.toml`` under the
``cxpulse.sources`` group, exactly as a third-party package registers its own.
Classes are imported only when a source of that type is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, cast

from pydantic import ValidationError

from cxpulse.config import LoadedConfig, SourceConfig
from cxpulse.errors import UnknownSource
from listener.sources.base import Source

__all__ = ["ENTRY_POINT_GROUP", "SourceInfo", "build_source", "describe", "source_class", "source_types"]

ENTRY_POINT_GROUP = "cxpulse.sources"


@dataclass(frozen=True)
class SourceInfo:
    """What ``cxpulse sources list`` shows about one source type."""

    type: str
    summary: str
    needs: str
    options: dict[str, str]
    provider: str


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def source_types() -> list[str]:
    """Names of every installed source type, sorted."""
    return sorted(_entry_points())


def source_class(type_name: str) -> type[Source]:
    """The class registered as ``type_name``; UnknownSource lists the valid names."""
    points = _entry_points()
    if type_name not in points:
        known = ", ".join(sorted(points)) or "none (is cxpulse installed? run `make install`)"
        raise UnknownSource(f"unknown source type {type_name!r}; installed source types: {known}")
    return cast(type[Source], points[type_name].load())


def describe(type_name: str) -> SourceInfo:
    """Summary, needs and options of one source type, for people and --json."""
    cls = source_class(type_name)
    options = {
        name: (field.description or "")
        + ("" if field.is_required() else f" (default: {field.get_default(call_default_factory=True)!r})")
        for name, field in cls.options_model.model_fields.items()
    }
    point = _entry_points()[type_name]
    provider = point.dist.name if point.dist is not None else "?"
    return SourceInfo(type_name, cls.summary, cls.needs, options, provider)


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
