"""The import use case end to end, on SQLite and PostgreSQL: every row of a file is stored,
already stored, or reported with its line; none is lost without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxpulse.app.imports import import_file
from cxpulse.config import Settings
from foundation.errors import InputError
from foundation.query import parse
from storage import SearchFilters, Store

SETTINGS = Settings()


def _export(count: int, *, bad: int | None = None, prefix: str = "ticket") -> str:
    rows = [
        f"T-{i},{prefix} {i}: my parcel never arrived and nobody answers the phone,"
        f"{'yesterday' if i == bad else '2026-03-01T10:00:00Z'}\n"
        for i in range(count)
    ]
    return "id,text,created_at\n" + "".join(rows)


def _stored(store: Store, source: str = "import") -> int:
    return store.count(parse("parcel"), SearchFilters(sources=(source,)))


def test_a_fixed_row_past_64_kib_is_stored_on_the_next_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(_export(3000, bad=2500), encoding="utf-8")
    assert path.read_bytes().index(b"yesterday") > 64 * 1024
    first = import_file(SETTINGS, store, path, "Acme")
    assert (first.stored, len(first.rejected)) == (2999, 1)
    assert "line 2502, column 'created_at'" in first.rejected[0]
    path.write_text(_export(3000), encoding="utf-8")  # the user fixes the row, as told
    fixed = import_file(SETTINGS, store, path, "Acme")
    assert (fixed.stored, fixed.rejected) == (1, [])
    assert store.get_mention("import", "T-2500") is not None
    assert _stored(store) == 3000  # rows lost: 0
    assert import_file(SETTINGS, store, path, "Acme").fetched == 0  # nothing left to read


def test_a_repeated_id_in_one_file_is_rejected_not_dropped(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,text\n1,parcel lost\n2,parcel late\n1,parcel damaged\n", encoding="utf-8")
    result = import_file(SETTINGS, store, path, "Acme")
    assert result.stored == 2
    (reject,) = result.rejected
    assert "dup.csv line 4, column 'id': id '1' is also on line 2" in reject
    row = store.get_mention("import", "1")
    assert row is not None and row.text == "parcel lost"


def test_ids_reused_by_a_second_export_are_rejected_and_a_source_name_keeps_both(store: Store, tmp_path: Path) -> None:
    first = tmp_path / "helpdesk-a.csv"
    first.write_text(_export(5), encoding="utf-8")
    second = tmp_path / "helpdesk-b.csv"
    second.write_text(_export(5, prefix="other system ticket"), encoding="utf-8")
    assert import_file(SETTINGS, store, first, "Acme").stored == 5
    clash = import_file(SETTINGS, store, second, "Acme")
    assert (clash.stored, clash.reused_ids, len(clash.rejected)) == (0, 5, 5)
    assert clash.rejected[0].startswith(f"{second} line 2: id 'T-0' is already stored under source 'import'")
    assert "--source-name" in clash.rejected[0]
    # Not yet fixed: the next import says so again instead of skipping the rows.
    assert import_file(SETTINGS, store, second, "Acme").reused_ids == 5
    kept = import_file(SETTINGS, store, second, "Acme", source_name="helpdesk-b")
    assert (kept.stored, kept.rejected) == (5, [])
    assert _stored(store, "import") == 5 and _stored(store, "helpdesk-b") == 5
    # The same rows exported twice are already stored, not a clash.
    again = import_file(SETTINGS, store, first, "Acme")
    assert (again.stored, again.reused_ids, again.rejected) == (0, 0, [])


def test_a_rating_scale_is_passed_to_the_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nps.csv"
    path.write_text("id,text,rating\n1,parcel ok,0\n2,parcel great,10\n", encoding="utf-8")
    assert len(import_file(SETTINGS, store, path, "Acme").rejected) == 2
    result = import_file(SETTINGS, store, path, "Acme", rating_scale=(0, 10))
    assert (result.stored, result.rejected) == (2, [])
    with pytest.raises(InputError, match="rating_scale"):
        import_file(SETTINGS, store, path, "Acme", rating_scale=(10, 0))
