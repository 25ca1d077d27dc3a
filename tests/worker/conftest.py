"""Fixtures of the worker tests: an own Redis broker and a fresh PostgreSQL database per test."""

from testkit.workers import pg_url, redis_server

__all__ = ["pg_url", "redis_server"]
