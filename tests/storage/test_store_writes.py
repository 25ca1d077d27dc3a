"""Saving batches: idempotent, linked to brands, duplicates found, cursor saved atomically."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from testkit.clock import NOW

import storage.writes
from foundation.errors import CursorMoved, StorageError
from foundation.mentions import Cursor, StoredMention
from foundation.query.ast import Term
from storage import SaveResult, SearchFilters, Store

MentionFactory = Callable[..., StoredMention]

ALL = SearchFilters()


def test_a_batch_is_stored_with_its_cursor(store: Store, mention: MentionFactory) -> None:
    batch = [mention("1", "my order never arrived"), mention("2", "refund please")]

    result = store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("page-2"))

    assert result == SaveResult(inserted=2, already_stored=0, duplicates_linked=0)
    assert store.count(None, ALL) == 2
    assert store.load_cursor("twitter", "acme") == Cursor("page-2")
    [status] = store.source_status()
    assert (status.source, status.brand, status.mentions_collected) == ("twitter", "acme", 2)
    assert status.last_success_at == NOW
    assert status.last_error is None


def test_saving_the_same_batch_again_stores_nothing_twice(store: Store, mention: MentionFactory) -> None:
    batch = [mention("1", "my order never arrived"), mention("2", "refund please")]
    store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("a"))

    again = store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("b"))

    assert again == SaveResult(inserted=0, already_stored=2, duplicates_linked=0)
    assert store.count(None, ALL) == 2
    assert store.source_status()[0].mentions_collected == 2
    assert store.load_cursor("twitter", "acme") == Cursor("b")


def test_a_mention_fetched_for_a_second_brand_is_linked_to_both(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("1", "acme vs globex")], source="twitter", brand="acme", cursor=Cursor("a"))
    store.save_batch(
        [mention("1", "acme vs globex"), mention("2", "globex only")],
        source="twitter",
        brand="globex",
        cursor=Cursor("g"),
    )

    assert store.count(None, ALL) == 2
    assert store.count(None, SearchFilters(brands=("acme",))) == 1
    assert store.count(None, SearchFilters(brands=("globex",))) == 2
    row = store.get_mention("twitter", "1")
    assert row is not None and row.brands == ("acme", "globex")
    assert store.load_cursor("twitter", "acme") == Cursor("a")
    assert store.load_cursor("twitter", "globex") == Cursor("g")


def test_the_same_external_id_from_two_sources_is_two_mentions(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("1", "hi", source="twitter")], source="twitter", brand="acme", cursor=Cursor())
    store.save_batch([mention("1", "hi", source="reddit")], source="reddit", brand="acme", cursor=Cursor())
    assert store.count(None, ALL) == 2


def test_copies_are_linked_to_the_first_stored_mention(store: Store, mention: MentionFactory) -> None:
    store.save_batch(
        [mention("1", "great service", content_hash="h")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )

    result = store.save_batch(
        [
            mention("2", "great service", content_hash="h"),
            mention("3", "great service", content_hash="h"),
        ],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )

    assert result.duplicates_linked == 2
    first = store.get_mention("twitter", "1")
    assert first is not None and first.duplicate_of_id is None
    for external_id in ("2", "3"):
        copy = store.get_mention("twitter", external_id)
        assert copy is not None and copy.duplicate_of_id == first.id
    assert store.count(None, SearchFilters(include_duplicates=False)) == 1
    assert store.summary().duplicates == 2


def test_within_one_batch_the_first_copy_wins(store: Store, mention: MentionFactory) -> None:
    batch = [
        mention("a", "x", content_hash="h1"),
        mention("b", "y", content_hash="h2"),
        mention("c", "x", content_hash="h1"),
        mention("d", "x", content_hash="h1"),
    ]

    result = store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor())

    assert result.duplicates_linked == 2
    a, b, c, d = (store.get_mention("twitter", x) for x in "abcd")
    assert a is not None and b is not None and c is not None and d is not None
    assert a.duplicate_of_id is None and b.duplicate_of_id is None
    assert c.duplicate_of_id == a.id and d.duplicate_of_id == a.id


def test_copies_across_sources_are_linked_too(store: Store, mention: MentionFactory) -> None:
    store.save_batch(
        [mention("1", "same", source="twitter", content_hash="h")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )
    store.save_batch(
        [mention("9", "same", source="reddit", content_hash="h")],
        source="reddit",
        brand="acme",
        cursor=Cursor(),
    )
    original = store.get_mention("twitter", "1")
    copy = store.get_mention("reddit", "9")
    assert original is not None and copy is not None
    assert copy.duplicate_of_id == original.id


def test_a_failure_mid_save_leaves_neither_mentions_nor_cursor(
    store: Store, mention: MentionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_batch([mention("1", "before")], source="twitter", brand="acme", cursor=Cursor("old"))

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut between the mentions and the cursor")

    monkeypatch.setattr(storage.writes, "upsert_cursor", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        store.save_batch(
            [mention("2", "lost"), mention("1", "before")],
            source="twitter",
            brand="globex",
            cursor=Cursor("new"),
        )
    monkeypatch.undo()

    assert store.count(None, ALL) == 1
    assert store.count(None, SearchFilters(brands=("globex",))) == 0
    assert store.load_cursor("twitter", "acme") == Cursor("old")
    assert store.load_cursor("twitter", "globex") == Cursor()


def test_an_empty_batch_still_advances_the_cursor(store: Store) -> None:
    result = store.save_batch([], source="twitter", brand="acme", cursor=Cursor("next"))
    assert result == SaveResult(0, 0, 0)
    assert store.load_cursor("twitter", "acme") == Cursor("next")


def test_a_batch_is_stored_only_while_the_cursor_is_where_its_run_left_it(
    store: Store, mention: MentionFactory
) -> None:
    """Two runs of one source and brand: the one that finds the cursor moved stores nothing."""
    first = store.save_batch(
        [mention("1", "a")], source="twitter", brand="Acme", cursor=Cursor("p1"), expected=Cursor()
    )
    store.save_batch([mention("2", "b")], source="twitter", brand="Acme", cursor=Cursor("p2"), expected=Cursor("p1"))
    with pytest.raises(CursorMoved, match="another run moved the cursor of twitter for Acme"):
        store.save_batch([mention("3", "c")], source="twitter", brand="Acme", cursor=Cursor("p1"), expected=Cursor())
    assert first.inserted == 1
    assert store.load_cursor("twitter", "Acme") == Cursor("p2")  # never back to p1
    assert store.get_mention("twitter", "3") is None and store.get_mention("twitter", "2") is not None


def test_a_source_never_collected_starts_from_the_beginning(store: Store) -> None:
    assert store.load_cursor("twitter", "acme").is_start
    assert store.source_status() == []


def test_source_errors_are_recorded_without_moving_the_cursor(store: Store, mention: MentionFactory) -> None:
    store.save_batch([mention("1", "x")], source="twitter", brand="acme", cursor=Cursor("c1"))
    store.record_source_error("twitter", "acme", "rate limited until 13:00")
    store.record_source_error("reddit", "acme", "401: check reddit client_secret")

    statuses = {(s.source, s.brand): s for s in store.source_status()}
    twitter = statuses["twitter", "acme"]
    assert twitter.cursor == Cursor("c1")
    assert twitter.mentions_collected == 1
    assert twitter.last_error == "rate limited until 13:00"
    assert twitter.last_error_at == NOW
    reddit = statuses["reddit", "acme"]
    assert reddit.cursor.is_start and reddit.last_success_at is None
    assert reddit.mentions_collected == 0


def test_a_mention_from_another_source_is_refused(store: Store, mention: MentionFactory) -> None:
    with pytest.raises(StorageError, match="reddit"):
        store.save_batch([mention("1", "x", source="reddit")], source="twitter", brand="acme", cursor=Cursor())


def test_naive_datetimes_are_refused(store: Store, mention: MentionFactory) -> None:
    naive = mention("1", "x", created_at=datetime(2024, 5, 1, 12, 0))
    with pytest.raises(StorageError, match="timezone-aware"):
        store.save_batch([naive], source="twitter", brand="acme", cursor=Cursor())


def test_a_mention_reads_back_as_it_was_saved(store: Store, mention: MentionFactory) -> None:
    created = datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=UTC)
    saved = mention(
        "42",
        "Stars: ★★☆ — “meh” 😐",
        created_at=created,
        url="https://example.com/r/42",
        author_handle="jane",
        author_name="Jane D.",
        author_followers=1200,
        language="en",
        channel="review",
        rating=2.5,
        raw={"id": 42, "nested": {"ok": True}},
    )
    store.save_batch([saved], source="twitter", brand="acme", cursor=Cursor())

    row = store.get_mention("twitter", "42")

    assert row is not None
    assert row.text == saved.text
    assert row.created_at == created and row.created_at.tzinfo is not None
    assert row.collected_at == NOW
    assert (row.url, row.author_handle, row.author_name, row.author_followers) == (
        "https://example.com/r/42",
        "jane",
        "Jane D.",
        1200,
    )
    assert (row.language, row.channel, row.rating) == ("en", "review", 2.5)
    assert row.raw == {"id": 42, "nested": {"ok": True}}
    assert row.brands == ("acme",)
    assert store.get_mention("twitter", "nope") is None


def test_html_and_script_text_is_stored_verbatim(store: Store, mention: MentionFactory) -> None:
    text = '<script>alert("x")</script> <b>refund</b> & co'
    store.save_batch([mention("1", text)], source="twitter", brand="acme", cursor=Cursor())
    row = store.get_mention("twitter", "1")
    assert row is not None and row.text == text


def test_a_batch_of_a_thousand_is_saved_in_one_go(store: Store, mention: MentionFactory) -> None:
    batch = [mention(str(i), f"mention number {i} about delivery", content_hash=f"h{i % 900}") for i in range(1000)]
    result = store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("end"))
    assert result == SaveResult(inserted=1000, already_stored=0, duplicates_linked=100)
    assert store.summary().mentions == 1000


def test_sqlite_full_text_index_follows_every_write(tmp_path: Path, mention: MentionFactory) -> None:
    """Batches index themselves at once; triggers cover other writers (insert, update, delete)."""
    store = Store.open(f"sqlite:///{tmp_path / 'fts.db'}")
    try:
        store.upgrade()
        store.save_batch(
            [mention("1", "parcel lost"), mention("2", "parcel found")],
            source="twitter",
            brand="acme",
            cursor=Cursor(),
        )
        store.save_batch(
            [mention("2", "parcel found"), mention("3", "parcel late")],
            source="twitter",
            brand="acme",
            cursor=Cursor(),
        )
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO mentions (source, external_id, text, created_at, collected_at, "
                "content_hash) VALUES ('manual', 'm', 'typed by hand', "
                "'2024-05-01 00:00:00.000000', '2024-05-01 00:00:00.000000', 'x')"
            )
            connection.exec_driver_sql("UPDATE mentions SET text = 'parcel stolen' WHERE id = 1")
            connection.exec_driver_sql("DELETE FROM mentions WHERE external_id = '2'")
        assert store.count(Term("parcel"), ALL) == 2
        assert store.count(Term("stolen"), ALL) == 1
        assert store.count(Term("lost"), ALL) == 0
        assert store.count(Term("hand"), ALL) == 1
        with store.engine.begin() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM mentions_fts_deferred").scalar() == 0
            connection.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        store.dispose()
