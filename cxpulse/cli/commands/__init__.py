"""One module per command group; ``register_commands`` adds them all to the CLI."""

from __future__ import annotations

import click

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    from cxpulse.cli.commands import classify, collect, config, demo, search, sources, store

    for command in (
        store.init,
        store.db,
        collect.collect,
        collect.import_file,
        search.search,
        classify.classify,
        classify.reclassify,
        classify.classify_file,
        config.config,
        sources.sources,
        demo.demo,
    ):
        cli.add_command(command)

    from cxpulse.cli.commands import alerts, service

    cli.add_command(service.run_service)
    cli.add_command(alerts.alerts)

    from cxpulse.cli.commands import digest

    cli.add_command(digest.digest)

    from cxpulse.cli.commands import trends

    cli.add_command(trends.trends)

    from cxpulse.cli.commands import serve, users

    cli.add_command(serve.serve)
    cli.add_command(users.users_group)
    cli.add_command(users.tokens)

    from cxpulse.cli.commands import worker

    cli.add_command(worker.worker)
    cli.add_command(worker.workers)

    from cxpulse.cli.commands import export

    cli.add_command(export.export)
