"""``cxpulse demo``: one full cycle on built-in defaults, no config file needed."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cxpulse.app.collect import collect as run_collect
from cxpulse.app.demo import DEMO_DIGEST_FILE, DEMO_STORE_FILE, SAMPLE_QUERY, demo_config
from cxpulse.app.search import search_mentions
from cxpulse.cli.classifying import classify_with_progress
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import highlight, table
from cxpulse.cli.progress import CollectProgress
from cxpulse.config import LoadedConfig
from foundation.errors import ClassifierError
from foundation.labels import LIFECYCLE_STAGES
from storage import HitClassification, SearchFilters, Store

__all__ = ["demo"]


@click.command()
@click.option(
    "--count",
    type=click.IntRange(10, 1_000_000),
    default=1500,
    show_default=True,
    help="Demo mentions to generate per brand.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo generator.")
@click.option("--no-classify", is_flag=True, help="Skip the classifier (faster; no sentiment, gaps or flags).")
@pass_app
def demo(app: AppContext, count: int, seed: int, no_classify: bool) -> None:
    """Run one full cycle on the built-in demo: init a store, collect, classify, summarize, search,
    and write the demo brands' weekly digest to cxpulse-demo-digest.html.

    Uses embedded defaults, not config.toml: fictional brands, the seeded demo
    source, the built-in topic taxonomy, and a SQLite store cxpulse-demo.db
    next to the config file (or --db). Needs no network. Running it again
    adds nothing new and classifies only what is not classified yet.
    """
    folder = (app.config_path or Path("config.toml")).expanduser().resolve().parent
    loaded = demo_config(folder, app.database_url, seed=seed, count=count)
    settings = loaded.settings
    store = app.open_store(loaded.database_url)
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

    version = None if no_classify else _classify(app, store, loaded)
    first = settings.brands[0].name
    hits = search_mentions(
        store, SAMPLE_QUERY, SearchFilters(brands=(first,), include_duplicates=False, model_version=version), limit=5
    )
    app.out.print(
        table(
            f"sample search: cxpulse search '{SAMPLE_QUERY}' --brand '{first}' --no-duplicates --limit 5",
            ["date", "channel", "sentiment", "gap", "mention"],
            [(h.created_at, h.channel, *_labels(h.classification), highlight(h.snippet)) for h in hits],
        )
    )
    from cxpulse.app.digest import write_demo_digest  # matplotlib: loaded only when used

    digest_path = write_demo_digest(store, settings, folder / DEMO_DIGEST_FILE, model_version=version)
    app.out.print(f"weekly digest of the demo brands (last complete week): {digest_path}", markup=False)
    app.out.print(
        "next: try `cxpulse --db sqlite:///" + str(folder / DEMO_STORE_FILE) + " search 'delay OR delayed' "
        "--since 7d`, or copy config.toml, add your brand and sources, then `cxpulse init && cxpulse collect`.",
        markup=False,
    )
    if failed or (version is None and not no_classify):
        click.get_current_context().exit(1)


def _classify(app: AppContext, store: Store, loaded: LoadedConfig) -> str | None:
    """Classify what is not classified yet and print counts; the version, None if it failed."""
    try:
        report = classify_with_progress(app, store, loaded)
    except ClassifierError as exc:
        app.err.print(f"error: the demo could not classify: {exc}", markup=False)
        return None
    counts = store.classification_summary(report.model_version)
    app.out.print(
        f"{report.line()}; the store now holds {counts.classified:,} classified, {counts.flagged:,} flagged",
        markup=False,
    )
    app.out.print(table(None, ["sentiment", "mentions"], list(counts.by_sentiment.items())))
    app.out.print(table(None, ["expectation gap", "mentions"], list(counts.by_gap.items())))
    if counts.switching is not None and counts.not_about_brand is not None:
        app.out.print(
            f"{counts.switching:,} switching threats (the customer says they will leave, cancel or switch; "
            "cxpulse search --switching)",
            markup=False,
        )
        app.out.print(
            f"{counts.not_about_brand:,} not about a brand (general chatter, never flagged; "
            "cxpulse search --not-about-brand)",
            markup=False,
        )
        stages = [(stage, counts.by_lifecycle.get(stage, 0)) for stage in LIFECYCLE_STAGES]
        app.out.print(table(None, ["lifecycle stage", "mentions"], stages))
    return report.model_version


def _labels(classification: HitClassification | None) -> tuple[str, str]:
    if classification is None:
        return ("", "")
    return (classification.sentiment, classification.expectation_gap)
