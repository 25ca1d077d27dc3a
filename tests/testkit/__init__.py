"""Helpers and fixtures shared by the test folders (``tests/`` is on the path: see tests/conftest.py)."""
