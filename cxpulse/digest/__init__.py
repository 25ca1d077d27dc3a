"""Digests: the periodic email of a brand's customer pulse, built, rendered and sent once per period.

::

    from cxpulse.digest import build_digest, render_digest, send_digest

    digest = build_digest(store, loaded, "weekly-marketing", "last-week")
    rendered = render_digest(digest)              # HTML + text + inline PNG charts
    outcome = send_digest(store, loaded, "weekly-marketing")   # idempotent per period

Modules: :mod:`~cxpulse.digest.periods` (which days), :mod:`~cxpulse.digest.queries`
(aggregate SQL), :mod:`~cxpulse.digest.build` (the numbers), :mod:`~cxpulse.digest.charts`,
:mod:`~cxpulse.digest.render` (Jinja2 templates), :mod:`~cxpulse.digest.message` (the
email), :mod:`~cxpulse.digest.runs` (the ``digest_runs`` ledger), :mod:`~cxpulse.digest.send`.
"""

from __future__ import annotations

from cxpulse.digest.build import build_digest, find_digest
from cxpulse.digest.message import build_message
from cxpulse.digest.model import BrandDigest, Digest, Metric
from cxpulse.digest.periods import PERIOD_HELP, Period, due_period, parse_period
from cxpulse.digest.preview import write_demo_digest, write_preview
from cxpulse.digest.render import InlineImage, RenderedDigest, render_digest
from cxpulse.digest.send import DigestOutcome, send_digest

__all__ = [
    "PERIOD_HELP",
    "BrandDigest",
    "Digest",
    "DigestOutcome",
    "InlineImage",
    "Metric",
    "Period",
    "RenderedDigest",
    "build_digest",
    "build_message",
    "due_period",
    "find_digest",
    "parse_period",
    "render_digest",
    "send_digest",
    "write_demo_digest",
    "write_preview",
]
