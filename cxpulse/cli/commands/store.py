"""``cxpulse init`` and ``cxpulse db``: create and migrate the results store."""

from __future__ import annotations

import logging

import click

from cxpulse.cli.context import AppContext, pass_app

__all__ = ["db", "init"]

logger = logging.getLogger(__name__)


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create the results store (if missing) and bring its schema up to date.

    Safe to run again: an existing store is only migrated. The store is the
    [database] url of the config (default: cxpulse.db next to config.toml).
    """
    store = app.store(must_exist=False)
    store.upgrade()
    app.out.print(f"results store ready: {store.display_url} (schema {store.current_revision()})")


@click.group()
def db() -> None:
    """Inspect and migrate the results store's schema."""


@db.command()
@click.argument("revision", default="head")
@pass_app
def upgrade(app: AppContext, revision: str) -> None:
    """Apply schema migrations up to REVISION (default: the newest)."""
    store = app.store(must_exist=False)
    before = store.current_revision()
    store.upgrade(revision)
    after = store.current_revision()
    if before == after:
        app.out.print(f"{store.display_url} is already at schema {after}")
    else:
        app.out.print(f"{store.display_url} upgraded from {before or 'empty'} to {after}")


@db.command()
@pass_app
def current(app: AppContext) -> None:
    """Print the store's schema revision (empty line if none)."""
    app.out.print(app.store(must_exist=False).current_revision() or "")
