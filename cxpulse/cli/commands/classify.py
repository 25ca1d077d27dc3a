"""``cxpulse classify``, ``cxpulse reclassify`` and ``cxpulse classify-file``.

The transformer is loaded only by the commands that classify (2 to 3 seconds),
never by ``--help`` or by ``cxpulse search``. The work itself is
:mod:`cxpulse.app.classify`.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cxpulse.app.classify import ClassifyReport, count_lines, taxonomy_for
from cxpulse.app.classify import classify_file as classify_file_into
from cxpulse.cli.classifying import classify_with_progress, load_engine
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json
from cxpulse.cli.progress import CountProgress
from cxpulse.config import load_config
from foundation.errors import InputError

__all__ = ["classify", "classify_file", "reclassify"]

MAX_REPORTED_BAD_LINES = 20


_BATCH_OPTION = click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=None,
    help="Mentions read, classified and committed together. Default: 512.",
)


@click.command()
@_BATCH_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def classify(app: AppContext, batch_size: int | None, as_json: bool) -> None:
    """Classify every stored mention that the current model has not classified yet.

    Sentiment, topics (from each mention's brand taxonomy, else [[topics]],
    else the built-in one), expectation gap with evidence, emotion and the
    flag. Incremental and resumable: each batch is committed, so Ctrl-C loses
    at most one batch and running it again classifies only what is left.
    Copies of a mention (retweets, copy-paste) get their original's labels.
    Flagged mentions get an open triage item.

    \b
    Examples:
      cxpulse classify
      cxpulse search --flagged --sentiment negative --since 7d
    """
    loaded = app.config(require_file=False)
    store = app.store()
    report = classify_with_progress(app, store, loaded, batch_size=batch_size)
    _print_report(app, report, as_json=as_json)


@click.command()
@click.option(
    "--model-version",
    metavar="VERSION",
    default=None,
    help="Only mentions classified by this model version (as stored, e.g. cx-minilm-l6-1.0.0). "
    "Default: every stored mention.",
)
@_BATCH_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def reclassify(app: AppContext, model_version: str | None, batch_size: int | None, as_json: bool) -> None:
    """Classify stored mentions again with the current model (a backfill).

    Use it after changing the taxonomy or the flag rule in config.toml, or to
    bring mentions an older model classified up to the current one. Rows of
    the current model version are replaced; other versions' rows are kept.
    Triage items are never reset.

    \b
    Examples:
      cxpulse reclassify                                 every stored mention
      cxpulse reclassify --model-version cx-minilm-l6-1.0.0  what that version labelled
    """
    loaded = app.config(require_file=False)
    store = app.store()
    report = classify_with_progress(
        app, store, loaded, redo=model_version if model_version is not None else True, batch_size=batch_size
    )
    _print_report(app, report, as_json=as_json, what="reclassified")


def _same_file(input_path: Path, output_path: Path) -> bool:
    """True when ``output_path`` is ``input_path`` (through a symlink or a hard link too)."""
    try:
        return os.path.samefile(input_path, output_path.expanduser())
    except OSError:  # the output does not exist yet
        return False


def _print_report(app: AppContext, report: ClassifyReport, *, as_json: bool, what: str = "classified") -> None:
    if as_json:
        print_json(app.out, report.as_dict())
    else:
        app.out.print(report.line(what), markup=False)


@click.command("classify-file")
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--output",
    "-o",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSONL file to write (replaced if it exists; written only when the run finishes).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Config whose [[topics]] (and [classifiers]) to use; a file with only [[topics]] is enough. "
    "Default: the global --config, else the built-in taxonomy.",
)
@click.option("--brand", "-b", default=None, help="Use this configured brand's own topics ([[brands.topics]]).")
@click.option("--strict", is_flag=True, help="Stop at the first bad line and write nothing (default: skip bad lines).")
@pass_app
def classify_file(
    app: AppContext, input_path: Path, output_path: Path, config_path: Path | None, brand: str | None, strict: bool
) -> None:
    """Classify a JSONL file of texts without a database: one JSON object per line.

    Each input line needs "text" (a string) and usually "id"; every key of the
    line is written back, in order, followed by sentiment, sentiment_scores,
    topics, topic_scores, expectation_gap, gap_score, gap_evidence, emotion,
    emotion_scores, flagged, about_brand, about_brand_score, complaint_score,
    switching, switching_score, lifecycle, lifecycle_scores, windows (long
    texts are read whole, in overlapping windows) and model_version. Big files
    stream in chunks.
    Bad lines (not JSON, no "text") are reported with their file and line and
    skipped, exit code 1, as `cxpulse import` does; --strict stops at the first.

    \b
    Examples:
      cxpulse classify-file tweets.jsonl --output labelled.jsonl
      cxpulse classify-file tickets.jsonl -o out.jsonl --config topics.toml
    \b
    A topics.toml needs nothing else:
      [[topics]]
      name = "baggage"
      description = "checked bags lost, delayed or damaged"
      examples = ["lost my suitcase", "bag never arrived"]
    """
    if _same_file(input_path, output_path):
        raise InputError(
            f"{output_path}: is the input file itself (the labelled file would replace it); "
            "write to another file, e.g. -o labelled.jsonl"
        )
    if config_path is not None:
        loaded = load_config(config_path, env=os.environ, require_file=True)
    else:
        loaded = app.config(require_file=False)
    settings = loaded.settings
    if brand is not None:
        settings.brand(brand)  # unknown: an error listing the known brands
    taxonomy = taxonomy_for(settings, brand)
    engine = load_engine(app, settings.classifiers)
    with CountProgress(app, "classifying", count_lines(input_path)) as progress:
        result = classify_file_into(input_path, output_path, engine, taxonomy, strict=strict, progress=progress)
    report, bad = result.report, result.bad_lines
    app.out.print(f"{report.line()}; wrote {output_path.expanduser()}", markup=False)
    for message in bad[:MAX_REPORTED_BAD_LINES]:
        app.err.print(f"skipped: {message}", markup=False, highlight=False)
    if len(bad) > MAX_REPORTED_BAD_LINES:
        app.err.print(f"... and {len(bad) - MAX_REPORTED_BAD_LINES} more bad lines", markup=False)
    if bad:
        app.err.print(
            f"error: {len(bad)} bad line(s) skipped; fix them and run again (or --strict to stop at the first)",
            markup=False,
        )
        click.get_current_context().exit(1)
