"""Exporters looked up by name, through the same entry points a plugin uses (like sources)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import cast

from cxpulse.app.exporters.base import Exporter
from foundation.errors import ExportError

__all__ = ["ENTRY_POINT_GROUP", "exporter_class", "exporter_names", "format_for_path"]

ENTRY_POINT_GROUP = "cxpulse.exporters"


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def exporter_names() -> list[str]:
    """Names of every installed export format, sorted."""
    return sorted(_entry_points())


def _known() -> str:
    return ", ".join(exporter_names()) or "none (is cxpulse installed? run `make install`)"


def exporter_class(name: str) -> type[Exporter]:
    """The class registered as ``name``; ExportError lists the installed formats."""
    points = _entry_points()
    if name not in points:
        raise ExportError(f"unknown export format {name!r}; installed formats: {_known()}")
    return cast(type[Exporter], points[name].load())


def format_for_path(path: Path) -> str | None:
    """The format a file name asks for by its ending (``out.parquet``: parquet), None when no
    installed format claims it."""
    suffix = path.suffix.lower()
    if not suffix:
        return None
    if suffix[1:] in _entry_points():
        return suffix[1:]
    for name in exporter_names():
        if suffix in exporter_class(name).suffixes:
            return name
    return None
