"""Logging for the command line: only the CLI configures handlers.

Every record that reaches the handler, cxpulse's own and every library's (httpx
logs each request's URL at INFO, and a Slack webhook URL is a secret), is
scrubbed of secrets first (:func:`foundation.secrets.scrub`); so is everything
the commands print (:class:`ScrubbedStream`).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console
from rich.logging import RichHandler

from foundation.secrets import scrub

__all__ = ["JsonLines", "ScrubSecrets", "ScrubbedStream", "configure_logging", "use_json_lines"]

_OURS = ("cxpulse", "listener", "storage", "classifiers")
_CHATTY = ("httpcore", "hpack", "urllib3", "asyncio", "matplotlib", "PIL", "filelock", "fsspec")
"""Libraries whose INFO lines are noise (connection pools, font caches): at -v they stay at WARNING."""


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
    handler.addFilter(ScrubSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose > 1 else (logging.INFO if verbose else logging.WARNING))
    for name in _OURS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the task fields a filter
    added (``task_id``, ``task_name``), for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key in ("task_name", "task_id"):
            value = getattr(record, key, None)
            if value is not None:
                data[key] = value
        return json.dumps(data, ensure_ascii=False)


def use_json_lines(*filters: logging.Filter) -> None:
    """Replace the handler :func:`configure_logging` set up by one writing :class:`JsonLines`
    to stderr (scrubbed, with ``filters`` applied first)."""
    handler = logging.StreamHandler(ScrubbedStream.stderr())
    for extra in filters:
        handler.addFilter(extra)
    handler.addFilter(ScrubSecrets())
    handler.setFormatter(JsonLines())
    logging.getLogger().handlers[:] = [handler]


class ScrubSecrets(logging.Filter):
    """Takes secrets out of a record's message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a library's bad %-format: show it rather than lose the record
            message = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            # The traceback quotes the exception's message, which may quote a server's reply.
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        record.msg = scrub(message)
        record.args = None
        return True


class ScrubbedStream:
    """A text stream that scrubs secrets out of everything written to it.

    The stream is looked up on each write (``sys.stdout`` may be replaced, as
    test capture does); everything else is the underlying stream's.
    """

    def __init__(self, stream: Callable[[], TextIO]) -> None:
        self._stream = stream

    @classmethod
    def stdout(cls) -> ScrubbedStream:
        return cls(lambda: sys.stdout)

    @classmethod
    def stderr(cls) -> ScrubbedStream:
        return cls(lambda: sys.stderr)

    def write(self, text: str) -> int:
        self._stream().write(scrub(text))
        return len(text)

    def flush(self) -> None:
        self._stream().flush()

    def isatty(self) -> bool:
        return self._stream().isatty()

    def fileno(self) -> int:
        return self._stream().fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream(), name)
