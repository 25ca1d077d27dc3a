"""`cxpulse trends`, run the way an analyst runs it: outputs a BI tool reads, and one clear
line with exit code 1 for every bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from testkit.trends import seed

from storage import Store

RANGE = ("--since", "2026-10-19", "--until", "2026-11-08", "--tz", "Europe/Berlin")
CONFIG = """
[[brands]]
name = "Acme"
query = "acme"
competitors = ["Globex"]

[[brands]]
name = "Globex"
query = "globex"

[reporting]
timezone = "Europe/Berlin"
"""


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'trends.db'}"
    store = Store.open(url)
    store.upgrade()
    seed(store)
    store.dispose()
    yield url


def test_csv_has_stable_columns_and_the_numbers(cli: Any, db: str) -> None:
    result = cli(
        "--db", db, "trends", *RANGE, "--dims", "brand", "--metrics", "mentions,net_sentiment", "--format", "csv"
    )
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0]) == [
        "period_start", "period_end", "brand", "mentions", "mentions_change", "net_sentiment", "net_sentiment_change",
    ]  # fmt: skip
    assert [(r["period_start"][:10], r["brand"], r["mentions"]) for r in rows] == [
        ("2026-10-19", "Acme", "1"),
        ("2026-10-19", "Globex", "1"),
        ("2026-10-26", "Acme", "3"),
        ("2026-10-26", "Globex", "1"),
        ("2026-11-02", "Acme", "0"),
        ("2026-11-02", "Globex", "0"),
    ]
    assert rows[0]["period_start"] == "2026-10-19 00:00:00+02:00"


def test_the_reporting_time_zone_and_competitors_come_from_config(cli: Any, db: str, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    result = cli(
        "--db", db, "trends", "--since", "2026-10-19", "--until", "2026-11-08", "--dims", "brand",
        "--metrics", "share_of_voice", "--brand", "Acme", "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows[0]["period_start"] == "2026-10-19T00:00:00+02:00"
    assert [r["share_of_voice"] for r in rows] == [0.5, 0.75, None]


def test_parquet_and_wide_to_a_file(cli: Any, db: str, tmp_path: Path) -> None:
    out = tmp_path / "weekly.parquet"
    result = cli("--db", db, "trends", *RANGE, "--dims", "sentiment", "--wide", "--format", "parquet", "-o", str(out))
    assert result.code == 0, result.err
    frame = pd.read_parquet(out)
    assert list(frame["mentions|positive"]) == [1, 1, 0]
    assert str(frame["period_start"].dt.tz) == "Europe/Berlin"


def test_the_table_for_people(cli: Any, db: str) -> None:
    result = cli("--db", db, "trends", *RANGE, "--metrics", "mentions,avg_rating")
    assert result.code == 0, result.err
    assert "2026-10-26 00:00" in result.out and "3.5" in result.out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--dims", "brand,colour"), "unknown dimension 'colour'; valid dimensions: brand, source, channel"),
        (("--metrics", "nps"), "unknown metric 'nps'; valid metrics: mentions, unique_authors"),
        (("--since", "2026-11-01", "--until", "2026-10-01"), "--since 2026-11-01 is not before --until 2026-10-01"),
        (("--tz", "Mars/Olympus"), "'Mars/Olympus' is not an IANA time zone"),
        (("--since", "2020-01-01", "--until", "2020-01-31"), "no mentions from 2019-12-30 00:00"),
        (("--since", "yesterday-ish"), "--since 'yesterday-ish' is not a time"),
        (("--metrics", "share_of_voice"), "add brand to the dimensions"),
        (("--brand", "Nobody", "--since", "2026-10-01"), "no mentions of Nobody"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_1(cli: Any, db: str, args: tuple[str, ...], says: str) -> None:
    result = cli("--db", db, "trends", *args)
    assert result.code == 1
    assert result.err.startswith("error: ") and says in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_a_store_without_classifications(cli: Any, db: str) -> None:
    store = Store.open(db)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM classifications")
    store.dispose()
    result = cli("--db", db, "trends", *RANGE, "--metrics", "mentions,shortfall_rate")
    assert result.code == 1 and "no classifications yet; run `cxpulse classify` first" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_an_unknown_period_is_a_usage_error(cli: Any, db: str) -> None:
    result = cli("--db", db, "trends", "--by", "fortnight")
    assert result.code == 2 and "fortnight" in result.err


def test_the_cli_starts_without_pandas() -> None:
    root = Path(__file__).resolve().parents[2]
    code = "import sys, cxpulse, cxpulse.cli.main; assert 'pandas' not in sys.modules, 'pandas imported at start'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
