"""The real packaged classifier, loaded once per test session (offline: tests/conftest.py
sets HF_HUB_OFFLINE=1)."""

from __future__ import annotations

import pytest

from classifiers import Classifier, load_classifier


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return load_classifier()
