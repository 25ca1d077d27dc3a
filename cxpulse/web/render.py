"""Turning untrusted mention text into inert HTML, and the Jinja2 environment of the pages.

Templates autoescape everything. Text that needs markup of our own (search
highlights, gap evidence) goes through :func:`inert` first, which escapes it and
also makes bidirectional control characters (RTL overrides and isolates, which
can make ``gnp.exe`` read as ``exe.png``) visible as ``⟨U+202E⟩`` instead of
letting them reorder the page. Only ``http``/``https`` URLs ever become links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from storage import SNIPPET_END, SNIPPET_START

__all__ = ["highlight_snippet", "inert", "mark_evidence", "safe_link", "templates"]

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _visible(match: re.Match[str]) -> str:
    return f'<span class="ctl" title="invisible control character">⟨U+{ord(match.group()):04X}⟩</span>'


def inert(text: str | None) -> Markup:
    """``text`` escaped, with bidi controls shown as visible codes: safe to put in a page."""
    if not text:
        return Markup("")
    return Markup(BIDI_CONTROLS.sub(_visible, str(escape(text))))  # noqa: S704 (escaped first)


def plain(text: str | None) -> str:
    """``text`` without bidi controls, for attributes a person may hear or see (autoescaped)."""
    return BIDI_CONTROLS.sub("", text or "")


def highlight_snippet(snippet: str) -> Markup:
    """A search snippet with its matched terms in ``<mark>``, everything else inert."""
    parts = snippet.replace(SNIPPET_END, SNIPPET_START).split(SNIPPET_START)
    out = []
    for i, part in enumerate(parts):
        out.append(f"<mark>{inert(part)}</mark>" if i % 2 else str(inert(part)))
    return Markup("".join(out))  # noqa: S704 (every part went through inert)


def mark_evidence(text: str, evidence: Sequence[str]) -> Markup:
    """``text`` with each gap-evidence quote (an exact substring) in ``<mark class="evidence">``."""
    spans: list[tuple[int, int]] = []
    for quote in evidence:
        if not quote:
            continue
        start = text.find(quote)
        if start >= 0:
            spans.append((start, start + len(quote)))
    spans.sort()
    out: list[str] = []
    at = 0
    for start, end in spans:
        if start < at:
            continue
        out.append(str(inert(text[at:start])))
        out.append(f'<mark class="evidence">{inert(text[start:end])}</mark>')
        at = end
    out.append(str(inert(text[at:])))
    return Markup("".join(out))  # noqa: S704 (every part went through inert)


def safe_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (rendered as text, never a link)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def label(value: str | None) -> str:
    """``waiting_on_customer`` -> ``waiting on customer``."""
    return (value or "").replace("_", " ")


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True
templates.env.filters.update(inert=inert, plain=plain, highlight=highlight_snippet, label=label)
templates.env.globals.update(safe_link=safe_link, mark_evidence=mark_evidence)
