"""Write a digest as one self-contained HTML file (charts as data: URIs) to look at in a browser."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cxpulse.app.digest.build import build_digest
from cxpulse.app.digest.render import render_digest
from cxpulse.config import LoadedConfig, Settings
from foundation.errors import InputError
from foundation.periods import Period
from storage import Store

__all__ = ["DEMO_DIGEST", "write_demo_digest", "write_preview"]


def write_preview(
    store: Store,
    config: LoadedConfig | Settings,
    digest_name: str,
    out: Path,
    period: Period | str | None = None,
    *,
    now: datetime | None = None,
    model_version: str | None = None,
) -> Path:
    """Build digest ``digest_name`` and write it to ``out`` as HTML; returns the absolute path."""
    digest = build_digest(store, config, digest_name, period, now=now, model_version=model_version)
    html = render_digest(digest, images="data").html
    out = out.expanduser().resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}; pick another --out path") from exc
    return out


DEMO_DIGEST = "demo-weekly"


def write_demo_digest(
    store: Store,
    settings: Settings,
    out: Path,
    *,
    now: datetime | None = None,
    model_version: str | None = None,
    period: Period | str | None = None,
) -> Path:
    """Write the weekly digest of every brand in ``settings`` (the demo's) to ``out``; returns its path.

    Adds a ``[[digests]]`` entry named ``demo-weekly`` for the call only (the
    demo has no config file); covers the last complete Monday-to-Sunday week
    before ``now`` unless ``period`` says otherwise, and sends nothing.
    """
    from cxpulse.config.digests import DigestConfig

    demo = DigestConfig(
        name=DEMO_DIGEST,
        brands=[b.name for b in settings.brands],
        recipients=["marketing@example.com"],
    )
    with_digest = settings.model_copy(update={"digests": [*settings.digests, demo]})
    return write_preview(store, with_digest, DEMO_DIGEST, out, period, now=now, model_version=model_version)
