"""Rendering for people (rich tables) and scripts (JSON).

Collected text is untrusted: it is always put into rich ``Text`` objects, never
parsed as markup, and control characters are already gone from stored text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["highlight", "print_json", "table", "to_jsonable"]

HIT_START = "\x02"
HIT_END = "\x03"


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def print_json(console: Console, value: Any) -> None:
    """One JSON document on stdout, no colour, no wrapping."""
    console.file.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def strip_marks(snippet: str) -> str:
    return snippet.replace(HIT_START, "").replace(HIT_END, "")


def highlight(snippet: str) -> Text:
    """A search snippet with matched words in bold yellow; the text itself is never markup."""
    text = Text()
    bold = False
    flat = " ".join(snippet.split())  # one line per row in tables
    for part in flat.replace(HIT_END, HIT_START).split(HIT_START):
        text.append(part, style="bold yellow" if bold else None)
        bold = not bold
    return text


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    out = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*[cell if isinstance(cell, Text) else Text(_cell(cell)) for cell in row])
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
