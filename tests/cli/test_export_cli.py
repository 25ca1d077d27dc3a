"""`cxpulse export mentions` as an analyst runs it: data on stdout or in the -o file, progress and the
count on stderr, one clear line and exit code 1 for bad input. Seeded directly (no model is loaded),
on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
import pyarrow.parquet as pq
import pytest

from classifiers.settings import ClassifiersConfig
from cxpulse.app.classify import current_model_version
from cxpulse.cli.main import cli as cxpulse_cli
from foundation.labels import Classification
from foundation.mentions import Cursor
from storage import EXPORT_COLUMNS, Store

TEXTS = {
    "late": "Acme lost my parcel, refund please",
    "formula": "=1+1 acme rocks",
    "happy": "acme support was lovely",
}


def _label(version: str, sentiment: str, flagged: bool) -> Classification:
    return Classification(
        sentiment=sentiment,
        sentiment_scores={sentiment: 0.9},
        topics=("delivery",) if flagged else (),
        topic_scores={"delivery": 0.8},
        expectation_gap="shortfall" if flagged else "none",
        gap_score=0.8,
        gap_evidence=(),
        emotion="anger",
        emotion_scores={"anger": 0.5},
        flagged=flagged,
        model_version=version,
    )


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def seeded(store: Store, mention: Any) -> str:
    """The store's URL: three mentions classified by the version the CLI reads, one flagged."""
    version = current_model_version(ClassifiersConfig()) or "cx-test"
    store.save_batch(
        [mention(key, text) for key, text in TEXTS.items()], source="twitter", brand="Acme", cursor=Cursor()
    )
    ids = {row.text: row.id for row in store.mentions_to_classify(version)}
    store.save_classifications(
        [
            (ids[TEXTS["late"]], _label(version, "negative", True)),
            (ids[TEXTS["formula"]], _label(version, "positive", False)),
            (ids[TEXTS["happy"]], _label(version, "positive", False)),
        ]
    )
    return _url(store)


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def test_csv_goes_to_stdout_and_the_count_to_stderr(cli: Any, seeded: str) -> None:
    result = cli("--db", seeded, "export", "mentions", "--brand", "Acme")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert {row["text"] for row in rows} == {TEXTS["late"], "'" + TEXTS["formula"], TEXTS["happy"]}
    assert "3 mentions exported as csv" in result.err


def test_the_progress_bar_is_on_stderr_never_in_the_data(
    cli: Any, seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal: the bar is drawn
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    result = cli("--db", seeded, "export", "mentions", "--format", "jsonl")
    assert result.code == 0, result.err
    assert "exporting mentions" in result.err
    lines = result.out.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["brands"] == ["Acme"] for line in lines)


def test_filters_and_a_query_work_as_in_search(cli: Any, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "flagged.parquet"
    result = cli("--db", seeded, "export", "mentions", "refund", "--flagged", "--gap", "shortfall", "-o", str(out))
    assert result.code == 0, result.err
    assert result.out == ""
    [row] = pq.read_table(out).to_pylist()
    assert row["text"] == TEXTS["late"] and row["triage_status"] == "open" and row["topics"] == ["delivery"]
    assert f"1 mentions exported as parquet to {out}" in result.err
    searched = cli("--db", seeded, "search", "refund", "--flagged", "--gap", "shortfall", "--json")
    assert [hit["id"] for hit in json.loads(searched.out)] == [row["id"]]


def test_nothing_matching_is_a_header_and_zero_mentions(cli: Any, seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "none.csv"
    result = cli("--db", seeded, "export", "mentions", "--brand", "Initech", "-o", str(out))
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").strip() == ",".join(column.name for column in EXPORT_COLUMNS)
    assert "0 mentions exported" in result.err


def test_parquet_is_refused_on_a_terminal_but_piped(cli: Any, seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", pipe)
        piped = cli("--db", seeded, "export", "mentions", "--format", "parquet")
    assert piped.code == 0, piped.err
    assert pq.read_table(io.BytesIO(pipe.buffer.getvalue())).num_rows == 3  # type: ignore[attr-defined]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = cli("--db", seeded, "export", "mentions", "--format", "parquet")
    assert result.code == 1
    assert "-o FILE.parquet" in one_error_line(result.err)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "xlsx"], "installed formats: csv, jsonl, parquet"),
        (["-o", "missing/folder/x.csv"], "does not exist"),
        (["-o", "."], "folder"),
        (["(refund"], "query"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_1(cli: Any, seeded: str, args: list[str], says: str) -> None:
    result = cli("--db", seeded, "export", "mentions", *args)
    assert result.code == 1, result.err
    assert says in one_error_line(result.err)
    assert result.out == ""


def test_an_unwritable_output_is_one_line(cli: Any, seeded: str, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = cli("--db", seeded, "export", "mentions", "-o", str(locked / "x.csv"))
    finally:
        locked.chmod(0o700)
    if os.geteuid() != 0:  # root may write anywhere
        assert result.code == 1 and "permission denied" in one_error_line(result.err)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("--db", seeded, "export", "mentions", "-o", str(blocker / "x.csv"))  # not writable even for root
    assert result.code == 1 and str(blocker) in one_error_line(result.err)


def test_a_store_without_classifications_says_to_classify(cli: Any, store: Store, mention: Any) -> None:
    store.save_batch([mention("1", "acme refund")], source="twitter", brand="Acme", cursor=Cursor())
    result = cli("--db", _url(store), "export", "mentions")
    assert result.code == 1
    assert "cxpulse classify" in one_error_line(result.err)
    allowed = cli("--db", _url(store), "export", "mentions", "--allow-unclassified", "--format", "jsonl")
    assert allowed.code == 0 and json.loads(allowed.out)["sentiment"] is None


def test_a_bad_date_is_a_usage_error_as_in_search(cli: Any, seeded: str) -> None:
    for command in (["search"], ["export", "mentions"]):
        result = cli("--db", seeded, *command, "--since", "yesterday-ish")
        assert result.code == 2 and "is not a date" in result.err and "Traceback" not in result.err


def test_export_and_search_take_the_same_filters() -> None:
    def options(command: click.Command) -> set[str]:
        return {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}

    search = cxpulse_cli.commands["search"]
    export = cxpulse_cli.commands["export"]
    assert isinstance(export, click.Group)
    own = {"--format", "-f", "--output", "-o", "--raw-cells", "--allow-unclassified"}
    paging = {"--limit", "-n", "--offset", "--json"}
    assert options(export.commands["mentions"]) - own == options(search) - paging
