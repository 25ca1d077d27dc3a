"""One module per command group; ``register_commands`` adds them all to the CLI."""

from __future__ import annotations

import click

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    from cxpulse.cli.commands import collect, config, demo, search, sources, store

    for command in (
        store.init,
        store.db,
        collect.collect,
        collect.import_file,
        search.search,
        config.config,
        sources.sources,
        demo.demo,
    ):
        cli.add_command(command)
