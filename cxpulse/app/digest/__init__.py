"""Digests: the periodic email of a brand's customer pulse, built, rendered and sent once per period.

::

    from cxpulse.app.digest import build_digest, render_digest, send_digest

    digest = build_digest(store, loaded, "weekly-marketing", "last-week")
    rendered = render_digest(digest)              # HTML + text + inline PNG charts
    outcome = send_digest(store, loaded, "weekly-marketing")   # idempotent per period

Modules: :mod:`~foundation.periods` (which days), :mod:`~storage.digests`
(aggregate SQL), :mod:`~cxpulse.app.digest.build` (the numbers), :mod:`~cxpulse.app.digest.charts`,
:mod:`~cxpulse.app.digest.render` (Jinja2 templates), :mod:`~cxpulse.app.digest.message` (the
email), :mod:`~storage.digest_runs` (the ``digest_runs`` ledger), :mod:`~cxpulse.app.digest.send`,
:mod:`~cxpulse.app.digest.status` (what became of each period).
"""

from __future__ import annotations

from cxpulse.app.digest.build import build_digest, find_digest
from cxpulse.app.digest.message import build_message
from cxpulse.app.digest.model import BrandDigest, Digest, Metric
from cxpulse.app.digest.preview import write_demo_digest, write_preview
from cxpulse.app.digest.render import InlineImage, RenderedDigest, render_digest
from cxpulse.app.digest.send import DigestOutcome, DigestStatus, send_digest
from cxpulse.app.digest.status import RunStatus, digest_status
from foundation.periods import PERIOD_HELP, Period, due_period, parse_period

__all__ = [
    "PERIOD_HELP",
    "BrandDigest",
    "Digest",
    "DigestOutcome",
    "DigestStatus",
    "InlineImage",
    "Metric",
    "Period",
    "RenderedDigest",
    "RunStatus",
    "build_digest",
    "build_message",
    "digest_status",
    "due_period",
    "find_digest",
    "parse_period",
    "render_digest",
    "send_digest",
    "write_demo_digest",
    "write_preview",
]
