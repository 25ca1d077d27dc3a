"""Logging for the command line: only the CLI configures handlers."""

from __future__ import annotations

import logging

from rich.console import Console
from rich.logging import RichHandler

__all__ = ["configure_logging"]

_OURS = ("cxpulse", "listener", "storage", "classifiers")


def configure_logging(console: Console, *, verbose: int = 0, quiet: bool = False) -> None:
    """INFO for cxpulse's own loggers by default; -v adds library INFO, -vv DEBUG."""
    level = logging.WARNING if quiet else logging.INFO
    handler = RichHandler(
        console=console,
        show_time=verbose > 0,
        show_path=False,
        markup=False,
        rich_tracebacks=verbose > 1,
        log_time_format="%H:%M:%S",
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose > 1 else (logging.INFO if verbose else logging.WARNING))
    for name in _OURS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else level)
