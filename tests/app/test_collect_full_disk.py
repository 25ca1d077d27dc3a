"""A disk that fills up mid-run: one clear error, and a truthful count of what was committed.

SQLite's ``max_page_count`` makes the store answer exactly as on a full disk
("database or disk is full") once the file reaches that size, so the run fails
after some batches were stored, as the tester's did after 8,328 rows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from cxpulse.app.collect import collect_one
from cxpulse.app.imports import import_brand, import_file
from cxpulse.config import Settings
from foundation.errors import StorageError
from listener.registry import source_class
from storage import Store
from storage.models import MentionModel

ROWS = 6000


@pytest.fixture
def full_soon(tmp_path: Path) -> Store:
    """A migrated SQLite store that can grow by about a megabyte, then is full."""
    store = Store.open(f"sqlite:///{tmp_path / 'cx.db'}")
    store.upgrade()
    store.engine.dispose()
    pages = store.engine.connect().exec_driver_sql("PRAGMA page_count").scalar_one()
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages) + 250}")

    return store


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.csv"
    lines = [
        f"{i},acme parcel {i} never arrived and nobody answers my emails about order {i * 7919}" for i in range(ROWS)
    ]
    path.write_text("id,text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(store: Store) -> int:
    store.engine.dispose()
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(MentionModel)).scalar_one())


def test_an_import_that_fills_the_disk_says_so_and_how_much_it_kept(full_soon: Store, tickets: Path) -> None:
    with pytest.raises(StorageError) as raised:
        import_file(Settings(), full_soon, tickets, "Acme")
    message = str(raised.value)
    committed = stored(full_soon)
    assert 0 < committed < ROWS
    assert "disk is full; free space there" in message
    assert f"{committed} new mention(s)" in message and "\n" not in message


def test_a_collect_run_that_fills_the_disk_reports_what_it_committed(
    full_soon: Store, tickets: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cls = source_class("file")
    source = cls("tickets", cls.options_model.model_validate({"path": tickets}))
    with caplog.at_level(logging.DEBUG):
        result = collect_one(source, import_brand(Settings(), "Acme"), full_soon)
    committed = stored(full_soon)
    assert not result.ok and "disk is full" in (result.error or "")
    assert 0 < committed < ROWS and result.stored == committed  # not "stored 0"
    assert not [r for r in caplog.records if r.exc_info]  # one line each, no traceback
