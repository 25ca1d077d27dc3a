"""Find the line of a key in a TOML file, so errors can name it.

``tomllib`` gives values but no positions. This scanner walks the file once
and records, for every key it sees, the path that key has in the parsed data
(``("sources", 1, "options", "count")``) and its line. It understands table
headers, arrays of tables, dotted keys and keys inside one-line inline
tables, which covers how people write config files. When a path is not
found exactly, the line of its longest known prefix is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["KeyPath", "LineLocator", "format_path"]

KeyPath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+|"[^"]*")\s*=""")


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def format_path(path: Sequence[str | int]) -> str:
    """``("sources", 1, "options", "count")`` -> ``sources[1].options.count``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass
class LineLocator:
    """Maps key paths of one TOML document to 1-based line numbers."""

    lines: dict[KeyPath, int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> LineLocator:
        locator = cls()
        counts: dict[tuple[str, ...], int] = {}
        table: KeyPath = ()
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            header = _HEADER.match(line)
            if header and header.group(1) == header.group(3)[::-1].replace("]", "["):
                names = _split_dotted(header.group(2))
                if header.group(1) == "[[":
                    key = tuple(names)
                    index = counts.get(key, -1) + 1
                    counts[key] = index
                    table = (*_resolve(names[:-1], counts), names[-1], index)
                else:
                    table = _resolve(names, counts)
                locator.lines.setdefault(table, number)
                continue
            key_match = _KEY.match(line)
            if key_match:
                path = (*table, *_split_dotted(key_match.group(1)))
                locator.lines.setdefault(path, number)
                rest = line[key_match.end() :]
                for inner in _INLINE_KEY.finditer(rest):
                    name = inner.group(1).strip('"')
                    locator.lines.setdefault((*path, name), number)
        return locator

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its longest known prefix; None if unknown."""
        candidate = tuple(path)
        while candidate:
            if candidate in self.lines:
                return self.lines[candidate]
            candidate = candidate[:-1]
        return None


def _resolve(names: Sequence[str], counts: dict[tuple[str, ...], int]) -> KeyPath:
    """A header like ``[sources.options]`` refers to the latest ``[[sources]]``."""
    path: list[str | int] = []
    for i, name in enumerate(names):
        path.append(name)
        key = tuple(names[: i + 1])
        if key in counts:
            path.append(counts[key])
    return tuple(path)
