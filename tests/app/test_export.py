"""Exporting mentions with their labels, on SQLite and PostgreSQL: what is written reads back as
what the store holds, in every format, with hostile text intact and spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from testkit.clock import NOW

from cxpulse.app.export import ExportPlan, plan_export, write_export
from cxpulse.app.exporters import ExportOptions
from foundation.errors import ExportError, QueryError
from foundation.labels import Classification
from foundation.mentions import Cursor
from storage import EXPORT_COLUMNS, SearchFilters, Store

VERSION = "cx-export-test"
FILTERS = SearchFilters(model_version=VERSION)
HOSTILE = {
    "formula": '=HYPERLINK("http://evil.example","refund") acme',
    "plus": "+1 acme is great",
    "at": "@acme where is my refund",
    "tab": "\tacme tabbed",
    "quotes": 'acme said "soon", then, nothing',
    "lines": "acme line one\nline two\r\nline three",
    "unicode": "acme 😡 払い戻し Ünïcødé \u2028separator",
    "minus": "-acme lost my bag",
}
"""Texts a customer could write: formula starts, quotes, line breaks, emoji and other scripts."""


def _label(sentiment: str, *, flagged: bool = False, topics: tuple[str, ...] = ()) -> Classification:
    return Classification(
        sentiment=sentiment,
        sentiment_scores={"negative": 0.7, "neutral": 0.2, "positive": 0.1},
        topics=topics,
        topic_scores={t: 0.9 for t in topics},
        expectation_gap="shortfall" if flagged else "none",
        gap_score=0.75,
        gap_evidence=("promised refund",) if flagged else (),
        emotion="anger",
        emotion_scores={"anger": 0.6, "joy": 0.1},
        flagged=flagged,
        model_version=VERSION,
        about_brand=True,
        about_brand_score=0.9,
        complaint_score=0.8 if flagged else 0.1,
        switching=flagged,
        switching_score=0.6 if flagged else 0.05,
        lifecycle="support",
        lifecycle_scores={"support": 0.8, "use": 0.2},
    )


@pytest.fixture
def seeded(store: Store, mention: Any) -> Store:
    """Eight hostile mentions for acme (one also for globex), all classified; the flagged get triage."""
    rows = [
        mention(key, text, created_at=NOW - timedelta(days=i), language="en", channel="twitter", rating=None)
        for i, (key, text) in enumerate(HOSTILE.items())
    ]
    store.save_batch(rows, source="twitter", brand="acme", cursor=Cursor("a"))
    store.save_batch(rows[:1], source="twitter", brand="globex", cursor=Cursor("g"))
    ids = {row.text: row.id for row in store.mentions_to_classify(VERSION, limit=100)}
    store.save_classifications(
        [
            (ids[text], _label("negative" if i % 2 else "positive", flagged=i < 3, topics=("refunds",) * (i % 2)))
            for i, text in enumerate(HOSTILE.values())
        ]
    )
    return store


def _export(store: Store, path: Path, query: str = "", filters: SearchFilters = FILTERS, **options: Any) -> int:
    plan = plan_export(store, query, filters, output=path, **options)
    return write_export(store, plan, chunk_size=3).rows


def _expected(store: Store, filters: SearchFilters = FILTERS, query: str = "") -> dict[int, Any]:
    from foundation.query import parse

    hits = store.search(parse(query) if query else None, filters, limit=1000, order="oldest")
    return {hit.id: hit for hit in hits}


def test_parquet_reads_back_as_the_store_holds_it(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "mentions.parquet"
    assert _export(seeded, path) == len(HOSTILE)
    table = pq.read_table(path)
    assert table.column_names == [column.name for column in EXPORT_COLUMNS]
    rows = table.to_pylist()
    expected = _expected(seeded)
    assert [row["id"] for row in rows] == sorted(expected)  # store order
    for row in rows:
        hit = expected[row["id"]]
        assert row["text"] == hit.text  # as stored: no escaping in a typed format
        assert row["brands"] == list(hit.brands)
        assert row["created_at"] == hit.created_at
        assert hit.classification is not None
        assert (row["sentiment"], row["flagged"], row["topics"]) == (
            hit.classification.sentiment,
            hit.classification.flagged,
            list(hit.classification.topics),
        )
        assert dict(row["sentiment_scores"]) == {"negative": 0.7, "neutral": 0.2, "positive": 0.1}
        assert row["model_version"] == VERSION
        assert row["triage_status"] == (hit.triage.status if hit.triage else None)
    [both] = [row for row in rows if row["text"] == HOSTILE["formula"]]
    assert both["brands"] == ["acme", "globex"] and both["triage_status"] == "open"
    assert both["gap_evidence"] == ["promised refund"] and both["lifecycle"] == "support"


def test_csv_round_trips_hostile_text_and_defuses_formulas(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "mentions.csv"
    _export(seeded, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(HOSTILE)
    texts = {row["external_id"]: row["text"] for row in rows}
    for key in ("formula", "plus", "at", "tab", "minus"):
        assert texts[key] == "'" + HOSTILE[key], key  # a spreadsheet shows it as text, never runs it
    for key in ("quotes", "lines", "unicode"):
        assert texts[key] == HOSTILE[key], key
    first = next(row for row in rows if row["external_id"] == "formula")
    assert json.loads(first["brands"]) == ["acme", "globex"]
    assert json.loads(first["sentiment_scores"])["negative"] == 0.7
    assert first["flagged"] == "true" and first["triage_status"] == "open"
    assert datetime.fromisoformat(first["created_at"]) == NOW


def test_raw_cells_writes_csv_text_as_stored(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    _export(seeded, path, options=ExportOptions(raw_cells=True))
    with path.open(encoding="utf-8", newline="") as handle:
        texts = {row["external_id"]: row["text"] for row in csv.DictReader(handle)}
    assert texts == HOSTILE


def test_jsonl_is_one_object_per_line(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "mentions.jsonl"
    _export(seeded, path)
    lines = path.read_bytes().decode("utf-8").splitlines()  # splitlines also splits on U+2028
    assert len(lines) == len(HOSTILE)
    rows = [json.loads(line) for line in lines]
    assert {row["external_id"]: row["text"] for row in rows} == HOSTILE
    assert set(rows[0]) == {column.name for column in EXPORT_COLUMNS}
    assert all(row["model_version"] == VERSION for row in rows)


def test_every_search_filter_selects_what_search_finds(seeded: Store, tmp_path: Path) -> None:
    cases = [
        ("", SearchFilters(model_version=VERSION, brands=("globex",))),
        ("", SearchFilters(model_version=VERSION, sentiments=("negative",))),
        ("", SearchFilters(model_version=VERSION, flagged=True, topics=("refunds",))),
        ("", SearchFilters(model_version=VERSION, since=NOW - timedelta(days=3), until=NOW)),
        ("refund", SearchFilters(model_version=VERSION)),
        ("acme -refund", SearchFilters(model_version=VERSION, gaps=("none",))),
    ]
    for i, (query, filters) in enumerate(cases):
        path = tmp_path / f"case{i}.jsonl"
        _export(seeded, path, query, filters)
        exported = [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
        assert exported == sorted(_expected(seeded, filters, query)), (query, filters)
        assert exported, (query, filters)


def test_no_match_writes_a_valid_empty_file(seeded: Store, tmp_path: Path) -> None:
    nothing = SearchFilters(model_version=VERSION, brands=("initech",))
    assert _export(seeded, tmp_path / "none.csv", filters=nothing) == 0
    assert (tmp_path / "none.csv").read_text(encoding="utf-8").strip() == ",".join(c.name for c in EXPORT_COLUMNS)
    assert _export(seeded, tmp_path / "none.parquet", filters=nothing) == 0
    table = pq.read_table(tmp_path / "none.parquet")
    assert table.num_rows == 0 and table.column_names == [c.name for c in EXPORT_COLUMNS]
    assert _export(seeded, tmp_path / "none.jsonl", filters=nothing) == 0
    assert (tmp_path / "none.jsonl").read_bytes() == b""


def test_a_store_without_classifications_is_refused_unless_allowed(store: Store, mention: Any, tmp_path: Path) -> None:
    store.save_batch([mention("1", "acme refund")], source="twitter", brand="acme", cursor=Cursor())
    with pytest.raises(ExportError, match="cxpulse classify"):
        plan_export(store, "", FILTERS, output=tmp_path / "x.csv")
    assert _export(store, tmp_path / "x.parquet", allow_unclassified=True) == 1
    [row] = pq.read_table(tmp_path / "x.parquet").to_pylist()
    assert row["text"] == "acme refund" and row["sentiment"] is None and row["brands"] == ["acme"]


def test_the_format_comes_from_the_name_or_the_file_ending(seeded: Store, tmp_path: Path) -> None:
    assert plan_export(seeded, "", FILTERS, output=tmp_path / "a.parquet").format == "parquet"
    assert plan_export(seeded, "", FILTERS, output=tmp_path / "a.ndjson").format == "jsonl"
    assert plan_export(seeded, "", FILTERS, output=tmp_path / "a.txt").format == "csv"
    assert plan_export(seeded, "", FILTERS, format="jsonl", output=tmp_path / "a.csv").format == "jsonl"
    with pytest.raises(ExportError, match="installed formats: csv, jsonl, parquet"):
        plan_export(seeded, "", FILTERS, format="xlsx")


def test_bad_input_is_refused_before_anything_is_written(seeded: Store, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(QueryError):
        plan_export(seeded, "(refund", FILTERS)
    with pytest.raises(ExportError, match="does not exist"):
        plan_export(seeded, "", FILTERS, output=tmp_path / "missing" / "x.csv")
    with pytest.raises(ExportError, match="folder"):
        plan_export(seeded, "", FILTERS, output=tmp_path)
    with pytest.raises(ExportError, match="binary format and stdout is a terminal"):
        plan_export(seeded, "", FILTERS, format="parquet", to_terminal=True)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(seeded: Store, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    path = tmp_path / "mentions.csv"
    path.write_text("yesterday's export\n", encoding="utf-8")
    plan = plan_export(seeded, "", FILTERS, output=path)

    def interrupted(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_export(seeded, plan, progress=interrupted, chunk_size=2)
    assert path.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mentions.csv"]


def test_a_stream_gets_the_rows_and_progress_counts_them(seeded: Store) -> None:
    plan: ExportPlan = plan_export(seeded, "", FILTERS, format="csv")
    assert plan.total == len(HOSTILE)
    stream, seen = io.BytesIO(), []
    report = write_export(seeded, plan, stream=stream, progress=seen.append, chunk_size=3)
    assert report.rows == len(HOSTILE) and seen == [3, 6, 8]
    assert stream.getvalue().decode("utf-8").count("\r\n") >= len(HOSTILE) + 1


def test_without_a_model_version_each_mentions_newest_labels_are_exported(seeded: Store, tmp_path: Path) -> None:
    [first] = [hit.id for hit in seeded.search(None, FILTERS, limit=100) if hit.text == HOSTILE["quotes"]]
    newer = _label("neutral")
    later = Store(seeded.engine, url=str(seeded.engine.url), clock=lambda: NOW + timedelta(hours=1))
    later.save_classifications([(first, Classification(**{**newer.__dict__, "model_version": "cx-newer"}))])
    path = tmp_path / "any.parquet"
    _export(seeded, path, filters=SearchFilters())
    rows = {row["id"]: row for row in pq.read_table(path).to_pylist()}
    assert (rows[first]["model_version"], rows[first]["sentiment"]) == ("cx-newer", "neutral")
    assert sum(1 for row in rows.values() if row["model_version"] == VERSION) == len(HOSTILE) - 1
    assert datetime.fromisoformat(str(rows[first]["classified_at"])).astimezone(UTC) == NOW + timedelta(hours=1)


def test_every_column_is_documented() -> None:
    reference = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    for column in EXPORT_COLUMNS:
        assert f"| `{column.name}` | {column.kind} |" in reference, f"docs/exports.md lacks the column {column.name}"


def test_each_mention_carries_its_brands_sorted(store: Store, mention: Any, tmp_path: Path) -> None:
    rows = [mention(str(i), f"acme mention {i}", content_hash=f"h{i}") for i in range(40)]
    store.save_batch(rows, source="twitter", brand="acme", cursor=Cursor())
    store.save_batch(rows[::13], source="twitter", brand="globex", cursor=Cursor())  # ids far apart
    store.save_batch(rows[::13], source="twitter", brand="Aardvark & Co", cursor=Cursor())  # linked last
    path = tmp_path / "globex.jsonl"
    _export(store, path, filters=SearchFilters(brands=("globex",)), allow_unclassified=True)
    exported = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [row["external_id"] for row in exported] == ["0", "13", "26", "39"]
    assert all(row["brands"] == ["Aardvark & Co", "acme", "globex"] for row in exported)


def test_a_store_failing_mid_export_raises_its_error_and_leaves_no_file(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foundation.errors import StorageError

    real = seeded.export_chunks

    def failing(*args: Any, **kwargs: Any) -> Any:
        chunks = real(*args, **kwargs)
        try:
            yield next(chunks)
            raise StorageError("cannot export mentions: the disk went away")
        finally:
            chunks.close()

    monkeypatch.setattr(seeded, "export_chunks", failing)
    out = tmp_path / "out"
    out.mkdir()
    plan = plan_export(seeded, "", FILTERS, output=out / "x.parquet")
    with pytest.raises(StorageError, match="disk went away"):
        write_export(seeded, plan, chunk_size=2)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("collecting", [True, False])
def test_an_export_leaves_the_garbage_collector_as_it_found_it(seeded: Store, tmp_path: Path, collecting: bool) -> None:
    """Chunks are fetched and decoded with the collector paused; after the export, finished
    or stopped halfway, it is on again (or still off, when the caller had turned it off)."""
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        assert _export(seeded, tmp_path / "all.parquet") == len(HOSTILE)
        assert gc.isenabled() is collecting
        chunks = seeded.export_chunks(None, FILTERS, chunk_size=2)
        assert len(next(chunks)) == 2
        assert gc.isenabled() is collecting  # not paused between chunks
        chunks.close()  # type: ignore[attr-defined]
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()
