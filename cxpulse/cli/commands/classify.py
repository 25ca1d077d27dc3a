"""``cxpulse classify``, ``cxpulse reclassify`` and ``cxpulse classify-file``.

The transformer is loaded only by the commands that classify (2 to 3 seconds),
never by ``--help`` or by ``cxpulse search``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from classifiers.settings import ClassifiersConfig
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json
from cxpulse.cli.progress import CountProgress
from cxpulse.config import LoadedConfig, load_config
from foundation.errors import InputError
from storage import Store

if TYPE_CHECKING:
    from classifiers.engine import Classifier

__all__ = ["ClassifyReport", "classify", "classify_file", "classify_stored", "current_model_version", "reclassify"]

FILE_CHUNK = 8192
"""Lines of ``classify-file`` input classified and written together."""
MAX_REPORTED_BAD_LINES = 20


@dataclass(frozen=True)
class ClassifyReport:
    """What one classification run did, for the summary line."""

    model_version: str
    classified: int
    flagged: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.classified / self.seconds if self.seconds > 0 else 0.0

    def line(self, what: str = "classified") -> str:
        return (
            f"{what} {self.classified:,} mentions with {self.model_version}: {self.flagged:,} flagged; "
            f"{self.seconds:.1f} s, {self.per_second:,.0f} mentions/s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "classified": self.classified,
            "flagged": self.flagged,
            "seconds": round(self.seconds, 3),
            "mentions_per_second": round(self.per_second, 1),
        }


def load_engine(app: AppContext, config: ClassifiersConfig) -> Classifier:
    """The classifier for ``config``; loaded once per process by :func:`classifiers.load_classifier`."""
    from classifiers import load_classifier

    status = app.err.status("loading the classifier...") if app.err.is_terminal else nullcontext()
    with status:
        return load_classifier(config)


def current_model_version(config: ClassifiersConfig) -> str | None:
    """The version ``cxpulse classify`` would write, read from the heads' manifest without
    loading the model; None when the heads cannot be read."""
    from classifiers.artifacts import artifacts_dir, model_version, read_manifest

    try:
        manifest = read_manifest(artifacts_dir(config.artifacts))
    except (OSError, ValueError, TypeError):
        return None
    return model_version(manifest, config.precision)


def classify_stored(
    app: AppContext,
    store: Store,
    loaded: LoadedConfig,
    *,
    model_version: str | bool = False,
    batch_size: int | None = None,
    classifier: Classifier | None = None,
) -> ClassifyReport:
    """Classify stored mentions with a progress bar: the pending ones (``model_version``
    False) or again those of a version (True: all); also used by collect and demo."""
    from cxpulse.app.classify import classify_pending, reclassify

    engine = classifier or load_engine(app, loaded.settings.classifiers)
    version = engine.model_version
    redo = model_version
    total = store.count_to_classify(version, redo=redo)
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    label = "classifying" if redo is False else "reclassifying"
    with CountProgress(app, label, total) as progress:
        if redo is False:
            done = classify_pending(store, engine, loaded, batch_size=batch_size, progress=progress)
        else:
            done = reclassify(
                store,
                engine,
                loaded,
                model_version=None if redo is True else redo,
                batch_size=batch_size,
                progress=progress,
            )
    seconds = time.perf_counter() - started
    flagged = store.classification_summary(version, since=started_at).flagged if done else 0
    return ClassifyReport(version, done, flagged, seconds)


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
    report = classify_stored(app, store, loaded, batch_size=batch_size)
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
    report = classify_stored(
        app, store, loaded, model_version=model_version if model_version is not None else True, batch_size=batch_size
    )
    _print_report(app, report, as_json=as_json, what="reclassified")


def _print_report(app: AppContext, report: ClassifyReport, *, as_json: bool, what: str = "classified") -> None:
    if as_json:
        print_json(app.out, report.as_dict())
    else:
        app.out.print(report.line(what), markup=False)


# --- classify-file -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    data: dict[str, Any]


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def _parse(path: Path, number: int, raw: bytes) -> _Line | str | None:
    """A line's object, an error message naming file and line, or None for a blank line."""
    where = f"{path} line {number}"
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return f"{where}: not UTF-8 text; save the file as UTF-8"
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object"
    if not isinstance(data, dict):
        return f'{where}: a JSON {type(data).__name__}, not an object; write {{"id": ..., "text": ...}}'
    if not isinstance(data.get("text"), str):
        found = "no" if "text" not in data else f"a {type(data['text']).__name__} as"
        return f'{where}: {found} "text"; each line needs a "text" string (and usually an "id")'
    return _Line(number, data)


def _chunks(path: Path, bad: list[str], strict: bool) -> Iterator[list[_Line]]:
    chunk: list[_Line] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            parsed = _parse(path, number, raw)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                if strict:
                    raise InputError(f"{parsed} (--strict: nothing was written)")
                bad.append(parsed)
                continue
            chunk.append(parsed)
            if len(chunk) >= FILE_CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _offset(progress: Callable[[int], None], base: int) -> Callable[[int], None]:
    return lambda n: progress(base + n)


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
    emotion_scores, flagged and model_version. Big files stream in chunks.
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
    if config_path is not None:
        loaded = load_config(config_path, env=os.environ, require_file=True)
    else:
        loaded = app.config(require_file=False)
    settings = loaded.settings
    if brand is not None:
        settings.brand(brand)  # unknown: an error listing the known brands
    from cxpulse.app.classify import taxonomy_for

    taxonomy = taxonomy_for(settings, brand)
    engine = load_engine(app, settings.classifiers)
    total = _count_lines(input_path)
    bad: list[str] = []
    done = flagged = 0
    started = time.perf_counter()
    output_path = output_path.expanduser()
    folder = output_path.resolve().parent
    if not folder.is_dir():
        raise InputError(f"{output_path}: folder {folder} does not exist; create it or pick another --output")
    handle = tempfile.NamedTemporaryFile(  # closed by the with below, removed on failure
        "w", encoding="utf-8", dir=folder, prefix=f".{output_path.name}.", suffix=".part", delete=False
    )
    try:
        with handle, CountProgress(app, "classifying", total) as progress:
            for chunk in _chunks(input_path, bad, strict):
                labels = engine.classify(
                    [line.data["text"] for line in chunk], taxonomy, progress=_offset(progress, chunk[0].number - 1)
                )
                for line, label in zip(chunk, labels, strict=True):
                    handle.write(json.dumps(line.data | label.as_dict(), ensure_ascii=False) + "\n")
                    flagged += label.flagged
                done += len(chunk)
                progress(chunk[-1].number)
        Path(handle.name).replace(output_path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    report = ClassifyReport(engine.model_version, done, flagged, time.perf_counter() - started)
    app.out.print(f"{report.line()}; wrote {output_path}", markup=False)
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
