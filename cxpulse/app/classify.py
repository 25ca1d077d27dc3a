"""Classifying what is stored: incremental runs and backfills, batch by batch.

:func:`classify_pending` reads the mentions that have no classification for the
classifier's ``model_version`` in id order, a batch at a time, and commits each
batch's classifications in one transaction: an interrupted run loses at most
one batch, and the next run carries on where it stopped. :func:`reclassify`
runs the current model again over mentions an earlier (or the same) version
classified, replacing rows of the current version.

Each mention is classified with the taxonomy of its first brand (alphabetical;
see :func:`classifiers.taxonomy.taxonomy_for`). Content duplicates are not sent
to the model: they get a copy of their original's classification (see
:mod:`storage.classifications`), and the engine itself classifies identical
texts within a batch once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from classifiers.taxonomy import Taxonomy, default_taxonomy
from cxpulse.config import LoadedConfig, Settings
from storage import MentionText, Store

if TYPE_CHECKING:  # the engine imports torch: only the caller that loads it pays for that
    from classifiers.engine import Classifier

__all__ = ["DEFAULT_BATCH_SIZE", "classify_pending", "reclassify", "taxonomy_for"]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 512
"""Mentions read, classified and committed together (the engine batches further inside)."""


def classify_pending(
    store: Store,
    classifier: Classifier,
    loaded_config: LoadedConfig,
    *,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Classify every stored mention that has no classification for ``classifier.model_version``.

    Returns how many mentions got a classification (duplicates that received a
    copy included). ``progress`` is called with the running count of mentions
    read by the model (compare :meth:`storage.Store.count_to_classify`);
    ``should_stop`` is asked before each batch and ends the run early, with
    every finished batch committed.
    """
    version = classifier.model_version
    copied = store.copy_to_duplicates(version)
    return _run(
        store,
        classifier,
        loaded_config.settings,
        redo=False,
        batch_size=batch_size,
        progress=progress,
        should_stop=should_stop,
        what="classified",
        copied=copied,
    )


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
    )


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
) -> int:
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    size = batch_size or DEFAULT_BATCH_SIZE
    version = classifier.model_version
    taxonomies: dict[str | None, Taxonomy] = {}
    started = time.perf_counter()
    read = flagged = opened = 0
    after_id = 0
    stopped = False
    while True:
        if should_stop is not None and should_stop():
            stopped = True
            break
        batch = store.mentions_to_classify(version, redo=redo, after_id=after_id, limit=size)
        if not batch:
            break
        chosen = [_taxonomy(taxonomies, settings, mention) for mention in batch]
        on_step = _offset(progress, read) if progress is not None else None
        labels = classifier.classify([m.text for m in batch], chosen, progress=on_step)
        result = store.save_classifications([(m.id, label) for m, label in zip(batch, labels, strict=True)])
        read += len(batch)
        copied += result.copied
        flagged += result.flagged
        opened += result.triage_opened
        after_id = batch[-1].id
        if progress is not None:
            progress(read)
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
    return read + copied


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
