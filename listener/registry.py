"""Sources looked up by name, through the same entry points a plugin uses.

Built-in sources are registered in cxpulse's ``pyproject.toml`` under the
``cxpulse.sources`` group, exactly as a third-party package registers its own.
Classes are imported only when a source of that type is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import cast

from foundation.errors import UnknownSource
from listener.sources.base import Source

__all__ = ["ENTRY_POINT_GROUP", "SourceInfo", "describe", "source_class", "source_types"]

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
