"""A property of importing, on SQLite and PostgreSQL: whatever the file holds and however it is
edited between imports, every row is in the store with its text or reported with its line by
the import that read it; once the rows are fixed as the messages say, everything is stored."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxpulse.app.collect import RunResult, collect_source
from foundation.mentions import BrandQuery
from foundation.query.ast import Phrase
from listener.settings import PipelineConfig
from listener.sources.file import FileOptions, FileSource
from storage import Store

BRAND = BrandQuery(name="Acme", query="", expression=Phrase(("Acme",)))
WORDS = ["parcel", "late", "refund", "crash", "seat", "bag", "lost", "great", "phone", "wait"]
PIPELINE = PipelineConfig(detect_language=False)  # language detection is beside the point, and slow
_names = itertools.count()


@dataclass
class Row:
    id: str
    text: str
    good_date: bool = True


rows_strategy = st.lists(
    st.builds(
        Row,
        id=st.sampled_from("abcdefghij"),
        text=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
        good_date=st.booleans() | st.just(True),
    ),
    min_size=1,
    max_size=25,
)


def _write(path: Path, rows: list[Row]) -> None:
    lines = [f"{r.id},{r.text},{'2026-03-01T10:00:00Z' if r.good_date else 'never'}\n" for r in rows]
    path.write_text("id,text,created_at\n" + "".join(lines), encoding="utf-8")


def _import(store: Store, path: Path, name: str, batch_size: int) -> RunResult:
    source = FileSource(name, FileOptions(path=path, batch_size=batch_size))
    return collect_source(source, BRAND, store, settings=PIPELINE)


def _assert_none_lost(store: Store, name: str, path: Path, rows: list[Row], result: RunResult) -> set[int]:
    """Every row is stored with its text, or reported with its line; returns the reported lines."""
    reported = {int(m.group(1)) for line in result.rejected if (m := re.search(r" line (\d+)", line))}
    for line, row in enumerate(rows, start=2):
        stored = store.get_mention(name, row.id)
        assert (stored is not None and stored.text == row.text) or line in reported, (line, row, result.rejected)
    return reported


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows_strategy,
    appended=rows_strategy,
    batch_size=st.integers(1, 6),
    edit_stored=st.booleans(),
)
def test_no_row_is_lost_across_imports_and_edits(
    store: Store, tmp_path: Path, rows: list[Row], appended: list[Row], batch_size: int, edit_stored: bool
) -> None:
    name = f"import-{next(_names)}"
    path = tmp_path / f"{name}.csv"
    _write(path, rows)
    first = _import(store, path, name, batch_size)
    _assert_none_lost(store, name, path, rows, first)
    assert first.stored + len(first.rejected) == len(rows)  # nothing silently dropped

    # The user does what the messages say: fix each bad date, give each repeated id its own
    # (the row imported keeps it), then appends more rows; maybe also edits a stored row's
    # text (which must be reported).
    fresh = (f"n{i}" for i in itertools.count())
    everything = [*rows, *appended]
    keeper: dict[str, int] = {}
    for index, row in enumerate(everything):
        stored = store.get_mention(name, row.id)
        if stored is not None and stored.text == row.text:
            keeper.setdefault(row.id, index)
    for index, row in enumerate(everything):
        keeper.setdefault(row.id, index)
    fixed = [Row(row.id if keeper[row.id] == i else next(fresh), row.text) for i, row in enumerate(everything)]
    edited = None
    if edit_stored and store.get_mention(name, fixed[0].id) is not None:
        edited = Row(fixed[0].id, fixed[0].text + " edited")
        fixed[0] = edited
    _write(path, fixed)
    second = _import(store, path, name, batch_size)
    reported = _assert_none_lost(store, name, path, fixed, second)
    assert reported == ({2} if edited else set())
    if edited:  # remove the edited row, as its message says, and import once more
        fixed = fixed[1:]
        _write(path, fixed)
        third = _import(store, path, name, batch_size)
        assert _assert_none_lost(store, name, path, fixed, third) == set()
    for row in fixed:
        stored = store.get_mention(name, row.id)
        assert stored is not None and stored.text == row.text
