"""Creating the SQLAlchemy engine for the results store.

Two backends are supported: SQLite (one file, the default) and PostgreSQL
(through psycopg 3). ``postgresql://`` URLs are rewritten to
``postgresql+psycopg://`` so users can paste the URL their provider gives them.

SQLite connections get the pragmas a small concurrent store needs (WAL,
``synchronous=NORMAL``, foreign keys, a busy timeout) and explicit ``BEGIN``
(``BEGIN IMMEDIATE`` for connections marked with :data:`WRITE_OPTION`)
statements, so a transaction covers reads as well as writes and DDL (the
``sqlite3`` module's legacy mode would begin only before the first write).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from foundation.errors import StorageError
from foundation.secrets import scrub

__all__ = ["SUPPORTED_BACKENDS", "WRITE_OPTION", "display_url", "make_engine", "normalize_url"]

SUPPORTED_BACKENDS = ("sqlite", "postgresql")

SQLITE_BUSY_TIMEOUT_MS = 10_000

WRITE_OPTION = "cxpulse_write"
"""Execution option marking a connection whose transaction will write (SQLite: BEGIN IMMEDIATE)."""


def normalize_url(url: str) -> URL:
    """Parse ``url`` and pick our driver for it (psycopg 3 for PostgreSQL).

    Raises :class:`StorageError` for a URL that cannot be parsed or names a
    backend cxpulse does not support.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StorageError(
            f"{_hide_password(url)!r} is not a database URL: use e.g. 'sqlite:///cxpulse.db' "
            "or 'postgresql://user@host/dbname' in [database] url (or --db, CXPULSE_DATABASE_URL)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":  # Heroku-style scheme
        backend = "postgresql"
        parsed = parsed.set(drivername="postgresql")
    if backend not in SUPPORTED_BACKENDS:
        raise StorageError(
            f"database url uses {backend!r}, which cxpulse does not support: "
            f"use one of {', '.join(SUPPORTED_BACKENDS)} in [database] url (or --db, CXPULSE_DATABASE_URL)"
        )
    if backend == "postgresql" and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display_url(url: str | URL) -> str:
    """``url`` with any password masked, for messages, logs and ``cxpulse config check``.

    A string is shown as written (no driver chosen); one that cannot be parsed
    still has its password masked. A password in the query string
    (``?password=``) and any other secret-looking parameter is masked too.
    """
    if isinstance(url, URL):
        return scrub(url.render_as_string(hide_password=True))
    try:
        return scrub(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):
        return _hide_password(url)


def _json_serializer(value: Any) -> str:
    # ``raw`` payloads are for debugging only: never fail a batch over a datetime in them.
    return json.dumps(value, default=str, ensure_ascii=False)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``; no connection is opened until first use."""
    parsed = normalize_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": _json_serializer}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(parsed, **kwargs)


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: pages are shared with the OS cache
SQLITE_CACHE_KIB = 32 * 1024  # per connection


def _hide_password(url: str) -> str:
    """``scheme://user:secret@host`` -> ``scheme://user:***@host``, even in a malformed URL."""
    return scrub(re.sub(r"(/[^:/@\s]*:)[^@/\s]*@", r"\1***@", url))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module; see ``_on_begin``.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Search joins full-text matches to their rows by id, at random places in a
            # large file: memory-mapped reads and a bigger page cache cut that cost by
            # about a third on a 1M-mention store (BENCHMARKS.md).
            cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: no SQLITE_BUSY upgrade from a read snapshot.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
