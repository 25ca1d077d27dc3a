"""Classification engine: one transformer pass predicts sentiment, topics,
expectation gap with its evidence, and emotion for every mention.

Layout: :mod:`classifiers.encoder` finds and loads the transformer (offline),
:mod:`classifiers.lora` holds the adapters, :mod:`classifiers.heads` one class
per head, :mod:`classifiers.network` ties them into one module,
:mod:`classifiers.engine` runs it fast, :mod:`classifiers.flag` is the flag
rule, and
:mod:`classifiers.training` trains and evaluates the shipped artifacts.

Names are imported lazily so that training code runs on a bare GPU machine
without the rest of cxpulse's dependencies.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from classifiers.engine import Classifier, load_classifier
    from classifiers.taxonomy import Taxonomy, default_taxonomy
    from foundation.labels import Classification

__all__ = [
    "Classification",
    "Classifier",
    "Taxonomy",
    "default_taxonomy",
    "load_classifier",
]

_HOMES = {
    "Classification": "foundation.labels",
    "Classifier": "classifiers.engine",
    "load_classifier": "classifiers.engine",
    "Taxonomy": "classifiers.taxonomy",
    "default_taxonomy": "classifiers.taxonomy",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'classifiers' has no attribute {name!r}")
    return getattr(import_module(home), name)
