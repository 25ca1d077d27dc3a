"""Creating and upgrading the results store: migrations only, idempotent, matching the models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy import text as sql_text

from foundation.errors import StorageError
from foundation.mentions import Cursor
from foundation.query import parse
from storage import SearchFilters, Store
from storage.engine import WRITE_OPTION, normalize_url
from storage.migrate import alembic_config, head_revision
from storage.models import Base

FTS_OBJECTS = {
    "mentions_fts",
    "mentions_fts_data",
    "mentions_fts_idx",
    "mentions_fts_docsize",
    "mentions_fts_config",
    "mentions_fts_deferred",
    "mention_days",
    "search_vector",
    "ix_mentions_search_vector",
}


def test_upgrade_creates_the_schema_on_an_empty_database(empty_url: str) -> None:
    store = Store.open(empty_url)
    try:
        assert store.current_revision() is None
        assert not store.is_initialized()
        store.upgrade()
        assert store.current_revision() == head_revision()
        assert store.is_initialized()
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "mentions",
            "mention_brands",
            "classifications",
            "triage",
            "triage_events",
            "source_cursors",
            "digest_runs",
        } <= tables
    finally:
        store.dispose()


def test_upgrade_twice_is_a_no_op_and_keeps_data(empty_url: str, mention) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(empty_url)
    try:
        store.upgrade()
        store.save_batch([mention("1", "hello")], source="twitter", brand="acme", cursor=Cursor("c"))
        store.upgrade()
        store.upgrade("head")
        assert store.current_revision() == head_revision()
        assert store.count(None, SearchFilters()) == 1
    finally:
        store.dispose()


def test_models_match_the_migrated_database(store: Store) -> None:
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        return name not in FTS_OBJECTS

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include, "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_using_a_store_that_was_never_migrated_says_what_to_run(empty_url: str) -> None:
    store = Store.open(empty_url)
    try:
        with pytest.raises(StorageError, match="cxpulse db upgrade"):
            store.search(None, SearchFilters())
    finally:
        store.dispose()


def test_upgrade_to_an_unknown_revision_is_a_storage_error(empty_url: str) -> None:
    store = Store.open(empty_url)
    try:
        with pytest.raises(StorageError, match="nope"):
            store.upgrade("nope")
    finally:
        store.dispose()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) > 0
    finally:
        store.dispose()


def test_opening_touches_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lazy.db"
    Store.open(f"sqlite:///{path}").dispose()
    assert not path.exists()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@db.example/cx", "postgresql+psycopg"),
        ("postgres://u@db.example/cx", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db.example/cx", "postgresql+psycopg"),
        ("sqlite:///cxpulse.db", "sqlite"),
    ],
)
def test_urls_are_normalized_to_our_drivers(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_refused_with_the_setting_to_fix(url: str) -> None:
    with pytest.raises(StorageError, match=r"\[database\] url"):
        Store.open(url)


def test_the_password_is_never_shown() -> None:
    store = Store.open("postgresql://cx:s3cret@127.0.0.1:1/cx")
    assert "s3cret" not in store.display_url
    assert "s3cret" not in repr(store)


def _insert_by_hand(store: Store, rows: list[tuple[str, str]]) -> None:
    with store.engine.begin() as connection:
        for external_id, text in rows:
            connection.execute(
                sql_text(
                    "INSERT INTO mentions (source, external_id, text, created_at, collected_at, content_hash, facets) "
                    "VALUES ('twitter', :id, :text, :at, :at, :id, NULL)"
                ),
                {"id": external_id, "text": text, "at": datetime(2024, 5, 1, tzinfo=UTC)},
            )


def test_upgrading_a_store_indexes_its_mentions_for_exact_search(empty_url: str) -> None:
    # Migration 0005 computes the new index tokens of every mention stored before it.
    store = Store.open(empty_url)
    try:
        store.upgrade("0003")
        _insert_by_hand(store, [("1", "refund now 😡 @acme"), ("2", "acme refund #acme"), ("3", "東京駅")])
        store.upgrade()
        with store.engine.connect() as connection:
            tags = connection.execute(sql_text("SELECT search_tags FROM mentions ORDER BY id")).scalars().all()
        assert "xoverflow" not in tags  # indexed, not left to the matcher
        found = {q: {h.external_id for h in store.search(parse(q), SearchFilters())} for q in ("😡", "@acme", "東京")}
        assert found == {"😡": {"1"}, "@acme": {"1"}, "東京": {"3"}}
    finally:
        store.dispose()


def test_the_search_migration_downgrades_and_upgrades_again(empty_url: str, mention) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(empty_url)
    try:
        store.upgrade()
        store.save_batch([mention("1", "refund 😡")], source="twitter", brand="acme", cursor=Cursor())
        with store.engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                command.downgrade(alembic_config(connection), "0003")
        assert store.current_revision() == "0003"
        store.upgrade()
        assert [h.external_id for h in store.search(parse("😡"), SearchFilters())] == ["1"]
    finally:
        store.dispose()
