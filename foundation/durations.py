"""Durations in config.toml: ``30s``, ``15m``, ``2h`` or ``1d``."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["parse_duration"]

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> timedelta:
    """``value`` as a positive timedelta; ValueError with the accepted forms otherwise."""
    match = _DURATION.match(value)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not a duration; write it like 30s, 15m, 2h or 1d")
    try:
        return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    except OverflowError:
        raise ValueError(
            f"{value!r} is longer than any duration cxpulse can use; write one like 30s, 15m, 2h or 1d"
        ) from None
