"""What every command shares: the loaded config, the store, the consoles.

Data goes to stdout; logs, progress bars and errors go to stderr. Both consoles
write through :class:`~cxpulse.cli.logs.ScrubbedStream`, so no secret the
config resolved is ever printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from cxpulse.app.demo import demo_fallback
from cxpulse.cli.logs import ScrubbedStream
from cxpulse.config import LoadedConfig, load_config
from foundation.errors import StorageError
from storage import UPGRADE_HINT, Store

__all__ = ["AppContext", "pass_app"]


@dataclass
class AppContext:
    config_path: Path | None
    database_url: str | None
    out: Console = field(
        default_factory=lambda: _console(file=ScrubbedStream.stdout(), soft_wrap=True, highlight=False)
    )
    err: Console = field(
        default_factory=lambda: _console(file=ScrubbedStream.stderr(), soft_wrap=True, highlight=False)
    )
    _config: LoadedConfig | None = None
    _store: Store | None = None

    def config(self, *, require_file: bool = True) -> LoadedConfig:
        if self._config is None:
            self._config = load_config(
                self.config_path, env=os.environ, database_url=self.database_url, require_file=require_file
            )
        return self._config

    def store(self, *, must_exist: bool = True) -> Store:
        """The results store; by default it must have been created with ``cxpulse init``."""
        if self._store is None:
            loaded = self.config(require_file=False)
            url = loaded.database_url
            if must_exist and self.database_url is None and (demo := demo_fallback(loaded)) is not None:
                self.err.print(
                    f"using the demo store {demo.removeprefix('sqlite:///')} "
                    f"(the configured store {url} does not exist yet; `cxpulse init` creates it)",
                    markup=False,
                )
                url = demo
            self._store = Store.open(url)
            if must_exist and not self._store.is_initialized():
                raise StorageError(
                    f"the results store at {self._store.display_url} is not initialized or not "
                    f"up to date; {UPGRADE_HINT}"
                )
        return self._store

    def open_store(self, url: str) -> Store:
        """Use the store at ``url`` for this command (``cxpulse demo`` has its own)."""
        self.close()
        self._store = Store.open(url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


PIPED_WIDTH = 160
"""Table width when output goes to a file or pipe and COLUMNS is not set (rich's default, 80,
wraps every search result over several lines)."""


def _console(**options: Any) -> Console:
    console = Console(**options)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=PIPED_WIDTH, **options)
    return console
