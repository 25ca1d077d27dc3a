"""The digest's charts as PNG bytes: sentiment over time and topics.

matplotlib is imported only when a chart is drawn, and only its object API
with the Agg canvas is used (no pyplot, no global state, no display needed).
"""

from __future__ import annotations

import io
from typing import Any

from cxpulse.app.digest.model import BrandDigest
from foundation.periods import Period

__all__ = ["COLORS", "sentiment_chart", "topics_chart"]

COLORS = {"positive": "#16a34a", "neutral": "#a1a1aa", "negative": "#dc2626", "ink": "#3f3f46", "current": "#2563eb"}
_WIDTH_IN, _DPI = 6.0, 100


def _figure(height_in: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_WIDTH_IN, height_in), dpi=_DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _style(axes: Any) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color("#d4d4d8")
    axes.tick_params(colors=COLORS["ink"], labelsize=8, length=0)
    axes.grid(axis="y", color="#f4f4f5", linewidth=0.8)
    axes.set_axisbelow(True)


def sentiment_chart(brand: BrandDigest, period: Period) -> bytes:
    """Stacked daily bars of negative, neutral and positive mentions; the previous period faded."""
    figure = _figure(2.4)
    axes = figure.add_subplot(1, 1, 1)
    _style(axes)
    days = list(brand.days)
    xs = list(range(len(days)))
    current = [d.day >= period.start for d in days]
    alphas = [1.0 if c else 0.35 for c in current]
    bottom = [0] * len(days)
    for key in ("negative", "neutral", "positive"):
        values = [getattr(d, key) for d in days]
        bars = axes.bar(xs, values, bottom=bottom, color=COLORS[key], width=0.8, label=key, linewidth=0)
        for bar, alpha in zip(bars, alphas, strict=True):
            bar.set_alpha(alpha)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    unclassified = [d.total - b for d, b in zip(days, bottom, strict=True)]
    if any(unclassified):
        axes.bar(xs, unclassified, bottom=bottom, color="#e4e4e7", width=0.8, label="unclassified", linewidth=0)
    if any(not c for c in current) and any(current):
        boundary = current.index(True) - 0.5
        axes.axvline(boundary, color=COLORS["ink"], linewidth=0.8, linestyle=(0, (3, 3)))
        axes.text(
            boundary + 0.2,
            0.98,
            "this period",
            transform=axes.get_xaxis_transform(),
            fontsize=7,
            color=COLORS["ink"],
            va="top",
        )
    step = max(1, len(days) // 14)
    axes.set_xticks(xs[::step], [f"{d.day:%a}\n{d.day.day} {d.day:%b}" for d in days[::step]], fontsize=7)
    axes.set_xlim(-0.6, len(days) - 0.4)
    axes.legend(loc="upper left", fontsize=7, frameon=False, ncol=4, bbox_to_anchor=(0, 1.18))
    figure.subplots_adjust(left=0.07, right=0.99, top=0.86, bottom=0.17)
    return _png(figure)


def topics_chart(brand: BrandDigest) -> bytes:
    """Horizontal bars of the period's top topics, the previous period's counts beside them."""
    topics = list(brand.topics)[::-1]
    figure = _figure(0.45 + 0.3 * max(len(topics), 1))
    axes = figure.add_subplot(1, 1, 1)
    _style(axes)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#f4f4f5", linewidth=0.8)
    ys = list(range(len(topics)))
    axes.barh([y + 0.2 for y in ys], [t.previous for t in topics], height=0.38, color="#cbd5e1", label="previous")
    axes.barh(
        [y - 0.2 for y in ys], [t.current for t in topics], height=0.38, color=COLORS["current"], label="this period"
    )
    axes.set_yticks(ys, [t.topic.replace("_", " ") for t in topics])
    axes.legend(loc="lower right", fontsize=7, frameon=False)
    figure.subplots_adjust(left=0.26, right=0.98, top=0.97, bottom=0.1 if len(topics) > 3 else 0.25)
    return _png(figure)
