"""Classifying from the CLI: the classifier loaded with a spinner, runs with a progress bar.

Shared by ``classify``, ``reclassify``, ``collect --classify`` and ``demo``; the work
itself is :func:`cxpulse.app.classify.classify_stored`.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from classifiers.settings import ClassifiersConfig
from cxpulse.app.classify import ClassifyReport, classify_stored, get_classifier, pending_count
from cxpulse.cli.context import AppContext
from cxpulse.cli.progress import CountProgress
from cxpulse.config import LoadedConfig
from storage import Store

if TYPE_CHECKING:
    from classifiers.engine import Classifier

__all__ = ["classify_with_progress", "load_engine"]


def load_engine(app: AppContext, config: ClassifiersConfig) -> Classifier:
    """The classifier for ``config`` (loaded once per process), with a spinner on a terminal."""
    status = app.err.status("loading the classifier...") if app.err.is_terminal else nullcontext()
    with status:
        return get_classifier(config)


def classify_with_progress(
    app: AppContext,
    store: Store,
    loaded: LoadedConfig,
    *,
    redo: str | bool = False,
    batch_size: int | None = None,
    classifier: Classifier | None = None,
) -> ClassifyReport:
    """Classify stored mentions with a progress bar on stderr: the pending ones (``redo``
    False), again those of one version (a version string), or all (True)."""
    engine = classifier or load_engine(app, loaded.settings.classifiers)
    total = pending_count(store, engine.model_version, redo=redo)
    label = "classifying" if redo is False else "reclassifying"
    with CountProgress(app, label, total) as progress:
        return classify_stored(store, loaded, engine, redo=redo, batch_size=batch_size, progress=progress)
