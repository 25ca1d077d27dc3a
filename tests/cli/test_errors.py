"""No traceback reaches a user: the inputs that used to end in one now get one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CONFIG = """\
[[brands]]
name = "Acme"
query = "acme"

[[sources]]
type = "demo"
options = { count = 30 }
"""


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def ready(cli: Any, tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    assert cli("init").code == 0
    return tmp_path


@pytest.mark.parametrize("text", ["a = " + "[" * 500 + "]" * 500, "[database]\nurl = 'sqlite=:///x.db'\n"])
def test_config_check_on_a_broken_file_is_a_problem_not_a_crash(cli: Any, tmp_path: Path, text: str) -> None:
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    result = cli("config", "check")
    assert result.code == 1
    assert "Traceback" not in result.err and result.err.startswith(f"error: {tmp_path / 'config.toml'}")


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "1000000d"],
        ["--since", "99999999999999999999w"],
        ["--until", "9999-12-31"],
        ["--offset", "99999999999999999999"],
    ],
)
def test_out_of_range_search_options_are_usage_errors(cli: Any, ready: Path, args: list[str]) -> None:
    result = cli("search", "acme", *args)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and "Error: Invalid value" in result.err


def test_a_read_only_store_is_one_clear_line(cli: Any, ready: Path) -> None:
    url = f"sqlite:///file:{ready / 'cxpulse.db'}?mode=ro&uri=true"
    (ready / "tickets.csv").write_text("id,text\n1,acme refund\n", encoding="utf-8")
    imported = cli("--db", url, "import", "tickets.csv", "--brand", "Acme")
    assert imported.code == 1
    assert "read-only" in one_error_line(imported.err)
    collected = cli("--db", url, "collect")
    assert collected.code == 1 and "Traceback" not in collected.err
    assert "read-only" in collected.out and "was not recorded" in collected.err


def test_an_unexpected_error_is_one_line_and_its_traceback_only_with_vv(
    cli: Any, ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("cxpulse.cli.commands.search.search_mentions", broken)
    result = cli("search", "acme")
    assert result.code == 1
    assert one_error_line(result.err).startswith("error: unexpected RuntimeError: boom; this is a bug in cxpulse")
    assert "Traceback" in cli("-vv", "search", "acme").err


def test_config_check_shows_every_problem_and_masks_a_query_string_password(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        CONFIG + '\n[smtp]\nhost = "h"\nsender = "x@example.com"\nusername = "u"\npassword = { env = "UNSET_PW" }\n'
        '\n[alerts]\nwebhook = { env = "UNSET_HOOK" }\n',
        encoding="utf-8",
    )
    result = cli("--db", "postgresql://cx@127.0.0.1:1/cx?password=hunter22", "config", "check", "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert [p.split(":")[-1].strip() for p in report["problems"]] != []
    assert sum("is not set" in p for p in report["problems"]) == 2
    assert report["config"]["database"]["url"] == "postgresql://cx@127.0.0.1:1/cx?password=***"
    assert "hunter22" not in result.out + result.err
    assert result.err.count("error: ") == 3  # each problem, then the summary line
