"""The ``file`` source: import mentions from CSV, TSV or JSONL files.

See :mod:`listener.sources.file.source` for the mapping, date formats,
rejected-row messages and the cursor format.
"""

from listener.sources.file.source import FileOptions, FileSource
from listener.sources.file.values import FIELDS, parse_datetime

__all__ = ["FIELDS", "FileOptions", "FileSource", "parse_datetime"]
