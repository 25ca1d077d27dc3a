"""Render a digest as mail-client-safe HTML plus a plain-text alternative.

HTML: table layout, inline CSS, no external resource; charts are ``cid:``
references to inline PNG parts (or ``data:`` URIs for a browser preview).
Jinja2 autoescaping is on for the HTML template, so every piece of mention
text, author and URL is escaped; a URL is linked only when
:func:`foundation.links.safe_link` accepts it (http or https, never a
malformed one); evidence highlights are spans wrapped around separately
escaped segments.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cxpulse.app.digest.charts import sentiment_chart, topics_chart
from cxpulse.app.digest.model import BrandDigest, Digest, Metric
from foundation.links import safe_link

__all__ = ["InlineImage", "RenderedDigest", "render_digest"]


@dataclass(frozen=True)
class InlineImage:
    """A PNG shown in the HTML part, referenced as ``cid:<cid>``."""

    cid: str
    filename: str
    data: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.data).decode("ascii")


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    text: str
    images: tuple[InlineImage, ...]


_environment: Environment | None = None


def _env() -> Environment:
    global _environment
    if _environment is None:
        env = Environment(
            loader=PackageLoader("cxpulse.app.digest", "templates"),
            autoescape=select_autoescape(
                enabled_extensions=("html",), disabled_extensions=("txt",), default_for_string=True, default=True
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(
            count=_count,
            signed_pct=_signed_pct,
            pct=_pct,
            net=_net,
            points=_points,
            rating=_rating,
            signed_rating=_signed_rating,
            day=_day,
            safe_url=safe_link,
            topic=lambda value: str(value).replace("_", " "),
        )
        _environment = env
    return _environment


def render_digest(digest: Digest, *, images: Literal["cid", "data"] = "cid", charts: bool = True) -> RenderedDigest:
    """HTML and text of ``digest``; ``images="data"`` inlines the charts for viewing in a browser."""
    inline: list[InlineImage] = []
    sources: dict[str, dict[str, str]] = {}
    for index, brand in enumerate(digest.brands):
        sources[brand.brand] = {}
        if not charts:
            continue
        drawn = [("sentiment", sentiment_chart(brand, digest.period))]
        if brand.topics:
            drawn.append(("topics", topics_chart(brand)))
        for kind, png in drawn:
            image = InlineImage(f"{kind}-{index}@cxpulse.app.digest", f"{kind}-{index}.png", png)
            inline.append(image)
            sources[brand.brand][kind] = image.data_uri if images == "data" else f"cid:{image.cid}"
    context = {
        "digest": digest,
        "subject": digest.subject,
        "brands": [_brand_view(b) for b in digest.brands],
        "charts": sources,
        "generated": digest.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    html = _env().get_template("digest.html").render(context)
    text = _env().get_template("digest.txt").render(context)
    return RenderedDigest(digest.subject, html, text, tuple(inline))


def _brand_view(brand: BrandDigest) -> dict[str, object]:
    """A few values the templates need that are awkward to compute in Jinja."""
    return {
        "data": brand,
        "volume_change": _relative(brand.volume),
        "trend": {
            "volume": _direction(brand.volume.change, good_when_up=None),
            "net": _direction(brand.net_sentiment.change, good_when_up=True),
            "shortfall": _direction(brand.shortfall_share.change, good_when_up=False),
            "rating": _direction(brand.average_rating.change, good_when_up=True),
        },
    }


def _relative(metric: Metric) -> str:
    if metric.current is None or metric.previous is None:
        return "—"
    if metric.previous == 0:
        return "new" if metric.current else "±0%"
    return _signed_pct(metric.relative_change)


def _direction(change: float | None, *, good_when_up: bool | None) -> str:
    """A color for a change: green when it is good news, red when bad, grey when flat or neutral."""
    if change is None or abs(change) < 1e-9 or good_when_up is None:
        return "#71717a"
    return "#15803d" if (change > 0) == good_when_up else "#b91c1c"


def _count(value: float | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _signed_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.0f}%"


def _net(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.0f}"


def _points(value: float | None) -> str:
    """A change of a share or net score in percentage points."""
    return "—" if value is None else f"{value * 100:+.1f} pts"


def _rating(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _signed_rating(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def _day(value: datetime) -> str:
    return f"{value.day} {value:%b %Y}"
