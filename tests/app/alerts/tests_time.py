"""The fixed clock of the alert tests: a Monday noon, like tests/conftest.py's FIXED_NOW."""

from datetime import UTC, datetime

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
