"""One unit of work's connection, and the one place database errors become :class:`StorageError`.

Every store operation (the :class:`~storage.store.Store` methods and the
query modules beside it) runs in :func:`reading` or :func:`writing`, or in
:func:`database_errors` around its own connection handling. The message
names what failed, the store (its URL without the password) and what to do:
a missing table or column means the schema is older than the code (or was
never created), so it names the command that migrates it; any other answer
from the server asks to check the URL, the server and the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from foundation.errors import StorageError
from storage.engine import WRITE_OPTION, display_url

__all__ = ["UPGRADE_HINT", "URL_SETTINGS", "database_errors", "reading", "writing"]

UPGRADE_HINT = "run `cxpulse init` (new store) or `cxpulse db upgrade`"
"""What a user should do about a store that is not migrated (named once, for the CLI to match)."""
URL_SETTINGS = "[database] url in config.toml, --db or CXPULSE_DATABASE_URL"
"""Where the store's URL is set."""


@contextmanager
def database_errors(engine: Engine, action: str) -> Iterator[None]:
    """Turn a SQLAlchemy error raised inside into a :class:`StorageError` saying ``cannot {action}: ...``."""
    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        where = display_url(engine.url)
        if _schema_missing(str(exc.orig)):
            raise StorageError(
                f"cannot {action}: the results store at {where} is not initialized or is out of date; {UPGRADE_HINT}"
            ) from exc
        disk = _disk_problem(str(exc.orig))
        if disk:
            raise StorageError(f"cannot {action}: the results store at {where} {disk}") from exc
        raise StorageError(
            f"cannot {action}: the results store at {where} answered: {_detail(exc)}; "
            f"check the store URL ({URL_SETTINGS}), that the server runs and that the database exists"
        ) from exc
    except SQLAlchemyError as exc:
        raise StorageError(
            f"cannot {action}: the results store at {display_url(engine.url)} failed: {_detail(exc)}; "
            f"if the store is out of date, {UPGRADE_HINT}"
        ) from exc


@contextmanager
def reading(engine: Engine, action: str) -> Iterator[Connection]:
    """A connection for reads (its transaction begins on first use and is rolled back at the end)."""
    with database_errors(engine, action), engine.connect() as connection:
        yield connection


@contextmanager
def writing(engine: Engine, action: str) -> Iterator[Connection]:
    """One write transaction, committed at the end (on SQLite it holds the write lock from its start)."""
    with database_errors(engine, action), engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection


def _schema_missing(message: str) -> bool:
    text = message.lower()
    if "no such table" in text or "no such column" in text:  # SQLite
        return True
    return "does not exist" in text and ("relation" in text or "column" in text)  # PostgreSQL


def _disk_problem(message: str) -> str | None:
    """What to do when the disk, not the database, is the problem (SQLite and PostgreSQL wording)."""
    text = message.lower()
    if "disk is full" in text or "no space left" in text or "could not extend file" in text:
        return "cannot grow: its disk is full; free space there (or move the store) and run the command again"
    if "readonly database" in text or "read-only" in text or "read only" in text:
        return "is read-only; make the file and its folder writable (or use a writable copy) and run the command again"
    if "disk i/o error" in text:
        return "hit a disk I/O error; check the disk (space, permissions, health) and run the command again"
    return None


def _detail(exc: SQLAlchemyError) -> str:
    """The driver's message on one line (without the SQL statement SQLAlchemy appends)."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())
