"""`cxpulse classify`, `reclassify`, `classify-file` and the search filters, as a user runs them.

These load the real packaged model (once per process: the CLI keeps it).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ADMIN_URL = os.environ.get("CXPULSE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OUTPUT_KEYS = {
    "sentiment",
    "sentiment_scores",
    "topics",
    "topic_scores",
    "expectation_gap",
    "gap_score",
    "gap_evidence",
    "emotion",
    "flagged",
    "model_version",
}
CONFIG = """\
[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair) -"northwind traders" -airdrop'

[[sources]]
type = "demo"
options = { count = 80, batch_size = 40, anchor = "2026-11-23T12:00:00Z" }
"""
TOPICS_ONLY = """\
[[topics]]
name = "baggage"
description = "checked bags lost, delayed or damaged at the airport"
examples = ["lost my suitcase", "bag never arrived"]

[[topics]]
name = "food"
description = "meals and snacks served on board"
"""


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_classify_file_keeps_every_line_and_key(cli, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "t1", "text": "You promised a refund two weeks ago and I still have nothing", "lang": "en"},
            {"id": 2, "text": "Lovely crew, thanks!", "meta": {"stars": 5}},
            {"id": "t3", "text": ""},
            {"id": "t4", "text": "Lovely crew, thanks!"},
        ],
    )
    result = cli("classify-file", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.code == 0, result.err
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [line["id"] for line in out] == ["t1", 2, "t3", "t4"]
    assert out[0]["lang"] == "en" and out[1]["meta"] == {"stars": 5}
    for line in out:
        assert OUTPUT_KEYS <= set(line)
        assert line["sentiment"] in ("negative", "neutral", "positive")
        assert all(span in str(line["text"]) for span in line["gap_evidence"])  # type: ignore[union-attr]
    assert out[0]["sentiment"] == "negative" and out[0]["flagged"] is True
    assert {k: v for k, v in out[1].items() if k not in ("id", "meta")} == {
        k: v for k, v in out[3].items() if k != "id"
    }
    assert "classified 4 mentions" in result.out and "mentions/s" in result.out


def test_classify_file_with_a_topics_only_config(cli, tmp_path: Path) -> None:
    topics = tmp_path / "topics.toml"
    topics.write_text(TOPICS_ONLY, encoding="utf-8")
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "my suitcase never arrived in Lisbon"}])
    result = cli("classify-file", str(source), "-o", str(tmp_path / "out.jsonl"), "--config", str(topics))
    assert result.code == 0, result.err
    [line] = read_jsonl(tmp_path / "out.jsonl")
    assert line["topics"] == ["baggage"]
    assert set(line["topic_scores"]) == {"baggage", "food"}  # type: ignore[arg-type]
    assert not (tmp_path / "cxpulse.db").exists()  # no database was needed


def test_classify_file_skips_bad_lines_like_import(cli, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": 1, "text": "fine"}, "{not json", {"id": 3}, "", {"id": 5, "text": "also fine"}, "[1, 2]"],
    )
    out = tmp_path / "out.jsonl"
    result = cli("classify-file", str(source), "-o", str(out))
    assert result.code == 1
    assert f"{source} line 2: not valid JSON" in result.err
    assert f'{source} line 3: no "text"' in result.err
    assert f"{source} line 6: a JSON list, not an object" in result.err
    assert [line["id"] for line in read_jsonl(out)] == [1, 5]

    strict = cli("classify-file", str(source), "-o", str(tmp_path / "strict.jsonl"), "--strict")
    assert strict.code == 1 and "line 2" in strict.err and strict.err.startswith("error: ")
    assert not (tmp_path / "strict.jsonl").exists()
    assert not list(tmp_path.glob(".strict.jsonl.*"))  # no partial file left behind


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cx.db'}"
        return
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}")
    name = f"cxpulse_cli_{os.getpid()}_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def search(cli, db_url: str, *args: str) -> list[dict[str, object]]:
    result = cli("--db", db_url, "search", "--json", "-n", "1000", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_collect_classify_reclassify_and_filter(cli, tmp_path: Path, db_url: str) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    assert cli("--db", db_url, "init").code == 0
    collected = cli("--db", db_url, "collect", "--classify")
    assert collected.code == 0, collected.err
    assert "flagged" in collected.out and "mentions/s" in collected.out
    everything = search(cli, db_url)
    assert everything and all(h["classification"] is not None for h in everything)

    again = cli("--db", db_url, "classify", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["classified"] == 0  # incremental: nothing left

    redo = json.loads(cli("--db", db_url, "reclassify", "--json").out)
    assert redo["classified"] == len(everything)
    assert json.loads(cli("--db", db_url, "reclassify", "--model-version", "nope", "--json").out)["classified"] == 0

    flagged = search(cli, db_url, "--flagged")
    calm = search(cli, db_url, "--no-flagged")
    assert len(flagged) + len(calm) == len(everything) and flagged
    assert all(h["classification"]["flagged"] for h in flagged)  # type: ignore[index]
    negative = search(cli, db_url, "--sentiment", "negative")
    assert negative and all(h["classification"]["sentiment"] == "negative" for h in negative)  # type: ignore[index]
    shortfalls = search(cli, db_url, "--gap", "shortfall", "--gap", "exceeded")
    assert all(h["classification"]["expectation_gap"] in ("shortfall", "exceeded") for h in shortfalls)  # type: ignore[index]
    topic = next(t for h in everything for t in h["classification"]["topics"])  # type: ignore[index]
    with_topic = search(cli, db_url, "--topic", topic)
    assert with_topic and all(topic in h["classification"]["topics"] for h in with_topic)  # type: ignore[index]
    assert search(cli, db_url, "--topic", "no-such-topic") == []

    table = cli("--db", db_url, "search", "--flagged", "-n", "3")
    assert table.code == 0 and "sentiment" in table.out and "gap" in table.out


def test_search_bad_sentiment_is_a_usage_error(cli) -> None:
    result = cli("search", "--sentiment", "angry")
    assert result.code == 2 and "negative" in result.err


@pytest.mark.parametrize("how", ["same path", "relative path", "symlink", "hard link"])
def test_classify_file_refuses_to_write_over_its_input(cli, tmp_path: Path, how: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "my bag never arrived"}])
    before = source.read_bytes()
    output = {
        "same path": source,
        "relative path": Path("in.jsonl"),  # the cli fixture runs in tmp_path
        "symlink": tmp_path / "link.jsonl",
        "hard link": tmp_path / "hard.jsonl",
    }[how]
    if how == "symlink":
        output.symlink_to(source)
    elif how == "hard link":
        os.link(source, output)
    result = cli("classify-file", str(source), "-o", str(output))
    assert result.code == 1
    assert "is the input file itself" in result.err and "-o labelled.jsonl" in result.err
    assert source.read_bytes() == before
