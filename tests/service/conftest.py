"""Fixtures for the service tests: those of tests/alerts/conftest.py, and one classifier per session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_service_alert_fixtures", Path(__file__).parents[1] / "alerts" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _fixtures
_spec.loader.exec_module(_fixtures)
store = _fixtures.store
postgres_store = _fixtures.postgres_store
smtp_server = _fixtures.smtp_server
down_smtp_port = _fixtures.down_smtp_port
