"""``cxpulse demo``: one full cycle on built-in defaults, no config file needed."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import highlight, table
from cxpulse.cli.progress import CollectProgress
from cxpulse.config import BrandConfig, LoadedConfig, Settings, SourceConfig
from cxpulse.query import parse
from listener.pipeline import collect as run_collect
from listener.sources.demo import DEMO_BRANDS
from storage import SearchFilters

__all__ = ["demo", "demo_settings"]

SAMPLE_QUERY = 'refund OR "money back"'


def demo_settings(*, seed: int = 7, count: int = 1500) -> Settings:
    """The embedded demo configuration: the fictional demo brands and the demo source."""
    return Settings(
        brands=[
            BrandConfig(name=b.name, query=b.query, competitors=list(b.competitors), languages=list(b.languages))
            for b in DEMO_BRANDS
        ],
        sources=[SourceConfig(type="demo", name="demo", options={"seed": seed, "count": count})],
    )


@click.command()
@click.option(
    "--count",
    type=click.IntRange(10, 1_000_000),
    default=1500,
    show_default=True,
    help="Demo mentions to generate per brand.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo generator.")
@pass_app
def demo(app: AppContext, count: int, seed: int) -> None:
    """Run one full cycle on the built-in demo: init a store, collect, summarize, search.

    Uses embedded defaults, not config.toml: fictional brands, the seeded demo
    source, and a SQLite store cxpulse-demo.db next to the config file (or
    --db). Needs no network. Running it again adds nothing new.
    """
    folder = (app.config_path or Path("config.toml")).expanduser().resolve().parent
    url = app.database_url or f"sqlite:///{folder / 'cxpulse-demo.db'}"
    settings = demo_settings(seed=seed, count=count)
    loaded = LoadedConfig(settings, folder / "(built-in demo config)", exists=False, database_url=url)
    store = app.open_store(url)
    store.upgrade()
    app.err.print(f"demo store: {store.display_url}", markup=False)
    with CollectProgress(app) as on_batch:
        results = run_collect(loaded, store, os.environ, on_batch=on_batch)
    new = sum(r.stored for r in results)
    failed = [r for r in results if not r.ok]
    for result in failed:
        app.err.print(f"error: demo source failed for {result.brand}: {result.error}", markup=False)

    summary = store.summary()
    app.out.print(
        table(
            f"demo store: {summary.mentions:,} mentions ({new:,} new this run), "
            f"{summary.duplicates:,} linked as copies",
            ["brand", "mentions"],
            sorted(summary.by_brand.items()),
        )
    )
    app.out.print(table(None, ["channel", "mentions"], [(k or "unknown", v) for k, v in summary.by_channel.items()]))
    app.out.print(table(None, ["language", "mentions"], [(k or "unknown", v) for k, v in summary.by_language.items()]))

    first = settings.brands[0].name
    hits = store.search(parse(SAMPLE_QUERY), SearchFilters(brands=(first,), include_duplicates=False), limit=5)
    app.out.print(
        table(
            f"sample search: cxpulse search '{SAMPLE_QUERY}' --brand '{first}' --no-duplicates --limit 5",
            ["date", "channel", "mention"],
            [(h.created_at, h.channel, highlight(h.snippet)) for h in hits],
        )
    )
    app.out.print(
        "next: try `cxpulse --db sqlite:///" + str(folder / "cxpulse-demo.db") + " search 'delay OR delayed' "
        "--since 7d`, or copy config.toml, add your brand and sources, then `cxpulse init && cxpulse collect`.",
        markup=False,
    )
    if failed:
        click.get_current_context().exit(1)
