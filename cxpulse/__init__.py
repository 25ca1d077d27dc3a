"""cxpulse: social listening and CX text mining.

The one name imported from the package itself is :func:`trends` (loaded on first use,
so ``cxpulse --help`` does not import pandas)::

    from cxpulse import trends
"""

from __future__ import annotations

from typing import Any

__all__ = ["trends"]


def __getattr__(name: str) -> Any:
    if name == "trends":
        from cxpulse.app.trends import trends

        return trends
    raise AttributeError(f"module 'cxpulse' has no attribute {name!r}")
