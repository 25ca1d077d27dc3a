"""The file source: what a user importing a CSV or JSONL export would check."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from foundation.errors import InputError
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from foundation.query.ast import Term
from listener.sources.file import FileOptions, FileSource, parse_datetime

BRAND = BrandQuery(name="Acme", query="acme", expression=Term("acme"))


def _run(path: Path, cursor: Cursor | None = None, **options: object) -> list[Batch]:
    source = FileSource(name="import", options=FileOptions(path=path, **options))  # type: ignore[arg-type]
    return list(source.fetch(BRAND, cursor or Cursor()))


def _mentions(batches: list[Batch]) -> list[Mention]:
    return [m for b in batches for m in b.mentions]


def _rejected(batches: list[Batch]) -> list[str]:
    return [r for b in batches for r in b.rejected]


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_csv_with_mapping_imports_every_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "tickets.csv",
        "ticket,body,when,who,stars,fans\n"
        "T-1,My order never arrived,2026-03-01T14:05:00Z,ana,2,1200\n"
        'T-2,"Great service, thanks",2026-03-02 09:30,bo,5,\n',
    )
    batches = _run(
        path,
        mapping={
            "id": "ticket",
            "text": "body",
            "created_at": "when",
            "author_handle": "who",
            "rating": "stars",
            "author_followers": "fans",
        },
    )
    first, second = _mentions(batches)
    assert _rejected(batches) == []
    assert first.source == "import"
    assert first.external_id == "T-1"
    assert first.text == "My order never arrived"
    assert first.created_at == datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert (first.author_handle, first.rating, first.author_followers) == ("ana", 2.0, 1200)
    assert first.channel == "import"
    assert second.text == "Great service, thanks"
    assert second.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert second.author_followers is None


def test_jsonl_with_mapping_and_same_named_keys(tmp_path: Path) -> None:
    rows = [
        {"msg": "Refund please", "created_at": 1772373900, "channel": "survey", "language": "en"},
        {"msg": "Love it", "created_at": 1772373900000, "url": "https://x.invalid/1"},
    ]
    path = _write(tmp_path, "export.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    first, second = _mentions(_run(path, mapping={"text": "msg"}))
    assert first.created_at == datetime.fromtimestamp(1772373900, UTC)
    assert second.created_at == first.created_at  # epoch milliseconds
    assert (first.channel, first.language) == ("survey", "en")
    assert second.url == "https://x.invalid/1"
    assert second.channel == "import"


def test_timezone_applies_to_naive_times() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert parse_datetime("2026-03-01 15:05", paris) == datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert parse_datetime("Sun, 01 Mar 2026 14:05:00 +0000", UTC) == datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert parse_datetime("2026-03-01", UTC) == datetime(2026, 3, 1, tzinfo=UTC)


def test_bad_rows_are_reported_with_file_line_and_key_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "tickets.csv",
        "id,text,created_at,rating\n"
        "1,fine,2026-03-01,4\n"
        "2,bad date,yesterday,3\n"
        "3,,2026-03-01,3\n"
        "4,bad rating,2026-03-01,lots\n"
        "5,too,many,fields,here\n"
        "6,also fine,,5\n",
    )
    batches = _run(path)
    assert [m.external_id for m in _mentions(batches)] == ["1", "6"]
    rejected = _rejected(batches)
    assert rejected[0] == (
        f"{path} line 3, column 'created_at': cannot read 'yesterday' as a date; use ISO 8601 like 2026-03-01T14:05:00Z"
    )
    assert rejected[1].startswith(f"{path} line 4, column 'text': text is empty")
    assert rejected[2].startswith(f"{path} line 5, column 'rating': cannot read 'lots'")
    assert rejected[3].startswith(f"{path} line 6: has 5 fields, the header has 4")
    # A row without a date gets the file's modification time, deterministically.
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    assert _mentions(batches)[1].created_at == mtime


def test_jsonl_bad_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "e.jsonl",
        b'{"text": "ok 1"}\n{"text": \n[1, 2]\n\n{"body": "no text"}\n{"text": "caf\xe9"}\n{"text": "ok 2"}\n',
    )
    batches = _run(path)
    assert [m.text for m in _mentions(batches)] == ["ok 1", "ok 2"]
    rejected = _rejected(batches)
    assert rejected[0].startswith(f"{path} line 2: not valid JSON")
    assert rejected[1].startswith(f"{path} line 3: expected a JSON object, got list")
    assert rejected[2].startswith(f"{path} line 5, key 'text': text is missing")
    assert rejected[3].startswith(f"{path} line 6: bytes at position")


def test_strict_mode_raises_before_yielding_anything(tmp_path: Path) -> None:
    lines = ["text,created_at"] + [f"row {i},2026-03-01" for i in range(5)]
    lines += [f"bad {i},not a date" for i in range(12)]
    path = _write(tmp_path, "s.csv", "\n".join(lines) + "\n")
    source = FileSource(name="import", options=FileOptions(path=path, strict=True))
    stream = source.fetch(BRAND, Cursor())
    with pytest.raises(InputError) as info:
        next(stream)
    message = str(info.value)
    assert "12 bad row(s)" in message
    assert f"{path} line 7, column 'created_at'" in message
    assert "... and 2 more bad row(s)" in message


def test_invalid_utf8_in_one_csv_line_rejects_only_that_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.csv", b"id,text\n1,good\n2,bad \xff\xfe bytes\n3,\xc3\xa9t\xc3\xa9\n")
    batches = _run(path)
    assert [m.text for m in _mentions(batches)] == ["good", "été"]
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 3, column 'text': bytes at position 4 are not valid")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    csv_path = _write(tmp_path, "b.csv", "\ufefftext,id\nhello,1\n".encode())
    jsonl_path = _write(tmp_path, "b.jsonl", '\ufeff{"text": "hi"}\n'.encode())
    assert _mentions(_run(csv_path))[0].external_id == "1"
    assert _mentions(_run(jsonl_path))[0].text == "hi"


def test_one_megabyte_field_and_html_pass_through_verbatim(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    html = "<script>alert('hi')</script> &amp; <b>bold</b>"
    path = _write(tmp_path, "big.csv", f'text\n{big}\n"{html}"\n')
    first, second = _mentions(_run(path))
    assert first.text == big
    assert second.text == html


def test_line_numbers_count_multiline_quoted_fields(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "m.csv",
        'text,created_at\n"line one\nline two\nline three",2026-03-01\n"x\ny",nope\nok,2026-03-01\n',
    )
    batches = _run(path)
    assert _mentions(batches)[0].text == "line one\nline two\nline three"
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 5, column 'created_at'")
    assert _mentions(batches)[0].raw == {"file": str(path), "line": 2}


def test_resume_from_a_cursor_yields_exactly_the_rest(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", "text\n" + "".join(f"row {i}\n" for i in range(10)))
    batches = _run(path, batch_size=3)
    assert [len(b.mentions) for b in batches] == [3, 3, 3, 1]
    resumed = _run(path, batches[1].cursor, batch_size=3)
    assert _mentions(resumed) == _mentions(batches)[6:]
    assert _run(path, batches[-1].cursor) == []


def test_appended_rows_are_picked_up_and_a_new_export_starts_over(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.jsonl", '{"text": "one"}\n{"text": "two"}\n')
    done = _run(path)[-1].cursor
    with path.open("a") as handle:
        handle.write('{"text": "three"}\n')
    assert [m.text for m in _mentions(_run(path, done))] == ["three"]
    path.write_text('{"text": "new export"}\n')
    assert [m.text for m in _mentions(_run(path, done))] == ["new export"]


def test_reimport_gives_the_same_external_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", "text,author_name\nsame words,Ann\nother,Bo\n")
    first = [m.external_id for m in _mentions(_run(path))]
    again = [m.external_id for m in _mentions(_run(path))]
    assert first == again
    assert len(set(first)) == 2
    assert first[0].startswith("sha256-")


def test_missing_text_column_names_the_columns_and_the_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "id,body,date\n1,hi,2026-03-01\n")
    with pytest.raises(InputError) as info:
        _run(path)
    message = str(info.value)
    assert "'id', 'body', 'date'" in message
    assert "--map text=COLUMN" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [("missing.csv", "no such file"), ("folder.csv", "is a directory"), ("x.txt", "extension")],
)
def test_unusable_files_raise_input_error(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "x.txt").write_text("text\nhi\n")
    with pytest.raises(InputError, match=expected):
        _run(tmp_path / name)


def test_tsv_is_tab_delimited(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.tsv", "id\ttext\n1\thello, world\n")
    assert _mentions(_run(path))[0].text == "hello, world"


def test_unknown_mapping_field_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown field"):
        FileOptions(path=tmp_path / "x.csv", mapping={"body": "text"})


# --- resume, limits, repeats and ratings: no row is lost without a word -----------------


def _tickets(count: int, bad: int | None = None) -> str:
    """A CSV export of ``count`` tickets of ~100 bytes each; ticket ``bad`` has an unreadable date."""
    rows = [
        f"T-{i},ticket {i}: my parcel never arrived and nobody answers the phone,"
        f"{'yesterday' if i == bad else '2026-03-01T10:00:00Z'}\n"
        for i in range(count)
    ]
    return "id,text,created_at\n" + "".join(rows)


def test_a_row_fixed_past_the_first_64_kib_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", _tickets(2000, bad=1500))
    assert path.read_bytes().index(b"yesterday") > 2 * 64 * 1024  # far past the old 64 KiB fingerprint
    first = _run(path, batch_size=100)
    assert len(_mentions(first)) == 1999
    (reject,) = _rejected(first)
    assert reject.startswith(f"{path} line 1502, column 'created_at'")
    # Unchanged, the bad row is read (and reported) again, and nothing before it is:
    # the last checkpoint is the end of the batch before it (line 1501).
    again = _run(path, first[-1].cursor, batch_size=100)
    assert _rejected(again) == [reject]
    assert [m.external_id for m in _mentions(again)][:1] == ["T-1501"]
    # Fixed, it is imported: the message "fix them and import again" is true.
    path.write_text(_tickets(2000), encoding="utf-8")
    fixed = _run(path, first[-1].cursor, batch_size=100)
    assert _rejected(fixed) == []
    assert "T-1500" in {m.external_id for m in _mentions(fixed)}
    assert _run(path, fixed[-1].cursor, batch_size=100) == []  # then nothing is left to read


def test_a_file_changed_in_the_middle_is_read_again_from_the_change(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", _tickets(1000))
    done = _run(path, batch_size=100)[-1].cursor
    path.write_text(_tickets(1000).replace("ticket 700:", "ticket seven hundred:"), encoding="utf-8")
    again = _mentions(_run(path, done, batch_size=100))
    assert again[0].external_id == "T-700"  # the checkpoint before the change, not the start
    assert len(again) == 300


def test_an_old_v1_cursor_reads_the_file_from_the_start(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.csv", _tickets(10))
    old = Cursor("v1;head=1024:0123456789abcdef;items=10")
    assert len(_mentions(_run(path, old))) == 10


def test_a_repeated_id_is_rejected_with_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", "id,text\n1,first version\n2,other\n1,second version\n")
    batches = _run(path)
    assert [m.text for m in _mentions(batches)] == ["first version", "other"]
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 4, column 'id': id '1' is also on line 2, which is the one imported")


def test_a_repeated_row_without_id_is_rejected_not_merged(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.jsonl", '{"text": "same"}\n{"text": "other"}\n{"text": "same"}\n')
    batches = _run(path, batch_size=1)
    assert [m.text for m in _mentions(batches)] == ["same", "other"]
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 3: the same row as line 1")


def test_strict_mode_counts_repeated_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", "id,text\n1,a\n1,b\n")
    with pytest.raises(InputError, match="1 bad row"):
        _run(path, strict=True)


@pytest.mark.parametrize(("rating", "accepted"), [("1", True), ("5", True), ("4.5", True), ("0", False), ("6", False)])
def test_ratings_outside_the_scale_are_rejected_with_the_line(tmp_path: Path, rating: str, accepted: bool) -> None:
    path = _write(tmp_path, "r.csv", f"id,text,rating\n1,fine,3\n2,rated,{rating}\n")
    batches = _run(path)
    if accepted:
        assert _rejected(batches) == [] and _mentions(batches)[1].rating == float(rating)
    else:
        (reject,) = _rejected(batches)
        assert reject.startswith(f"{path} line 3, column 'rating': rating {rating} is outside the scale 1 to 5")
        assert "--rating-scale" in reject


def test_a_rating_scale_of_the_file_is_honoured(tmp_path: Path) -> None:
    path = _write(tmp_path, "nps.csv", "id,text,rating\n1,fine,0\n2,great,10\n3,odd,11\n")
    batches = _run(path, rating_scale=(0, 10))
    assert [m.rating for m in _mentions(batches)] == [0.0, 10.0]
    (reject,) = _rejected(batches)
    assert "line 4, column 'rating': rating 11 is outside the scale 0 to 10" in reject
    with pytest.raises(ValueError, match="lowest < highest"):
        FileOptions(path=path, rating_scale=(5, 1))


def test_an_over_long_line_is_rejected_with_its_line_and_the_rest_imported(tmp_path: Path) -> None:
    long = json.dumps({"text": "x" * 10_000})
    path = _write(tmp_path, "l.jsonl", f'{{"text": "one"}}\n{long}\n{{"text": "two"}}\n')
    batches = _run(path, max_row_size=4096)
    assert [m.text for m in _mentions(batches)] == ["one", "two"]
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 2: the row is longer than 4,096 bytes (max_row_size)")


def test_a_runaway_csv_quote_is_bounded_and_names_its_line(tmp_path: Path) -> None:
    lines = ["text", "fine", '"an unclosed quote'] + [f"more text {i}" for i in range(1000)]
    path = _write(tmp_path, "q.csv", "\n".join(lines) + "\n")
    batches = _run(path, max_row_size=2048)
    assert _mentions(batches)[0].text == "fine"
    assert _rejected(batches)[0].startswith(f"{path} line 3: the row is longer than 2,048 characters")


def test_a_huge_file_without_line_breaks_costs_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "zeros.jsonl"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # 64 MiB of NUL bytes, no newline
    tracemalloc.start()
    try:
        batches = _run(path, max_row_size=1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (reject,) = _rejected(batches)
    assert reject.startswith(f"{path} line 1: the row is longer than 1,048,576 bytes")
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "rows.jsonl"
        os.mkfifo(path)  # nobody writes: opening it would block forever
    else:
        path = Path("/dev/zero")
    with pytest.raises(InputError, match="is not a regular file"):
        _run(path, format="jsonl")


def test_the_cursor_stays_small_however_long_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "many.jsonl", "".join(json.dumps({"text": f"row {i}"}) + "\n" for i in range(1000)))
    batches = _run(path, batch_size=5)
    cursor = batches[-1].cursor
    assert cursor.value is not None and cursor.value.count(",") < 64
    assert _run(path, cursor) == []
    path.write_text(path.read_text().replace('"row 990"', '"row nine hundred ninety"'))
    again = [m.text for m in _mentions(_run(path, cursor))]
    assert "row nine hundred ninety" in again
    assert len(again) < 100  # read again from a checkpoint near the change, not from the start


def test_json_nested_too_deeply_is_a_rejected_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.jsonl", "[" * 100_000 + "\n" + '{"text": "fine"}\n')
    batches = _run(path)
    assert [m.text for m in _mentions(batches)] == ["fine"]
    assert _rejected(batches)[0].startswith(f"{path} line 1: not valid JSON")
