"""Export formats, registered by name under the ``cxpulse.exporters`` entry-point group.

The built-ins (``csv``, ``jsonl``, ``parquet``) are registered in cxpulse's
``pyproject.toml`` exactly as a third-party package registers its own: a class
meeting :class:`~cxpulse.app.exporters.base.Exporter`. Classes are imported only
when their format is used.
"""

from __future__ import annotations

from cxpulse.app.exporters.base import Exporter, ExportOptions
from cxpulse.app.exporters.registry import ENTRY_POINT_GROUP, exporter_class, exporter_names, format_for_path

__all__ = ["ENTRY_POINT_GROUP", "ExportOptions", "Exporter", "exporter_class", "exporter_names", "format_for_path"]
