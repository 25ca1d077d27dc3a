"""Classifying what is stored: incremental runs and backfills, batch by batch.

:func:`classify_pending` reads the mentions that have no classification for the
classifier's ``model_version`` in id order, a batch at a time, and commits each
batch's classifications in one transaction: an interrupted run loses at most
one batch, and the next run carries on where it stopped. :func:`reclassify`
runs the current model again over mentions an earlier (or the same) version
classified, replacing rows of the current version.

:func:`classify_pending` claims each batch before reading it (a lease in the
store, :mod:`storage.claims`) and gives the claim up in the transaction that
saves the batch, so any number of processes (two ``cxpulse classify`` at once,
the ``cxpulse worker`` processes of several machines) classify disjoint
batches: no mention twice, none skipped. :func:`classify_claimed` is the same
run for a worker, saying what others still hold when it stops.

Each mention is classified with the taxonomy of its first brand (alphabetical;
see :func:`taxonomy_for` below). Content duplicates are not sent
to the model: they get a copy of their original's classification (see
:mod:`storage.classifications`), and the engine itself classifies identical
texts within a batch once.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifiers.settings import ClassifiersConfig
from classifiers.taxonomy import Taxonomy, default_taxonomy
from cxpulse.app.triage import apply_default_priorities
from cxpulse.config import LoadedConfig, Settings
from foundation.clock import utc_now
from foundation.errors import InputError
from storage import MentionText, Store, claims

if TYPE_CHECKING:  # the engine imports torch: only the caller that loads it pays for that
    from classifiers.engine import Classifier

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FILE_CHUNK",
    "ClaimedRun",
    "ClassifyReport",
    "FileReport",
    "classify_claimed",
    "classify_file",
    "classify_pending",
    "classify_stored",
    "count_lines",
    "current_model_version",
    "get_classifier",
    "pending_count",
    "reclassify",
    "taxonomy_for",
]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 512

_unreleased: dict[str, set[int]] = {}
"""Batches this process claimed but could neither save nor give back (the store went away
mid-batch), by model version: the next run in this process frees them first instead of
leaving them to their lease's expiry."""
_unreleased_lock = threading.Lock()
"""Mentions read, classified and committed together (the engine batches further inside)."""

FILE_CHUNK = 8192
"""Lines of a ``classify-file`` input classified and written together."""


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


def get_classifier(config: ClassifiersConfig) -> Classifier:
    """The classifier for ``config``, loaded once per process (:func:`classifiers.load_classifier`)."""
    from classifiers import load_classifier

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


def pending_count(store: Store, model_version: str, *, redo: str | bool = False) -> int:
    """How many mentions :func:`classify_stored` would read (for a progress bar)."""
    return store.count_to_classify(model_version, redo=redo)


def classify_stored(
    store: Store,
    loaded_config: LoadedConfig,
    classifier: Classifier,
    *,
    redo: str | bool = False,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ClassifyReport:
    """Classify the pending mentions (``redo`` False), or again those a version classified
    (a version string) or every stored mention (True); what ``cxpulse classify``,
    ``reclassify``, ``collect --classify`` and ``demo`` run."""
    version = classifier.model_version
    started_at = utc_now()
    started = time.perf_counter()
    if redo is False:
        done = classify_pending(store, classifier, loaded_config, batch_size=batch_size, progress=progress)
    else:
        done = reclassify(
            store,
            classifier,
            loaded_config,
            model_version=None if redo is True else redo,
            batch_size=batch_size,
            progress=progress,
        )
    seconds = time.perf_counter() - started
    flagged = store.classification_summary(version, since=started_at).flagged if done else 0
    return ClassifyReport(version, done, flagged, seconds)


def classify_pending(
    store: Store,
    classifier: Classifier,
    loaded_config: LoadedConfig,
    *,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    lease_for: timedelta | None = None,
) -> int:
    """Classify every stored mention that has no classification for ``classifier.model_version``
    and that no other process has claimed.

    Returns how many mentions got a classification (duplicates that received a
    copy included). ``progress`` is called with the running count of mentions
    read by the model (compare :meth:`storage.Store.count_to_classify`);
    ``should_stop`` is asked before each batch and ends the run early, with
    every finished batch committed. ``lease_for``: how long a claimed batch stays
    this process's (default ``[execution] lease_seconds``).
    """
    version = classifier.model_version
    copied = store.copy_to_duplicates(version)
    done, _stopped = _run(
        store,
        classifier,
        loaded_config.settings,
        redo=False,
        batch_size=batch_size,
        progress=progress,
        should_stop=should_stop,
        what="classified",
        copied=copied,
        lease_for=lease_for,
    )
    return done


@dataclass(frozen=True)
class ClaimedRun:
    """What a worker's classification run did, and what it left to others."""

    classified: int
    stopped: bool
    """Ended early because the worker is shutting down."""
    held_by_others: int
    """Mentions still to classify that other processes have claimed."""
    next_expiry: datetime | None
    """When the first of those claims expires (a worker that died frees its batch then)."""


def classify_claimed(
    store: Store,
    classifier: Classifier,
    loaded_config: LoadedConfig,
    *,
    batch_size: int | None = None,
    lease_for: timedelta | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ClaimedRun:
    """:func:`classify_pending` for a worker: claim, classify and save batches until none is
    left to claim, then say what other processes still hold (the task waits for them)."""
    done = classify_pending(
        store, classifier, loaded_config, batch_size=batch_size, should_stop=should_stop, lease_for=lease_for
    )
    stopped = should_stop is not None and should_stop()
    waiting = claims.waiting_on_others(store, classifier.model_version)
    return ClaimedRun(done, stopped, waiting.held, waiting.next_expiry)


def reclassify(
    store: Store,
    classifier: Classifier,
    loaded_config: LoadedConfig,
    *,
    model_version: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Classify again, with the current model, the mentions ``model_version`` classified
    (None: every stored mention), replacing the current version's rows.

    A backfill after a model or taxonomy change. Returns how many mentions got a
    classification; ``progress`` and ``should_stop`` as in :func:`classify_pending`.
    A stopped run starts over from the first mention when run again.
    """
    return _run(
        store,
        classifier,
        loaded_config.settings,
        redo=model_version if model_version is not None else True,
        batch_size=batch_size,
        progress=progress,
        should_stop=should_stop,
        what="reclassified",
        copied=0,
    )[0]


def _run(
    store: Store,
    classifier: Classifier,
    settings: Settings,
    *,
    redo: str | bool,
    batch_size: int | None,
    progress: Callable[[int], None] | None,
    should_stop: Callable[[], bool] | None,
    what: str,
    copied: int,
    lease_for: timedelta | None = None,
) -> tuple[int, bool]:
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    size = batch_size or DEFAULT_BATCH_SIZE
    lease = lease_for or settings.execution.lease_length
    holder = claims.this_holder()
    version = classifier.model_version
    taxonomies: dict[str | None, Taxonomy] = {}
    started = time.perf_counter()
    read = flagged = opened = 0
    after_id = 0
    stopped = False
    if redo is False:
        _free_unreleased(store, version, holder)
    while True:
        if should_stop is not None and should_stop():
            stopped = True
            break
        if redo is False:
            batch = claims.claim_batch(store, version, limit=size, lease_for=lease, holder=holder)
        else:
            batch = store.mentions_to_classify(version, redo=redo, after_id=after_id, limit=size)
        if not batch:
            break
        chosen = [_taxonomy(taxonomies, settings, mention) for mention in batch]
        on_step = _offset(progress, read) if progress is not None else None
        try:
            labels = classifier.classify([m.text for m in batch], chosen, progress=on_step)
            pairs = [(m.id, label) for m, label in zip(batch, labels, strict=True)]
            result = (
                claims.save_claimed(store, pairs, holder=holder) if redo is False else store.save_classifications(pairs)
            )
        except BaseException:
            if redo is False:  # Ctrl-C, a model error, the store gone: the batch is free for the next run
                _give_back(store, version, [m.id for m in batch], holder)
            raise
        read += len(batch)
        copied += result.copied
        flagged += result.flagged
        opened += result.triage_opened
        after_id = batch[-1].id
        if progress is not None:
            progress(read)
    if opened:
        apply_default_priorities(store)
    seconds = time.perf_counter() - started
    log.info(
        "%s %d mentions with %s%s: %d by the model, %d copies of duplicates; %d flagged, "
        "%d triage items opened; %.1f s, %.0f mentions/s",
        what,
        read + copied,
        version,
        " (stopped early)" if stopped else "",
        read,
        copied,
        flagged,
        opened,
        seconds,
        read / seconds if seconds > 0 else 0.0,
    )
    return read + copied, stopped


def _give_back(store: Store, version: str, ids: list[int], holder: str) -> None:
    """Free a claimed batch that was not saved; when the store cannot be reached either, keep
    its ids so this process's next run frees them (else they wait for the lease to expire)."""
    try:
        claims.release_batch(store, version, ids, holder=holder)
    except Exception:  # the batch's own error is the one raised
        with _unreleased_lock:
            _unreleased.setdefault(version, set()).update(ids)
        log.warning("could not free a claimed batch of %d mentions; the next run here frees it", len(ids))


def _free_unreleased(store: Store, version: str, holder: str) -> None:
    with _unreleased_lock:
        ids = sorted(_unreleased.pop(version, set()))
    if ids:
        try:
            freed = claims.release_batch(store, version, ids, holder=holder)
        except Exception:
            with _unreleased_lock:
                _unreleased.setdefault(version, set()).update(ids)
            raise
        log.info("freed %d mentions claimed by an earlier run here that failed mid-batch", freed)


def _offset(progress: Callable[[int], None], base: int) -> Callable[[int], None]:
    """The engine counts within one batch; the run's progress counts from its start."""
    return lambda n: progress(base + n)


def _taxonomy(cache: dict[str | None, Taxonomy], settings: Settings, mention: MentionText) -> Taxonomy:
    brand = mention.brands[0] if mention.brands else None
    if brand not in cache:
        cache[brand] = taxonomy_for(settings, brand)
    return cache[brand]


def taxonomy_for(settings: Settings, brand: str | None = None) -> Taxonomy:
    """The taxonomy that applies to ``brand``: its own list, else ``[[topics]]``, else the default."""
    if brand is not None:
        for config in settings.brands:
            if config.name == brand and config.topics:
                return Taxonomy(tuple(config.topics))
    if settings.topics:
        return Taxonomy(tuple(settings.topics))
    return default_taxonomy()


# --- classifying a file, without a store ---------------------------------------------------


@dataclass(frozen=True)
class FileReport:
    """What :func:`classify_file` did: the summary, and one message per skipped line."""

    report: ClassifyReport
    bad_lines: tuple[str, ...]


@dataclass(frozen=True)
class _Line:
    number: int
    data: dict[str, Any]


def count_lines(path: Path) -> int:
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


def classify_file(
    input_path: Path,
    output_path: Path,
    classifier: Classifier,
    taxonomy: Taxonomy,
    *,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> FileReport:
    """Classify a JSONL file of ``{"text": ...}`` lines into ``output_path``, each input
    line's keys followed by its labels; the output appears only when the run finishes
    (written beside it, then renamed). Bad lines are skipped and reported, or with
    ``strict`` raise InputError and nothing is written. ``progress`` gets the input
    line number reached."""
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
        with handle:
            for chunk in _chunks(input_path, bad, strict):
                on_step = _offset(progress, chunk[0].number - 1) if progress is not None else None
                labels = classifier.classify([line.data["text"] for line in chunk], taxonomy, progress=on_step)
                for line, label in zip(chunk, labels, strict=True):
                    handle.write(json.dumps(line.data | label.as_dict(), ensure_ascii=False) + "\n")
                    flagged += label.flagged
                done += len(chunk)
                if progress is not None:
                    progress(chunk[-1].number)
        Path(handle.name).replace(output_path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    report = ClassifyReport(classifier.model_version, done, flagged, time.perf_counter() - started)
    return FileReport(report, tuple(bad))
